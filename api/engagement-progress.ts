/**
 * The automated steps an engagement is running right now, as Temporal's pending activity info tells
 * them: which step, which attempt, and why the last attempt failed. A step whose activity keeps
 * failing is retried by the server without a word to the workflow; this is where it shows.
 */
import { stepOfActivityId } from '../workflows/messages.ts';
import type { TemporalGateway } from './temporal-client.ts';

export interface RunningActivityView {
  /** The step the activity runs for; null for platform activities and engagements started before activity ids named steps. */
  stepId: string | null;
  iteration: string | null;
  activity: string;
  state: 'scheduled' | 'started' | 'cancel-requested' | 'paused' | 'pause-requested' | 'unknown';
  /** The attempt running or due next, from 1. */
  attempt: number;
  /** 0 means no limit. */
  maximumAttempts: number;
  lastFailure: string | null;
  lastAttemptAt: string | null;
  nextAttemptAt: string | null;
}

const STATES: Record<number, RunningActivityView['state']> = {
  1: 'scheduled',
  2: 'started',
  3: 'cancel-requested',
  4: 'paused',
  5: 'pause-requested',
};

/** How long an engagement view waits for Temporal's description before going without it. */
const DESCRIBE_TIMEOUT_MS = 3000;

type Timestamp = { seconds?: { toString(): string } | number | null; nanos?: number | null } | null | undefined;

function isoOf(ts: Timestamp): string | null {
  if (!ts || ts.seconds === null || ts.seconds === undefined) return null;
  return new Date(Number(ts.seconds.toString()) * 1000 + Math.floor((ts.nanos ?? 0) / 1e6)).toISOString();
}

/** The running activities of an engagement's workflow, or null when Temporal cannot answer right now. */
export async function runningActivitiesOf(
  temporal: TemporalGateway,
  id: string,
): Promise<RunningActivityView[] | null> {
  let description;
  try {
    description = await temporal.client.connection.withDeadline(Date.now() + DESCRIBE_TIMEOUT_MS, () =>
      temporal.client.workflow.getHandle(id).describe(),
    );
  } catch {
    return null;
  }
  return (description.raw.pendingActivities ?? []).map((pending) => {
    const step = stepOfActivityId(pending.activityId ?? '');
    return {
      stepId: step?.stepId ?? null,
      iteration: step?.iteration ?? null,
      activity: pending.activityType?.name ?? '',
      state: STATES[Number(pending.state ?? 0)] ?? 'unknown',
      attempt: pending.attempt ?? 1,
      maximumAttempts: pending.maximumAttempts ?? 0,
      lastFailure: pending.lastFailure?.message ?? null,
      lastAttemptAt: isoOf(pending.lastStartedTime),
      nextAttemptAt: isoOf(pending.nextAttemptScheduleTime),
    };
  });
}
