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

/**
 * One page of a view, by due time then id — tasks without a due time last — after the keyset
 * cursor (the last row's due time, null for none, and id). The order is the one of the index
 * tasks_open_due_idx (due_at ASC NULLS LAST, id), so a page reads its rows from the index.
 */
export async function selectInboxByDue(
  db: Queryable,
  viewer: Viewer,
  p: { view: InboxView; limit: number; after?: { due: string | null; id: string } },
): Promise<TaskSummaryRow[]> {
  const params: unknown[] = [];
  const bind = binder(params);
  const { from, where } = fromVisible(viewer, bind);
  const conditions = [where, viewCondition(p.view, viewer, bind)];
  if (p.after && p.after.due === null) conditions.push(`t.due_at IS NULL AND t.id > ${bind(p.after.id)}`);
  else if (p.after) {
    const due = bind(p.after.due);
    conditions.push(
      `(t.due_at > ${due}::timestamptz OR (t.due_at = ${due}::timestamptz AND t.id > ${bind(p.after.id)}) OR t.due_at IS NULL)`,
    );
  }
  const { rows } = await db.query<TaskSummaryRow>({
    text: `SELECT t.id, t.engagement_id, t.step_id, t.iteration, t.kind, t.title, t.instructions,
              t.assignee_category, t.assignee_group, t.assignee_user, t.assignee_role, t.status, t.due_at,
              t.claimed_by, t.completed_by, t.completed_at, t.decision, t.result, t.hours_spent, t.not_before,
              t.context -> 'lastRejection' AS last_rejection, t.created_at
       FROM ${from} WHERE ${conditions.join(' AND ')}
       ORDER BY t.due_at, t.id LIMIT ${bind(p.limit)}`,
    values: params,
  });
  return rows;
}

/** Counts stop here: a view with more shows "1000+" (counting every row of a large inbox costs a scan). */
export const COUNT_CAP = 1000;

/** How many open tasks each view holds for the viewer, each counted up to COUNT_CAP + 1. */
export async function countInboxViews(db: Queryable, viewer: Viewer): Promise<Record<InboxView, number>> {
  const counts = await Promise.all(
    INBOX_VIEWS.map(async (view) => {
      const params: unknown[] = [];
      const bind = binder(params);
      const { from, where } = fromVisible(viewer, bind);
      const { rows } = await db.query<{ n: number }>({
        text: `SELECT count(*)::int AS n FROM (SELECT 1 FROM ${from}
                 WHERE ${where} AND ${viewCondition(view, viewer, bind)} LIMIT ${COUNT_CAP + 1}) capped`,
        values: params,
      });
      return [view, rows[0]!.n] as const;
    }),
  );
  return Object.fromEntries(counts) as Record<InboxView, number>;
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
