import { createHash, randomUUID } from 'node:crypto';
import { Router } from 'express';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import { canonicalJson } from '../../definitions/loader.ts';
import type { JsonValue } from '../../definitions/model.ts';
import { selectDefinition } from '../../db/queries/definitions.ts';
import { insertEngagement, selectVisibleEngagement, type EngagementRow } from '../../db/queries/engagements.ts';
import { selectTasksOfEngagement } from '../../db/queries/tasks.ts';
import { selectBillingEntriesOfEngagement } from '../../db/queries/billing.ts';
import { decideForCustomer } from '../../activities/entitlement.ts';
import { AppError } from '../../lib/errors.ts';
import { searchAttributesAtStart, engagementStateOf } from '../engagement-view.ts';
import type { engagementWorkflow } from '../../workflows/engagement.ts';
import { workflowUiLink } from '../temporal-client.ts';
import { allow, callerOf } from '../auth.ts';
import { assertMatches } from '../validate.ts';
import type { AppDeps } from '../app.ts';

/** Body of `POST /v1/engagements`. */
export interface LaunchBody {
  definitionId: string;
  version?: number;
  customerId: string;
  projectId?: string | null;
  params?: Record<string, JsonValue>;
}

const LAUNCH_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['definitionId', 'customerId'],
  properties: {
    definitionId: { type: 'string', minLength: 1, maxLength: 64 },
    version: { type: 'integer', minimum: 1 },
    customerId: { type: 'string', minLength: 1, maxLength: 64 },
    projectId: { type: ['string', 'null'], maxLength: 64 },
    params: { type: 'object' },
  },
};

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function engagementRoutes(deps: AppDeps): Router {
  const router = Router();
  const { pool, temporal } = deps;

  /**
   * Launch. With an Idempotency-Key the same key and body return the same engagement, and the same
   * key with another body is refused (409). The workflow is started even when the row existed, so
   * a launch interrupted between the two steps completes on retry.
   */
  router.post('/', allow('pm', 'admin'), async (req, res) => {
    const caller = callerOf(req);
    assertMatches(LAUNCH_SCHEMA, req.body, { code: 'request-invalid', what: 'The launch request' });
    const body = req.body as LaunchBody;
    const idempotencyKey = req.get('idempotency-key')?.trim() || null;
    if (idempotencyKey !== null && idempotencyKey.length > 200) {
      throw new AppError('request-invalid', 'The Idempotency-Key header must be at most 200 characters.');
    }
    const definition = await selectDefinition(pool, body.definitionId, body.version ?? null);
    if (!definition) {
      throw new AppError(
        'not-found',
        `No published definition ${body.definitionId}${body.version ? ` version ${body.version}` : ''}. List them at GET /v1/definitions.`,
      );
    }
    const params = structuredClone(body.params ?? {});
    assertMatches(definition.snapshot.inputs, params, { code: 'request-invalid', what: 'params', root: '/params' });
    const projectId = body.projectId ?? null;
    const requestSha256 = sha256(canonicalJson({ ...body, version: definition.version, projectId, params }));

    const { row, created } = await insertEngagement(pool, {
      id: randomUUID(),
      definitionId: definition.id,
      definitionVersion: definition.version,
      serviceCode: definition.service_code,
      customerId: body.customerId,
      projectId,
      params,
      launchedBy: caller.id,
      idempotencyKey,
      requestSha256,
    }).catch((error: { code?: string; constraint?: string }) => {
      if (error.code === '23503') {
        const what = error.constraint?.includes('project') ? `project ${projectId}` : `customer ${body.customerId}`;
        throw new AppError('request-invalid', `Unknown ${what}.`);
      }
      throw error;
    });
    if (!created && row.request_sha256 !== requestSha256) {
      throw new AppError(
        'idempotency-conflict',
        `Idempotency-Key "${idempotencyKey}" was used for engagement ${row.id} with a different request. Use a new key for a new launch.`,
      );
    }
    const entitlement = await decideForCustomer(pool, {
      customerId: row.customer_id,
      projectId: row.project_id,
      service: row.service_code,
      engagementId: row.id,
      at: row.created_at,
    }).catch((error: Error) => {
      throw new AppError('request-invalid', error.message);
    });
    try {
      await temporal.client.workflow.start<typeof engagementWorkflow>('engagementWorkflow', {
        workflowId: row.id,
        taskQueue: temporal.taskQueue,
        args: [
          {
            engagementId: row.id,
            definition: { snapshot: definition.snapshot, sha256: definition.sha256 },
            customerId: row.customer_id,
            projectId: row.project_id,
            params: row.params,
            launchedBy: row.launched_by,
          },
        ],
        typedSearchAttributes: searchAttributesAtStart(row),
      });
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    }
    res
      .status(created ? 201 : 200)
      .location(`/v1/engagements/${row.id}`)
      .json({ ...engagementSummary(row, deps), entitlement });
  });

  router.get('/:id', async (req, res) => {
    const row = await visibleEngagement(deps, callerOf(req), String(req.params.id));
    const [tasks, billing, state] = await Promise.all([
      selectTasksOfEngagement(pool, row.id),
      selectBillingEntriesOfEngagement(pool, row.id),
      engagementStateOf(temporal, row.id),
    ]);
    res.json({
      ...engagementSummary(row, deps),
      params: row.params,
      entitlement: row.entitlement,
      failure: row.failure,
      state,
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

  router.post('/:id/cancel', allow('pm', 'admin'), async (req, res) => {
    const row = await visibleEngagement(deps, callerOf(req), String(req.params.id));
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
    res.status(202).json({ id: row.id, status: 'CANCELLING' });
  });

  return router;
}

async function visibleEngagement(
  deps: AppDeps,
  caller: { id: string; role: string },
  id: string,
): Promise<EngagementRow> {
  const row = /^[0-9a-f-]{36}$/i.test(id) ? await selectVisibleEngagement(deps.pool, caller, id) : null;
  if (!row) throw new AppError('not-found', `No engagement ${id} that you can see.`);
  return row;
}

function engagementSummary(row: EngagementRow, deps: AppDeps) {
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
    links: { self: `/v1/engagements/${row.id}`, temporalUi: workflowUiLink(deps.temporal, row.id) },
  };
}
