import type { Category } from '../../definitions/model.ts';
import type { Queryable } from '../pool.ts';

export interface EstimateLineParams {
  category: Category;
  normHours: number;
  rateKopecks: number;
  amountExclVat: number;
  vat: number;
}

export interface InsertEstimateParams {
  id: string;
  engagementId: string;
  rateCardId: string;
  validUntil: string;
  vatRatePercent: number;
  amountExclVat: number;
  vat: number;
  createdBy: string;
  lines: EstimateLineParams[];
}

/** Stores a draft estimate with its lines; the same id again changes nothing (a retried activity). */
export async function insertEstimate(db: Queryable, p: InsertEstimateParams): Promise<void> {
  const { rowCount } = await db.query(
    `INSERT INTO estimates (id, engagement_id, rate_card_id, valid_until, vat_rate_percent, amount_excl_vat_kopecks,
                            vat_kopecks, amount_incl_vat_kopecks, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $6::bigint + $7::bigint, $8)
     ON CONFLICT (id) DO NOTHING`,
    [p.id, p.engagementId, p.rateCardId, p.validUntil, p.vatRatePercent, p.amountExclVat, p.vat, p.createdBy],
  );
  if (!rowCount) return;
  for (const line of p.lines) {
    await db.query(
      `INSERT INTO estimate_lines (estimate_id, category, norm_hours, rate_kopecks, amount_excl_vat_kopecks, vat_kopecks,
                                   amount_incl_vat_kopecks)
       VALUES ($1, $2, $3, $4, $5, $6, $5::bigint + $6::bigint)`,
      [p.id, line.category, line.normHours, line.rateKopecks, line.amountExclVat, line.vat],
    );
  }
}

/** Decides a draft estimate; deciding it again the same way changes nothing. Returns the rate card it locks. */
export async function decideEstimate(
  db: Queryable,
  p: { id: string; status: 'approved' | 'rejected' | 'expired'; decidedBy: string | null },
): Promise<{ rateCardId: string; status: string } | null> {
  const { rows } = await db.query<{ rate_card_id: string; status: string }>(
    `UPDATE estimates
     SET status = $2,
         decided_by = CASE WHEN $2 IN ('approved', 'rejected') THEN $3 ELSE decided_by END,
         decided_at = CASE WHEN $2 IN ('approved', 'rejected') THEN now() ELSE decided_at END
     WHERE id = $1 AND status IN ('draft', $2)
     RETURNING rate_card_id, status`,
    [p.id, p.status, p.decidedBy],
  );
  return rows[0] ? { rateCardId: rows[0].rate_card_id, status: rows[0].status } : null;
}

/**
 * The one-off services contract an approved quote becomes (basis c): it lists this engagement only
 * (not the service, which would entitle every later engagement of it), billed by the agreed
 * norm-hours. Keyed by the engagement, so a retry adds nothing.
 */
export async function insertOneOffContract(
  db: Queryable,
  p: { engagementId: string; customerId: string; signedOn: string },
): Promise<{ id: string; number: string }> {
  const id = `oneoff-${p.engagementId}`;
  const number = `РП-${p.engagementId.slice(0, 8).toUpperCase()}`;
  await db.query(
    `INSERT INTO contracts (id, customer_id, number, kind, status, signed_at, valid_from, coverage, covered_services,
                            covered_engagements)
     VALUES ($1, $2, $3, 'ONE_OFF_SERVICES', 'signed', $4::date, $4::date, 'billed', '{}', ARRAY[$5::text])
     ON CONFLICT (id) DO NOTHING`,
    [id, p.customerId, number, p.signedOn, p.engagementId],
  );
  return { id, number };
}

export async function selectRateCardById(
  db: Queryable,
  id: string,
): Promise<{ id: string; rates: Partial<Record<Category, number>> } | null> {
  const { rows } = await db.query<{ id: string; rates: Partial<Record<Category, number>> }>(
    `SELECT r.id, coalesce((SELECT json_object_agg(l.category, l.kopecks_per_norm_hour) FROM rate_card_lines l
                             WHERE l.rate_card_id = r.id), '{}') AS rates
     FROM rate_cards r WHERE r.id = $1`,
    [id],
  );
  return rows[0] ?? null;
}
