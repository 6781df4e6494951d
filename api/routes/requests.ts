/**
 * Service requests: the vendor's public "send request" form (no key; strict body, rate-limited per
 * address by the gate), the intake list for PMs, and triage — into an engagement launched exactly
 * like POST /v1/engagements, into a basic-support incident (B-INCIDENT), or rejected with a reason.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { Router } from 'express';
import type { JsonValue } from '../../definitions/model.ts';
import {
  insertServiceRequest,
  selectServiceRequestForUpdate,
  selectServiceRequests,
  updateServiceRequestTriage,
  type ServiceRequestRow,
  type ServiceRequestStatus,
} from '../../db/queries/service-requests.ts';
import { withTransaction } from '../../db/pool.ts';
import { AppError } from '../../lib/errors.ts';
import { callerOf } from '../auth.ts';
import { launchEngagement, type LaunchBody } from '../engagement-launch.ts';
import { decodeCursor, encodeCursor, pageLimit, UUID } from '../page.ts';
import type { RouteDeps } from '../app.ts';

/** Body of `POST /v1/requests` (schema: ServiceRequestBody). */
export interface ServiceRequestBody {
  customer: { id?: string; name?: string };
  contact: { name: string; email?: string; phone?: string };
  project?: string;
  service?: string;
  text: string;
}

/** Body of `POST /v1/requests/:id/triage` (schema: TriageBody). */
export type TriageBody =
  | ({ outcome: 'engagement' } & LaunchBody)
  | { outcome: 'incident'; customerId: string; projectId?: string | null; summary?: string }
  | { outcome: 'rejected'; reason: string };

/** The definition a basic-support incident runs. */
export const INCIDENT_DEFINITION = 'incident';

// Crockford base32 without I, L, O, U: nothing to misread over the phone.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

function newReference(): string {
  return `R-${[...randomBytes(8)].map((b) => ALPHABET[b % 32]).join('')}`;
}

export function serviceRequestView(r: ServiceRequestRow) {
  return {
    id: r.id,
    reference: r.reference,
    customer: { id: r.customer_id, name: r.customer_name },
    contact: { name: r.contact_name, email: r.contact_email, phone: r.contact_phone },
    project: r.project,
    service: r.service_code,
    text: r.text,
    status: r.status,
    engagementId: r.engagement_id,
    rejectionReason: r.rejection_reason,
    triagedBy: r.triaged_by,
    triagedAt: r.triaged_at,
    createdAt: r.created_at,
    links: {
      triage: `/v1/requests/${r.id}/triage`,
      ...(r.engagement_id ? { engagement: `/v1/engagements/${r.engagement_id}` } : {}),
    },
  };
}

const trimmed = (value: string | undefined): string | null => value?.trim() || null;

/** Records a request that matched ServiceRequestBody (the API's form and the console's public page). */
export async function recordServiceRequest(
  pool: RouteDeps['pool'],
  body: ServiceRequestBody,
): Promise<ServiceRequestRow> {
  return insertServiceRequest(pool, {
    id: randomUUID(),
    reference: newReference(),
    customerId: trimmed(body.customer.id),
    customerName: trimmed(body.customer.name),
    contactName: body.contact.name.trim(),
    contactEmail: trimmed(body.contact.email),
    contactPhone: trimmed(body.contact.phone),
    project: trimmed(body.project),
    serviceCode: trimmed(body.service),
    text: body.text.trim(),
  });
}

export function requestRoutes(deps: RouteDeps): Router {
  const router = Router();
  const { pool } = deps;

  router.post('/', async (req, res) => {
    const row = await recordServiceRequest(pool, req.body as ServiceRequestBody);
    // The requester learns the reference and nothing else: not whether the customer id was known.
    res.status(201).json({ reference: row.reference, receivedAt: row.created_at });
  });

  router.get('/', async (req, res) => {
    const query = req.query as Record<string, string | undefined>;
    const { rows, more } = await selectServiceRequests(pool, {
      status: query.status as ServiceRequestStatus | undefined,
      before: query.cursor === undefined ? undefined : decodeCursor(query.cursor, UUID),
      limit: pageLimit(query.limit),
    });
    const last = rows.at(-1);
    res.json({
      items: rows.map(serviceRequestView),
      nextCursor: more && last ? encodeCursor(last.cursor_at, last.id) : null,
    });
  });

  /**
   * Triage. An engagement or incident is launched with the Idempotency-Key `request:<id>`, so a
   * triage repeated after a failure between launch and update finds the same engagement.
   */
  router.post('/:id/triage', async (req, res) => {
    const caller = callerOf(req);
    const id = String(req.params.id);
    if (!UUID.test(id)) throw new AppError('not-found', `No service request ${id}.`);
    const body = req.body as TriageBody;
    // The request row stays locked from the status check to the recorded outcome: a second
    // triage waits, then finds it triaged.
    const { row, updated } = await withTransaction(pool, async (client) => {
      const request = await selectServiceRequestForUpdate(client, id);
      if (!request) throw new AppError('not-found', `No service request ${id}.`);
      if (request.status !== 'new') {
        if (request.status === body.outcome && request.triaged_by === caller.id)
          return { row: request, updated: false };
        throw new AppError(
          'request-already-triaged',
          `Request ${request.reference} was triaged already (${request.status}) by ${request.triaged_by}.`,
          { requestStatus: request.status },
        );
      }
      const launch = launchOf(request, body);
      const engagementId = launch
        ? (await launchEngagement(deps, caller.id, launch, `request:${request.id}`)).row.id
        : null;
      const triaged = await updateServiceRequestTriage(client, {
        id: request.id,
        status: body.outcome,
        engagementId,
        rejectionReason: body.outcome === 'rejected' ? body.reason.trim() : null,
        triagedBy: caller.id,
      });
      return { row: triaged, updated: true };
    });
    res.status(updated ? 201 : 200).json(serviceRequestView(row));
  });

  return router;
}

/** What a triage into an engagement or an incident launches; null for a rejection. */
function launchOf(request: ServiceRequestRow, body: TriageBody): LaunchBody | null {
  if (body.outcome === 'engagement') {
    return {
      definitionId: body.definitionId,
      customerId: body.customerId,
      ...(body.version === undefined ? {} : { version: body.version }),
      ...(body.projectId === undefined ? {} : { projectId: body.projectId }),
      ...(body.params === undefined ? {} : { params: body.params }),
    };
  }
  if (body.outcome === 'incident') {
    return {
      definitionId: INCIDENT_DEFINITION,
      customerId: body.customerId,
      projectId: body.projectId ?? null,
      params: incidentParams(request, body.summary, body.projectId ?? null),
    };
  }
  return null;
}

function incidentParams(
  request: ServiceRequestRow,
  summary: string | undefined,
  projectId: string | null,
): Record<string, JsonValue> {
  const text = summary?.trim() || request.text;
  return { summary: text.slice(0, 2000), ...(projectId ? { projectId } : {}) };
}
