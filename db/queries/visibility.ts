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

/** A PM (`user`) manages the engagement: launched it, or manages its customer. `e` is the engagement. */
const pmOwns = (user: string) => `(e.launched_by = ${user} OR EXISTS (
    SELECT 1 FROM customer_managers m WHERE m.customer_id = e.customer_id AND m.user_id = ${user}))`;
const PM_OWNS = pmOwns('$1');

/** An engineer may work on the task `t`: assigned to them, their group or their category, or done by them. */
const engineerWorksOn = (user: string, category: string, groups: string) => `(t.assignee_user = ${user}
    OR t.claimed_by = ${user} OR t.completed_by = ${user}
    OR t.assignee_group = ANY(${groups}::text[])
    OR (t.assignee_category = ${category} AND t.assignee_user IS NULL)
    OR (t.assignee_role = 'lead' AND ${category} = 'LEAD'))`;
const ENGINEER_WORKS_ON = engineerWorksOn('$1', '$3', '$4');

/**
 * Task `t` of engagement `e`: admins see all; PMs the tasks of the engagements they manage;
 * engineers the tasks they may work on; finance none (task results are not theirs to read).
 */
export const TASK_VISIBLE = `(
  $2 = 'admin'
  OR ($2 = 'pm' AND ${PM_OWNS})
  OR ($2 = 'engineer' AND ${ENGINEER_WORKS_ON})
)`;

/** Appends a value to a statement's parameters and returns its placeholder. */
export type Bind = (value: unknown) => string;

export function binder(params: unknown[]): Bind {
  return (value) => `$${params.push(value)}`;
}

/**
 * TASK_VISIBLE for one viewer: only the rule of the viewer's role, with the viewer's values bound.
 * A statement built on it plans in a fraction of the time of the rule for every role and needs the
 * engagement `e` only when `joinsEngagement` says so.
 */
export function taskVisibleTo(viewer: Viewer, bind: Bind): { where: string; joinsEngagement: boolean } {
  switch (viewer.role) {
    case 'admin':
      return { where: 'true', joinsEngagement: false };
    case 'pm':
      return { where: pmOwns(bind(viewer.id)), joinsEngagement: true };
    case 'engineer':
      return {
        where: engineerWorksOn(bind(viewer.id), bind(viewer.category), bind(viewer.groups)),
        joinsEngagement: false,
      };
    default:
      return { where: 'false', joinsEngagement: false };
  }
}

/**
 * Engagement `e`: admins and finance see all (finance reads summaries, never task results); PMs
 * the ones they manage; engineers those with a task they may work on.
 */
export const ENGAGEMENT_VISIBLE = `(
  $2 IN ('admin', 'finance')
  OR ($2 = 'pm' AND ${PM_OWNS})
  OR ($2 = 'engineer' AND EXISTS (SELECT 1 FROM tasks t WHERE t.engagement_id = e.id AND ${ENGINEER_WORKS_ON}))
)`;
