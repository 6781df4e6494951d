import type { Queryable } from '../pool.ts';

export type ServiceRequestStatus = 'new' | 'engagement' | 'incident' | 'rejected';

export interface ServiceRequestRow {
  id: string;
  reference: string;
  customer_id: string | null;
  customer_name: string | null;
  contact_name: string;
  contact_email: string | null;
  contact_phone: string | null;
  project: string | null;
  service_code: string | null;
  text: string;
  status: ServiceRequestStatus;
  engagement_id: string | null;
  rejection_reason: string | null;
  triaged_by: string | null;
  triaged_at: Date | null;
  created_at: Date;
}

export interface InsertServiceRequestParams {
  id: string;
  reference: string;
  customerId: string | null;
  customerName: string | null;
  contactName: string;
  contactEmail: string | null;
  contactPhone: string | null;
  project: string | null;
  serviceCode: string | null;
  text: string;
}

/**
 * Records a request from the public form. A customer id or service code that names nothing known
 * is kept as typed text instead (the requester cannot know our ids; triage sorts it out).
 */
export async function insertServiceRequest(db: Queryable, p: InsertServiceRequestParams): Promise<ServiceRequestRow> {
  const { rows } = await db.query<ServiceRequestRow>(
    `INSERT INTO service_requests (id, reference, customer_id, customer_name, contact_name, contact_email,
                                   contact_phone, project, service_code, text)
     SELECT $1, $2, c.id, CASE WHEN c.id IS NULL THEN coalesce($4, $3) ELSE $4 END, $5, $6, $7, $8, s.code, $10
     FROM (SELECT 1) one
     LEFT JOIN customers c ON c.id = $3
     LEFT JOIN service_catalog s ON s.code = $9
     RETURNING *`,
    [
      p.id,
      p.reference,
      p.customerId,
      p.customerName,
      p.contactName,
      p.contactEmail,
      p.contactPhone,
      p.project,
      p.serviceCode,
      p.text,
    ],
  );
  return rows[0]!;
}

/**
 * The request, locked until the caller's transaction ends: triage holds it while it launches, so
 * two PMs triaging the same request at once launch one engagement, and the second sees the first's outcome.
 */
export async function selectServiceRequestForUpdate(db: Queryable, id: string): Promise<ServiceRequestRow | null> {
  const { rows } = await db.query<ServiceRequestRow>('SELECT * FROM service_requests WHERE id = $1 FOR UPDATE', [id]);
  return rows[0] ?? null;
}

/** Requests newest first, optionally of one status; keyset cursor as for engagements. */
export async function selectServiceRequests(
  db: Queryable,
  f: { status?: ServiceRequestStatus; before?: { createdAt: string; id: string }; limit: number },
): Promise<{ rows: (ServiceRequestRow & { cursor_at: string })[]; more: boolean }> {
  const { rows } = await db.query<ServiceRequestRow & { cursor_at: string }>(
    `SELECT r.*, r.created_at::text AS cursor_at FROM service_requests r
     WHERE ($1::text IS NULL OR r.status = $1)
       AND ($2::timestamptz IS NULL OR (r.created_at, r.id) < ($2::timestamptz, $3::uuid))
     ORDER BY r.created_at DESC, r.id DESC
     LIMIT $4`,
    [f.status ?? null, f.before?.createdAt ?? null, f.before?.id ?? null, f.limit + 1],
  );
  return { rows: rows.slice(0, f.limit), more: rows.length > f.limit };
}

/** Records the triage outcome of a request the caller holds locked (selectServiceRequestForUpdate). */
export async function updateServiceRequestTriage(
  db: Queryable,
  p: {
    id: string;
    status: Exclude<ServiceRequestStatus, 'new'>;
    engagementId: string | null;
    rejectionReason: string | null;
    triagedBy: string;
  },
): Promise<ServiceRequestRow> {
  const { rows } = await db.query<ServiceRequestRow>(
    `UPDATE service_requests SET status = $2, engagement_id = $3, rejection_reason = $4, triaged_by = $5,
                                 triaged_at = now()
     WHERE id = $1
     RETURNING *`,
    [p.id, p.status, p.engagementId, p.rejectionReason, p.triagedBy],
  );
  return rows[0]!;
}
