/**
 * The X-CALIB activities (docs/calibration.md): `calibration.runModel` solves the project's network
 * with its stored roughness and compares it with the customer's readings; `calibration.calibrate`
 * fits the roughness groups and stores the deliverables — the calibration report (Markdown and
 * JSON), the calibrated model as an EPANET `.inp` file and the roughness table (CSV). Each stores
 * what it produced as artifacts of its step; a retry returns the stored result.
 */
import type { ArtifactRow } from '../../db/queries/artifacts.ts';
import { selectAllProjectRows } from '../../db/project-schema.ts';
import {
  artifactRef,
  readUploads,
  storeFile,
  storedFile,
  storedJson,
  storeJson,
  type ArtifactRef,
} from '../artifacts.ts';
import type { ActivityDeps, BusinessActivityInput, EngagementRef } from '../context.ts';
import { fail, requireSchema, resolveSchema, type SchemaRef } from '../project-schemas.ts';
import type { CalibrationOptions } from './calibrate.ts';
import { runCalibration, type CalibrationRun, type RunOutcome } from './calibration-run.ts';
import { parseMeasurements, type Reading } from './measurements.ts';
import { ModelInputError, type ModelledNetwork } from './network-model.ts';
import { renderCalibrationMarkdown, renderRoughnessCsv } from './report.ts';

export interface RunModelInput extends SchemaRef {
  network: ModelledNetwork;
  /** Names of the measurement CSV files uploaded to the engagement. */
  measurements: string[];
  heatDeltaTK?: number;
  acceptanceProfile?: unknown;
}

/** What the engineer chooses for a (re)run: the review task's result, passed as it is. */
export interface CalibrationSettings extends CalibrationOptions {
  exclude?: string[];
  acceptanceProfile?: unknown;
}

export interface CalibrateInput extends RunModelInput {
  settings?: CalibrationSettings;
}

interface Figures {
  rmseM: number | null;
  meanM: number | null;
  maxAbsM: number | null;
  within: { m: number; share: number }[];
  passed: boolean;
}

export interface RunModelOutput {
  network: ModelledNetwork;
  profile: string;
  readings: number;
  before: Figures;
  suspects: string[];
  report: ArtifactRef;
}

export interface CalibrateOutput extends RunModelOutput {
  groupBy: string;
  after: Figures;
  passed: boolean;
  unidentified: string[];
  groups: { group: string; storedMm: number; calibratedMm: number; identified: boolean }[];
  iterations: number;
  solves: number;
  reportJson: ArtifactRef;
  model: ArtifactRef;
  roughness: ArtifactRef;
}

const MARKDOWN = 'text/markdown; charset=utf-8';

function figures(judged: CalibrationRun['before']): Figures {
  const h = judged.statistics.heads;
  const round = (v: number | null) => (v === null ? null : Math.round(v * 1000) / 1000);
  return {
    rmseM: round(h.rmseM),
    meanM: round(h.meanM),
    maxAbsM: round(h.maxAbsM),
    within: h.within,
    passed: judged.verdict.passed,
  };
}

function summary(run: CalibrationRun, report: ArtifactRow): RunModelOutput {
  return {
    network: run.network,
    profile: run.profile.id,
    readings: run.points.length,
    before: figures(run.before),
    suspects: run.points.filter((p) => p.suspect).map((p) => p.key),
    report: artifactRef(report),
  };
}

