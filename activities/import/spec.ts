/**
 * The mapping spec an engineer writes in the `mapping` task (docs/import.md): which source layer
 * becomes which CityCom layer, which field which attribute (with code lists), the snapping
 * tolerance. Checked here against the inspection and the target layers before anything is written.
 */
import { findCrs } from '../gis/crs-registry.ts';
import { findMunicipalCrs } from '../gis/municipal-registry.ts';
import type { LayerRow, NetworkKind } from '../../db/project-schema.ts';
import { fail } from '../project-schemas.ts';
import type { InspectedDataset, InspectedLayer } from './inspect.ts';

/** A field's mapping: the attribute it fills and, for coded values, source value → code. */
export interface FieldMapping {
  attribute: string;
  codes?: Record<string, string>;
}

export interface LayerMapping {
  /** Source layer: its name, `<file>:<layer>`, or the file name of a one-layer dataset. */
  source: string;
  /** Target layer code, e.g. `water_pipe`, `water_valve`. */
  target: string;
  /** section or node; default: the target layer's kind. */
  kind?: 'section' | 'node';
  /** `nodes.kind` of converted nodes; default: the target code after the network (`water_valve` → valve). */
  nodeKind?: string;
  /** Only features whose fields equal these values (a list: any of them). */
  where?: Record<string, string | number | (string | number)[]>;
  /** Source field → attribute name or mapping. */
  fields?: Record<string, string | FieldMapping>;
  /** Overrides the inspected CRS of this layer. */
  sourceCrs?: string;
  /** Overrides the inspected axis order: true when the source gives northing first. */
  swapAxes?: boolean;
}

export interface MappingSpec {
  layers: LayerMapping[];
  /** CRS of every source layer (overrides the inspection's), e.g. EPSG:7829. */
  sourceCrs?: string;
  /** Text encoding of every source (overrides the inspection's), e.g. CP1251. */
  encoding?: string;
  /** Snapping tolerance for section ends, metres (default 0.5). */
  toleranceM?: number;
  /** Network of converted sections (default water). */
  network?: NetworkKind;
}

/** Attributes that fill columns of `sections`, `nodes` or `features`; any other name goes to `attributes`. */
export const COLUMN_ATTRIBUTES = [
  'diameter_mm',
  'material',
  'install_year',
  'roughness_mm',
  'length_m',
  'inventory_number',
  'load',
] as const;

export const DEFAULT_TOLERANCE_M = 0.5;

export interface ResolvedLayer {
  mapping: LayerMapping;
  dataset: InspectedDataset;
  layer: InspectedLayer;
  target: LayerRow;
  kind: 'section' | 'node';
  nodeKind: string;
  sourceCrs: string;
  swapAxes: boolean;
}

const invalid = (message: string): never => fail(`mapping spec: ${message}`, 'mapping-spec-invalid');

function findSource(source: string, datasets: readonly InspectedDataset[]): [InspectedDataset, InspectedLayer] {
  const [file, layerName] = source.includes(':') ? source.split(':', 2) : [null, source];
  const found = datasets.flatMap((d) =>
    d.layers
      .filter((l) =>
        file
          ? d.name === file && l.name === layerName
          : l.name === source || (d.name === source && d.layers.length === 1),
      )
      .map((l) => [d, l] as [InspectedDataset, InspectedLayer]),
  );
  if (found.length === 0) {
    const known = datasets.flatMap((d) => d.layers.map((l) => `${d.name}:${l.name}`));
    invalid(`source ${JSON.stringify(source)} is no inspected layer (known: ${known.join(', ')})`);
  }
  if (found.length > 1) {
    invalid(`source ${JSON.stringify(source)} names layers of several files; write it as <file>:<layer>`);
  }
  return found[0]!;
}

/** Checks the spec and resolves each layer mapping to its source, target, CRS and axis order. */
export function resolveSpec(
  spec: MappingSpec,
  datasets: readonly InspectedDataset[],
  layers: readonly LayerRow[],
): ResolvedLayer[] {
  if (!spec || typeof spec !== 'object' || !Array.isArray(spec.layers) || spec.layers.length === 0) {
    invalid('expected an object with a non-empty "layers" list');
  }
  if (spec.toleranceM !== undefined && !(typeof spec.toleranceM === 'number' && spec.toleranceM >= 0)) {
    invalid(`toleranceM must be a number of metres ≥ 0, got ${JSON.stringify(spec.toleranceM)}`);
  }
  if (spec.network !== undefined && !['water', 'heat', 'sewer'].includes(spec.network)) {
    invalid(`network must be water, heat or sewer, got ${JSON.stringify(spec.network)}`);
  }
  return spec.layers.map((mapping, index) => {
    const at = `layers[${index}]`;
    if (typeof mapping?.source !== 'string' || typeof mapping.target !== 'string') {
      invalid(`${at} needs "source" and "target" strings`);
    }
    const [dataset, layer] = findSource(mapping.source, datasets);
    const target = layers.find((l) => l.code === mapping.target);
    if (!target) invalid(`${at}: target ${JSON.stringify(mapping.target)} is not a layer of the project`);
    const kind = mapping.kind ?? (target!.kind === 'section' ? 'section' : 'node');
    if (kind === 'section' && target!.geometryType !== 'LineString') {
      invalid(`${at}: target ${target!.code} holds ${target!.geometryType}s, not sections`);
    }
    if (kind === 'node' && target!.geometryType !== 'Point') {
      invalid(`${at}: target ${target!.code} holds ${target!.geometryType}s, not nodes`);
    }
    for (const [field, value] of Object.entries(mapping.fields ?? {})) {
      const attribute = typeof value === 'string' ? value : value?.attribute;
      if (typeof attribute !== 'string' || attribute === '') invalid(`${at}.fields.${field} names no attribute`);
      if (typeof value === 'object' && value.codes !== undefined && typeof value.codes !== 'object') {
        invalid(`${at}.fields.${field}.codes must map source values to codes`);
      }
    }
    const sourceCrs = mapping.sourceCrs ?? spec.sourceCrs ?? layer.crs.code;
    if (!sourceCrs) invalid(`${at}: the CRS of ${mapping.source} is unknown; give sourceCrs`);
    const system = findCrs(sourceCrs!) ?? findMunicipalCrs(sourceCrs!);
    if (!system) invalid(`${at}: sourceCrs ${sourceCrs} is not in the CRS registry`);
    if (layer.crs.refused && layer.crs.refused.crs === system!.code) invalid(`${at}: ${layer.crs.refused.reason}`);
    return {
      mapping,
      dataset,
      layer,
      target: target!,
      kind,
      nodeKind: mapping.nodeKind ?? target!.code.replace(/^(water|heat|sewer)_/, ''),
      sourceCrs: system!.code,
      swapAxes: mapping.swapAxes ?? layer.heuristics.axes === 'swapped',
    };
  });
}
