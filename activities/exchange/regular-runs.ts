/**
 * The activities of a scheduled run (workflows/regular-run.ts): run one period of a schedule, or
 * record that it failed. A period is claimed in `schedule_runs` first: one that succeeded before (a
 * retry, a second backfill) returns what it recorded and does nothing again — no second file, no
 * second task, no second billing record. Billing goes through the ledger's idempotent path with the
 * key `<engagement>:schedule:<schedule>:<period>`, so even a crash between the transfer and the
 * run row bills the period once.
 */
import { ApplicationFailure } from '@temporalio/activity';
import type { ExchangeSpec } from '../../definitions/exchange/exchange-spec.ts';
import type { Norm } from '../../definitions/model.ts';
import { selectEngagement } from '../../db/queries/engagements.ts';
import {
  claimScheduleRun,
  finishScheduleRun,
  selectPreviousPeriod,
  selectRegularSchedule,
  type RegularScheduleRow,
} from '../../db/queries/schedules.ts';
import { insertTask } from '../../db/queries/tasks.ts';
import { projectSchemaName } from '../../db/project-schema.ts';
import type { EntitlementRecord } from '../../workflows/messages.ts';
import { createBillingActivities } from '../billing.ts';
import type { ActivityDeps } from '../context.ts';
import { transferPeriod } from './transfer.ts';

/** Who gets the task of a failed run, or of a regular procedure's period. */
export const DUTY_CATEGORY = 'ENG_I';

/** The step id of tasks a schedule opens: the task route completes these without an engagement step. */
export function scheduleTaskStep(scheduleId: string): string {
  return `schedule:${scheduleId}`;
}

export function isScheduleTaskStep(stepId: string): boolean {
  return stepId.startsWith('schedule:');
}

/** An agreed regular custom procedure, as its schedule row keeps it. */
export interface AgreedProcedure {
  procedure: string;
  hoursPerRun: number;
}

export interface RegularPeriodInput {
  scheduleId: string;
  /** The scheduled (nominal) time of the run, ISO. */
  period: string;
  workflowId: string;
}

export interface RegularPeriodResult {
  scheduleId: string;
  period: string;
  outcome: 'succeeded' | 'deleted';
  fileName: string | null;
  rows: number | null;
  sha256: string | null;
  /** False when the period had succeeded before and nothing was done again. */
  performed: boolean;
}

export function createRegularRunActivities(deps: ActivityDeps) {
  const { pool } = deps;
  const billing = createBillingActivities(deps);

  const scheduleOf = async (id: string): Promise<RegularScheduleRow> => {
    const schedule = await selectRegularSchedule(pool, id);
    if (!schedule) throw ApplicationFailure.nonRetryable(`no regular schedule ${id}`, 'schedule-unknown');
    return schedule;
  };

  const bill = async (schedule: RegularScheduleRow, period: string, norm: Norm) => {
    const owner = await selectEngagement(pool, schedule.engagement_id);
    await billing.recordBillableTime({
      idempotencyKey: `${schedule.engagement_id}:schedule:${schedule.id}:${period}`,
      engagementId: schedule.engagement_id,
      stepId: scheduleTaskStep(schedule.id),
      iteration: period,
      norm,
      actualHours: null,
      performedBy: null,
      entitlement: (owner?.entitlement as EntitlementRecord | null) ?? null,
    });
  };

  const openTask = async (schedule: RegularScheduleRow, period: string, title: string, instructions: string) => {
    const id = `${schedule.id}:${period}`;
    await insertTask(pool, {
      id,
      engagementId: schedule.engagement_id,
      stepId: scheduleTaskStep(schedule.id),
      iteration: period,
      kind: 'task',
      title,
      instructions,
      assignee: { category: DUTY_CATEGORY },
      form: null,
      dueAt: null,
    });
    return id;
  };

  return {
    /** Runs one period of a schedule: the exchange's transfer, or the procedure's task; bills it. */
    async runRegularPeriod(input: RegularPeriodInput): Promise<RegularPeriodResult> {
      const schedule = await scheduleOf(input.scheduleId);
      const period = new Date(input.period);
      const base = { scheduleId: schedule.id, period: input.period };
      if (schedule.deleted_at) {
        return { ...base, outcome: 'deleted', fileName: null, rows: null, sha256: null, performed: false };
      }
      const run = await claimScheduleRun(pool, { scheduleId: schedule.id, period, workflowId: input.workflowId });
      if (run.outcome === 'succeeded') {
        return {
          ...base,
          outcome: 'succeeded',
          fileName: run.file_name,
          rows: run.row_count,
          sha256: run.sha256,
          performed: false,
        };
      }
      if (schedule.kind === 'exchange') {
        const spec = schedule.procedure as unknown as ExchangeSpec;
        const owner = await selectEngagement(pool, schedule.engagement_id);
        const projectId = spec.source.projectId ?? owner?.project_id;
        if (!projectId) throw ApplicationFailure.nonRetryable('the exchange names no project', 'schema-invalid');
        const previousPeriod = await selectPreviousPeriod(pool, schedule.id, period);
        const result = await transferPeriod(pool, spec, projectSchemaName(projectId), { period, previousPeriod });
        if (schedule.norm) await bill(schedule, input.period, schedule.norm);
        await finishScheduleRun(pool, {
          ...base,
          period,
          outcome: 'succeeded',
          fileName: result.fileName,
          rowCount: result.rows,
          byteCount: result.bytes,
          sha256: result.sha256,
        });
        deps.logger.info({ scheduleId: schedule.id, period: input.period, ...result }, 'exchange period transferred');
        return {
          ...base,
          outcome: 'succeeded',
          fileName: result.fileName,
          rows: result.rows,
          sha256: result.sha256,
          performed: true,
        };
      }
      const agreed = schedule.procedure as unknown as AgreedProcedure;
      const taskId = await openTask(
        schedule,
        input.period,
        `${schedule.title}: period ${input.period}`,
        agreed.procedure,
      );
      if (schedule.norm) await bill(schedule, input.period, schedule.norm);
      await finishScheduleRun(pool, { ...base, period, outcome: 'succeeded', taskId });
      return { ...base, outcome: 'succeeded', fileName: null, rows: null, sha256: null, performed: true };
    },

    /** Records the failed period and opens a task for the engineer on duty (once per period). */
    async recordRegularRunFailure(input: RegularPeriodInput & { message: string }): Promise<{ taskId: string }> {
      const schedule = await scheduleOf(input.scheduleId);
      const period = new Date(input.period);
      await claimScheduleRun(pool, { scheduleId: schedule.id, period, workflowId: input.workflowId });
      const taskId = await openTask(
        schedule,
        input.period,
        `Regular run failed: ${schedule.title} (${input.period})`,
        `${input.message}\n\nThe schedule ${schedule.id} is paused. Fix the cause, then unpause it ` +
          `(potik schedules unpause ${schedule.id} --note …) and backfill the period if it must be sent.`,
      );
      await finishScheduleRun(pool, {
        scheduleId: schedule.id,
        period,
        outcome: 'failed',
        message: input.message,
        taskId,
      });
      return { taskId };
    },
  };
}

export type RegularRunActivities = ReturnType<typeof createRegularRunActivities>;
