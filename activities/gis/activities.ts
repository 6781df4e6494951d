/**
 * The X-REPROJ activities: fit candidate models to tie points (`gis.fitTransformation`), apply the
 * chosen transformation to a working copy of the project and re-run the topology checks
 * (`gis.applyTransformation`), switch the copy's CRS metadata (`gis.switchCrs`) and write the
 * transformation report (`gis.buildTransformationReport`). Each stores what it produced as an
 * artifact of its step, and a retry returns the stored result instead of working again.
 */
import type { Queryable } from '../../db/pool.ts';
import { upsertCrs, selectCrs, type CrsRow } from '../../db/project-schema.ts';
import { selectArtifactContent, selectArtifactsOfEngagement } from '../../db/queries/artifacts.ts';
import { artifactRef, storeFile, storedFile, storeJson, storedJson, type ArtifactRef } from '../artifacts.ts';
import type { ActivityDeps, BusinessActivityInput, EngagementRef } from '../context.ts';
import { checkedSchema, fail, requireSchema, resolveSchema, stepSchema, type SchemaRef } from '../project-schemas.ts';
import {
  APPLY_BATCH_SIZE,
  checkSourceCrs,
  chooseTransform,
  compareTopology,
  spotChecks,
  transformCopy,
  type ApplyModel,
  type SpotCheck,
  type Topology,
  type TransformCounts,
} from './apply.ts';
import { findCrs, type CrsEntry } from './crs-registry.ts';
import type { MunicipalCrs } from './municipal-crs.ts';
import { findMunicipalCrs, loadMunicipalCrs } from './municipal-registry.ts';
import { fitReport, renderDeliverableMarkdown, type Deliverable } from './deliverable.ts';
import { fitCandidates, METHODS, type FitInput, type FitResult } from './fit-candidates.ts';
import { renderReportMarkdown } from './report.ts';

export type FitOutput = FitResult & { fit: ArtifactRef; report: ArtifactRef };

const MARKDOWN = 'text/markdown; charset=utf-8';

export interface ApplyInput extends SchemaRef {
  sourceCrs: string;
  targetCrs: string;
  model: ApplyModel;
  /** `gis.fitTransformation`'s output; null on the rigorous path. */
  fit?: FitResult | null;
  /** Features per transaction (default 2000). */
  batchSize?: number;
}

export interface ApplyOutput extends TransformCounts {
  /** The working copy, transformed. */
  schema: string;
  /** The project schema it was copied from (unchanged). */
  source: string;
  sourceCrs: string;
  sourceCrsName: string;
  targetCrs: string;
  targetCrsName: string;
  model: ApplyModel;
  parameters: Record<string, number | string>;
  spotChecks: SpotCheck[];
  topology: Topology;
  report: ArtifactRef;
}

export interface SwitchCrsInput {
  projectId?: string;
  crs: string;
  /** The working copy (`gis.applyTransformation`'s `schema`); default: the copy the engagement's last apply made. */
  schema?: string;
}

export interface SwitchCrsOutput {
  schema: string;
  crs: string;
  epsg: number;
  name: string;
  previous: CrsRow | null;
  record: ArtifactRef;
}

export interface ReportInput {
  projectId?: string;
  applied: ApplyOutput;
  /** `gis.fitTransformation`'s output; default: the engagement's last `fit.json`, if any. */
  fit?: FitResult | null;
}

export interface ReportOutput {
  model: ApplyModel;
  markdown: ArtifactRef;
  json: ArtifactRef;
}

function registryCrs(code: unknown, what: string): CrsEntry {
  const entry = typeof code === 'string' ? findCrs(code) : undefined;
  if (!entry) {
    fail(`${what} ${JSON.stringify(code)} is not in the CRS registry (activities/gis/crs-registry.ts)`, 'crs-unknown');
  }
  return entry;
}

/** The system a project is re-coordinated from: a published CRS or a municipal system (`LOCAL:…`). */
function sourceSystem(code: unknown): CrsEntry | MunicipalCrs {
  const municipal = typeof code === 'string' ? findMunicipalCrs(code) : undefined;
  return municipal ?? registryCrs(code, 'sourceCrs');
}

/** The JSON of the engagement's most recent artifact `name` from any step, or null. */
async function latestArtifactJson<T>(db: Queryable, engagementId: string, name: string): Promise<T | null> {
  const row = (await selectArtifactsOfEngagement(db, engagementId)).filter((a) => a.name === name).at(-1);
  if (!row) return null;
  const content = await selectArtifactContent(db, row.id);
  return content && (JSON.parse(content.toString('utf8')) as T);
}

