/**
 * Engagements: launch, list (filters, keyset cursor), detail, timeline and cancel. Roles are
 * checked by the gate (api/authorization.ts); which engagements a caller sees is decided in SQL.
 */
import { Router } from 'express';
import { WorkflowNotFoundError } from '@temporalio/client';
import {
  recordCancelRequest,
  selectVisibleEngagement,
  selectVisibleEngagements,
  type EngagementRow,
  type EngagementRowStatus,
} from '../../db/queries/engagements.ts';
import { selectTasksOfEngagement } from '../../db/queries/tasks.ts';
import { selectBillingEntriesOfEngagement } from '../../db/queries/billing.ts';
import { AppError } from '../../lib/errors.ts';
import type { EngagementState } from '../../workflows/messages.ts';
import { engagementStateOf } from '../engagement-view.ts';
import { launchEngagement, type LaunchBody } from '../engagement-launch.ts';
import { buildTimeline } from '../engagement-timeline.ts';
import { runningActivitiesOf } from '../engagement-progress.ts';
import { workflowUiLink } from '../temporal-client.ts';
import { callerOf, type Caller } from '../auth.ts';
import { decodeCursor, encodeCursor, pageLimit, UUID } from '../page.ts';
import type { RouteDeps } from '../app.ts';
import { refuseField } from '../field-errors.ts';

export type { LaunchBody };

/** Body of `POST /v1/engagements/:id/cancel` (optional; schema: CancelBody in api/openapi.yaml). */
export interface CancelBody {
  reason?: string;
}

export function engagementRoutes(deps: RouteDeps): Router {
  const router = Router();
  const { pool, temporal } = deps;

  /**
   * Launch. With an Idempotency-Key the same key and body return the same engagement, and the same
   * key with another body is refused (409). The workflow is started even when the row existed, so
   * a launch interrupted between the two steps completes on retry.
   */
  router.post('/', async (req, res) => {
    const caller = callerOf(req);
    const idempotencyKey = req.get('idempotency-key')?.trim() || null;
    if (idempotencyKey !== null && idempotencyKey.length > 200) {
      refuseField('Idempotency-Key', 'must be at most 200 characters', {
        detail: 'The Idempotency-Key header must be at most 200 characters.',
      });
    }
    const { row, created, entitlement } = await launchEngagement(
      deps,
      caller.id,
      req.body as LaunchBody,
      idempotencyKey,
    );
    res
      .status(created ? 201 : 200)
      .location(`/v1/engagements/${row.id}`)
      .json({ ...engagementSummary(row, deps, caller), entitlement });
  });

  router.get('/', async (req, res) => {
    const query = req.query as Record<string, string | undefined>;
    const before = query.cursor === undefined ? undefined : decodeCursor(query.cursor, UUID);
    const caller = callerOf(req);
    const { rows, more } = await selectVisibleEngagements(pool, caller, {
      customerId: query.customer,
      status: query.status as EngagementRowStatus | undefined,
      serviceCode: query.service,
      createdFrom: query.createdFrom,
      createdTo: query.createdTo,
      before,
      limit: pageLimit(query.limit),
    });
    const last = rows.at(-1);
    res.json({
      items: rows.map((row) => engagementSummary(row, deps, caller)),
      nextCursor: more && last ? encodeCursor(last.cursor_at, last.id) : null,
    });
  });

  router.get('/:id', async (req, res) => {
    const caller = callerOf(req);
    const row = await visibleEngagement(deps, caller, String(req.params.id));
    const [tasks, billing, state, running] = await Promise.all([
      selectTasksOfEngagement(pool, row.id),
      selectBillingEntriesOfEngagement(pool, row.id),
      engagementStateOf(temporal, row.id),
      row.closed_at === null ? runningActivitiesOf(temporal, row.id) : Promise.resolve([]),
    ]);
    res.json({
      ...engagementSummary(row, deps, caller),
      params: row.params,
      entitlement: row.entitlement,
      failure: row.failure,
      cancellation: row.cancel_requested_at
        ? { by: row.cancel_requested_by, at: row.cancel_requested_at, reason: row.cancel_reason }
        : null,
      runningActivities: running,
      state: caller.role === 'finance' ? withoutResults(state) : state,
      tasks: tasks.map((t) => ({
        id: t.id,
        stepId: t.step_id,
        kind: t.kind,
        title: t.title,
        status: t.status,
        completedBy: t.completed_by,
        completedAt: t.completed_at,
        hoursSpent: t.hours_spent,
      })),
      billing: billing.map((b) => ({
        id: b.id,
        stepId: b.step_id,
        iteration: b.iteration,
        category: b.category,
        normHours: b.norm_hours,
        actualHours: b.actual_hours,
        rateKopecks: b.rate_kopecks,
        amountKopecks: b.amount_kopecks,
        vatKopecks: b.vat_kopecks,
        billable: b.billable,
        basis: b.basis,
      })),
    });
  });

  router.get('/:id/timeline', async (req, res) => {
    const row = await visibleEngagement(deps, callerOf(req), String(req.params.id));
    const [tasks, state] = await Promise.all([
      selectTasksOfEngagement(pool, row.id),
      engagementStateOf(temporal, row.id),
    ]);
    res.json({ engagementId: row.id, workflowState: state !== null, items: buildTimeline(row, tasks, state) });
  });

  router.post('/:id/cancel', async (req, res) => {
    const caller = callerOf(req);
    const row = await visibleEngagement(deps, caller, String(req.params.id));
    const reason = (req.body as CancelBody | undefined)?.reason?.trim() || null;
    if (row.closed_at !== null) {
      throw new AppError('engagement-not-running', `Engagement ${row.id} has already ended as ${row.status}.`);
    }
    try {
      await temporal.client.workflow.getHandle(row.id).cancel();
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) {
        throw new AppError('engagement-not-running', `Engagement ${row.id} is not running.`);
      }
      throw error;
    }
    // Only a request Temporal accepted is recorded; the workflow needs a round trip through a worker
    // before it closes, so the record is in place well before the engagement ends.
    await recordCancelRequest(pool, { id: row.id, by: caller.id, reason });
    res.status(202).json({ id: row.id, status: 'CANCELLING' });
  });

  return router;
}

