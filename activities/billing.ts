import { ApplicationFailure } from '@temporalio/activity';
import { CATEGORIES, type Category, type Norm } from '../definitions/model.ts';
import { selectUserCategory } from '../db/queries/users.ts';
import { insertBillingEntry, selectRateCardOn, type BillingEntryRow } from '../db/queries/billing.ts';
import { selectRateCardById } from '../db/queries/estimates.ts';
import { withTransaction } from '../db/pool.ts';
import { kyivDate } from '../lib/calendar.ts';
import { normHoursFromNumber, priceNormLine } from '../lib/money.ts';
import type { EntitlementRecord } from '../workflows/messages.ts';
import type { ActivityDeps } from './context.ts';

export interface RecordBillableTimeInput {
  /** engagement id + step id + iteration: never a run id, so a new run or a retry records nothing twice. */
  idempotencyKey: string;
  engagementId: string;
  stepId: string;
  iteration: string;
  norm: Norm;
  /** Hours the engineer reported (internal control); null for automated steps. */
  actualHours: number | null;
  performedBy: string | null;
  entitlement: EntitlementRecord | null;
}

export function createBillingActivities({ pool, vendorVatPayer }: ActivityDeps) {
  /**
   * Actual hours are reported once per step; they go on the line of the performer's category when
   * the norm has one, else on the category with the most norm-hours (the main work).
   */
  const actualHoursCategory = async (input: RecordBillableTimeInput, entries: [Category, number][]) => {
    const performerCategory = input.performedBy ? await selectUserCategory(pool, input.performedBy) : null;
    if (performerCategory && entries.some(([category]) => category === performerCategory)) return performerCategory;
    return [...entries].sort((a, b) => b[1] - a[1] || CATEGORIES.indexOf(a[0]) - CATEGORIES.indexOf(b[0]))[0]?.[0];
  };

  return {
    /**
     * Writes one ledger entry per category of the step's norm, all or none. Non-billable work
     * (basic support, included coverage) is recorded too, at zero amount, so hours stay visible.
     */
    async recordBillableTime(input: RecordBillableTimeInput): Promise<{ entryIds: number[] }> {
      const billable = input.entitlement?.billable ?? false;
      const date = input.entitlement?.decidedOn ?? kyivDate(new Date());
      // An approved quote locks the rate card it was priced with; otherwise the one in force on the decision date.
      const locked = input.entitlement?.rateCardId;
      const rateCard = locked ? await selectRateCardById(pool, locked) : await selectRateCardOn(pool, date);
      if (billable && !rateCard) {
        throw ApplicationFailure.nonRetryable(
          `No rate card is in force on ${date}; add one before billing.`,
          'rate-card-missing',
        );
      }
      const entries = Object.entries(input.norm) as [Category, number][];
      const actualOn = await actualHoursCategory(input, entries);
      const rows = await withTransaction(pool, async (client) => {
        const written: BillingEntryRow[] = [];
        for (const [category, hours] of entries) {
          const rate = billable ? (rateCard!.rates[category] ?? 0) : 0;
          const priced = priceNormLine(normHoursFromNumber(hours), rate, vendorVatPayer);
          written.push(
            await insertBillingEntry(client, {
              idempotencyKey: `${input.idempotencyKey}:${category}`,
              engagementId: input.engagementId,
              stepId: input.stepId,
              iteration: input.iteration,
              category,
              normHours: hours,
              actualHours: category === actualOn ? input.actualHours : null,
              rateKopecks: rate,
              amountKopecks: priced.amountExclVat,
              vatKopecks: priced.vat,
              billable,
              basis: input.entitlement?.basis ?? null,
              contractId: input.entitlement?.contractId ?? null,
              rateCardId: billable ? rateCard!.id : null,
              performedBy: input.performedBy,
            }),
          );
        }
        return written;
      });
      return { entryIds: rows.map((row) => row.id) };
    },
  };
}
