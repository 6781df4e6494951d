/**
 * Tasks a schedule opens (a regular procedure's period, a failed run for the engineer on duty) are
 * not steps of the owning engagement's workflow: no workflow waits for them. Completing one records
 * it in the inbox and nothing else; the run it belongs to was recorded (and billed) when it ran.
 */
import { isScheduleTaskStep } from '../activities/exchange/regular-runs.ts';
import type { JsonValue } from '../definitions/model.ts';
import { markTaskCompleted } from '../db/queries/tasks.ts';
import type { Queryable } from '../db/pool.ts';

export function isScheduleTask(task: { step_id: string }): boolean {
  return isScheduleTaskStep(task.step_id);
}

export async function completeScheduleTask(
  db: Queryable,
  task: { id: string; step_id: string },
  by: string,
  body: { result?: JsonValue; hoursSpent: number; comment?: string },
) {
  const completedAt = new Date().toISOString();
  await markTaskCompleted(db, {
    id: task.id,
    completedBy: by,
    completedAt,
    decision: null,
    result: body.result ?? {},
    hoursSpent: body.hoursSpent,
    comment: body.comment ?? null,
  });
  return { taskId: task.id, stepId: task.step_id, completedBy: by, completedAt };
}
