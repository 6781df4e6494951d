/**
 * Engagements: the list the user may see, and one engagement — status, the process graph with
 * done / current / pending steps marked, the timeline, open tasks (quote approvals among them),
 * files to upload for an import, artifacts, ledger lines, cancel with a reason and the Temporal UI
 * link when the API gives it. The progress part refreshes itself every few seconds while the
 * engagement runs (htmx polling of a fragment), so a step done elsewhere shows without a reload.
 */
import { Router, type Request } from 'express';
import { mayCall } from '../../api/authorization.ts';
import type { RouteDeps } from '../../api/app.ts';
import { apiFor, ApiError, type ApiClient } from '../api-client.ts';
import { assertCsrf } from '../csrf.ts';
import { langOf, translator } from '../i18n.ts';
import { render } from '../render.ts';
import { userOf, type ConsoleUser } from '../session.ts';
import { markSteps, stepMarks } from '../step-marks.ts';

export interface EngagementView {
  id: string;
  definitionId: string;
  definitionVersion: number;
  serviceCode: string;
  customerId: string;
  projectId: string | null;
  status: string;
  currentSteps: string[];
  launchedBy: string;
  createdAt: string;
  closedAt: string | null;
  params: Record<string, unknown>;
  entitlement: { outcome: string; basis: string | null; reason: string; contractNumber?: string | null } | null;
  failure: string | null;
  cancellation: { by: string; at: string; reason: string | null } | null;
  state: { steps: { stepId: string; status: string }[]; current: string[]; slaDeadline: string | null } | null;
  tasks: {
    id: string;
    stepId: string;
    kind: string;
    title: string;
    status: string;
    completedBy: string | null;
    completedAt: string | null;
    hoursSpent: string | null;
  }[];
  billing: {
    id: number;
    stepId: string;
    category: string;
    normHours: string;
    actualHours: string | null;
    amountKopecks: string;
    vatKopecks: string;
    billable: boolean;
    basis: string;
  }[];
  links: { temporalUi?: string };
}

/** Graphs of published definition versions never change: one fetch per version per process. */
const graphs = new Map<string, string>();

async function graphOf(api: ApiClient, e: EngagementView): Promise<string> {
  const key = `${e.definitionId}@${e.definitionVersion}`;
  let svg = graphs.get(key);
  if (svg === undefined) {
    try {
      svg = await api.text(
        `/v1/definitions/${encodeURIComponent(e.definitionId)}/graph?format=svg&version=${e.definitionVersion}`,
      );
    } catch (error) {
      // A version no longer in the catalog has no graph to draw; the steps are still listed.
      if (error instanceof ApiError && error.problem.status === 404) return '';
      throw error;
    }
    if (graphs.size > 200) graphs.clear();
    graphs.set(key, svg);
  }
  return svg;
}

async function progressData(req: Request, role: ConsoleUser['role'], id: string) {
  const api = apiFor(req);
  const path = `/v1/engagements/${encodeURIComponent(id)}`;
  const [engagement, timeline] = await Promise.all([
    api.get<EngagementView>(path),
    api.get<{
      items: {
        at: string;
        event: string;
        by: string | null;
        stepId?: string;
        hoursSpent?: number;
        decision?: string;
        status?: string;
        reason?: string;
      }[];
    }>(`${path}/timeline`),
  ]);
  const marks = stepMarks(engagement);
  const t = translator(langOf(req));
  const graph = markSteps(await graphOf(api, engagement), marks, t('engagement.graph'));
  return {
    engagement,
    timeline: timeline.items,
    graph,
    marks,
    running: engagement.closedAt === null,
    mayOpenTasks: mayCall('getTask', role),
  };
}

export function engagementPages(deps: RouteDeps): Router {
  const router = Router();

  router.get('/engagements', async (req, res) => {
    const status =
      typeof req.query.status === 'string' && /^[A-Z_]{1,20}$/.test(req.query.status) ? req.query.status : '';
    const cursor = typeof req.query.cursor === 'string' ? req.query.cursor : '';
    const query = new URLSearchParams({ limit: '25' });
    if (status) query.set('status', status);
    if (cursor) query.set('cursor', cursor);
    const list = await apiFor(req).get<{ items: EngagementView[]; nextCursor: string | null }>(
      `/v1/engagements?${query}`,
    );
    render(req, res, 'engagements', {
      title: 'engagements.title',
      items: list.items,
      nextCursor: list.nextCursor,
      status,
    });
  });

  router.get('/engagements/:id', async (req, res) => {
    const id = String(req.params.id);
    const api = apiFor(req);
    const user = userOf(res);
    const [progress, artifacts] = await Promise.all([
      progressData(req, user.role, id),
      mayCall('listArtifacts', user.role)
        ? api.get<{
            items: {
              id: number;
              kind: string;
              name: string;
              size: number;
              createdAt: string;
              links: { download: string };
            }[];
          }>(`/v1/engagements/${encodeURIComponent(id)}/artifacts`)
        : Promise.resolve({ items: [] }),
    ]);
    render(req, res, 'engagement', {
      title: 'engagement.title',
      titleParams: { service: progress.engagement.serviceCode, customer: progress.engagement.customerId },
      ...progress,
      artifacts: artifacts.items,
      mayCancel: mayCall('cancelEngagement', user.role) && progress.running,
      mayUpload: mayCall('uploadFile', user.role) && progress.running,
      cancelError: null,
    });
  });

  /** The part of the page that changes while the engagement runs. */
  router.get('/engagements/:id/progress', async (req, res) => {
    render(req, res, '/partials/progress', await progressData(req, userOf(res).role, String(req.params.id)));
  });

  router.post('/engagements/:id/cancel', async (req, res) => {
    assertCsrf(deps.sessions.secret, userOf(res).sessionId, req.body);
    const id = String(req.params.id);
    const reason = typeof req.body.reason === 'string' ? req.body.reason.trim().slice(0, 2000) : '';
    try {
      await apiFor(req).post(`/v1/engagements/${encodeURIComponent(id)}/cancel`, reason ? { reason } : {});
    } catch (error) {
      if (error instanceof ApiError && error.problem.status === 409) {
        res.redirect(303, `/console/engagements/${encodeURIComponent(id)}?cancel=refused`);
        return;
      }
      throw error;
    }
    res.redirect(303, `/console/engagements/${encodeURIComponent(id)}?cancel=requested`);
  });

  return router;
}
