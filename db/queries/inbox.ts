/**
 * The console's inbox: open tasks the viewer may see (the same rule as the API's, db/queries/
 * visibility.ts), by due time — the ones without a due time last — with the count of each view.
 */
import type { Category } from '../../definitions/model.ts';
import type { Queryable } from '../pool.ts';
import type { TaskSummaryRow } from './tasks.ts';
import { binder, taskVisibleTo, type Bind, type Viewer } from './visibility.ts';

export type InboxView = 'mine' | 'group' | 'category' | 'overdue' | 'all';

export const INBOX_VIEWS: readonly InboxView[] = ['mine', 'group', 'category', 'overdue', 'all'];

/** Far beyond any due time: tasks without one sort after every task with one. */
const NO_DUE = "'infinity'::timestamptz";

function viewCondition(view: InboxView, viewer: Viewer, bind: Bind): string {
  switch (view) {
    case 'mine': {
      const me = bind(viewer.id);
      return `(t.assignee_user = ${me} OR t.claimed_by = ${me})`;
    }
    case 'group':
      return `t.assignee_group = ANY(${bind(viewer.groups)}::text[])`;
    case 'category':
      return `t.assignee_category = ${bind(viewer.category as Category | null)}`;
    case 'overdue':
      return 't.due_at < now()';
    case 'all':
      return 'true';
  }
}

function fromVisible(viewer: Viewer, bind: Bind): { from: string; where: string } {
  const visible = taskVisibleTo(viewer, bind);
  return {
    from: `tasks t${visible.joinsEngagement ? ' JOIN engagements e ON e.id = t.engagement_id' : ''}`,
    where: `t.status IN ('open', 'claimed') AND ${visible.where}`,
  };
}

/** One page of a view, by due time then id, after the keyset cursor (due time as text, id). */
export async function selectInboxByDue(
  db: Queryable,
  viewer: Viewer,
  p: { view: InboxView; limit: number; after?: { due: string; id: string } },
): Promise<(TaskSummaryRow & { cursor_due: string })[]> {
  const params: unknown[] = [];
  const bind = binder(params);
  const { from, where } = fromVisible(viewer, bind);
  const conditions = [where, viewCondition(p.view, viewer, bind)];
  const due = `coalesce(t.due_at, ${NO_DUE})`;
  if (p.after) conditions.push(`(${due}, t.id) > (${bind(p.after.due)}::timestamptz, ${bind(p.after.id)}::text)`);
  const { rows } = await db.query<TaskSummaryRow & { cursor_due: string }>({
    text: `SELECT t.id, t.engagement_id, t.step_id, t.iteration, t.kind, t.title, t.instructions,
              t.assignee_category, t.assignee_group, t.assignee_user, t.assignee_role, t.status, t.due_at,
              t.claimed_by, t.completed_by, t.completed_at, t.decision, t.result, t.hours_spent, t.not_before,
              t.context -> 'lastRejection' AS last_rejection, t.created_at, ${due}::text AS cursor_due
       FROM ${from} WHERE ${conditions.join(' AND ')}
       ORDER BY ${due}, t.id LIMIT ${bind(p.limit)}`,
    values: params,
  });
  return rows;
}

/** How many open tasks each view holds for the viewer. */
export async function countInboxViews(db: Queryable, viewer: Viewer): Promise<Record<InboxView, number>> {
  const params: unknown[] = [];
  const bind = binder(params);
  const { from, where } = fromVisible(viewer, bind);
  const counts = INBOX_VIEWS.map(
    (view) => `count(*) FILTER (WHERE ${viewCondition(view, viewer, bind)})::int AS "${view}"`,
  );
  const { rows } = await db.query<Record<InboxView, number>>({
    text: `SELECT ${counts.join(', ')} FROM ${from} WHERE ${where}`,
    values: params,
  });
  return rows[0]!;
}

/** Open tasks the viewer may see that are overdue or due before `before`, soonest first (the dashboard). */
export async function selectTasksDueBefore(
  db: Queryable,
  viewer: Viewer,
  p: { before: Date; limit: number },
): Promise<TaskSummaryRow[]> {
  const params: unknown[] = [];
  const bind = binder(params);
  const { from, where } = fromVisible(viewer, bind);
  const { rows } = await db.query<TaskSummaryRow>({
    text: `SELECT t.id, t.engagement_id, t.step_id, t.kind, t.title, t.status, t.due_at, t.assignee_category,
              t.assignee_group, t.assignee_user, t.assignee_role, t.claimed_by, t.created_at
       FROM ${from} WHERE ${where} AND t.due_at < ${bind(p.before)}
       ORDER BY t.due_at, t.id LIMIT ${bind(p.limit)}`,
    values: params,
  });
  return rows;
}
