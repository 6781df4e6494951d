/**
 * The PM's dashboard: the engagements they manage by status, their tasks overdue, and tasks whose
 * deadline falls within the next AT_RISK_HOURS — the SLA deadlines at risk. It reads the API's
 * query modules under the API's visibility rules, for the roles that may launch (launchEngagement).
 */
import { Router } from 'express';
import { assertMayCall } from '../../api/authorization.ts';
import { countVisibleEngagementsByStatus } from '../../db/queries/dashboard.ts';
import { selectTasksDueBefore } from '../../db/queries/inbox.ts';
import { selectTaskPlaces } from '../../db/queries/tasks.ts';
import type { RouteDeps } from '../../api/app.ts';
import { render } from '../render.ts';
import { userOf } from '../session.ts';

export const AT_RISK_HOURS = 48;
const LIST_LIMIT = 20;

export function dashboardPage(deps: RouteDeps): Router {
  const router = Router();
  router.get('/dashboard', async (req, res) => {
    const user = userOf(res);
    assertMayCall('launchEngagement', user.role);
    const now = Date.now();
    const [byStatus, due] = await Promise.all([
      countVisibleEngagementsByStatus(deps.pool, user),
      selectTasksDueBefore(deps.pool, user, {
        before: new Date(now + AT_RISK_HOURS * 3600_000),
        limit: 2 * LIST_LIMIT,
      }),
    ]);
    const places = await selectTaskPlaces(
      deps.pool,
      due.map((t) => t.engagement_id),
    );
    const withPlace = due.map((t) => ({ ...t, place: places.get(t.engagement_id) }));
    render(req, res, 'dashboard', {
      title: 'dashboard.title',
      byStatus,
      overdue: withPlace.filter((t) => t.due_at !== null && t.due_at.getTime() < now).slice(0, LIST_LIMIT),
      atRisk: withPlace.filter((t) => t.due_at !== null && t.due_at.getTime() >= now).slice(0, LIST_LIMIT),
      atRiskHours: AT_RISK_HOURS,
    });
  });
  return router;
}
