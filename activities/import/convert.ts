/**
 * The conversion run: the source layers of the mapping spec read with GDAL, mapped feature by
 * feature (map-feature.ts), section ends snapped to nodes (node-snapper.ts), and written in
 * batches into the target schema — a trial copy of the project for `sample`, a staging copy for
 * `full`. Each batch is one transaction followed by a heartbeat naming the layer and the source
 * position reached; a retry resumes from there, re-reading the nodes already stored, and rows are
 * upserted, so it converges on the same rows.
 */
import { join } from 'node:path';
import { Context } from '@temporalio/activity';
import { withTransaction } from '../../db/pool.ts';
import {
  PROJECT_TABLES,
  createProjectSchema,
  insertProjectRows,
  projectSchemaExists,
  selectAllProjectRows,
  selectCrs,
  upsertCrs,
  type FeatureRow,
  type NetworkKind,
  type NodeRow,
  type PassportRow,
  type SectionRow,
} from '../../db/project-schema.ts';
import { pointOf, polylineLength } from '../audit/geometry.ts';
import type { Point } from '../audit/model.ts';
import type { ActivityDeps } from '../context.ts';
import { findCrs } from '../gis/crs-registry.ts';
import { findMunicipalCrs } from '../gis/municipal-registry.ts';
import { copyTables, fail } from '../project-schemas.ts';
import { CATALOG_DICTIONARIES, CATALOG_LAYERS } from './catalog.ts';
import { coordinateHeuristics } from './crs-detect.ts';
import { readFeatures, type GdalTools, type SourceFeature } from './gdal.ts';
import { samplePositions, type InspectionReport } from './inspect.ts';
import { mapFeature, matchesWhere } from './map-feature.ts';
import { NodeSnapper } from './node-snapper.ts';
import { openOptions, withSourceFiles, type UploadedFile } from './sources.ts';
import { DEFAULT_TOLERANCE_M, resolveSpec, type MappingSpec, type ResolvedLayer } from './spec.ts';
import { normalizeEncoding } from './encoding.ts';

/** Features per layer a `sample` run converts unless told otherwise. */
export const DEFAULT_SAMPLE_SIZE = 500;
const BATCH = 2_000;
/** Rejects kept with their reason per layer (all are counted). */
export const MAX_REJECTS_LISTED = 5_000;

export interface Reject {
  source: string;
  target: string;
  /** The feature's id as it would have been: `<file>#<position in the source>`. */
  feature: string;
  reason: string;
}

export interface LayerResult {
  source: string;
  target: string;
  kind: 'section' | 'node';
  sourceCrs: string;
  swapAxes: boolean;
  in: number;
  out: number;
  rejected: number;
  /** Junctions created at section ends that met no node. */
  junctions: number;
  rejects: Reject[];
}

/** Heartbeat details: what a retry resumes from. `copied` tells copyTables the copy is done. */
interface ConvertProgress {
  phase: 'convert';
  copied: string[];
  done: LayerResult[];
  current: { index: number; position: number; result: LayerResult } | null;
}

export interface ConversionRun {
  mode: 'sample' | 'full';
  schema: string;
  projectSchema: string;
  targetCrs: string;
  toleranceM: number;
  layers: LayerResult[];
}

function emptyResult(layer: ResolvedLayer): LayerResult {
  return {
    source: layer.mapping.source,
    target: layer.target.code,
    kind: layer.kind,
    sourceCrs: layer.sourceCrs,
    swapAxes: layer.swapAxes,
    in: 0,
    out: 0,
    rejected: 0,
    junctions: 0,
    rejects: [],
  };
}

/** Gives a schema without a catalog the CityCom layers, code lists and CRS a conversion needs. */
async function seedCatalog(deps: ActivityDeps, schema: string, targetCrs: string): Promise<void> {
  const { pool } = deps;
  await createProjectSchema(pool, schema);
  const layers = await selectAllProjectRows(pool, schema, 'layers');
  await insertProjectRows(
    pool,
    schema,
    'layers',
    CATALOG_LAYERS.filter((l) => !layers.some((have) => have.code === l.code)),
  );
  const dictionaries = await selectAllProjectRows(pool, schema, 'dictionaries');
  const missing = CATALOG_DICTIONARIES.filter((d) => !dictionaries.some((have) => have.dictionary === d.dictionary));
  await insertProjectRows(pool, schema, 'dictionaries', missing);
  if (!(await selectCrs(pool, schema))) {
    const crs = findCrs(targetCrs)!;
    await upsertCrs(pool, schema, { epsg: crs.epsg, name: crs.name });
  }
}