export function createCalibrationActivities(deps: ActivityDeps) {
  const { pool } = deps;

  /** Reads the measurements and the project's network, and runs the model; input errors fail without retries. */
  async function run(
    input: RunModelInput,
    engagement: EngagementRef,
    options: Omit<Parameters<typeof runCalibration>[2], 'network'>,
    title: string,
  ): Promise<RunOutcome> {
    if (!Array.isArray(input.measurements) || input.measurements.length === 0) {
      fail('measurements must name at least one uploaded CSV file', 'measurements-invalid');
    }
    const schema = resolveSchema(input, engagement);
    await requireSchema(pool, schema);
    try {
      const readings: Reading[] = [];
      for (const file of await readUploads(pool, engagement.id, input.measurements)) {
        readings.push(...parseMeasurements(file.row.name, file.content.toString('utf8')));
      }
      const rows = {
        nodes: await selectAllProjectRows(pool, schema, 'nodes'),
        sections: await selectAllProjectRows(pool, schema, 'sections'),
      };
      const outcome = await runCalibration(rows, readings, { ...options, network: input.network }, title);
      deps.logger.info(
        { engagementId: engagement.id, network: input.network, solves: outcome.run.solves, wallMs: outcome.run.wallMs },
        'hydraulic model run',
      );
      return outcome;
    } catch (error) {
      if (error instanceof ModelInputError) fail(error.message, error.type);
      throw error;
    }
  }

  return {
    /** Solves the network with its stored roughness and compares it with the readings: `model-run.md`. */
    async 'calibration.runModel'({ input, engagement }: BusinessActivityInput<RunModelInput>): Promise<RunModelOutput> {
      const stored = await storedJson<CalibrationRun>(pool, engagement, 'model-run.json');
      const storedReport = await storedFile(pool, engagement, 'model-run.md');
      if (stored && storedReport) return summary(stored.value, storedReport.row);
      const title = `Hydraulic model of the ${input.network} network, stored roughness`;
      const { run: result } = await run(
        input,
        engagement,
        { calibrate: false, heatDeltaTK: input.heatDeltaTK, acceptanceProfile: input.acceptanceProfile },
        title,
      );
      await storeJson(pool, engagement, 'hydraulic-model', 'model-run.json', result);
      const report = await storeFile(pool, engagement, {
        kind: 'hydraulic-model',
        name: 'model-run.md',
        mediaType: MARKDOWN,
        content: Buffer.from(renderCalibrationMarkdown(title, result)),
      });
      return summary(result, report);
    },

    /**
     * Calibrates the roughness groups with the engineer's settings and stores the deliverables:
     * `calibration-report.md` and `.json`, `<network>-calibrated.inp`, `roughness.csv`.
     */
    async 'calibration.calibrate'({
      input,
      engagement,
    }: BusinessActivityInput<CalibrateInput>): Promise<CalibrateOutput> {
      const names = {
        json: 'calibration-report.json',
        markdown: 'calibration-report.md',
        inp: `${input.network}-calibrated.inp`,
        csv: 'roughness.csv',
      };
      const stored = await Promise.all(Object.values(names).map((name) => storedFile(pool, engagement, name)));
      let rows: ArtifactRow[];
      let result: CalibrationRun;
      if (stored.every(Boolean)) {
        rows = stored.map((s) => s!.row);
        result = JSON.parse(stored[0]!.content.toString('utf8')) as CalibrationRun;
      } else {
        const settings = input.settings ?? {};
        const title = `Calibration of the ${input.network} network`;
        const outcome = await run(
          input,
          engagement,
          {
            calibrate: true,
            heatDeltaTK: input.heatDeltaTK,
            groupBy: settings.groupBy,
            bounds: settings.bounds,
            fixed: settings.fixed,
            start: settings.start,
            maxIterations: settings.maxIterations,
            flowScaleM: settings.flowScaleM,
            exclude: settings.exclude,
            acceptanceProfile: settings.acceptanceProfile ?? input.acceptanceProfile,
          },
          title,
        );
        result = outcome.run;
        rows = [
          await storeJson(pool, engagement, 'calibration-report', names.json, result),
          await storeFile(pool, engagement, {
            kind: 'calibration-report',
            name: names.markdown,
            mediaType: MARKDOWN,
            content: Buffer.from(renderCalibrationMarkdown(title, result)),
          }),
          await storeFile(pool, engagement, {
            kind: 'calibrated-model',
            name: names.inp,
            mediaType: 'text/plain; charset=utf-8',
            content: Buffer.from(outcome.inp),
          }),
          await storeFile(pool, engagement, {
            kind: 'roughness-table',
            name: names.csv,
            mediaType: 'text/csv; charset=utf-8',
            content: Buffer.from(renderRoughnessCsv(result.calibration!.groups)),
          }),
        ];
      }
      const [json, markdown, inp, csv] = rows as [ArtifactRow, ArtifactRow, ArtifactRow, ArtifactRow];
      const calibration = result.calibration!;
      return {
        ...summary(result, markdown),
        groupBy: calibration.groupBy,
        after: figures(result.after!),
        passed: result.after!.verdict.passed,
        unidentified: calibration.groups.filter((g) => !g.identified && !g.fixed).map((g) => g.group),
        groups: calibration.groups.map((g) => ({
          group: g.group,
          storedMm: g.beforeMm,
          calibratedMm: Math.round(g.afterMm * 10_000) / 10_000,
          identified: g.identified,
        })),
        iterations: calibration.iterations,
        solves: calibration.solves,
        reportJson: artifactRef(json),
        model: artifactRef(inp),
        roughness: artifactRef(csv),
      };
    },
  };
}
