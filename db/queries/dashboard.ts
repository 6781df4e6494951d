/**
 * The PM's dashboard: how many of the engagements the viewer may see (the API's rule,
 * db/queries/visibility.ts) stand in each status.
 */
import type { Queryable } from '../pool.ts';
import type { EngagementRowStatus } from './engagements.ts';
import { ENGAGEMENT_VISIBLE, viewerParams, type Viewer } from './visibility.ts';

export async function countVisibleEngagementsByStatus(
  db: Queryable,
  viewer: Viewer,
): Promise<{ status: EngagementRowStatus; count: number }[]> {
  const { rows } = await db.query<{ status: EngagementRowStatus; count: number }>(
    `SELECT e.status, count(*)::int AS count FROM engagements e WHERE ${ENGAGEMENT_VISIBLE}
     GROUP BY e.status ORDER BY e.status`,
    viewerParams(viewer),
  );
  return rows;
}
