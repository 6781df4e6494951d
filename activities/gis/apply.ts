/**
 * Applying a transformation to a working copy of a project (`gis.applyTransformation`). The copy is
 * made table by table (resumable), then every feature geometry is read from the untouched source in
 * id order, transformed, and written over the copy's row by id, a batch per transaction. Because a
 * batch always starts from the source, a batch done twice (a retry after a lost heartbeat) writes
 * the same rows again: no feature is ever transformed twice. Heartbeat details carry the tables
 * copied and the last id written, so a retry resumes there.
 */
import { Context } from '@temporalio/activity';
import { withTransaction } from '../../db/pool.ts';
import {
  PROJECT_TABLES,
  selectCrs,
  selectFeatureGeometries,
  selectFeatureGeometriesById,
  selectSpreadFeatureIds,
  updateFeatureGeometries,
  updateSectionLengths,
  type FeatureGeometryRow,
} from '../../db/project-schema.ts';
import { runAudit } from '../audit/engine.ts';
import { DEFAULT_TOLERANCE_M, type AuditReport, type Finding } from '../audit/model.ts';
import { readNetwork } from '../audit/project-data.ts';
import type { ActivityDeps } from '../context.ts';
import { copyTables, fail } from '../project-schemas.ts';
import { AppError } from '../../lib/errors.ts';
import { getCrs, type CrsEntry } from './crs-registry.ts';
import type { MunicipalCrs } from './municipal-crs.ts';
import type { FitResult, Method } from './fit-candidates.ts';
import {
  lineLength,
  modelTransform,
  PositionNotTransformable,
  rigorousTransform,
  roundLength,
  transformGeometry,
  type PositionTransform,
} from './geometry-transform.ts';
import { assertInAreaOfUse } from './transform.ts';

export type ApplyModel = 'rigorous' | Method;

/** Features per transaction of the transform. */
export const APPLY_BATCH_SIZE = 2_000;
const SPOT_CHECKS = 5;
/** Introduced findings listed (the output travels in the workflow history). */
const FINDINGS_KEPT = 100;

export interface TransformCounts {
  /** Features whose geometry was transformed. */
  features: number;
  coordinates: number;
  /** Sections whose length_m was recomputed. */
  sections: number;
}

interface ApplyProgress extends TransformCounts {
  /** Last feature id written; null before the first batch. */
  after: string | null;
  done: boolean;
}

interface ApplyDetails {
  phase: string;
  copied: string[];
  transform: ApplyProgress;
}

export interface SpotCheck {
  id: string;
  type: string | null;
  /** The first position of the geometry before and after. */
  before: number[] | null;
  after: number[] | null;
}

export interface TopologySummary {
  total: number;
  bySeverity: Record<string, number>;
  byRule: Record<string, number>;
}

export interface Topology {
  before: TopologySummary;
  after: TopologySummary;
  /** Findings on the copy that the source did not have (rule, layer, id), the first 100. */
  introduced: Finding[];
}

/** A municipal system's stored fit to its base CRS, then the base to the target by the registry. */
function municipalRigorous(
  source: MunicipalCrs,
  target: CrsEntry,
): { transform: PositionTransform; parameters: Record<string, number | string> } {
  const fitted = source.fit.models.find((m) => m.method === source.method);
  return {
    transform: rigorousTransform(source.code, target.code),
    parameters: {
      sourceSystem: source.code,
      sourceModel: source.method,
      sourceModelRmsM: source.rmsM,
      ...fitted?.parameters,
      baseCrs: source.baseCrs,
      baseProj4: getCrs(source.baseCrs).proj4,
      targetProj4: target.proj4,
    },
  };
}

