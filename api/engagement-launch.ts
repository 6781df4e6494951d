/**
 * Launching an engagement: the one path from a launch request (POST /v1/engagements, or the
 * triage of a service request) to a row in PostgreSQL and a started workflow. Idempotent per
 * (launching user, Idempotency-Key): any number of identical requests, however concurrent, make one
 * engagement and one workflow, because the row is inserted first (unique key) and the workflow id
 * is the engagement id.
 */
import { randomUUID } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { decideForCustomer } from '../activities/entitlement.ts';
import { canonicalJson } from '../definitions/loader.ts';
import type { JsonSchema, JsonValue } from '../definitions/model.ts';
import { selectCustomer } from '../db/queries/customers.ts';
import { selectDefinition } from '../db/queries/definitions.ts';
import { insertEngagement, type EngagementRow } from '../db/queries/engagements.ts';
import { AppError } from '../lib/errors.ts';
import type { EntitlementRecord } from '../workflows/messages.ts';
import type { engagementWorkflow } from '../workflows/engagement.ts';
import type { RouteDeps } from './app.ts';
import { searchAttributesAtStart } from './engagement-view.ts';
import { assertMatches } from './validate.ts';
import { allowedValues, refuseField } from './field-errors.ts';
import { sha256Hex } from '../lib/hash.ts';

/** Body of `POST /v1/engagements`. */
export interface LaunchBody {
  definitionId: string;
  version?: number;
  customerId: string;
  projectId?: string | null;
  params?: Record<string, JsonValue>;
}

/** The launch parameter that names the engagement's project, by convention of the catalog's inputs. */
export const PROJECT_PARAMETER = 'projectId';

function declaresProject(inputs: JsonSchema): boolean {
  const properties = typeof inputs === 'object' ? inputs['properties'] : undefined;
  return (
    !!properties && typeof properties === 'object' && !Array.isArray(properties) && PROJECT_PARAMETER in properties
  );
}

/**
 * One project per engagement: the top-level `projectId` and `params.projectId` name the same one or
 * only one of them is given. A definition whose inputs take a `projectId` gets the top-level one
 * when its parameter is left out. Returns the engagement's project, or null.
 */
function oneProjectId(inputs: JsonSchema, top: string | null, params: Record<string, JsonValue>): string | null {
  const named = params[PROJECT_PARAMETER];
  if (top !== null && named !== undefined && named !== top) {
    refuseField(
      `/params/${PROJECT_PARAMETER}`,
      `names project ${JSON.stringify(named)} but projectId names "${top}"; an engagement works on one project, give it once`,
      { code: 'reference-invalid' },
    );
  }
  if (top !== null && named === undefined && declaresProject(inputs)) params[PROJECT_PARAMETER] = top;
  return top ?? (typeof named === 'string' ? named : null);
}

/** 422 unless the customer exists and, when a project is named, the project is one of its own. */
async function assertCustomerProject(
  pool: RouteDeps['pool'],
  customerId: string,
  projectId: string | null,
  projectPath: string,
): Promise<void> {
  const customer = await selectCustomer(pool, customerId);
  if (!customer) {
    refuseField('/customerId', `names no customer "${customerId}"; list them at GET /v1/customers`, {
      code: 'reference-invalid',
    });
  }
  if (projectId === null || customer.projects.some((p) => p.id === projectId)) return;
  const own = customer.projects.map((p) => p.id);
  refuseField(
    projectPath,
    `names no project of customer ${customerId}: "${projectId}"; its projects are ${own.length ? allowedValues(own) : 'none'} (GET /v1/customers/${customerId})`,
    { code: 'reference-invalid' },
  );
}

export interface Launched {
  row: EngagementRow;
  /** False when the Idempotency-Key named an engagement launched before. */
  created: boolean;
  entitlement: EntitlementRecord;
}

export async function launchEngagement(
  deps: RouteDeps,
  launchedBy: string,
  body: LaunchBody,
  idempotencyKey: string | null,
): Promise<Launched> {
  const { pool, temporal } = deps;
  const definition = await selectDefinition(pool, body.definitionId, body.version ?? null);
  if (!definition) {
    throw new AppError(
      'not-found',
      `No published definition ${body.definitionId}${body.version ? ` version ${body.version}` : ''}. List them at GET /v1/definitions.`,
    );
  }
  if (definition.not_offered_reason !== null) {
    throw new AppError(
      'definition-not-offered',
      `${definition.id} version ${definition.version} is not offered yet: the work it names is still to come (${definition.not_offered_reason}). GET /v1/definitions lists what is offered.`,
    );
  }
  const params = structuredClone(body.params ?? {});
  const projectId = oneProjectId(definition.snapshot.inputs, body.projectId ?? null, params);
  assertMatches(definition.snapshot.inputs, params, { code: 'request-invalid', what: 'params', root: '/params' });
  await assertCustomerProject(pool, body.customerId, projectId, body.projectId ? '/projectId' : '/params/projectId');
  const requestSha256 = sha256Hex(canonicalJson({ ...body, version: definition.version, projectId, params }));

  const { row, created } = await insertEngagement(pool, {
    id: randomUUID(),
    definitionId: definition.id,
    definitionVersion: definition.version,
    serviceCode: definition.service_code,
    customerId: body.customerId,
    projectId,
    params,
    launchedBy,
    idempotencyKey,
    requestSha256,
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
    if (created) deps.metrics.engagementsStarted.inc({ service: row.service_code });
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
  return { row, created, entitlement };
}
