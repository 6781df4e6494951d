/**
 * GDAL as the reading engine of the import: `ogrinfo -so` for a layer's summary (parsed from its
 * text report, which GDAL 3.6 has no JSON form of) and `ogr2ogr` to GeoJSON for the features.
 * Both are spawned without a shell; the binaries are `OGRINFO`/`OGR2OGR` from the environment,
 * default on PATH.
 */
import { execFile } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fail } from '../project-schemas.ts';

const run = promisify(execFile);

export interface GdalTools {
  ogrinfo: string;
  ogr2ogr: string;
}

/** The GDAL binaries named by OGRINFO and OGR2OGR, else found on PATH. */
export function gdalTools(env: Record<string, string | undefined> = process.env): GdalTools {
  return { ogrinfo: env.OGRINFO?.trim() || 'ogrinfo', ogr2ogr: env.OGR2OGR?.trim() || 'ogr2ogr' };
}

/** How GDAL opens one source: the config options and open options its format and encoding need. */
export interface OpenOptions {
  config: Record<string, string>;
  open: Record<string, string>;
}

function optionArgs(options: OpenOptions): string[] {
  const args: string[] = [];
  for (const [key, value] of Object.entries(options.config)) args.push('--config', key, value);
  for (const [key, value] of Object.entries(options.open)) args.push('-oo', `${key}=${value}`);
  return args;
}

async function gdal(binary: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await run(binary, args, { maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' });
    return stdout;
  } catch (error) {
    const { code, stderr } = error as NodeJS.ErrnoException & { stderr?: string };
    if (code === 'ENOENT') {
      fail(
        `GDAL's ${binary} was not found: install gdal-bin (Debian/Ubuntu) or set OGRINFO/OGR2OGR to the binaries`,
        'gdal-missing',
      );
    }
    fail(
      `${binary} could not read the source: ${(stderr ?? String(error)).trim().slice(0, 2000)}`,
      'source-unreadable',
    );
  }
}

export interface FieldInfo {
  name: string;
  type: string;
}

/** What `ogrinfo -so` says of one layer. */
export interface LayerSummary {
  name: string;
  /** GDAL's geometry type name, e.g. "Line String", "Point", "Unknown (any)". */
  geometry: string;
  featureCount: number;
  /** [minX, minY, maxX, maxY] in the source's own coordinates, or null for an empty layer. */
  extent: [number, number, number, number] | null;
  /** The layer's CRS as WKT1, or null when the source has none. */
  wkt: string | null;
  fields: FieldInfo[];
}

/** Parses the text of `ogrinfo -so -al -wkt_format WKT1` into its layers. */
export function parseOgrinfo(text: string): LayerSummary[] {
  return text
    .split(/^Layer name: /m)
    .slice(1)
    .map((block) => {
      const lines = block.split('\n');
      const layer: LayerSummary = {
        name: lines[0]!.trim(),
        geometry: 'Unknown',
        featureCount: 0,
        extent: null,
        wkt: null,
        fields: [],
      };
      let wkt: string | null = null;
      let section: 'fields' | 'metadata' = 'fields';
      for (const line of lines.slice(1)) {
        if (wkt !== null) {
          if (wkt === '' && line.startsWith('(unknown)')) {
            wkt = null;
            continue;
          }
          wkt += line.trim();
          if (bracketDepth(wkt) === 0) {
            layer.wkt = wkt;
            wkt = null;
          }
          continue;
        }
        let match: RegExpMatchArray | null;
        if (line.startsWith('Metadata:')) section = 'metadata';
        else if (section === 'metadata' && line.startsWith('  ')) continue;
        else if ((match = line.match(/^Geometry: (.+)$/))) layer.geometry = match[1]!.trim();
        else if ((match = line.match(/^Feature Count: (-?\d+)/))) layer.featureCount = Number(match[1]);
        else if ((match = line.match(/^Extent: \(([-\d.e+]+), ([-\d.e+]+)\) - \(([-\d.e+]+), ([-\d.e+]+)\)/)))
          layer.extent = [Number(match[1]), Number(match[2]), Number(match[3]), Number(match[4])];
        else if (line.startsWith('Layer SRS WKT:')) wkt = '';
        else if (line.startsWith('(unknown)') || /^(Data axis|Geometry Column|FID Column|Coordinate epoch)/.test(line))
          continue;
        else if ((match = line.match(/^([^\s:][^:]*): (\w+(?:\(\w+\))?) \(/)))
          layer.fields.push({ name: match[1]!, type: match[2]! });
        if (!line.startsWith('Metadata:') && !line.startsWith('  ')) section = 'fields';
      }
      return layer;
    });
}

function bracketDepth(text: string): number {
  let depth = 0;
  for (const c of text) {
    if (c === '[') depth++;
    else if (c === ']') depth--;
  }
  return depth;
}

/** The vector drivers this GDAL has (`ogrinfo --formats`), by short name. */
export async function vectorDrivers(tools: GdalTools): Promise<Set<string>> {
  const text = await gdal(tools.ogrinfo, ['--formats']);
  return new Set([...text.matchAll(/^\s*(\S+)\s+-(?:raster,)?vector-/gm)].map((m) => m[1]!));
}

/** Summaries of every layer of a source. */
export async function summarizeSource(tools: GdalTools, path: string, options: OpenOptions): Promise<LayerSummary[]> {
  return parseOgrinfo(
    await gdal(tools.ogrinfo, ['-ro', '-so', '-al', '-wkt_format', 'WKT1', ...optionArgs(options), path]),
  );
}

export interface SourceFeature {
  properties: Record<string, unknown>;
  geometry: { type: string; coordinates: unknown } | null;
}

/**
 * The features of one layer, in the source's order and coordinates (no reprojection: the import
 * reprojects with the CRS registry's operations, which GDAL would choose differently). `limit`
 * reads only the first features.
 */
export async function readFeatures(
  tools: GdalTools,
  workDir: string,
  path: string,
  layer: string,
  options: OpenOptions,
  limit?: number,
): Promise<SourceFeature[]> {
  const out = join(workDir, `read-${process.hrtime.bigint()}.geojson`);
  const args = ['-f', 'GeoJSON', '-dim', 'XY', ...optionArgs(options), out, path, layer];
  if (limit !== undefined) args.push('-limit', String(limit));
  await gdal(tools.ogr2ogr, args);
  try {
    const collection = JSON.parse(await readFile(out, 'utf8')) as { features: SourceFeature[] };
    return collection.features;
  } finally {
    await rm(out, { force: true });
  }
}