/** The position transform the model names; refuses (non-retryable) a model the fit did not produce. */
export function chooseTransform(
  model: ApplyModel,
  source: CrsEntry | MunicipalCrs,
  target: CrsEntry,
  fit: FitResult | null | undefined,
): { transform: PositionTransform; parameters: Record<string, number | string> } {
  if (model === 'rigorous' && source.kind === 'municipal') return municipalRigorous(source, target);
  if (model === 'rigorous') {
    return {
      transform: rigorousTransform((source as CrsEntry).code, target.code),
      parameters: { sourceProj4: (source as CrsEntry).proj4, targetProj4: target.proj4 },
    };
  }
  const fitted = fit?.models?.find((m) => m.method === model);
  if (!fitted) {
    const available = fit?.models?.map((m) => m.method).join(', ') || 'none (no fit step ran)';
    fail(
      `model ${model} was not fitted (fitted: ${available}); choose a fitted model or fit ${model} first`,
      'model-not-fitted',
    );
  }
  return { transform: modelTransform(fitted.model), parameters: { ...fitted.parameters } };
}

function firstPosition(value: unknown): number[] | null {
  if (Array.isArray(value) && typeof value[0] === 'number') return value as number[];
  if (Array.isArray(value) && value.length > 0) return firstPosition(value[0]);
  return null;
}

function geometryInfo(geometry: unknown): { type: string | null; first: number[] | null } {
  if (typeof geometry !== 'object' || geometry === null) return { type: null, first: null };
  const g = geometry as { type?: unknown; coordinates?: unknown };
  return { type: typeof g.type === 'string' ? g.type : null, first: firstPosition(g.coordinates) };
}

/** A few features spread over the project, first position before and after. */
export async function spotChecks(deps: ActivityDeps, source: string, copy: string): Promise<SpotCheck[]> {
  const ids = await selectSpreadFeatureIds(deps.pool, source, SPOT_CHECKS);
  const before = await selectFeatureGeometriesById(deps.pool, source, ids);
  const after = new Map((await selectFeatureGeometriesById(deps.pool, copy, ids)).map((r) => [r.id, r.geometry]));
  return before.map((row) => {
    const was = geometryInfo(row.geometry);
    return { id: row.id, type: was.type, before: was.first, after: geometryInfo(after.get(row.id)).first };
  });
}

function transformBatch(
  rows: readonly FeatureGeometryRow[],
  transform: PositionTransform,
): { features: FeatureGeometryRow[]; lengths: { id: string; lengthM: number }[]; coordinates: number } {
  const features: FeatureGeometryRow[] = [];
  const lengths: { id: string; lengthM: number }[] = [];
  let coordinates = 0;
  for (const row of rows) {
    if (row.geometry === null) continue;
    let result: ReturnType<typeof transformGeometry>;
    try {
      result = transformGeometry(row.geometry, transform);
    } catch (error) {
      if (error instanceof PositionNotTransformable) {
        fail(`feature ${row.id}: ${error.message} (outside the source CRS's domain?)`, 'geometry-not-transformable');
      }
      throw error;
    }
    if (result.positions === 0) continue;
    features.push({ id: row.id, geometry: result.geometry });
    coordinates += result.positions;
    const length = lineLength(result.geometry);
    if (length !== undefined) lengths.push({ id: row.id, lengthM: roundLength(length) });
  }
  return { features, lengths, coordinates };
}

/**
 * Copies `source` into `copy` (resuming a copy an earlier attempt began) and transforms every
 * feature of the copy from the source's geometry, batch by batch, resuming after the last batch an
 * earlier attempt reported.
 */