export function createGisActivities(deps: ActivityDeps) {
  const { pool } = deps;

  async function applyTransformation(input: ApplyInput, engagement: EngagementRef): Promise<ApplyOutput> {
    const stored = await storedJson<Omit<ApplyOutput, 'report'>>(pool, engagement, 'apply-report.json');
    if (stored) return { ...stored.value, report: artifactRef(stored.row) };
    await loadMunicipalCrs(pool, [input.sourceCrs]);
    const sourceCrs = sourceSystem(input.sourceCrs);
    const targetCrs = registryCrs(input.targetCrs, 'targetCrs');
    if (input.model !== 'rigorous' && !(METHODS as readonly string[]).includes(input.model)) {
      fail(
        `model must be rigorous or one of ${METHODS.join(', ')}, got ${JSON.stringify(input.model)}`,
        'model-unknown',
      );
    }
    const { transform, parameters } = chooseTransform(input.model, sourceCrs, targetCrs, input.fit);
    const batchSize = input.batchSize ?? APPLY_BATCH_SIZE;
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      fail(`batchSize must be a positive integer, got ${batchSize}`, 'apply-input-invalid');
    }
    const source = resolveSchema(input, engagement);
    await requireSchema(pool, source);
    await checkSourceCrs(deps, source, sourceCrs);
    const schema = stepSchema('reproj', engagement);
    const { counts, heartbeat } = await transformCopy(deps, source, schema, transform, batchSize);
    const topology = await compareTopology(deps, source, schema, heartbeat);
    const result: Omit<ApplyOutput, 'report'> = {
      schema,
      source,
      sourceCrs: sourceCrs.code,
      sourceCrsName: sourceCrs.name,
      targetCrs: targetCrs.code,
      targetCrsName: targetCrs.name,
      model: input.model,
      parameters,
      ...counts,
      spotChecks: await spotChecks(deps, source, schema),
      topology,
    };
    const row = await storeJson(pool, engagement, 'apply-report', 'apply-report.json', result);
    deps.logger.info({ engagementId: engagement.id, schema, ...counts }, 'transformation applied to a copy');
    return { ...result, report: artifactRef(row) };
  }

  return {
    /**
     * Fits the requested models to the tie points; the whole fit is stored as `fit.json`, and as
     * `fit-report.md` for the geodesist who approves it.
     */
    async 'gis.fitTransformation'({ input, engagement }: BusinessActivityInput<FitInput>): Promise<FitOutput> {
      const stored = await storedJson<FitResult>(pool, engagement, 'fit.json');
      const storedReport = await storedFile(pool, engagement, 'fit-report.md');
      if (stored && storedReport) {
        return { ...stored.value, fit: artifactRef(stored.row), report: artifactRef(storedReport.row) };
      }
      const result = fitCandidates(input);
      const row = await storeJson(pool, engagement, 'transformation-fit', 'fit.json', result);
      const report = await storeFile(pool, engagement, {
        kind: 'transformation-fit',
        name: 'fit-report.md',
        mediaType: MARKDOWN,
        content: Buffer.from(renderReportMarkdown(fitReport(result))),
      });
      return { ...result, fit: artifactRef(row), report: artifactRef(report) };
    },

    /** Copies the project and transforms every geometry of the copy; stores `apply-report.json`. */
    async 'gis.applyTransformation'({ input, engagement }: BusinessActivityInput<ApplyInput>): Promise<ApplyOutput> {
      return applyTransformation(input, engagement);
    },

    /** Sets the CRS metadata of the working copy; records the switch as `crs-switch.json`. */
    async 'gis.switchCrs'({ input, engagement }: BusinessActivityInput<SwitchCrsInput>): Promise<SwitchCrsOutput> {
      const stored = await storedJson<Omit<SwitchCrsOutput, 'record'>>(pool, engagement, 'crs-switch.json');
      if (stored) return { ...stored.value, record: artifactRef(stored.row) };
      const crs = registryCrs(input.crs, 'crs');
      let schema = input.schema && checkedSchema(input.schema);
      if (!schema) {
        const applied = await latestArtifactJson<{ schema: string }>(pool, engagement.id, 'apply-report.json');
        if (!applied) {
          fail('no working copy to switch: this engagement has not applied a transformation yet', 'copy-missing');
        }
        schema = checkedSchema(applied.schema);
      }
      await requireSchema(pool, schema);
      const previous = await selectCrs(pool, schema);
      await upsertCrs(pool, schema, { epsg: crs.epsg, name: crs.name });
      const result = { schema, crs: crs.code, epsg: crs.epsg, name: crs.name, previous };
      const row = await storeJson(pool, engagement, 'crs-switch', 'crs-switch.json', {
        ...result,
        projectId: input.projectId ?? engagement.projectId,
        switchedAt: new Date().toISOString(),
      });
      return { ...result, record: artifactRef(row) };
    },

    /** Writes the transformation report as `transformation-report.md` and `.json`. */
    async 'gis.buildTransformationReport'({
      input,
      engagement,
    }: BusinessActivityInput<ReportInput>): Promise<ReportOutput> {
      const stored = await storedJson<Deliverable>(pool, engagement, 'transformation-report.json');
      const storedMarkdown = await storedFile(pool, engagement, 'transformation-report.md');
      if (stored && storedMarkdown) {
        return {
          model: stored.value.applied.model,
          json: artifactRef(stored.row),
          markdown: artifactRef(storedMarkdown.row),
        };
      }
      const applied = input.applied;
      if (!applied?.schema) fail('applied must be the output of gis.applyTransformation', 'report-input-invalid');
      const fit =
        applied.model === 'rigorous'
          ? null
          : (input.fit ?? (await latestArtifactJson<FitResult>(pool, engagement.id, 'fit.json')));
      const switched = await latestArtifactJson<{ schema: string; crs: string }>(
        pool,
        engagement.id,
        'crs-switch.json',
      );
      const deliverable: Deliverable = {
        projectId: input.projectId ?? engagement.projectId,
        fit: fit ? fitReport(fit, applied) : null,
        applied,
        crsSwitched: switched && switched.schema === applied.schema ? switched : null,
      };
      const json = await storeJson(
        pool,
        engagement,
        'transformation-report',
        'transformation-report.json',
        deliverable,
      );
      const markdown = await storeFile(pool, engagement, {
        kind: 'transformation-report',
        name: 'transformation-report.md',
        mediaType: MARKDOWN,
        content: Buffer.from(renderDeliverableMarkdown(deliverable)),
      });
      return { model: applied.model, json: artifactRef(json), markdown: artifactRef(markdown) };
    },
  };
}
