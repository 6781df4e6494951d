/**
 * Bulk ledger rows for integration tests and the export benchmark: customers, engagements and
 * billing entries written straight into the tables (no workflow), priced by the demo rate card
 * with the same rounding the recording activity uses. Never used by the application itself.
 */
import type { Queryable } from '../pool.ts';

export async function upsertSeedCustomer(
  db: Queryable,
  p: { id: string; name: string; edrpou: string; vatPayer: boolean },
): Promise<void> {
  await db.query(
    `INSERT INTO customers (id, name, edrpou, vat_payer) VALUES ($1, $2, $3, $4)
     ON CONFLICT (id) DO UPDATE SET name = excluded.name, edrpou = excluded.edrpou, vat_payer = excluded.vat_payer`,
    [p.id, p.name, p.edrpou, p.vatPayer],
  );
}

export async function upsertSeedContract(
  db: Queryable,
  p: {
    id: string;
    customerId: string;
    number: string;
    kind: string;
    signedAt: string;
    prozorroId: string | null;
    cpvCode: string | null;
  },
): Promise<void> {
  await db.query(
    `INSERT INTO contracts (id, customer_id, number, kind, status, signed_at, valid_from, coverage, prozorro_id, cpv_code)
     VALUES ($1, $2, $3, $4, 'signed', $5, $5, 'billed', $6, $7)
     ON CONFLICT (id) DO NOTHING`,
    [p.id, p.customerId, p.number, p.kind, p.signedAt, p.prozorroId, p.cpvCode],
  );
}

/** `count` engagements of a service for the customer, ended as `status` (COMPLETED by default); returns their ids. */
export async function insertSeedEngagements(
  db: Queryable,
  p: {
    customerId: string;
    serviceCode: string;
    count: number;
    launchedBy: string;
    projectId: string | null;
    status?: 'COMPLETED' | 'FAILED' | 'CANCELLED';
  },
): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO engagements (id, definition_id, definition_version, service_code, customer_id, project_id, status,
                              launched_by, closed_at)
     SELECT gen_random_uuid(), 'seed', 1, $2, $1, $5, $6, $4, now() FROM generate_series(1, $3)
     RETURNING id`,
    [p.customerId, p.serviceCode, p.count, p.launchedBy, p.projectId, p.status ?? 'COMPLETED'],
  );
  return rows.map((row) => row.id);
}

export interface SeedEntriesParams {
  /** Entries go round-robin over these engagements. */
  engagementIds: readonly string[];
  count: number;
  /** Instants spread evenly over [from, to). */
  recordedFrom: Date;
  recordedTo: Date;
  billable: boolean;
  contractId: string | null;
  rateCardId: string;
  performedBy: string | null;
  /** Distinguishes seed batches in idempotency keys. */
  batch: string;
  vendorVatPayer?: boolean;
}

/**
 * `count` entries: categories in turn, norm-hours 0,25–2,00, actual hours ± a quarter around them,
 * amount = norm-hours × rate rounded half away from zero, VAT 20 % of it. One INSERT … SELECT.
 */
export async function insertSeedEntries(db: Queryable, p: SeedEntriesParams): Promise<number> {
  const { rowCount } = await db.query(
    `INSERT INTO billing_entries (idempotency_key, engagement_id, step_id, iteration, customer_id, service_code, category,
                                  norm_hours, actual_hours, rate_kopecks, amount_kopecks, vat_kopecks, billable, basis,
                                  contract_id, rate_card_id, performed_by, recorded_at)
     SELECT 'seed:' || $9 || ':' || g.n, e.id, 'step-' || (g.n % 7), g.n::text, e.customer_id, e.service_code, c.category,
            g.norm, g.norm + ((g.n % 3) - 1) * 0.25, x.rate, x.amount,
            CASE WHEN $10 THEN round(x.amount * 0.2) ELSE 0 END, $4, 'seed', $5, $6, $7,
            $2::timestamptz + ($3::timestamptz - $2::timestamptz) * ((g.n - 1)::float8 / $8)
     FROM (SELECT n, ((n % 8) + 1) * 0.25 AS norm FROM generate_series(1, $8) AS n) g
     JOIN LATERAL (SELECT ($1::uuid[])[1 + (g.n % cardinality($1::uuid[]))] AS id) pick ON true
     JOIN engagements e ON e.id = pick.id
     JOIN LATERAL (SELECT (ARRAY['LEAD', 'ENG_I', 'ENG_II', 'ENG', 'TECH'])[1 + (g.n % 5)] AS category) c ON true
     JOIN LATERAL (SELECT CASE WHEN $4 THEN l.kopecks_per_norm_hour ELSE 0 END AS rate,
                          CASE WHEN $4 THEN round(g.norm * l.kopecks_per_norm_hour) ELSE 0 END AS amount
                   FROM rate_card_lines l WHERE l.rate_card_id = $6 AND l.category = c.category) x ON true`,
    [
      p.engagementIds,
      p.recordedFrom,
      p.recordedTo,
      p.billable,
      p.contractId,
      p.rateCardId,
      p.performedBy,
      p.count,
      p.batch,
      p.vendorVatPayer ?? true,
    ],
  );
  return rowCount ?? 0;
}

/** One entry at an exact instant, for boundary tests (e.g. 23:30 in Kyiv on the last day of a month). */
export async function insertSeedEntryAt(
  db: Queryable,
  p: {
    engagementId: string;
    key: string;
    recordedAt: Date;
    normHours: number;
    rateKopecks: number;
    contractId: string | null;
  },
): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO billing_entries (idempotency_key, engagement_id, step_id, iteration, customer_id, service_code, category,
                                  norm_hours, actual_hours, rate_kopecks, amount_kopecks, vat_kopecks, billable, basis,
                                  contract_id, recorded_at)
     SELECT $1, e.id, 'boundary', '0', e.customer_id, e.service_code, 'ENG_I', $3::numeric, $3::numeric, $4::int8,
            round($3::numeric * $4::int8), round(round($3::numeric * $4::int8) * 0.2), true, 'seed', $5, $6
     FROM engagements e WHERE e.id = $2
     RETURNING id`,
    [p.key, p.engagementId, p.normHours, p.rateKopecks, p.contractId, p.recordedAt],
  );
  return rows[0]!.id;
}
