/**
 * Acts of services rendered over the ledger: creation from an engagement's unbilled entries and
 * the status moves. Shared by the API and, later, the `billing.prepareAct` activity, so both bill
 * alike. Business refusals are BillingConflict (409) or AppError('not-found').
 */
import { withTransaction, type Pool } from '../db/pool.ts';
import {
  insertAct,
  insertActLine,
  linkEntriesToAct,
  lockEngagementForBilling,
  selectAct,
  selectActsOfEngagement,
  selectUnbilledEntries,
  updateActStatus,
  type ActLineRow,
  type ActRow,
} from '../db/queries/acts.ts';
import {
  assertActTransition,
  BillingConflict,
  buildActLines,
  formatActNumber,
  requiredStatusBefore,
} from '../lib/acts.ts';
import { kyivDate, parseIsoDate, type IsoDate } from '../lib/calendar.ts';
import type { ActivityDeps, BusinessActivityInput } from './context.ts';
import { AppError } from '../lib/errors.ts';
import { takeNextYearNumber } from '../db/queries/year-counters.ts';

export interface CreateActInput {
  engagementId: string;
  /** Europe/Kyiv date printed on the act; its year picks the number series. */
  actDate: IsoDate;
  createdBy: string;
  vendorVatPayer: boolean;
  /** The order of named act lines (a definition's `lines`); entries on no named line come first. */
  lineOrder?: readonly string[];
}

/**
 * Creates a draft act from the engagement's billable entries that no act bills yet: one line per
 * category and rate, numbered gap-free within the act date's year. All or nothing.
 */
export async function createEngagementAct(
  pool: Pool,
  input: CreateActInput,
): Promise<{ act: ActRow; lines: ActLineRow[] }> {
  const { year } = parseIsoDate(input.actDate);
  return withTransaction(pool, async (client) => {
    const engagement = await lockEngagementForBilling(client, input.engagementId);
    if (!engagement) throw new AppError('not-found', `No engagement ${input.engagementId}.`);
    const entries = await selectUnbilledEntries(client, engagement.id);
    const contracts = [...new Set(entries.map((entry) => entry.contract_id))];
    if (contracts.length > 1) {
      throw new BillingConflict(
        'several-contracts',
        `The unbilled entries of engagement ${engagement.id} fall under several contracts (${contracts.map(String).join(', ')}); an act bills one contract.`,
        { contracts },
      );
    }
    const draft = buildActLines(
      entries.map((entry) => ({
        id: entry.id,
        line: entry.line,
        category: entry.category,
        normHours: entry.norm_hundredths,
        rateKopecks: entry.rate_kopecks,
      })),
      input.vendorVatPayer,
      input.lineOrder,
    );
    if (draft.lines.length === 0) {
      throw new BillingConflict(
        'nothing-to-bill',
        `Engagement ${engagement.id} has no billable entries that are not on an act yet.`,
        {
          engagementId: engagement.id,
        },
      );
    }
    // Taken last, so the counter row is locked for as short a time as possible.
    const seq = await takeNextYearNumber(client, 'act_counters', year);
    const act = await insertAct(client, {
      year,
      seq,
      number: formatActNumber(year, seq),
      actDate: input.actDate,
      customerId: engagement.customer_id,
      contractId: contracts[0] ?? null,
      engagementId: engagement.id,
      vatRatePercent: draft.vatRatePercent,
      amountExclVat: draft.amountExclVat,
      vat: draft.vat,
      amountInclVat: draft.amountInclVat,
      createdBy: input.createdBy,
    });
    const lines: ActLineRow[] = [];
    for (const line of draft.lines) {
      const row = await insertActLine(client, {
        actId: act.id,
        lineNo: line.lineNo,
        line: line.line,
        category: line.category,
        normHundredths: line.normHours,
        rateKopecks: line.rateKopecks,
        amountExclVat: line.amountExclVat,
        vatRatePercent: line.vatRatePercent,
        vat: line.vat,
        amountInclVat: line.amountInclVat,
      });
      await linkEntriesToAct(client, act.id, row.id, line.entryIds);
      lines.push(row);
    }
    await linkEntriesToAct(client, act.id, null, draft.nettedEntryIds);
    return { act, lines };
  });
}

/** draft → issued, issued → signed; anything else is a BillingConflict naming the act's status. */
export async function moveAct(pool: Pool, p: { actId: number; to: 'issued' | 'signed'; by: string }): Promise<ActRow> {
  const moved = await updateActStatus(pool, { actId: p.actId, from: requiredStatusBefore(p.to), to: p.to, by: p.by });
  if (moved) return moved;
  const act = await selectAct(pool, p.actId);
  if (!act) throw new AppError('not-found', `No act ${p.actId}.`);
  assertActTransition(act.number, act.status, p.to);
  // The act moved between the update and the read (a concurrent request): report it as it is now.
  throw new BillingConflict('act-status', `Act ${act.number} is already ${act.status}.`, {
    actNumber: act.number,
    actStatus: act.status,
  });
}

/**
 * `billing.prepareAct`, the last step of the catalog processes: a draft act of the engagement's
 * unbilled billable entries, its named lines in the order of the input's `lines`. Free or included work has nothing to bill and yields no act. A retry
 * after the act was committed finds nothing left to bill and returns the act already made.
 */
export function createActActivities({ pool, vendorVatPayer }: ActivityDeps) {
  return {
    async 'billing.prepareAct'({ input, engagement }: BusinessActivityInput<{ lines?: unknown } | null>): Promise<{
      actId: number | null;
      number: string | null;
      reason: string;
    }> {
      const lines = input?.lines;
      try {
        const { act } = await createEngagementAct(pool, {
          engagementId: engagement.id,
          actDate: kyivDate(new Date()),
          createdBy: engagement.launchedBy,
          vendorVatPayer,
          lineOrder: Array.isArray(lines) ? lines.filter((line): line is string => typeof line === 'string') : [],
        });
        return { actId: act.id, number: act.number, reason: 'draft act prepared' };
      } catch (error) {
        if (!(error instanceof BillingConflict) || error.kind !== 'nothing-to-bill') throw error;
        const [latest] = (await selectActsOfEngagement(pool, engagement.id)).slice(-1);
        return latest
          ? { actId: latest.id, number: latest.number, reason: 'the act was prepared already' }
          : { actId: null, number: null, reason: 'nothing billable: the work is free or included in a contract' };
      }
    },
  };
}
