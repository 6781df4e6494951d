/**
 * The engineer's inbox: open tasks they may work on — mine, my group's, my category's, overdue, or
 * all — by due time, with the count of each view, due badges and pages of PAGE_SIZE. It reads the
 * API's query modules under the API's visibility rule and permission (listTasks).
 */
import { Router } from 'express';
import { assertMayCall } from '../../api/authorization.ts';
import { COUNT_CAP, countInboxViews, INBOX_VIEWS, selectInboxByDue, type InboxView } from '../../db/queries/inbox.ts';
import { selectTaskPlaces } from '../../db/queries/tasks.ts';
import type { RouteDeps } from '../../api/app.ts';
import { render } from '../render.ts';
import { userOf } from '../session.ts';

export const PAGE_SIZE = 25;

function encodeAfter(due: Date | null, id: string): string {
  return Buffer.from(JSON.stringify([due === null ? null : due.toISOString(), id])).toString('base64url');
}

function decodeAfter(value: unknown): { due: string | null; id: string } | undefined {
  if (typeof value !== 'string' || value.length > 300) return undefined;
  try {
    const [due, id] = JSON.parse(Buffer.from(value, 'base64url').toString()) as unknown[];
    if (typeof id !== 'string') return undefined;
    if (due === null) return { due: null, id };
    return typeof due === 'string' && !Number.isNaN(Date.parse(due)) ? { due, id } : undefined;
  } catch {
    return undefined;
  }
}

/** The first view with tasks in it, in the order mine → group → category → all. */
function defaultView(counts: Record<InboxView, number>): InboxView {
  return (['mine', 'group', 'category'] as const).find((v) => counts[v] > 0) ?? 'all';
}

export function inboxPage(deps: RouteDeps): Router {
  const router = Router();
  router.get('/inbox', async (req, res) => {
    const user = userOf(res);
    assertMayCall('listTasks', user.role);
    const counts = await countInboxViews(deps.pool, user);
    const asked = req.query.view as InboxView | undefined;
    const view = asked && INBOX_VIEWS.includes(asked) ? asked : defaultView(counts);
    const after = decodeAfter(req.query.after);
    const rows = await selectInboxByDue(deps.pool, user, { view, limit: PAGE_SIZE + 1, after });
    const page = rows.slice(0, PAGE_SIZE);
    const places = await selectTaskPlaces(
      deps.pool,
      page.map((t) => t.engagement_id),
    );
    const last = page.at(-1);
    render(req, res, 'inbox', {
      title: 'inbox.title',
      view,
      views: INBOX_VIEWS,
      counts,
      tasks: page.map((t) => ({ ...t, place: places.get(t.engagement_id) })),
      next: rows.length > PAGE_SIZE && last ? encodeAfter(last.due_at, last.id) : null,
      cap: COUNT_CAP,
      first: after !== undefined,
    });
  });
  return router;
}
