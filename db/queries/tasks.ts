import type { Assignee, Category, JsonSchema, JsonValue } from '../../definitions/model.ts';
import type { TaskContext } from '../../workflows/messages.ts';
import type { Queryable } from '../pool.ts';
import { binder, TASK_VISIBLE, taskVisibleTo, viewerParams, type Viewer } from './visibility.ts';

export type TaskStatus = 'open' | 'claimed' | 'completed' | 'cancelled';

export interface TaskRow {
  id: string;
  engagement_id: string;
  step_id: string;
  iteration: string;
  kind: 'task' | 'approval';
  title: string;
  instructions: string | null;
  assignee_category: Category | null;
  assignee_group: string | null;
  assignee_user: string | null;
  assignee_role: string | null;
  form: JsonSchema | null;
  status: TaskStatus;
  due_at: Date | null;
  claimed_by: string | null;
  completed_by: string | null;
  completed_at: Date | null;
  decision: string | null;
  result: JsonValue | null;
  hours_spent: number | null;
  comment: string | null;
  escalated_at: Date | null;
  context: TaskContext | null;
  not_before: Date | null;
  created_at: Date;
  updated_at: Date;
}

export interface InsertTaskParams {
  id: string;
  engagementId: string;
  stepId: string;
  iteration: string;
  kind: 'task' | 'approval';
  title: string;
  instructions: string | null;
  assignee: Assignee;
  form: JsonSchema | null;
  dueAt: string | null;
  /** Absent for tasks opened by engagements that started before tasks carried a context. */
  context?: TaskContext | null;
  notBefore?: string | null;
}

/** Opens a task; opening the same task again (a retried activity) changes nothing. */
export async function insertTask(db: Queryable, p: InsertTaskParams): Promise<void> {
  await db.query(
    `INSERT INTO tasks (id, engagement_id, step_id, iteration, kind, title, instructions,
                        assignee_category, assignee_group, assignee_user, assignee_role, form, due_at,
                        context, not_before)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
     ON CONFLICT (id) DO NOTHING`,
    [
      p.id,
      p.engagementId,
      p.stepId,
      p.iteration,
      p.kind,
      p.title,
      p.instructions,
      p.assignee.category ?? null,
      p.assignee.group ?? null,
      p.assignee.user ?? null,
      p.assignee.role ?? null,
      p.form === null ? null : JSON.stringify(p.form),
      p.dueAt,
      p.context ? JSON.stringify(p.context) : null,
      p.notBefore ?? null,
    ],
  );
}

export interface CompleteTaskParams {
  id: string;
  completedBy: string;
  completedAt: string;
  decision: string | null;
  result: JsonValue;
  hoursSpent: number;
  comment: string | null;
}

/** Marks an open task completed; a repeat finds it completed already and changes nothing. */
export async function markTaskCompleted(db: Queryable, p: CompleteTaskParams): Promise<void> {
  await db.query(
    `UPDATE tasks SET status = 'completed', completed_by = $2, completed_at = $3, decision = $4, result = $5,
                      hours_spent = $6, comment = $7, updated_at = now()
     WHERE id = $1 AND status IN ('open', 'claimed')`,
    [p.id, p.completedBy, p.completedAt, p.decision, JSON.stringify(p.result), p.hoursSpent, p.comment],
  );
}

/** Cancels the engagement's open tasks (all of them when taskIds is null). */
export async function markTasksCancelled(
  db: Queryable,
  engagementId: string,
  taskIds: string[] | null,
): Promise<number> {
  const { rowCount } = await db.query(
    `UPDATE tasks SET status = 'cancelled', updated_at = now()
     WHERE engagement_id = $1 AND status IN ('open', 'claimed') AND ($2::text[] IS NULL OR id = ANY($2))`,
    [engagementId, taskIds],
  );
  return rowCount ?? 0;
}

export async function updateTaskAssignee(db: Queryable, id: string, assignee: Assignee): Promise<void> {
  await db.query(
    `UPDATE tasks SET assignee_category = $2, assignee_group = $3, assignee_user = $4, assignee_role = $5,
                      claimed_by = NULL, status = CASE WHEN status = 'claimed' THEN 'open' ELSE status END,
                      escalated_at = now(), updated_at = now()
     WHERE id = $1 AND status IN ('open', 'claimed')`,
    [id, assignee.category ?? null, assignee.group ?? null, assignee.user ?? null, assignee.role ?? null],
  );
}

export type { Viewer };

export async function selectVisibleTask(db: Queryable, viewer: Viewer, id: string): Promise<TaskRow | null> {
  const { rows } = await db.query<TaskRow>(
    `SELECT t.* FROM tasks t JOIN engagements e ON e.id = t.engagement_id WHERE ${TASK_VISIBLE} AND t.id = $5`,
    [...viewerParams(viewer), id],
  );
  return rows[0] ?? null;
}