export async function transformCopy(
  deps: ActivityDeps,
  source: string,
  copy: string,
  transform: PositionTransform,
  batchSize = APPLY_BATCH_SIZE,
): Promise<{ counts: TransformCounts; heartbeat: (phase: string, extra?: object) => void }> {
  const previous = Context.current().info.heartbeatDetails as Partial<ApplyDetails> | undefined;
  await copyTables(deps, source, copy);
  const copied = PROJECT_TABLES.map((t) => t.name as string);
  let state: ApplyProgress = previous?.transform ?? {
    after: null,
    features: 0,
    coordinates: 0,
    sections: 0,
    done: false,
  };
  const heartbeat = (phase: string, extra: object = {}): void =>
    Context.current().heartbeat({ ...extra, phase, copied, transform: state } satisfies ApplyDetails);
  while (!state.done) {
    const rows = await selectFeatureGeometries(deps.pool, source, state.after, batchSize);
    if (rows.length === 0) {
      state = { ...state, done: true };
      break;
    }
    const batch = transformBatch(rows, transform);
    const sections = await withTransaction(deps.pool, async (client) => {
      await updateFeatureGeometries(client, copy, batch.features);
      return updateSectionLengths(client, copy, batch.lengths);
    });
    state = {
      after: rows.at(-1)!.id,
      features: state.features + batch.features.length,
      coordinates: state.coordinates + batch.coordinates,
      sections: state.sections + sections,
      done: false,
    };
    heartbeat('transform');
  }
  heartbeat('transformed');
  const { features, coordinates, sections } = state;
  return { counts: { features, coordinates, sections }, heartbeat };
}

function topologySummary(report: AuditReport): TopologySummary {
  return { total: report.summary.total, bySeverity: report.summary.bySeverity, byRule: report.summary.byRule };
}

const findingKey = (f: Finding): string => `${f.rule} ${f.object.layer}/${f.object.id ?? '-'}`;

/** Runs the audit's topology rules on the source and on the transformed copy. */
export async function compareTopology(
  deps: ActivityDeps,
  source: string,
  copy: string,
  heartbeat: (phase: string, extra?: object) => void,
): Promise<Topology> {
  const audit = async (schema: string, label: string): Promise<AuditReport> => {
    const network = await readNetwork(deps.pool, schema, (d) => heartbeat(`${label}-${d.phase}`, d));
    return runAudit(
      network,
      { tolerance: DEFAULT_TOLERANCE_M, currentYear: new Date().getUTCFullYear() },
      { onRule: (rule) => heartbeat(`${label}-rules`, { rule }) },
    );
  };
  const before = await audit(source, 'audit-source');
  const after = await audit(copy, 'audit-copy');
  const known = new Set(before.findings.map(findingKey));
  return {
    before: topologySummary(before),
    after: topologySummary(after),
    introduced: after.findings.filter((f) => !known.has(findingKey(f))).slice(0, FINDINGS_KEPT),
  };
}

/** Features whose first position is checked against the source CRS's area of use before anything is copied. */
const AREA_SAMPLE = 200;

/**
 * Refuses a source whose CRS metadata names another system, or whose coordinates do not lie in the
 * stated CRS's area of use (exchanged axes are named as such): a wrong CRS would otherwise move the
 * whole project hundreds of kilometres.
 */
export async function checkSourceCrs(
  deps: ActivityDeps,
  schema: string,
  source: CrsEntry | MunicipalCrs,
): Promise<void> {
  const crs = await selectCrs(deps.pool, schema);
  // A municipal system has no EPSG code: a project whose metadata names one is in that one instead.
  if (crs && (source.kind === 'municipal' || crs.epsg !== source.epsg)) {
    fail(
      `project schema ${schema} is in EPSG:${crs.epsg} (${crs.name}), not the stated source ${source.code}; correct sourceCrs`,
      'crs-mismatch',
    );
  }
  const ids = await selectSpreadFeatureIds(deps.pool, schema, AREA_SAMPLE);
  const rows = await selectFeatureGeometriesById(deps.pool, schema, ids);
  const sample = rows.flatMap((row) => {
    const first = geometryInfo(row.geometry).first;
    return first ? [{ id: row.id, position: [first[0]!, first[1]!] as const }] : [];
  });
  try {
    assertInAreaOfUse(
      source.code,
      sample.map((s) => s.position),
    );
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    const index = (error.details as { index?: number } | undefined)?.index ?? 0;
    fail(`feature ${sample[index]?.id ?? '?'}: ${error.message}`, 'coordinates-outside-crs');
  }
}
