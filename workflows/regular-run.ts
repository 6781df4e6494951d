/**
 * One run of a regular procedure: the workflow a Temporal Schedule starts per period
 * (activities/exchange/regular-schedules.ts). Its own workflow, not the engagement's: a run's
 * history is small, runs of different periods never wait on each other's workflow tasks, and the
 * engagement that owns the schedule stays as it is.
 *
 * The period is the scheduled (nominal) time, which Temporal appends to the workflow id
 * (`<schedule id>-2026-03-01T00:00:00Z`): a backfill or a retry of that period has the same period,
 * so the run activity finds its row and does nothing twice. A failure is recorded (a task for the
 * engineer on duty) and then fails the workflow, which pauses the schedule (pauseOnFailure).
 */
import { ApplicationFailure, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { RegularPeriodResult, RegularRunActivities } from '../activities/exchange/regular-runs.ts';
import type { RegularRunInput } from '../activities/exchange/regular-schedules.ts';

/** Transfers retry a few times (a network hiccup); a destination still refusing fails the run. */
const { runRegularPeriod } = proxyActivities<RegularRunActivities>({
  startToCloseTimeout: '1 hour',
  retry: {
    maximumAttempts: 3,
    initialInterval: '1 second',
    backoffCoefficient: 2,
    nonRetryableErrorTypes: [
      'exchange-file-invalid',
      'exchange-transfer-mismatch',
      'schedule-unknown',
      'schema-invalid',
    ],
  },
});

/** Recording the failure must happen: it retries until the database answers. */
const { recordRegularRunFailure } = proxyActivities<RegularRunActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { maximumInterval: '1 minute' },
});

const SCHEDULED_SUFFIX = /-(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z)$/;

/** The period of a run: the scheduled time at the end of its workflow id. */
export function periodOf(workflowId: string): string {
  const match = SCHEDULED_SUFFIX.exec(workflowId);
  if (!match) {
    throw ApplicationFailure.nonRetryable(
      `workflow ${workflowId} was not started by a schedule: its id carries no scheduled time`,
      'regular-run-unscheduled',
    );
  }
  return new Date(match[1]!).toISOString();
}

export async function regularRunWorkflow(input: RegularRunInput): Promise<RegularPeriodResult> {
  const { workflowId } = workflowInfo();
  const period = periodOf(workflowId);
  try {
    return await runRegularPeriod({ scheduleId: input.scheduleId, period, workflowId });
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
    const message = cause instanceof Error ? cause.message : String(cause);
    const { taskId } = await recordRegularRunFailure({ scheduleId: input.scheduleId, period, workflowId, message });
    throw ApplicationFailure.nonRetryable(`run of ${period} failed (task ${taskId}): ${message}`, 'regular-run-failed');
  }
}