export interface InboxFilter {
  status: 'open' | 'all';
  overdue: boolean;
  /** `me`: assigned to, claimed or completed by the viewer; `group`: assigned to one of the viewer's groups. */
  assigned?: 'me' | 'group';
  /** Only tasks assigned to this qualification category. */
  category?: Category;
  limit: number;
  /** Keyset cursor: created_at and id of the last row of the previous page. */
  after?: { createdAt: string; id: string };
}

/** A task as lists show it: the row without its form schema (the task's own view has it) and bookkeeping. */
export type TaskSummaryRow = Omit<TaskRow, 'form' | 'comment' | 'escalated_at' | 'updated_at' | 'context'> & {
  /** The rejection that sent the work back, from the task's context. */
  last_rejection: TaskContext['lastRejection'] | null;
};

const SUMMARY_COLUMNS = `t.id, t.engagement_id, t.step_id, t.iteration, t.kind, t.title, t.instructions,
  t.assignee_category, t.assignee_group, t.assignee_user, t.assignee_role, t.status, t.due_at, t.claimed_by,
  t.completed_by, t.completed_at, t.decision, t.result, t.hours_spent, t.not_before,
  t.context -> 'lastRejection' AS last_rejection, t.created_at`;

/**
 * The viewer's inbox, oldest first; `cursor_at` is created_at as text, exact to the microsecond for
 * the next cursor. The statement holds only the viewer's visibility rule and the filters asked for:
 * it plans in a fraction of the time of the general rule and walks the open tasks in created order
 * (tasks_open_created_idx) from the cursor on.
 */
export async function selectInbox(
  db: Queryable,
  viewer: Viewer,
  filter: InboxFilter,
): Promise<(TaskSummaryRow & { cursor_at: string })[]> {
  const params: unknown[] = [];
  const bind = binder(params);
  const visible = taskVisibleTo(viewer, bind);
  const conditions = [visible.where];
  if (filter.status === 'open' || filter.overdue) conditions.push(`t.status IN ('open', 'claimed')`);
  if (filter.overdue) conditions.push('t.due_at < now()');
  if (filter.assigned === 'me') {
    const me = bind(viewer.id);
    conditions.push(`(t.assignee_user = ${me} OR t.claimed_by = ${me} OR t.completed_by = ${me})`);
  }
  if (filter.assigned === 'group') conditions.push(`t.assignee_group = ANY(${bind(viewer.groups)}::text[])`);
  if (filter.category) conditions.push(`t.assignee_category = ${bind(filter.category)}`);
  if (filter.after) {
    conditions.push(
      `(t.created_at, t.id) > (${bind(filter.after.createdAt)}::timestamptz, ${bind(filter.after.id)}::text)`,
    );
  }
  const { rows } = await db.query<TaskSummaryRow & { cursor_at: string }>({
    text: `SELECT ${SUMMARY_COLUMNS}, t.created_at::text AS cursor_at
      FROM tasks t${visible.joinsEngagement ? ' JOIN engagements e ON e.id = t.engagement_id' : ''}
      WHERE ${conditions.join(' AND ')}
      ORDER BY t.created_at, t.id
      LIMIT ${bind(filter.limit)}`,
    values: params,
  });
  return rows;
}

export async function selectTasksOfEngagement(db: Queryable, engagementId: string): Promise<TaskRow[]> {
  const { rows } = await db.query<TaskRow>('SELECT * FROM tasks WHERE engagement_id = $1 ORDER BY created_at, id', [
    engagementId,
  ]);
  return rows;
}

/** Claims an open task for the viewer; returns false when it is not open or claimed by someone else. */
export async function claimTask(db: Queryable, id: string, userId: string): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE tasks SET status = 'claimed', claimed_by = $2, updated_at = now()
     WHERE id = $1 AND (status = 'open' OR (status = 'claimed' AND claimed_by = $2))`,
    [id, userId],
  );
  return (rowCount ?? 0) > 0;
}

/** Where tasks belong: their engagement's customer and project, with names, for the views. */
export interface TaskPlaceRow {
  engagement_id: string;
  definition_id: string;
  service_code: string;
  engagement_status: string;
  customer_id: string;
  customer_name: string;
  project_id: string | null;
  project_name: string | null;
}

/** The places of the given engagements (the tasks' visibility is checked by the caller's query). */
export async function selectTaskPlaces(db: Queryable, engagementIds: string[]): Promise<Map<string, TaskPlaceRow>> {
  if (engagementIds.length === 0) return new Map();
  const { rows } = await db.query<TaskPlaceRow>(
    `SELECT e.id AS engagement_id, e.definition_id, e.service_code, e.status AS engagement_status,
            c.id AS customer_id, c.name AS customer_name, p.id AS project_id, p.name AS project_name
     FROM engagements e JOIN customers c ON c.id = e.customer_id LEFT JOIN projects p ON p.id = e.project_id
     WHERE e.id = ANY($1::uuid[])`,
    [[...new Set(engagementIds)]],
  );
  return new Map(rows.map((row) => [row.engagement_id, row]));
}
