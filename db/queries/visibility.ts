/**
 * Object-level visibility, in SQL: the one definition of who may see which engagement and task
 * (docs/authorization.md). Each fragment reads the viewer from the first four parameters —
 * $1 user id, $2 role, $3 category, $4 groups — so every query that uses them passes
 * `viewerParams(viewer)` first. What a viewer may not see is simply not selected: the API answers 404.
 */
import type { Category } from '../../definitions/model.ts';

/** The caller, as the visibility rules see them. */
export interface Viewer {
  id: string;
  role: string;
  category: Category | null;
  groups: string[];
}

export function viewerParams(viewer: Viewer): [string, string, Category | null, string[]] {
  return [viewer.id, viewer.role, viewer.category, viewer.groups];
}

/** A PM manages the engagement: launched it, or manages its customer. `e` is the engagement. */
const PM_OWNS = `(e.launched_by = $1 OR EXISTS (
    SELECT 1 FROM customer_managers m WHERE m.customer_id = e.customer_id AND m.user_id = $1))`;

/** An engineer may work on the task `t`: assigned to them, their group or their category, or done by them. */
const ENGINEER_WORKS_ON = `(t.assignee_user = $1 OR t.claimed_by = $1 OR t.completed_by = $1
    OR t.assignee_group = ANY($4::text[])
    OR (t.assignee_category = $3 AND t.assignee_user IS NULL)
    OR (t.assignee_role = 'lead' AND $3 = 'LEAD'))`;

/**
 * Task `t` of engagement `e`: admins see all; PMs the tasks of the engagements they manage;
 * engineers the tasks they may work on; finance none (task results are not theirs to read).
 */
export const TASK_VISIBLE = `(
  $2 = 'admin'
  OR ($2 = 'pm' AND ${PM_OWNS})
  OR ($2 = 'engineer' AND ${ENGINEER_WORKS_ON})
)`;

/**
 * Engagement `e`: admins and finance see all (finance reads summaries, never task results); PMs
 * the ones they manage; engineers those with a task they may work on.
 */
export const ENGAGEMENT_VISIBLE = `(
  $2 IN ('admin', 'finance')
  OR ($2 = 'pm' AND ${PM_OWNS})
  OR ($2 = 'engineer' AND EXISTS (SELECT 1 FROM tasks t WHERE t.engagement_id = e.id AND ${ENGINEER_WORKS_ON}))
)`;
