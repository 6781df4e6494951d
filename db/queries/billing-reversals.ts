import type { Queryable } from '../pool.ts';
import type { BillingEntryRow } from './billing.ts';

export type ReversalOutcome =
  | { outcome: 'recorded' | 'existing'; row: BillingEntryRow & { reason: string | null } }
  | { outcome: 'not-found' }
  | { outcome: 'is-reversal'; original: number };

/**
 * Records the correction of a ledger entry as a reversing entry: the same act line, category, rate,
 * engagement and contract with norm-hours, actual hours, amount and VAT negated, `reverses_id`
 * pointing at the original. Idempotent: the key is `reversal:<id>` and an entry is reversed at most
 * once (unique index), so a repeated call returns the first reversal (`existing`). A reversal itself
 * is never reversed — record the work again instead.
 */
export async function insertReversingEntry(
  db: Queryable,
  p: { entryId: number; reason: string; performedBy: string },
): Promise<ReversalOutcome> {
  const key = `reversal:${p.entryId}`;
  const inserted = await db.query<BillingEntryRow & { reason: string | null }>(
    `INSERT INTO billing_entries (idempotency_key, engagement_id, step_id, iteration, customer_id, service_code, category,
                                  norm_hours, actual_hours, rate_kopecks, amount_kopecks, vat_kopecks, billable, basis,
                                  contract_id, rate_card_id, performed_by, reverses_id, reason, line)
     SELECT $1, o.engagement_id, o.step_id, o.iteration, o.customer_id, o.service_code, o.category,
            -o.norm_hours, -o.actual_hours, o.rate_kopecks, -o.amount_kopecks, -o.vat_kopecks, o.billable, o.basis,
            o.contract_id, o.rate_card_id, $3, o.id, $4, o.line
     FROM billing_entries o WHERE o.id = $2 AND o.reverses_id IS NULL
     ON CONFLICT DO NOTHING
     RETURNING *`,
    [key, p.entryId, p.performedBy, p.reason],
  );
  if (inserted.rows[0]) return { outcome: 'recorded', row: inserted.rows[0] };
  const { rows } = await db.query<BillingEntryRow & { reason: string | null }>(
    'SELECT * FROM billing_entries WHERE reverses_id = $1 OR id = $1 ORDER BY id',
    [p.entryId],
  );
  const original = rows.find((row) => row.id === p.entryId);
  if (!original) return { outcome: 'not-found' };
  if (original.reverses_id !== null) return { outcome: 'is-reversal', original: original.reverses_id };
  const reversal = rows.find((row) => row.reverses_id === p.entryId);
  if (!reversal) throw new Error(`entry ${p.entryId} was neither reversed nor left alone; this is a bug`);
  return { outcome: 'existing', row: reversal };
}
