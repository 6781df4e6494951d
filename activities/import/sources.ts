/**
 * The customer's uploads as GDAL sources: files grouped into datasets (a Shapefile is its .shp with
 * .shx/.dbf/.prj/.cpg, a MIF its .mid), each with its format, its text encoding and the options
 * GDAL opens it with; written into a temporary directory for GDAL to read.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, extname, join } from 'node:path';
import {
  decode,
  encodingFromContent,
  encodingFromCpg,
  encodingFromDbf,
  encodingFromDxf,
  encodingFromMif,
  normalizeEncoding,
  type EncodingGuess,
} from './encoding.ts';
import type { OpenOptions } from './gdal.ts';

export type SourceFormat =
  'ESRI Shapefile' | 'MapInfo MIF' | 'MapInfo TAB' | 'GeoJSON' | 'CSV' | 'DXF' | 'GML' | 'GPKG' | 'SXF';

const MAIN: Record<string, SourceFormat> = {
  '.shp': 'ESRI Shapefile',
  '.mif': 'MapInfo MIF',
  '.geojson': 'GeoJSON',
  '.json': 'GeoJSON',
  '.csv': 'CSV',
  '.dxf': 'DXF',
  '.tab': 'MapInfo TAB',
  '.gml': 'GML',
  '.gpkg': 'GPKG',
  '.sxf': 'SXF',
};
const COMPANIONS: Record<string, readonly string[]> = {
  'ESRI Shapefile': ['.shx', '.dbf', '.prj', '.cpg'],
  'MapInfo MIF': ['.mid'],
  'MapInfo TAB': ['.dat', '.map', '.id', '.ind'],
  // GDAL's GML reader takes the schema beside the file (.xsd) or its own cache of one (.gfs).
  GML: ['.xsd', '.gfs'],
  // The classifier (.rsc) names the SXF's layers and attributes.
  SXF: ['.rsc'],
};

/** GDAL drivers a format needs beyond those every GDAL build has; the inspection checks `ogrinfo --formats`. */
export const OPTIONAL_DRIVERS: Partial<Record<SourceFormat, string>> = { SXF: 'SXF', GPKG: 'GPKG' };

/** Column names taken as coordinates in a CSV; the axis heuristics catch X/Y in Ukrainian order. */
const CSV_COORDINATES = {
  X_POSSIBLE_NAMES: 'X,EASTING,E,LON,LONG,LONGITUDE',
  Y_POSSIBLE_NAMES: 'Y,NORTHING,N,LAT,LATITUDE',
  KEEP_GEOM_COLUMNS: 'NO',
};

export interface UploadedFile {
  name: string;
  content: Buffer;
}

export interface SourceDataset {
  /** The main file's upload name (e.g. `pipes.shp`). */
  name: string;
  format: SourceFormat;
  /** Every upload the dataset consists of. */
  files: string[];
  encoding: EncodingGuess;
  /** The MIF header's CoordSys line, as the customer's software wrote it. */
  coordSys?: string;
}

const stem = (name: string) => basename(name, extname(name)).toLowerCase();
const ext = (name: string) => extname(name).toLowerCase();