/** Finance reads what happened and when, never what engineers entered. */
function withoutResults(state: EngagementState | null): EngagementState | null {
  if (!state) return null;
  return { ...state, steps: state.steps.map(({ result: _result, output: _output, ...step }) => step) };
}

export async function visibleEngagement(deps: RouteDeps, caller: Caller, id: string): Promise<EngagementRow> {
  const row = UUID.test(id) ? await selectVisibleEngagement(deps.pool, caller, id) : null;
  if (!row) throw new AppError('not-found', `No engagement ${id} that you can see.`);
  return row;
}

/**
 * The Temporal Web UI shows a workflow's inputs, every step's result and the reports it carried, and
 * has no roles of its own: the link goes only to those who may see all of that (docs/authorization.md).
 */
const SEES_WORKFLOW_INTERNALS: ReadonlySet<Caller['role']> = new Set(['admin', 'pm']);

export function engagementSummary(row: EngagementRow, deps: RouteDeps, caller: Caller) {
  return {
    id: row.id,
    definitionId: row.definition_id,
    definitionVersion: row.definition_version,
    serviceCode: row.service_code,
    customerId: row.customer_id,
    projectId: row.project_id,
    status: row.status,
    currentSteps: row.current_steps,
    launchedBy: row.launched_by,
    createdAt: row.created_at,
    closedAt: row.closed_at,
    links: {
      self: `/v1/engagements/${row.id}`,
      timeline: `/v1/engagements/${row.id}/timeline`,
      ...(SEES_WORKFLOW_INTERNALS.has(caller.role) ? { temporalUi: workflowUiLink(deps.temporal, row.id) } : {}),
    },
  };
}
