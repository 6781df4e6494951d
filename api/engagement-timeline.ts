/**
 * The timeline of an engagement — who did what when — merged from the workflow's own state (steps
 * started and ended, by whom) and the task rows in PostgreSQL (opened, claimed, completed with
 * hours, cancelled). Either source alone still gives a timeline; events are ordered by time.
 */
import type { EngagementRow } from '../db/queries/engagements.ts';
import type { TaskRow } from '../db/queries/tasks.ts';
import type { EngagementState } from '../workflows/messages.ts';

export interface TimelineEvent {
  at: string;
  event:
    | 'launched'
    | 'step-started'
    | 'step-ended'
    | 'task-opened'
    | 'task-claimed'
    | 'task-completed'
    | 'task-cancelled'
    | 'cancel-requested'
    | 'closed';
  /** The user who acted; null for the system. */
  by: string | null;
  stepId?: string;
  iteration?: string;
  taskId?: string;
  status?: string;
  hoursSpent?: number;
  decision?: string;
  /** Why the engagement was cancelled, as the one who cancelled it said. */
  reason?: string;
}

const ORDER: Record<TimelineEvent['event'], number> = {
  launched: 0,
  'step-started': 1,
  'task-opened': 2,
  'task-claimed': 3,
  'task-completed': 4,
  'task-cancelled': 4,
  'step-ended': 5,
  'cancel-requested': 6,
  closed: 7,
};

export function buildTimeline(
  engagement: EngagementRow,
  tasks: readonly TaskRow[],
  state: EngagementState | null,
): TimelineEvent[] {
  const events: TimelineEvent[] = [
    { at: engagement.created_at.toISOString(), event: 'launched', by: engagement.launched_by },
  ];
  for (const step of state?.steps ?? []) {
    const where = { stepId: step.stepId, iteration: step.iteration };
    events.push({ at: step.startedAt, event: 'step-started', by: null, ...where });
    if (step.endedAt) {
      events.push({ at: step.endedAt, event: 'step-ended', by: step.by ?? null, status: step.status, ...where });
    }
  }
  for (const task of tasks) {
    const where = { stepId: task.step_id, iteration: task.iteration, taskId: task.id };
    events.push({ at: task.created_at.toISOString(), event: 'task-opened', by: null, ...where });
    if (task.status === 'claimed' && task.claimed_by) {
      events.push({ at: task.updated_at.toISOString(), event: 'task-claimed', by: task.claimed_by, ...where });
    }
    if (task.status === 'completed' && task.completed_at) {
      events.push({
        at: task.completed_at.toISOString(),
        event: 'task-completed',
        by: task.completed_by,
        ...where,
        ...(task.hours_spent === null ? {} : { hoursSpent: task.hours_spent }),
        ...(task.decision ? { decision: task.decision } : {}),
      });
    }
    if (task.status === 'cancelled') {
      events.push({ at: task.updated_at.toISOString(), event: 'task-cancelled', by: null, ...where });
    }
  }
  if (engagement.cancel_requested_at) {
    events.push({
      at: engagement.cancel_requested_at.toISOString(),
      event: 'cancel-requested',
      by: engagement.cancel_requested_by,
      ...(engagement.cancel_reason ? { reason: engagement.cancel_reason } : {}),
    });
  }
  if (engagement.closed_at) {
    const cancelled = engagement.status === 'CANCELLED' && engagement.cancel_requested_by !== null;
    events.push({
      at: engagement.closed_at.toISOString(),
      event: 'closed',
      by: cancelled ? engagement.cancel_requested_by : null,
      status: engagement.status,
      ...(cancelled && engagement.cancel_reason ? { reason: engagement.cancel_reason } : {}),
    });
  }
  return events
    .map((event) => ({ ...event, at: new Date(event.at).toISOString() }))
    .sort((a, b) => a.at.localeCompare(b.at) || ORDER[a.event] - ORDER[b.event]);
}
