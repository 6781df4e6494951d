import type { Category } from '../../definitions/model.ts';
import type { Queryable } from '../pool.ts';

export interface BillingEntryRow {
  id: number;
  idempotency_key: string;
  engagement_id: string;
  step_id: string;
  iteration: string;
  /** The act line the entry goes on, when the definition names one. */
  line: string | null;
  customer_id: string;
  service_code: string;
  category: Category;
  norm_hours: number;
  actual_hours: number | null;
  rate_kopecks: number;
  amount_kopecks: number;
  vat_kopecks: number;
  billable: boolean;
  basis: string | null;
  contract_id: string | null;
  rate_card_id: string | null;
  performed_by: string | null;
  reverses_id: number | null;
  recorded_at: Date;
}

export interface InsertBillingEntryParams {
  idempotencyKey: string;
  engagementId: string;
  stepId: string;
  iteration: string;
  line?: string | null;
  category: Category;
  normHours: number;
  actualHours: number | null;
  rateKopecks: number;
  amountKopecks: number;
  vatKopecks: number;
  billable: boolean;
  basis: string | null;
  contractId: string | null;
  rateCardId: string | null;
  performedBy: string | null;
  /** Why a non-billable entry is not billed, when it is not the entitlement's doing (travel under a contract that does not bill it). */
  reason?: string | null;
}

/**
 * Appends a ledger entry; a second insert with the same idempotency key returns the first row
 * unchanged. Customer and service come from the engagement, so they cannot disagree with it.
 */
export async function insertBillingEntry(db: Queryable, p: InsertBillingEntryParams): Promise<BillingEntryRow> {
  const { rows } = await db.query<BillingEntryRow>(
    `WITH inserted AS (
       INSERT INTO billing_entries (idempotency_key, engagement_id, step_id, iteration, customer_id, service_code, category,
                                    norm_hours, actual_hours, rate_kopecks, amount_kopecks, vat_kopecks, billable, basis,
                                    contract_id, rate_card_id, performed_by, line, reason)
       SELECT $1, e.id, $3, $4, e.customer_id, e.service_code, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17
       FROM engagements e WHERE e.id = $2
       ON CONFLICT (idempotency_key) DO NOTHING
       RETURNING *)
     SELECT * FROM inserted UNION ALL SELECT * FROM billing_entries WHERE idempotency_key = $1
     LIMIT 1`,
    [
      p.idempotencyKey,
      p.engagementId,
      p.stepId,
      p.iteration,
      p.category,
      p.normHours,
      p.actualHours,
      p.rateKopecks,
      p.amountKopecks,
      p.vatKopecks,
      p.billable,
      p.basis,
      p.contractId,
      p.rateCardId,
      p.performedBy,
      p.line ?? null,
      p.reason ?? null,
    ],
  );
  if (rows[0]) return rows[0];
  // An overlapping attempt inserted the row after this statement's snapshot was taken: read it anew.
  const again = await db.query<BillingEntryRow>('SELECT * FROM billing_entries WHERE idempotency_key = $1', [
    p.idempotencyKey,
  ]);
  if (!again.rows[0]) throw new Error(`engagement ${p.engagementId} does not exist; no billing entry recorded`);
  return again.rows[0];
}

export async function selectBillingEntriesOfEngagement(
  db: Queryable,
  engagementId: string,
): Promise<BillingEntryRow[]> {
  const { rows } = await db.query<BillingEntryRow>(
    'SELECT * FROM billing_entries WHERE engagement_id = $1 ORDER BY id',
    [engagementId],
  );
  return rows;
}

export interface ContractTermsRow {
  number: string;
  bills_travel: boolean;
}

/** The contract's number and whether it bills travel; null when there is no such contract. */
export async function selectContractTerms(db: Queryable, contractId: string): Promise<ContractTermsRow | null> {
  const { rows } = await db.query<ContractTermsRow>('SELECT number, bills_travel FROM contracts WHERE id = $1', [
    contractId,
  ]);
  return rows[0] ?? null;
}

export interface RateCardRow {
  id: string;
  effective_from: string;
  rates: Partial<Record<Category, number>>;
}

/** The rate card in force on a date: the latest effective on or before it. */
export async function selectRateCardOn(db: Queryable, date: string): Promise<RateCardRow | null> {
  const { rows } = await db.query<RateCardRow>(
    `SELECT r.id, r.effective_from,
            coalesce((SELECT json_object_agg(l.category, l.kopecks_per_norm_hour) FROM rate_card_lines l
                      WHERE l.rate_card_id = r.id), '{}') AS rates
     FROM rate_cards r WHERE r.effective_from <= $1 ORDER BY r.effective_from DESC LIMIT 1`,
    [date],
  );
  return rows[0] ?? null;
}
