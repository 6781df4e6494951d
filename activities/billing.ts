import { ApplicationFailure } from '@temporalio/activity';
import { CATEGORIES, type Category, type JsonValue, type Norm, type StepBilling } from '../definitions/model.ts';
import { selectUserCategory } from '../db/queries/users.ts';
import {
  insertBillingEntry,
  selectContractTerms,
  selectRateCardOn,
  type BillingEntryRow,
} from '../db/queries/billing.ts';
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
  /** The step's act lines, when its definition names them. */
  billing?: StepBilling;
  /** The task's result, for `billing.hours`. */
  result?: JsonValue;
}

/** The act line of travel time; a contract may leave it unbilled (`contracts.bills_travel`). */
const TRAVEL_LINE = 'travel';

/** One ledger entry to write: its key suffix, act line, category and norm-hours. */
interface EntryPlan {
  key: string;
  line: string | null;
  category: Category;
  hours: number;
  actualHours: number | null;
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

  /**
   * The entries of a step: one per category of its norm (keyed by category, on `billing.line`), or,
   * with `billing.hours`, one per named line with the hours of its result field (keyed by line) on
   * the performer's category. A line with no hours is not written.
   */
  const planEntries = async (input: RecordBillableTimeInput): Promise<EntryPlan[]> => {
    const entries = Object.entries(input.norm) as [Category, number][];
    const actualOn = await actualHoursCategory(input, entries);
    const fromResult = input.billing?.hours;
    if (!fromResult) {
      return entries.map(([category, hours]) => ({
        key: category,
        line: input.billing?.line ?? null,
        category,
        hours,
        actualHours: category === actualOn ? input.actualHours : null,
      }));
    }
    const performerCategory = input.performedBy ? await selectUserCategory(pool, input.performedBy) : null;
    const category = performerCategory ?? actualOn!;
    const result = (input.result ?? {}) as Record<string, JsonValue>;
    return Object.entries(fromResult).flatMap(([line, field], index) => {
      const value = result[field];
      const hours =
        typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.round(value * 100) / 100 : 0;
      if (hours === 0) return [];
      return [{ key: line, line, category, hours, actualHours: index === 0 ? input.actualHours : null }];
    });
  };

  /**
   * Why the contract leaves travel unbilled, or null when it bills it (the default, and the case
   * with no contract). Only asked for billable work that has a travel entry.
   */
  const travelNotBilled = async (entitlement: EntitlementRecord): Promise<string | null> => {
    if (!entitlement.contractId) return null;
    const contract = await selectContractTerms(pool, entitlement.contractId);
    if (!contract || contract.bills_travel) return null;
    return `travel not billed under contract ${contract.number}`;
  };

  return {
    /**
     * Writes one ledger entry per category of the step's norm, all or none. Non-billable work
     * (basic support, included coverage, travel under a contract that does not bill it) is recorded
     * too, at zero amount, so hours stay visible.
     */
    async recordBillableTime(input: RecordBillableTimeInput): Promise<{ entryIds: number[]; norm: Norm }> {
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
      const plan = await planEntries(input);
      const travelReason =
        billable && plan.some((entry) => entry.line === TRAVEL_LINE) ? await travelNotBilled(input.entitlement!) : null;
      const rows = await withTransaction(pool, async (client) => {
        const written: BillingEntryRow[] = [];
        for (const { key, line, category, hours, actualHours } of plan) {
          const reason = line === TRAVEL_LINE ? travelReason : null;
          const billed = billable && reason === null;
          const rate = billed ? (rateCard!.rates[category] ?? 0) : 0;
          const priced = priceNormLine(normHoursFromNumber(hours), rate, vendorVatPayer);
          written.push(
            await insertBillingEntry(client, {
              idempotencyKey: `${input.idempotencyKey}:${key}`,
              engagementId: input.engagementId,
              stepId: input.stepId,
              iteration: input.iteration,
              line,
              category,
              normHours: hours,
              actualHours,
              rateKopecks: rate,
              amountKopecks: priced.amountExclVat,
              vatKopecks: priced.vat,
              billable: billed,
              basis: input.entitlement?.basis ?? null,
              contractId: input.entitlement?.contractId ?? null,
              rateCardId: billed ? rateCard!.id : null,
              performedBy: input.performedBy,
              reason,
            }),
          );
        }
        return written;
      });
      const norm: Norm = {};
      for (const { category, hours } of plan) norm[category] = Math.round(((norm[category] ?? 0) + hours) * 100) / 100;
      return { entryIds: rows.map((row) => row.id), norm };
    },
  };
}
