/**
 * Inspecting the uploaded sources: per dataset its format and encoding, per layer the geometry
 * types, feature count, fields, extent, CRS and the coordinate heuristics, with warnings for what an
 * engineer must decide before writing the mapping spec.
 */
import { join } from 'node:path';
import { findCrs, getCrs } from '../gis/crs-registry.ts';
import { createAreaCheck, type Position } from '../gis/transform.ts';
import { findMunicipalCrs } from '../gis/municipal-registry.ts';
import { municipalRefusal, type MunicipalRefusal } from './municipal-area.ts';
import { coordinateHeuristics, matchWkt, type CoordinateHeuristics, type CrsMatch } from './crs-detect.ts';
import type { EncodingGuess } from './encoding.ts';
import {
  readFeatures,
  summarizeSource,
  vectorDrivers,
  type FieldInfo,
  type GdalTools,
  type SourceFeature,
} from './gdal.ts';
import {
  groupDatasets,
  openOptions,
  OPTIONAL_DRIVERS,
  withSourceFiles,
  type SourceFormat,
  type UploadedFile,
} from './sources.ts';

/** Features read per layer for geometry types, sample values and the coordinate heuristics. */
export const INSPECT_SAMPLE = 1_000;

export interface InspectHints {
  crs?: string;
  encoding?: string;
}

export interface LayerCrs extends CrsMatch {
  /** Where the CRS the conversion will assume comes from. */
  source: 'prj' | 'mif-coordsys' | 'source' | 'hint' | 'none';
  /** The municipal system the layer was declared in and refused for: its coordinates lie outside it. */
  refused?: MunicipalRefusal;
}

export interface InspectedLayer {
  name: string;
  featureCount: number;
  /** The dominant geometry type of the sampled features (GeoJSON names), or null when none has one. */
  geometryType: string | null;
  /** Sampled features per GeoJSON geometry type; `null` counts features without geometry. */
  geometryTypes: Record<string, number>;
  fields: FieldInfo[];
  extent: [number, number, number, number] | null;
  crs: LayerCrs;
  heuristics: CoordinateHeuristics;
  /** Sampled positions outside the CRS's area of use (after the axis swap the heuristics found). */
  outsideArea: number;
  /** Attribute values of the first features, decoded. */
  sample: Record<string, unknown>[];
}

export interface InspectedDataset {
  name: string;
  format: SourceFormat;
  files: string[];
  encoding: EncodingGuess;
  coordSys?: string;
  layers: InspectedLayer[];
}

export interface InspectionReport {
  files: string[];
  hints: InspectHints;
  datasets: InspectedDataset[];
  ignored: string[];
  warnings: string[];
}

function firstPosition(geometry: SourceFeature['geometry']): Position | null {
  let value: unknown = geometry?.coordinates;
  while (Array.isArray(value) && Array.isArray(value[0])) value = value[0];
  return Array.isArray(value) && typeof value[0] === 'number' && typeof value[1] === 'number'
    ? [value[0], value[1]]
    : null;
}

/** The first vertex of each of the first INSPECT_SAMPLE features: what the coordinate heuristics look at. */
export function samplePositions(features: readonly SourceFeature[]): Position[] {
  return features
    .slice(0, INSPECT_SAMPLE)
    .map((f) => firstPosition(f.geometry))
    .filter((p): p is Position => p !== null);
}

function layerCrs(wktMatch: CrsMatch, wkt: string | null, format: SourceFormat, hint: string | null): LayerCrs {
  if (wktMatch.code) {
    return {
      ...wktMatch,
      source: format === 'ESRI Shapefile' ? 'prj' : format === 'MapInfo MIF' ? 'mif-coordsys' : 'source',
    };
  }
  const hinted = hint ? (findCrs(hint) ?? findMunicipalCrs(hint)) : undefined;
  if (hinted) return { code: hinted.code, name: hinted.name, by: 'none', wktName: wktMatch.wktName, source: 'hint' };
  return { ...wktMatch, source: wkt ? 'source' : 'none' };
}

function countOutsideArea(positions: readonly Position[], crs: string, swapped: boolean): number {
  const check = createAreaCheck(crs);
  return positions.filter((p) => check(swapped ? [p[1], p[0]] : p) !== 'inside').length;
}

