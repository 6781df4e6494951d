import type { JsonValue } from '../../definitions/model.ts';
import type { Queryable } from '../pool.ts';
import { ENGAGEMENT_VISIBLE, viewerParams, type Viewer } from './visibility.ts';

export type EngagementRowStatus =
  'STARTING' | 'RUNNING' | 'AWAITING_QUOTE' | 'COMPLETED' | 'FAILED' | 'CANCELLED' | 'DENIED';

export interface EngagementRow {
  id: string;
  definition_id: string;
  definition_version: number;
  service_code: string;
  customer_id: string;
  project_id: string | null;
  params: Record<string, JsonValue>;
  status: EngagementRowStatus;
  current_steps: string[];
  entitlement: JsonValue | null;
  failure: string | null;
  launched_by: string;
  idempotency_key: string | null;
  request_sha256: string | null;
  created_at: Date;
  updated_at: Date;
  closed_at: Date | null;
  /** Who asked for the cancellation, when and why (the first request). */
  cancel_requested_by: string | null;
  cancel_requested_at: Date | null;
  cancel_reason: string | null;
}

export interface InsertEngagementParams {
  id: string;
  definitionId: string;
  definitionVersion: number;
  serviceCode: string;
  customerId: string;
  projectId: string | null;
  params: Record<string, JsonValue>;
  launchedBy: string;
  idempotencyKey: string | null;
  requestSha256: string | null;
}

/**
 * Inserts an engagement, or returns the one launched before with the same idempotency key
 * (`created` false). The caller compares request hashes to tell a replay from a conflict.
 */
export async function insertEngagement(
  db: Queryable,
  p: InsertEngagementParams,
): Promise<{ row: EngagementRow; created: boolean }> {
  const inserted = await db.query<EngagementRow>(
    `INSERT INTO engagements (id, definition_id, definition_version, service_code, customer_id, project_id, params,
                              launched_by, idempotency_key, request_sha256)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
     ON CONFLICT (launched_by, idempotency_key) DO NOTHING
     RETURNING *`,
    [
      p.id,
      p.definitionId,
      p.definitionVersion,
      p.serviceCode,
      p.customerId,
      p.projectId,
      JSON.stringify(p.params),
      p.launchedBy,
      p.idempotencyKey,
      p.requestSha256,
    ],
  );
  if (inserted.rows[0]) return { row: inserted.rows[0], created: true };
  const existing = await db.query<EngagementRow>(
    'SELECT * FROM engagements WHERE launched_by = $1 AND idempotency_key = $2',
    [p.launchedBy, p.idempotencyKey],
  );
  return { row: existing.rows[0]!, created: false };
}

export interface SyncEngagementParams {
  id: string;
  seq: number;
  status: EngagementRowStatus;
  currentSteps: string[];
  entitlement: JsonValue | null;
  failure: string | null;
  closed: boolean;
}

/** Applies a read-model update unless a later one (higher seq) was applied already. */
export async function updateEngagementState(db: Queryable, p: SyncEngagementParams): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE engagements
     SET read_model_seq = $2, status = $3, current_steps = $4, entitlement = $5, failure = $6, updated_at = now(),
         closed_at = CASE WHEN $7 THEN coalesce(closed_at, now()) ELSE closed_at END
     WHERE id = $1 AND read_model_seq < $2`,
    [
      p.id,
      p.seq,
      p.status,
      p.currentSteps,
      p.entitlement === null ? null : JSON.stringify(p.entitlement),
      p.failure,
      p.closed,
    ],
  );
  return (rowCount ?? 0) > 0;
}

/** Records who asked to cancel and why; the first request is kept, a repeat changes nothing. */
export async function recordCancelRequest(
  db: Queryable,
  p: { id: string; by: string; reason: string | null },
): Promise<void> {
  await db.query(
    `UPDATE engagements SET cancel_requested_by = $2, cancel_requested_at = now(), cancel_reason = $3, updated_at = now()
     WHERE id = $1 AND cancel_requested_at IS NULL`,
    [p.id, p.by, p.reason],
  );
}

export async function selectEngagement(db: Queryable, id: string): Promise<EngagementRow | null> {
  const { rows } = await db.query<EngagementRow>('SELECT * FROM engagements WHERE id = $1', [id]);
  return rows[0] ?? null;
}

/** An engagement as a viewer may see it (db/queries/visibility.ts); null when absent or not visible. */
export async function selectVisibleEngagement(
  db: Queryable,
  viewer: Viewer,
  id: string,
): Promise<EngagementRow | null> {
  const { rows } = await db.query<EngagementRow>(
    `SELECT e.* FROM engagements e WHERE e.id = $5 AND ${ENGAGEMENT_VISIBLE}`,
    [...viewerParams(viewer), id],
  );
  return rows[0] ?? null;
}

export interface EngagementListFilter {
  customerId?: string;
  status?: EngagementRowStatus;
  serviceCode?: string;
  /** Inclusive lower and exclusive upper bound of created_at: an instant, or a date meaning its Europe/Kyiv midnight. */
  createdFrom?: string;
  createdTo?: string;
  /** Keyset cursor: created_at and id of the last row of the previous page (newest first). */
  before?: { createdAt: string; id: string };
  limit: number;
}

/** A date (YYYY-MM-DD) as its Europe/Kyiv midnight, anything else as an instant. */
const AS_INSTANT = (p: string) =>
  `(CASE WHEN ${p} ~ '^\\d{4}-\\d{2}-\\d{2}$' THEN ${p}::timestamp AT TIME ZONE 'Europe/Kyiv' ELSE ${p}::timestamptz END)`;

/** A page of the engagements the viewer may see, newest first; one row more than `limit` tells that more follow. */
export async function selectVisibleEngagements(
  db: Queryable,
  viewer: Viewer,
  f: EngagementListFilter,
): Promise<{ rows: (EngagementRow & { cursor_at: string })[]; more: boolean }> {
  // created_at as text keeps its microseconds (a Date would drop them and break the keyset).
  const { rows } = await db.query<EngagementRow & { cursor_at: string }>(
    `SELECT e.*, e.created_at::text AS cursor_at FROM engagements e
     WHERE ${ENGAGEMENT_VISIBLE}
       AND ($5::text IS NULL OR e.customer_id = $5)
       AND ($6::text IS NULL OR e.status = $6)
       AND ($7::text IS NULL OR e.service_code = $7)
       AND ($8::text IS NULL OR e.created_at >= ${AS_INSTANT('$8')})
       AND ($9::text IS NULL OR e.created_at < ${AS_INSTANT('$9')})
       AND ($10::timestamptz IS NULL OR (e.created_at, e.id) < ($10::timestamptz, $11::uuid))
     ORDER BY e.created_at DESC, e.id DESC
     LIMIT $12`,
    [
      ...viewerParams(viewer),
      f.customerId ?? null,
      f.status ?? null,
      f.serviceCode ?? null,
      f.createdFrom ?? null,
      f.createdTo ?? null,
      f.before?.createdAt ?? null,
      f.before?.id ?? null,
      f.limit + 1,
    ],
  );
  return { rows: rows.slice(0, f.limit), more: rows.length > f.limit };
}
