/**
 * The business activities of regular procedures (docs/exchange.md):
 * - `exchange.testInterface` runs a test exchange and stores its report;
 * - `exchange.schedule` creates the Schedule of an accepted exchange (X-EXCH);
 * - `procedure.schedule` creates the Schedule of a custom procedure accepted as regular (X-CUSTOM);
 * - `schedules.retire` deletes the schedules an engagement owns (its end, or its cancellation).
 *
 * Schedules are created through the worker's own Temporal client, on the task queue the engagement
 * runs on, so the runs are served by the same workers.
 */
import { activityInfo, ApplicationFailure, Context } from '@temporalio/activity';
import { DefinitionError } from '../../definitions/definition-error.ts';
import { loadExchangeSpec } from '../../definitions/exchange/exchange-loader.ts';
import type { ExchangeSpec } from '../../definitions/exchange/exchange-spec.ts';
import { parseDuration } from '../../definitions/duration.ts';
import type { JsonValue, Norm } from '../../definitions/model.ts';
import { artifactRef, storeFile, storeJson, type ArtifactRef } from '../artifacts.ts';
import type { ActivityDeps, BusinessActivityInput, EngagementRef } from '../context.ts';
import { resolveSchema } from '../project-schemas.ts';
import type { AgreedProcedure } from './regular-runs.ts';
import { createRegularSchedule, retireSchedulesOf } from './regular-schedules.ts';
import { testExchange, type ExchangeTestReport } from './test-interface.ts';

export interface ExchangeSpecInput {
  /** The exchange spec, YAML (docs/exchange.md). */
  spec: string;
  projectId?: string;
}

function specOf(input: ExchangeSpecInput): ExchangeSpec {
  if (typeof input.spec !== 'string' || input.spec.trim() === '') {
    throw ApplicationFailure.nonRetryable('the step gives no exchange spec', 'exchange-spec-invalid');
  }
  try {
    return loadExchangeSpec(input.spec, 'exchange spec');
  } catch (error) {
    if (error instanceof DefinitionError) throw ApplicationFailure.nonRetryable(error.message, 'exchange-spec-invalid');
    throw error;
  }
}

function schemaOf(spec: ExchangeSpec, input: ExchangeSpecInput, engagement: EngagementRef): string {
  const projectId = spec.source.projectId ?? input.projectId;
  return resolveSchema(projectId ? { projectId } : {}, engagement);
}

/** The schedule of an engagement's exchange: unique per engagement (a uuid) and spec. */
export function exchangeScheduleId(engagementId: string, specId: string): string {
  return `exchange-${specId}-${engagementId}`;
}

export function procedureScheduleId(engagementId: string): string {
  return `procedure-${engagementId}`;
}

export interface ExchangeTestOutput {
  ok: boolean;
  checks: ExchangeTestReport['checks'];
  report: ArtifactRef;
}

export interface ScheduleOutput {
  scheduleId: string;
  nextRuns: string[];
}

export interface ProcedureScheduleInput {
  procedure: string;
  hoursPerRun: number;
  /** An interval between runs: 30d, 7d, 1h … */
  every: string;
  runs: number;
}

export function createExchangeActivities(deps: ActivityDeps) {
  const { pool } = deps;
  const client = () => Context.current().client;
  const nextRuns = async (id: string) =>
    (await client().schedule.getHandle(id).describe()).info.nextActionTimes.slice(0, 5).map((d) => d.toISOString());

  return {
    /** A test exchange; its report (and the sample sent) are the step's artifacts. */
    async 'exchange.testInterface'({
      input,
      engagement,
    }: BusinessActivityInput<ExchangeSpecInput>): Promise<ExchangeTestOutput> {
      const spec = specOf(input);
      const report = await testExchange(pool, spec, schemaOf(spec, input, engagement), new Date());
      const stored = await storeJson(pool, engagement, 'exchange-test-report', 'exchange-test-report.json', report);
      deps.logger.info({ engagementId: engagement.id, exchange: spec.id, ok: report.ok }, 'test exchange done');
      return { ok: report.ok, checks: report.checks, report: artifactRef(stored) };
    },

    /** Creates the Schedule of the accepted exchange; runs bill the spec's norm per run. */
    async 'exchange.schedule'({
      input,
      engagement,
    }: BusinessActivityInput<ExchangeSpecInput>): Promise<ScheduleOutput> {
      const spec = specOf(input);
      const schema = schemaOf(spec, input, engagement);
      const projectId = spec.source.projectId ?? input.projectId ?? engagement.projectId;
      const id = exchangeScheduleId(engagement.id, spec.id);
      const compiled: ExchangeSpec = {
        ...spec,
        source: { ...spec.source, projectId: projectId ?? schema.replace(/^project_/, '') },
      };
      await createRegularSchedule(client(), pool, {
        id,
        engagementId: engagement.id,
        kind: 'exchange',
        title: spec.title,
        procedure: compiled as unknown as JsonValue,
        norm: spec.normPerRun,
        calendar: spec.calendar,
        taskQueue: activityInfo().taskQueue,
      });
      await storeFile(pool, engagement, {
        kind: 'exchange-spec',
        name: 'exchange-spec.yaml',
        mediaType: 'application/yaml; charset=utf-8',
        content: Buffer.from(input.spec),
      });
      return { scheduleId: id, nextRuns: await nextRuns(id) };
    },

    /** Creates the Schedule of a custom procedure accepted as regular: `runs` periods, `every` apart. */
    async 'procedure.schedule'({
      input,
      engagement,
    }: BusinessActivityInput<ProcedureScheduleInput>): Promise<ScheduleOutput> {
      const everyMs = parseDuration(input.every);
      if (everyMs === undefined || everyMs < 1000) {
        throw ApplicationFailure.nonRetryable(
          `every must be a duration of at least 1s, not ${input.every}`,
          'procedure-invalid',
        );
      }
      const hours = Number(input.hoursPerRun);
      const norm: Norm | null = hours > 0 ? { ENG_I: Math.round(hours * 100) / 100 } : null;
      const id = procedureScheduleId(engagement.id);
      await createRegularSchedule(client(), pool, {
        id,
        engagementId: engagement.id,
        kind: 'procedure',
        title: 'Regular custom procedure',
        procedure: { procedure: input.procedure, hoursPerRun: hours } satisfies AgreedProcedure as unknown as JsonValue,
        norm,
        calendar: { everyMs },
        taskQueue: activityInfo().taskQueue,
        runs: input.runs,
      });
      return { scheduleId: id, nextRuns: await nextRuns(id) };
    },

    /** Deletes the engagement's schedules; the runs already made stay recorded. */
    async 'schedules.retire'({
      input,
      engagement,
    }: BusinessActivityInput<{ reason?: string }>): Promise<{ deleted: string[] }> {
      const reason = input?.reason ?? `engagement ${engagement.id} ended`;
      return { deleted: await retireSchedulesOf(client(), pool, engagement.id, reason) };
    },
  };
}