/** Groups uploads into datasets; files that belong to none are returned as `ignored`. */
export function groupDatasets(
  files: readonly UploadedFile[],
  hint: string | null,
): { datasets: SourceDataset[]; ignored: string[]; warnings: string[] } {
  const warnings: string[] = [];
  const used = new Set<string>();
  const datasets: SourceDataset[] = [];
  const hinted = hint ? normalizeEncoding(hint) : null;
  if (hint && !hinted) warnings.push(`encoding hint ${JSON.stringify(hint)} is not a code page GDAL knows; ignored`);
  for (const file of files) {
    const format = MAIN[ext(file.name)];
    if (!format) continue;
    used.add(file.name);
    const companions = files.filter(
      (f) => f !== file && stem(f.name) === stem(file.name) && (COMPANIONS[format] ?? []).includes(ext(f.name)),
    );
    for (const c of companions) used.add(c.name);
    const companion = (e: string) => companions.find((c) => ext(c.name) === e);
    const dataset: SourceDataset = {
      name: file.name,
      format,
      files: [file.name, ...companions.map((c) => c.name)],
      encoding: { encoding: null, source: 'default' },
    };
    let found: EncodingGuess | null = null;
    if (format === 'ESRI Shapefile') {
      for (const missing of ['.shx', '.dbf'].filter((e) => !companion(e))) {
        warnings.push(`${file.name}: no ${missing} uploaded with it; GDAL may not read it`);
      }
      const cpg = companion('.cpg');
      const dbf = companion('.dbf');
      if (cpg) found = encodingFromCpg(cpg.content);
      if (!found?.encoding && dbf) found = encodingFromDbf(dbf.content);
    } else if (format === 'MapInfo TAB') {
      for (const missing of ['.dat', '.map', '.id'].filter((e) => !companion(e))) {
        warnings.push(`${file.name}: no ${missing} uploaded with it; GDAL may not read it`);
      }
      found = encodingFromMif(file.content);
    } else if (format === 'GML') {
      const declared = file.content
        .subarray(0, 200)
        .toString('latin1')
        .match(/encoding="([^"]+)"/)?.[1];
      found = {
        encoding: (declared && normalizeEncoding(declared)) || 'UTF-8',
        source: 'format',
        detail: 'XML declaration',
      };
    } else if (format === 'MapInfo MIF') {
      if (!companion('.mid')) warnings.push(`${file.name}: no .mid uploaded with it; attributes will be missing`);
      found = encodingFromMif(file.content);
      const coordSys = file.content
        .subarray(0, 16 * 1024)
        .toString('latin1')
        .match(/^\s*(CoordSys\s+[^\r\n]*)/im);
      if (coordSys) dataset.coordSys = coordSys[1]!.trim();
    } else if (format === 'DXF') {
      found = encodingFromDxf(file.content);
    } else if (format === 'GeoJSON') {
      found = { encoding: 'UTF-8', source: 'format', detail: 'GeoJSON is UTF-8 (RFC 7946)' };
    }
    if (found?.encoding) dataset.encoding = found;
    else if (hinted) dataset.encoding = { encoding: hinted, source: 'hint', detail: found?.detail };
    else if (format === 'CSV') dataset.encoding = encodingFromContent(file.content);
    else if (found) dataset.encoding = found;
    datasets.push(dataset);
  }
  const ignored = files.map((f) => f.name).filter((name) => !used.has(name));
  for (const name of ignored) warnings.push(`${name}: not a format the import reads (or no main file for it); ignored`);
  return { datasets, ignored, warnings };
}

/** How GDAL opens the dataset: the encoding passed explicitly, the CSV's coordinate columns. */
export function openOptions(dataset: SourceDataset): OpenOptions {
  const encoding = dataset.encoding.encoding;
  switch (dataset.format) {
    case 'ESRI Shapefile':
      return { config: encoding ? { SHAPE_ENCODING: encoding } : {}, open: {} };
    case 'MapInfo MIF':
    case 'MapInfo TAB':
      return { config: {}, open: encoding ? { ENCODING: encoding } : {} };
    case 'DXF':
      return { config: encoding ? { DXF_ENCODING: encoding } : {}, open: {} };
    case 'CSV':
      return { config: {}, open: CSV_COORDINATES };
    case 'GeoJSON':
    case 'GML':
    case 'GPKG':
    case 'SXF':
      return { config: {}, open: {} };
  }
}

/**
 * Writes the uploads into a fresh temporary directory under their own names (a CSV recoded to
 * UTF-8, which is all GDAL's CSV driver reads) and runs `work` there; the directory is removed after.
 */
export async function withSourceFiles<T>(
  files: readonly UploadedFile[],
  datasets: readonly SourceDataset[],
  work: (dir: string) => Promise<T>,
): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'potik-import-'));
  try {
    for (const file of files) {
      const safe = basename(file.name);
      const dataset = datasets.find((d) => d.name === file.name);
      const encoding = dataset?.encoding.encoding;
      const content =
        dataset?.format === 'CSV' && encoding && encoding !== 'UTF-8'
          ? Buffer.from(decode(file.content, encoding), 'utf8')
          : file.content;
      await writeFile(join(dir, safe), content);
    }
    return await work(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