/** The target CRS: the one asked for, else the project's, else the first source layer's (a municipal one's base). */
async function chooseTargetCrs(deps: ActivityDeps, projectSchema: string, asked: string | undefined, fallback: string) {
  if (asked) {
    const entry = findCrs(asked);
    if (!entry) fail(`target CRS ${asked} is not a published CRS of the registry`, 'import-input-invalid');
    return entry.code;
  }
  if (await projectSchemaExists(deps.pool, projectSchema)) {
    const crs = await selectCrs(deps.pool, projectSchema);
    if (crs) {
      const entry = findCrs(crs.epsg);
      if (!entry) fail(`the project's CRS EPSG:${crs.epsg} is not in the CRS registry`, 'import-input-invalid');
      return entry.code;
    }
  }
  // A project's CRS is a published one: data in a municipal system goes onto the system's base.
  return findMunicipalCrs(fallback)?.baseCrs ?? fallback;
}

export interface ConvertParams {
  mode: 'sample' | 'full';
  spec: MappingSpec;
  inspection: InspectionReport;
  files: readonly UploadedFile[];
  schema: string;
  projectSchema: string;
  targetCrs?: string;
  sampleSize?: number;
}

export async function convertSources(
  deps: ActivityDeps,
  tools: GdalTools,
  params: ConvertParams,
): Promise<ConversionRun> {
  const { pool } = deps;
  const { spec, mode, schema, projectSchema } = params;
  const resume = Context.current().info.heartbeatDetails as ConvertProgress | undefined;
  const resuming = resume?.phase === 'convert';
  const encoding = spec.encoding ? normalizeEncoding(spec.encoding) : null;
  if (spec.encoding && !encoding)
    fail(`mapping spec: encoding ${spec.encoding} is not a code page`, 'mapping-spec-invalid');
  const datasets = params.inspection.datasets.map((d) =>
    encoding ? { ...d, encoding: { encoding, source: 'spec' } } : d,
  );
  // Resolve once against the catalog to learn the source CRS before the target schema exists.
  const draft = resolveSpec(spec, datasets, [...CATALOG_LAYERS]);
  const targetCrs = await chooseTargetCrs(deps, projectSchema, params.targetCrs || undefined, draft[0]!.sourceCrs);

  if (!resuming) {
    if (await projectSchemaExists(pool, projectSchema)) await copyTables(deps, projectSchema, schema);
    else if (mode === 'full') await seedCatalog(deps, projectSchema, targetCrs); // a first import
    await seedCatalog(deps, schema, targetCrs);
  }
  const layers = await selectAllProjectRows(pool, schema, 'layers');
  const dictionaries = await selectAllProjectRows(pool, schema, 'dictionaries');
  const resolved = resolveSpec(spec, datasets, layers);
  const toleranceM = spec.toleranceM ?? DEFAULT_TOLERANCE_M;
  const network: NetworkKind = spec.network ?? 'water';
  const junctionLayer = `${network}_junction`;
  if (!layers.some((l) => l.code === junctionLayer)) {
    fail(`the project has no layer ${junctionLayer} for the junctions the conversion creates`, 'mapping-spec-invalid');
  }

  const snapper = new NodeSnapper(toleranceM);
  const nodeLayers = new Set(layers.filter((l) => l.kind === 'node').map((l) => l.code));
  for (const feature of await selectAllProjectRows(pool, schema, 'features')) {
    const at = nodeLayers.has(feature.layer) ? pointOf(feature.geometry) : null;
    if (at) snapper.add({ id: feature.id, at });
  }

  // Nodes first, so that sections snap to the valves and hydrants converted with them.
  const order = resolved.map((_, i) => i).sort((a, b) => rank(resolved[a]!) - rank(resolved[b]!) || a - b);
  const done = new Map<number, LayerResult>();
  if (resuming) resume.done.forEach((result, i) => done.set(order[i]!, result));
  const copied = PROJECT_TABLES.map((t) => t.name);
  const sampleSize = params.sampleSize ?? DEFAULT_SAMPLE_SIZE;

  await withSourceFiles(params.files, datasets, async (dir) => {
    for (const index of order) {
      if (done.has(index)) continue;
      const mapping = resolved[index]!;
      const current = resuming && resume.current?.index === index ? resume.current : null;
      const limit = mode === 'sample' && !mapping.mapping.where ? sampleSize : undefined;
      const features = await readFeatures(
        tools,
        dir,
        join(dir, mapping.dataset.name),
        mapping.layer.name,
        openOptions(mapping.dataset),
        limit,
      );
      const layer = withAxesJudged(mapping, features);
      const result = current?.result ?? emptyResult(layer);
      let position = current?.position ?? 0;
      const context = { layer, targetCrs, dictionaries };
      while (position < features.length && !(mode === 'sample' && result.in >= sampleSize)) {
        const rows = {
          features: [] as FeatureRow[],
          nodes: [] as NodeRow[],
          sections: [] as SectionRow[],
          passports: [] as PassportRow[],
        };
        const end = Math.min(features.length, position + BATCH);
        for (; position < end && !(mode === 'sample' && result.in >= sampleSize); position++) {
          const feature = features[position]!;
          if (!matchesWhere(feature.properties, layer.mapping.where)) continue;
          result.in += 1;
          const id = `${layer.dataset.name}#${position + 1}`;
          const mapped = mapFeature(feature, context);
          if ('reject' in mapped) {
            result.rejected += 1;
            if (result.rejects.length < MAX_REJECTS_LISTED) {
              result.rejects.push({
                source: layer.mapping.source,
                target: layer.target.code,
                feature: id,
                reason: mapped.reject,
              });
            }
            continue;
          }
          result.out += 1;
          const { geometry, columns, attributes, inventoryNumber } = mapped.ok;
          const num = (key: string) => (columns[key] as number | null | undefined) ?? null;
          rows.passports.push({ id: `P-${id}`, attributes: { ...feature.properties, ...attributes } });
          const base = {
            id,
            layer: layer.target.code,
            attributes: { ...attributes, source: id },
            inventoryNumber,
            passportRef: `P-${id}`,
          };
          if (geometry.type === 'Point') {
            rows.features.push({ ...base, geometry });
            rows.nodes.push({ id, kind: layer.nodeKind, load: num('load') });
            snapper.add({ id, at: geometry.coordinates });
            continue;
          }
          const line = geometry.coordinates;
          const ends = [0, line.length - 1].map((at, end) => {
            const point = line[at]!;
            // A junction this section made in an earlier attempt is found again and counted again.
            const junction = `${id}/${end === 0 ? 'from' : 'to'}`;
            const node = snapper.nearest(point);
            if (node && node.id !== junction) {
              line[at] = node.at;
              return node.id;
            }
            if (!node) snapper.add({ id: junction, at: point });
            rows.features.push({
              id: junction,
              layer: junctionLayer,
              geometry: { type: 'Point', coordinates: point },
              attributes: { source: id },
              inventoryNumber: null,
              passportRef: null,
            });
            rows.nodes.push({ id: junction, kind: 'junction', load: null });
            result.junctions += 1;
            return junction;
          });
          rows.features.push({ ...base, geometry: { type: 'LineString', coordinates: line } });
          rows.sections.push({
            id,
            network,
            fromNode: ends[0]!,
            toNode: ends[1]!,
            diameterMm: num('diameter_mm'),
            material: (columns.material as string | null | undefined) ?? null,
            lengthM: Math.round(polylineLength(line as Point[]) * 100) / 100,
            roughnessMm: num('roughness_mm'),
            installYear: num('install_year'),
          });
        }
        await withTransaction(pool, async (client) => {
          await insertProjectRows(client, schema, 'features', rows.features);
          await insertProjectRows(client, schema, 'nodes', rows.nodes);
          await insertProjectRows(client, schema, 'sections', rows.sections);
          await insertProjectRows(client, schema, 'passports', rows.passports);
        });
        const progress: ConvertProgress = {
          phase: 'convert',
          copied,
          done: order.filter((i) => done.has(i)).map((i) => done.get(i)!),
          current: { index, position, result },
        };
        Context.current().heartbeat(progress);
      }
      done.set(index, result);
      const progress: ConvertProgress = {
        phase: 'convert',
        copied,
        done: order.filter((i) => done.has(i)).map((i) => done.get(i)!),
        current: null,
      };
      Context.current().heartbeat(progress);
    }
  });
  return { mode, schema, projectSchema, targetCrs, toleranceM, layers: resolved.map((_, i) => done.get(i)!) };
}

/**
 * The layer with its axis order judged against the source CRS the spec resolved to, when the spec
 * does not give `swapAxes` and the inspection judged against something else: a CSV inspected
 * without a CRS (its verdict ambiguous between the zone's CRSs) and then given `sourceCrs`, as the
 * inspection's warning asks, would otherwise keep northing-first coordinates unswapped.
 */
function withAxesJudged(layer: ResolvedLayer, features: readonly SourceFeature[]): ResolvedLayer {
  const judged = layer.layer.heuristics.judgedAgainst;
  if (layer.mapping.swapAxes !== undefined || (judged.length === 1 && judged[0] === layer.sourceCrs)) return layer;
  const { axes } = coordinateHeuristics(samplePositions(features), layer.sourceCrs);
  return { ...layer, swapAxes: axes === 'swapped' };
}

function rank(layer: ResolvedLayer): number {
  return layer.kind === 'node' ? 0 : 1;
}
