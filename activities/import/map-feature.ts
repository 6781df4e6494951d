/**
 * One source feature → CityCom rows, or a reject with its reason: the `where` filter, geometry
 * checks, axis swap and reprojection, field mapping with code lists and the domain checks
 * (diameter in the dictionary, material known, positive length). Pure; node building is separate.
 */
import { geometryProblem, polylineLength } from '../audit/geometry.ts';
import type { Point } from '../audit/model.ts';
import type { DictionaryEntryRow } from '../../db/project-schema.ts';
import { areaRefusal, createAreaCheck, createTransformer, type Position } from '../gis/transform.ts';
import type { SourceFeature } from './gdal.ts';
import { MATERIALS } from './catalog.ts';
import type { FieldMapping, ResolvedLayer } from './spec.ts';

/** What a converted feature carries before node building and storage. */
export interface MappedFeature {
  geometry: { type: 'Point'; coordinates: Point } | { type: 'LineString'; coordinates: Point[] };
  /** Column attributes (diameter_mm, material, …) and the rest. */
  columns: Record<string, string | number | null>;
  attributes: Record<string, unknown>;
  inventoryNumber: string | null;
}

export type MapResult = { ok: MappedFeature } | { reject: string };

const NUMERIC = new Set(['diameter_mm', 'install_year', 'roughness_mm', 'length_m', 'load']);

/** Whether the feature passes the layer's `where` filter. */
export function matchesWhere(properties: Record<string, unknown>, where: ResolvedLayer['mapping']['where']): boolean {
  if (!where) return true;
  return Object.entries(where).every(([field, wanted]) => {
    const value = properties[field];
    const options = Array.isArray(wanted) ? wanted : [wanted];
    return options.some((option) => String(option) === String(value ?? ''));
  });
}

function toNumber(value: unknown): number | null {
  if (value === null || value === undefined || value === '') return null;
  const n = typeof value === 'number' ? value : Number(String(value).trim().replace(',', '.'));
  return Number.isFinite(n) ? n : Number.NaN;
}

function lookupCode(codes: Record<string, string>, value: string): string | undefined {
  if (value in codes) return codes[value];
  const lower = value.toLowerCase();
  return Object.entries(codes).find(([key]) => key.toLowerCase() === lower)?.[1];
}

export interface MapContext {
  layer: ResolvedLayer;
  targetCrs: string;
  dictionaries: readonly DictionaryEntryRow[];
}

function singleLine(geometry: SourceFeature['geometry']): unknown {
  if (
    geometry?.type === 'MultiLineString' &&
    Array.isArray(geometry.coordinates) &&
    geometry.coordinates.length === 1
  ) {
    return { type: 'LineString', coordinates: geometry.coordinates[0] };
  }
  return geometry;
}

function firstPosition(geometry: unknown): readonly number[] | null {
  let value: unknown = (geometry as { coordinates?: unknown }).coordinates;
  while (Array.isArray(value) && Array.isArray(value[0])) value = value[0];
  return Array.isArray(value) && typeof value[0] === 'number' && typeof value[1] === 'number' ? value : null;
}

/** Converts one source feature, or says why it cannot be converted. */
export function mapFeature(feature: SourceFeature, context: MapContext): MapResult {
  const { layer, targetCrs, dictionaries } = context;
  const expected = layer.kind === 'section' ? 'LineString' : 'Point';
  const raw = layer.kind === 'section' ? singleLine(feature.geometry) : feature.geometry;
  if (raw === null || raw === undefined) return { reject: 'no geometry' };
  const problem = geometryProblem(raw, expected);
  if (problem) return { reject: `invalid geometry: ${problem}` };
  const convert = layer.sourceCrs === targetCrs ? null : createTransformer(layer.sourceCrs, targetCrs);
  const given = (p: readonly number[]): Position => (layer.swapAxes ? [p[1]!, p[0]!] : [p[0]!, p[1]!]);
  // One position per feature is enough to catch a wrong CRS or exchanged axes: they move the whole layer.
  const first = firstPosition(raw);
  if (first) {
    const verdict = createAreaCheck(layer.sourceCrs)(given(first));
    if (verdict !== 'inside') return { reject: `position ${areaRefusal(layer.sourceCrs, given(first), verdict)}` };
  }
  const place = (p: readonly number[]): Point | null => {
    let out: Position = given(p);
    try {
      if (convert) out = convert(out);
    } catch {
      return null;
    }
    return Number.isFinite(out[0]) && Number.isFinite(out[1]) ? [out[0], out[1]] : null;
  };
  let geometry: MappedFeature['geometry'];
  if (expected === 'Point') {
    const point = place((raw as { coordinates: number[] }).coordinates);
    if (!point) return { reject: `cannot be reprojected from ${layer.sourceCrs} to ${targetCrs}` };
    geometry = { type: 'Point', coordinates: point };
  } else {
    const points = (raw as { coordinates: number[][] }).coordinates.map(place);
    if (points.some((p) => p === null))
      return { reject: `cannot be reprojected from ${layer.sourceCrs} to ${targetCrs}` };
    geometry = { type: 'LineString', coordinates: points as Point[] };
    if (polylineLength(geometry.coordinates) < 1e-3) return { reject: 'zero-length pipe' };
  }

  const columns: MappedFeature['columns'] = {};
  const attributes: Record<string, unknown> = {};
  for (const [field, spec] of Object.entries(layer.mapping.fields ?? {})) {
    const { attribute, codes }: FieldMapping = typeof spec === 'string' ? { attribute: spec } : spec;
    let value: unknown = feature.properties[field];
    if (value === undefined) return { reject: `field ${field} is not in the source` };
    if (typeof value === 'string') value = value.trim();
    if (codes && value !== null && value !== '') {
      const code = lookupCode(codes, String(value));
      if (code === undefined) return { reject: `unknown ${attribute} code ${JSON.stringify(value)} in field ${field}` };
      value = code;
    }
    if (NUMERIC.has(attribute)) {
      const n = toNumber(value);
      if (Number.isNaN(n)) return { reject: `${attribute} ${JSON.stringify(value)} in field ${field} is not a number` };
      columns[attribute] = n;
    } else if ((['material', 'inventory_number'] as string[]).includes(attribute)) {
      columns[attribute] = value === null || value === '' ? null : String(value);
    } else {
      attributes[attribute] = value ?? null;
    }
  }

  if (layer.kind === 'section') {
    const diameter = columns.diameter_mm as number | null | undefined;
    if (diameter !== undefined && diameter !== null) {
      if (diameter <= 0) return { reject: `diameter ${diameter} mm is not positive` };
      const nominal = dictionaries.filter((d) => d.dictionary === 'diameter' && d.value !== null);
      if (nominal.length > 0 && !nominal.some((d) => Math.abs(d.value! - diameter) < 1e-6)) {
        return { reject: `diameter ${diameter} mm is not in the diameter dictionary` };
      }
    }
    const material = columns.material as string | null | undefined;
    if (material) {
      const known = dictionaries.some((d) => d.dictionary === 'material' && d.code === material);
      if (!known) return { reject: `material ${JSON.stringify(material)} is not in the material dictionary` };
    }
    const length = columns.length_m as number | null | undefined;
    if (length !== undefined && length !== null && length <= 0) return { reject: `length ${length} m is not positive` };
    if (columns.roughness_mm === undefined && material) columns.roughness_mm = MATERIALS[material]?.roughnessMm ?? null;
  }
  const inventoryNumber = (columns.inventory_number as string | null | undefined) ?? null;
  return { ok: { geometry, columns, attributes, inventoryNumber } };
}
