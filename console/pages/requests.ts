/**
 * Service requests for PMs: the list (new ones first by default) and triage — into a
 * basic-support incident, into an engagement of a chosen service, or rejected with a reason —
 * through `POST /v1/requests/{id}/triage`, which launches exactly as the API does.
 */
import { Router, type Request, type Response } from 'express';
import type { RouteDeps } from '../../api/app.ts';
import { apiFor, ApiError, type ApiProblem } from '../api-client.ts';
import { assertCsrf } from '../csrf.ts';
import { render } from '../render.ts';
import { userOf } from '../session.ts';

const STATUSES = ['new', 'engagement', 'incident', 'rejected'];

async function show(req: Request, res: Response, problem: { id: string; problem: ApiProblem } | null, status = 200) {
  const api = apiFor(req);
  const wanted = typeof req.query.status === 'string' && STATUSES.includes(req.query.status) ? req.query.status : 'new';
  const cursor = typeof req.query.cursor === 'string' ? `&cursor=${encodeURIComponent(req.query.cursor)}` : '';
  const [list, customers, definitions] = await Promise.all([
    api.get<{ items: Record<string, unknown>[]; nextCursor: string | null }>(
      `/v1/requests?status=${wanted}&limit=25${cursor}`,
    ),
    api.get<{ items: { id: string; name: string }[] }>('/v1/customers?limit=100'),
    api.get<{ items: { id: string; serviceCode: string; title: string; offered: boolean }[] }>('/v1/definitions'),
  ]);
  render(
    req,
    res,
    'requests',
    {
      title: 'requests.title',
      items: list.items,
      nextCursor: list.nextCursor,
      wanted,
      statuses: STATUSES,
      customers: customers.items,
      definitions: definitions.items.filter((d) => d.offered),
      failed: problem,
    },
    status,
  );
}

export function requestsPage(deps: RouteDeps): Router {
  const router = Router();

  router.get('/requests', async (req, res) => {
    await show(req, res, null);
  });

  router.post('/requests/:id/triage', async (req, res) => {
    assertCsrf(deps.sessions.secret, userOf(res).sessionId, req.body);
    const id = String(req.params.id);
    const form = req.body as Record<string, string | undefined>;
    const text = (name: string) => form[name]?.trim() ?? '';
    let body: Record<string, unknown>;
    if (form.outcome === 'rejected') body = { outcome: 'rejected', reason: text('reason') };
    else if (form.outcome === 'engagement') {
      let params: unknown = {};
      try {
        params = text('params') === '' ? {} : JSON.parse(text('params'));
      } catch {
        params = text('params');
      }
      body = { outcome: 'engagement', definitionId: text('definitionId'), customerId: text('customerId'), params };
    } else {
      body = {
        outcome: 'incident',
        customerId: text('customerId'),
        ...(text('summary') ? { summary: text('summary') } : {}),
      };
    }
    try {
      const triaged = await apiFor(req).post<{ engagementId: string | null }>(
        `/v1/requests/${encodeURIComponent(id)}/triage`,
        body,
      );
      res.redirect(303, triaged.engagementId ? `/console/engagements/${triaged.engagementId}` : '/console/requests');
    } catch (error) {
      if (error instanceof ApiError && error.problem.status >= 400 && error.problem.status < 500) {
        await show(req, res, { id, problem: error.problem }, error.problem.status);
        return;
      }
      throw error;
    }
  });

  return router;
}
