/**
 * Regular procedures (migration 0014): the schedules engagements own, and one run row per period.
 */
import type { JsonValue, Norm } from '../../definitions/model.ts';
import type { Queryable } from '../pool.ts';
import { ENGAGEMENT_VISIBLE, viewerParams, type Viewer } from './visibility.ts';

export type RegularKind = 'exchange' | 'procedure';

export interface RegularScheduleRow {
  id: string;
  engagement_id: string;
  kind: RegularKind;
  title: string;
  procedure: JsonValue;
  norm: Norm | null;
  created_at: Date;
  deleted_at: Date | null;
  deleted_reason: string | null;
}

export interface ScheduleRunRow {
  schedule_id: string;
  period: Date;
  workflow_id: string;
  outcome: 'running' | 'succeeded' | 'failed';
  file_name: string | null;
  row_count: number | null;
  byte_count: string | null;
  sha256: string | null;
  message: string | null;
  task_id: string | null;
  started_at: Date;
  finished_at: Date | null;
}

/** Records a schedule; recording it again (a retried activity) keeps the first row. */
export async function insertRegularSchedule(
  db: Queryable,
  p: { id: string; engagementId: string; kind: RegularKind; title: string; procedure: JsonValue; norm: Norm | null },
): Promise<void> {
  await db.query(
    `INSERT INTO regular_schedules (id, engagement_id, kind, title, procedure, norm)
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING`,
    [p.id, p.engagementId, p.kind, p.title, JSON.stringify(p.procedure), p.norm ? JSON.stringify(p.norm) : null],
  );
}

export async function selectRegularSchedule(db: Queryable, id: string): Promise<RegularScheduleRow | null> {
  const { rows } = await db.query<RegularScheduleRow>('SELECT * FROM regular_schedules WHERE id = $1', [id]);
  return rows[0] ?? null;
}

/** The live (not deleted) schedules, newest first; of one engagement when given. */
export async function selectLiveSchedules(db: Queryable, engagementId?: string): Promise<RegularScheduleRow[]> {
  const { rows } = await db.query<RegularScheduleRow>(
    `SELECT * FROM regular_schedules
      WHERE deleted_at IS NULL AND ($1::uuid IS NULL OR engagement_id = $1)
      ORDER BY created_at DESC, id`,
    [engagementId ?? null],
  );
  return rows;
}

/** The schedules a viewer sees (those of engagements they see), live first, then newest; at most 500. */
export async function selectRegularSchedules(db: Queryable, viewer: Viewer): Promise<RegularScheduleRow[]> {
  const { rows } = await db.query<RegularScheduleRow>(
    `SELECT s.* FROM regular_schedules s JOIN engagements e ON e.id = s.engagement_id
      WHERE ${ENGAGEMENT_VISIBLE}
      ORDER BY s.deleted_at IS NOT NULL, s.created_at DESC, s.id LIMIT 500`,
    viewerParams(viewer),
  );
  return rows;
}

export async function markScheduleDeleted(db: Queryable, id: string, reason: string): Promise<void> {
  await db.query(
    `UPDATE regular_schedules SET deleted_at = now(), deleted_reason = $2 WHERE id = $1 AND deleted_at IS NULL`,
    [id, reason],
  );
}

/**
 * Claims the period for a run: a new row `running`, or the existing one. A period that succeeded
 * stays succeeded, so a backfill or retry of it finds its result and writes nothing again.
 */
export async function claimScheduleRun(
  db: Queryable,
  p: { scheduleId: string; period: Date; workflowId: string },
): Promise<ScheduleRunRow> {
  const { rows } = await db.query<ScheduleRunRow>(
    `INSERT INTO schedule_runs (schedule_id, period, workflow_id, outcome) VALUES ($1, $2, $3, 'running')
     ON CONFLICT (schedule_id, period) DO UPDATE
        SET workflow_id = CASE WHEN schedule_runs.outcome = 'succeeded' THEN schedule_runs.workflow_id ELSE EXCLUDED.workflow_id END,
            outcome = CASE WHEN schedule_runs.outcome = 'succeeded' THEN 'succeeded' ELSE 'running' END,
            started_at = CASE WHEN schedule_runs.outcome = 'succeeded' THEN schedule_runs.started_at ELSE now() END
     RETURNING *`,
    [p.scheduleId, p.period, p.workflowId],
  );
  return rows[0]!;
}

export async function finishScheduleRun(
  db: Queryable,
  p: {
    scheduleId: string;
    period: Date;
    outcome: 'succeeded' | 'failed';
    fileName?: string | null;
    rowCount?: number | null;
    byteCount?: number | null;
    sha256?: string | null;
    message?: string | null;
    taskId?: string | null;
  },
): Promise<void> {
  await db.query(
    `UPDATE schedule_runs SET outcome = $3, file_name = COALESCE($4, file_name), row_count = COALESCE($5, row_count),
            byte_count = COALESCE($6, byte_count), sha256 = COALESCE($7, sha256), message = $8,
            task_id = COALESCE($9, task_id), finished_at = now()
      WHERE schedule_id = $1 AND period = $2 AND outcome <> 'succeeded'`,
    [
      p.scheduleId,
      p.period,
      p.outcome,
      p.fileName ?? null,
      p.rowCount ?? null,
      p.byteCount ?? null,
      p.sha256 ?? null,
      p.message ?? null,
      p.taskId ?? null,
    ],
  );
}

/** The runs of a schedule, latest period first. */
export async function selectScheduleRuns(db: Queryable, scheduleId: string, limit = 100): Promise<ScheduleRunRow[]> {
  const { rows } = await db.query<ScheduleRunRow>(
    'SELECT * FROM schedule_runs WHERE schedule_id = $1 ORDER BY period DESC LIMIT $2',
    [scheduleId, limit],
  );
  return rows;
}

/** The period before `period` that has a run row, for reads of what changed since the last run. */
export async function selectPreviousPeriod(db: Queryable, scheduleId: string, period: Date): Promise<Date | null> {
  const { rows } = await db.query<{ period: Date }>(
    `SELECT period FROM schedule_runs WHERE schedule_id = $1 AND period < $2 AND outcome = 'succeeded'
      ORDER BY period DESC LIMIT 1`,
    [scheduleId, period],
  );
  return rows[0]?.period ?? null;
}
