/**
 * The Temporal Schedules behind regular procedures (docs/exchange.md). Temporal is the scheduler:
 * it keeps the calendar, starts one `regularRunWorkflow` per period, pauses on failure, buffers an
 * overlapping period and runs backfills. PostgreSQL keeps who owns each schedule and what its runs
 * did (migration 0014). The policies are chosen once, here:
 *
 * - overlap BUFFER_ONE: a period that comes due while the previous run still works waits for it
 *   (SKIP would lose that period's file, ALLOW_ALL would run two transfers at once);
 * - pauseOnFailure: a failed run pauses the schedule, so nothing runs on until the engineer on duty
 *   (who got a task) has looked and unpaused it;
 * - catchupWindow one day: after an outage the periods of the last day are run late; older ones are
 *   left to an explicit backfill.
 */
import {
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
  type Client,
  type ScheduleSpec,
} from '@temporalio/client';
import type { ExchangeCalendar } from '../../definitions/exchange/exchange-spec.ts';
import type { JsonValue, Norm } from '../../definitions/model.ts';
import {
  insertRegularSchedule,
  markScheduleDeleted,
  selectLiveSchedules,
  type RegularKind,
} from '../../db/queries/schedules.ts';
import type { Queryable } from '../../db/pool.ts';

/** The workflow type each scheduled run starts (workflows/regular-run.ts). */
export const REGULAR_RUN_WORKFLOW = 'regularRunWorkflow';

export const SCHEDULE_POLICIES = {
  overlap: ScheduleOverlapPolicy.BUFFER_ONE,
  pauseOnFailure: true,
  catchupWindow: '1 day',
} as const;

/** What a run workflow receives: everything else it reads from the schedule's row. */
export interface RegularRunInput {
  scheduleId: string;
}

export function scheduleSpecOf(calendar: ExchangeCalendar): ScheduleSpec {
  return 'everyMs' in calendar
    ? { intervals: [{ every: calendar.everyMs }] }
    : { cronExpressions: [calendar.cron], timezone: calendar.timezone };
}

export interface CreateRegularSchedule {
  id: string;
  engagementId: string;
  kind: RegularKind;
  title: string;
  procedure: JsonValue;
  norm: Norm | null;
  calendar: ExchangeCalendar;
  taskQueue: string;
  /** How many runs, for a procedure agreed for a number of periods; unlimited when absent. */
  runs?: number;
}

/** Records the schedule, then creates it in Temporal; creating it again (a retry) changes nothing. */
export async function createRegularSchedule(client: Client, db: Queryable, p: CreateRegularSchedule): Promise<void> {
  await insertRegularSchedule(db, p);
  try {
    await client.schedule.create({
      scheduleId: p.id,
      spec: scheduleSpecOf(p.calendar),
      action: {
        type: 'startWorkflow',
        workflowType: REGULAR_RUN_WORKFLOW,
        // Temporal appends the scheduled time: `<id>-2026-03-01T00:00:00Z` names the run of that period.
        workflowId: p.id,
        taskQueue: p.taskQueue,
        args: [{ scheduleId: p.id } satisfies RegularRunInput],
        workflowRunTimeout: '6 hours',
      },
      policies: SCHEDULE_POLICIES,
      memo: { engagementId: p.engagementId, kind: p.kind, title: p.title },
      state: {
        note: `${p.kind} of engagement ${p.engagementId}`,
        ...(p.runs !== undefined ? { remainingActions: p.runs } : {}),
      },
    });
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
  }
}

/** Deletes the schedule in Temporal (gone already is fine) and marks its row deleted with why. */
export async function deleteRegularSchedule(client: Client, db: Queryable, id: string, reason: string): Promise<void> {
  try {
    await client.schedule.getHandle(id).delete();
  } catch (error) {
    if (!(error instanceof ScheduleNotFoundError)) throw error;
  }
  await markScheduleDeleted(db, id, reason);
}

/** Deletes every live schedule an engagement owns; returns their ids. */
export async function retireSchedulesOf(
  client: Client,
  db: Queryable,
  engagementId: string,
  reason: string,
): Promise<string[]> {
  const schedules = await selectLiveSchedules(db, engagementId);
  for (const schedule of schedules) await deleteRegularSchedule(client, db, schedule.id, reason);
  return schedules.map((s) => s.id);
}
