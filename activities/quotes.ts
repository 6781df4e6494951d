import { ApplicationFailure } from '@temporalio/activity';
import type { JsonValue, ProcessSnapshot } from '../definitions/model.ts';
import { estimateDefinition, type Estimate } from '../definitions/estimate.ts';
import { selectRateCardOn } from '../db/queries/billing.ts';
import { decideEstimate, insertEstimate, insertOneOffContract } from '../db/queries/estimates.ts';
import { withTransaction } from '../db/pool.ts';
import { kyivDate } from '../lib/calendar.ts';
import { formatUah } from '../lib/money.ts';
import type { EntitlementRecord } from '../workflows/messages.ts';
import type { ActivityDeps } from './context.ts';

export interface PrepareQuoteInput {
  estimateId: string;
  engagementId: string;
  snapshot: ProcessSnapshot;
  params: Record<string, JsonValue>;
  validUntil: string;
  createdBy: string;
}

export interface Quote {
  estimateId: string;
  rateCardId: string;
  estimate: Estimate;
  /** Total incl. VAT, formatted for people: `12 345,60 UAH`. */
  summary: string;
}

/**
 * Quotes: when no contract entitles the customer, the engagement's norm-hours are priced from the
 * rate card in force, the PM and the customer approve, and the approved estimate becomes a
 * one-off services contract (basis c) billed at the rate card it was priced with.
 */
export function createQuoteActivities({ pool, vendorVatPayer }: ActivityDeps) {
  return {
    async prepareQuote(input: PrepareQuoteInput): Promise<Quote> {
      const today = kyivDate(new Date());
      const rateCard = await selectRateCardOn(pool, today);
      if (!rateCard) {
        throw ApplicationFailure.nonRetryable(
          `No rate card is in force on ${today}; add one to price the quote.`,
          'rate-card-missing',
        );
      }
      const estimate = estimateDefinition(input.snapshot, input.params, rateCard.rates, vendorVatPayer);
      await withTransaction(pool, (client) =>
        insertEstimate(client, {
          id: input.estimateId,
          engagementId: input.engagementId,
          rateCardId: rateCard.id,
          validUntil: kyivDate(input.validUntil),
          vatRatePercent: vendorVatPayer ? 20 : 0,
          amountExclVat: estimate.totals.amountExclVat,
          vat: estimate.totals.vat,
          createdBy: input.createdBy,
          lines: estimate.lines.map((line) => ({
            category: line.category,
            normHours: line.normHours,
            rateKopecks: line.rateKopecks,
            amountExclVat: line.amountKopecks,
            vat: line.vatKopecks,
          })),
        }),
      );
      return {
        estimateId: input.estimateId,
        rateCardId: rateCard.id,
        estimate,
        summary: `${formatUah(estimate.totals.amountInclVat, { group: ' ' })} UAH`,
      };
    },

    /** The approved quote becomes the engagement's basis (c), locked to the rate card it was priced with. */
    async acceptQuote(input: {
      estimateId: string;
      engagementId: string;
      customerId: string;
      service: string;
      decidedBy: string;
    }): Promise<EntitlementRecord> {
      const today = kyivDate(new Date());
      return withTransaction(pool, async (client) => {
        const decided = await decideEstimate(client, {
          id: input.estimateId,
          status: 'approved',
          decidedBy: input.decidedBy,
        });
        if (!decided) {
          throw ApplicationFailure.nonRetryable(
            `Estimate ${input.estimateId} is no longer open for approval.`,
            'estimate-closed',
          );
        }
        const contract = await insertOneOffContract(client, {
          engagementId: input.engagementId,
          customerId: input.customerId,
          signedOn: today,
        });
        return {
          outcome: 'allowed',
          basis: 'c',
          contractId: contract.id,
          contractNumber: contract.number,
          windowEnd: null,
          coverage: 'billed',
          billable: true,
          reason: `One-off services by the approved estimate ${input.estimateId} (contract ${contract.number}).`,
          ruleVersion: 'quote',
          decidedOn: today,
          rateCardId: decided.rateCardId,
        };
      });
    },

    async closeQuote(input: {
      estimateId: string;
      status: 'rejected' | 'expired';
      decidedBy: string | null;
    }): Promise<void> {
      await decideEstimate(pool, { id: input.estimateId, status: input.status, decidedBy: input.decidedBy });
    },
  };
}