/** Inspects the uploaded files (read with GDAL in a temporary directory). */
export async function inspectSources(
  tools: GdalTools,
  files: readonly UploadedFile[],
  hints: InspectHints,
  onLayer: (dataset: string, layer: string) => void = () => undefined,
): Promise<InspectionReport> {
  const hintCrs = hints.crs?.trim() || null;
  const hintEncoding = hints.encoding?.trim() || null;
  const grouped = groupDatasets(files, hintEncoding);
  const { ignored, warnings } = grouped;
  const needed = grouped.datasets.filter((d) => OPTIONAL_DRIVERS[d.format] !== undefined);
  const drivers = needed.length > 0 ? await vectorDrivers(tools) : new Set<string>();
  const datasets = grouped.datasets.filter((dataset) => {
    const driver = OPTIONAL_DRIVERS[dataset.format];
    if (driver === undefined || drivers.has(driver)) return true;
    ignored.push(...dataset.files);
    warnings.push(
      `${dataset.name}: this GDAL has no ${driver} driver (ogrinfo --formats); install a GDAL build with it or convert the file first`,
    );
    return false;
  });
  if (hintCrs && !findCrs(hintCrs) && !findMunicipalCrs(hintCrs)) {
    warnings.push(`CRS hint ${hintCrs} is not in the CRS registry; ignored`);
  }
  const inspected = await withSourceFiles(files, datasets, async (dir) => {
    const out: InspectedDataset[] = [];
    for (const dataset of datasets) {
      const path = join(dir, dataset.name);
      const options = openOptions(dataset);
      const layers: InspectedLayer[] = [];
      for (const summary of await summarizeSource(tools, path, options)) {
        const features = await readFeatures(tools, dir, path, summary.name, options, INSPECT_SAMPLE);
        const geometryTypes: Record<string, number> = {};
        for (const f of features) {
          const type = f.geometry?.type ?? 'null';
          geometryTypes[type] = (geometryTypes[type] ?? 0) + 1;
        }
        const dominant = Object.entries(geometryTypes)
          .filter(([type]) => type !== 'null')
          .sort((a, b) => b[1] - a[1])[0];
        const positions = samplePositions(features);
        // RFC 7946 GeoJSON is WGS 84 and GDAL says so, but files in the wild carry projected metres
        // without a crs member: such a layer has no CRS until the customer names one.
        const notDegrees =
          dataset.format === 'GeoJSON' && positions.some(([x, y]) => Math.abs(x) > 180 || Math.abs(y) > 90);
        let crs = layerCrs(
          notDegrees ? matchWkt(null) : matchWkt(summary.wkt),
          notDegrees ? null : summary.wkt,
          dataset.format,
          hintCrs,
        );
        const heuristics = coordinateHeuristics(positions, crs.code);
        const where = `${dataset.name} layer ${summary.name}`;
        // A municipal system holds only around its tie points: a layer beyond them is not in it.
        const refused = crs.code ? municipalRefusal(crs.code, positions, summary.extent, heuristics.axes) : null;
        if (refused) {
          crs = { code: null, name: null, by: 'none', wktName: crs.wktName, source: 'none', refused };
          warnings.push(`${where}: ${refused.reason}`);
        }
        if (notDegrees) {
          warnings.push(
            `${where}: GeoJSON without a crs member but with coordinates in metres (e.g. ${positions[0]!.join(', ')}), ` +
              'not WGS 84 degrees as RFC 7946 requires; name the CRS (CRS hint or sourceCrs in the mapping spec)',
          );
        }
        const outsideArea = crs.code ? countOutsideArea(positions, crs.code, heuristics.axes === 'swapped') : 0;
        if (outsideArea > 0) {
          const area = getCrs(crs.code!).areaOfUse;
          warnings.push(
            `${where}: ${outsideArea} of ${positions.length} sampled positions are not in ${crs.code}'s area of use ` +
              `(${area.name}: ${area.south}–${area.north}°N, ${area.west}–${area.east}°E); extent found ` +
              `${summary.extent ? summary.extent.join(', ') : 'none'} (minX, minY, maxX, maxY); the conversion refuses ` +
              'such features — name the CRS the coordinates are in',
          );
        }
        if (!crs.code && !crs.refused) {
          warnings.push(
            summary.wkt
              ? `${where}: CRS ${JSON.stringify(crs.wktName)} is not in the CRS registry; give sourceCrs in the mapping spec`
              : `${where}: no CRS in the source and no hint; give sourceCrs in the mapping spec`,
          );
        }
        if (crs.source === 'hint' && heuristics.zone && !heuristics.zone.candidates.includes(crs.code!)) {
          warnings.push(`${where}: the eastings carry zone ${heuristics.zone.zone}, which ${crs.code} does not fit`);
        }
        if (heuristics.axes === 'swapped') {
          warnings.push(`${where}: X and Y are swapped (northing first); the conversion swaps them back`);
        } else if (heuristics.axes === 'ambiguous' && heuristics.judgedAgainst.length === 1) {
          // A city system's extent can straddle its diagonal: both orders lie in it.
          warnings.push(
            `${where}: both axis orders lie within ${heuristics.judgedAgainst[0]}; the conversion takes them as given ` +
              '(easting first) — set swapAxes in the mapping spec if the file has the northing first',
          );
        } else if (heuristics.axes === 'ambiguous') {
          warnings.push(
            `${where}: axis order fits several CRSs (${heuristics.judgedAgainst.join(', ')}); name the CRS to decide`,
          );
        }
        if (geometryTypes.null) warnings.push(`${where}: ${geometryTypes.null} sampled features have no geometry`);
        layers.push({
          name: summary.name,
          featureCount: summary.featureCount,
          geometryType: dominant?.[0] ?? null,
          geometryTypes,
          fields: summary.fields,
          extent: summary.extent,
          crs,
          heuristics,
          outsideArea,
          sample: features.slice(0, 3).map((f) => f.properties),
        });
        onLayer(dataset.name, summary.name);
      }
      out.push({ ...dataset, layers });
    }
    return out;
  });
  return { files: files.map((f) => f.name), hints, datasets: inspected, ignored, warnings };
}
