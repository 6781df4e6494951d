/** How a schedule and its runs are shown: the API's `Schedule` and `ScheduleRun`, and the CLI's tables. */
import type { ScheduleDescription } from '@temporalio/client';
import type { RegularScheduleRow, ScheduleRunRow } from '../db/queries/schedules.ts';

export function runView(run: ScheduleRunRow) {
  return {
    period: run.period.toISOString(),
    workflowId: run.workflow_id,
    outcome: run.outcome,
    fileName: run.file_name,
    rows: run.row_count,
    bytes: run.byte_count === null ? null : Number(run.byte_count),
    sha256: run.sha256,
    message: run.message,
    taskId: run.task_id,
    startedAt: run.started_at.toISOString(),
    finishedAt: run.finished_at?.toISOString() ?? null,
  };
}

export function scheduleView(
  row: RegularScheduleRow,
  description: ScheduleDescription | null,
  lastRun: ScheduleRunRow | null,
) {
  return {
    id: row.id,
    engagementId: row.engagement_id,
    kind: row.kind,
    title: row.title,
    normPerRun: row.norm,
    createdAt: row.created_at.toISOString(),
    deletedAt: row.deleted_at?.toISOString() ?? null,
    deletedReason: row.deleted_reason,
    // Null when Temporal has no such schedule any more (deleted, or deleted outside Potik).
    paused: description ? description.state.paused : null,
    note: description?.state.note ?? null,
    remainingRuns: description?.state.remainingActions ?? null,
    nextRuns: description ? description.info.nextActionTimes.slice(0, 5).map((d) => d.toISOString()) : [],
    lastRun: lastRun ? runView(lastRun) : null,
  };
}
