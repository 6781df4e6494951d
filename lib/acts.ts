/**
 * Acts of services rendered (DOMAIN.md "Money"), the pure part: how ledger entries become act
 * lines, how an act is numbered, and the only way its status may move. The database part is in
 * db/queries/acts.ts and activities/acts.ts.
 */
import { CATEGORIES, type Category } from '../definitions/model.ts';
import { kyivDate } from './calendar.ts';
import { AppError } from './errors.ts';
import {
  priceNormLine,
  sumLines,
  sumNormHours,
  VAT_RATE_PERCENT,
  type Kopecks,
  type MoneyTotals,
  type NormHundredths,
} from './money.ts';

export type ActStatus = 'draft' | 'issued' | 'signed';

/** Why an act cannot be created or moved, or an entry reversed; the API answers 409 with `kind` as the problem type. */
export type BillingConflictKind = 'act-status' | 'nothing-to-bill' | 'several-contracts' | 'reversal-of-reversal';

/**
 * A request that contradicts the state of the ledger or of an act (HTTP 409): an AppError whose
 * code is the kind, so the API's one error middleware answers it like any other.
 */
export class BillingConflict extends AppError {
  constructor(
    readonly kind: BillingConflictKind,
    message: string,
    details: Record<string, unknown> = {},
  ) {
    super(kind, message, details);
  }
}

/** The status an act must have before it may move to `to`: no skipping, no going back. */
const PREVIOUS: Record<Exclude<ActStatus, 'draft'>, ActStatus> = { issued: 'draft', signed: 'issued' };

export function requiredStatusBefore(to: Exclude<ActStatus, 'draft'>): ActStatus {
  return PREVIOUS[to];
}

/** Throws BillingConflict unless `from → to` is draft → issued or issued → signed. */
export function assertActTransition(number: string, from: ActStatus, to: Exclude<ActStatus, 'draft'>): void {
  if (PREVIOUS[to] !== from) {
    const needed = PREVIOUS[to];
    const next = from === 'draft' ? 'issue it first' : from === 'issued' ? 'sign it' : 'it is final';
    throw new BillingConflict(
      'act-status',
      `Act ${number} is ${from}; only ${needed === 'issued' ? 'an' : 'a'} ${needed} act can be ${to} (${next}).`,
      {
        actNumber: number,
        actStatus: from,
        requested: to,
      },
    );
  }
}

/** As printed on the act: 2026-0007. Numbers restart at 1 every calendar year. */
export function formatActNumber(year: number, seq: number): string {
  return `${year}-${String(seq).padStart(4, '0')}`;
}

/** A ledger entry not yet on an act, as act building needs it. */
export interface UnbilledEntry {
  id: number;
  /** The act line the definition named for the entry (training-hours, travel, …), or null. */
  line?: string | null;
  category: Category;
  normHours: NormHundredths;
  rateKopecks: Kopecks;
}

export interface ActLineDraft extends MoneyTotals {
  lineNo: number;
  line: string | null;
  category: Category;
  normHours: NormHundredths;
  rateKopecks: Kopecks;
  vatRatePercent: number;
  entryIds: number[];
}

export interface ActDraft extends MoneyTotals {
  vatRatePercent: number;
  lines: ActLineDraft[];
  /** Entries that net to nothing with others of their line (an entry and its reversal): billed, on no line. */
  nettedEntryIds: number[];
}

/**
 * Groups entries into one line per named act line, category and rate (a rate card may change during
 * long work): entries on no named line first, then the named lines in `lineOrder` (names it does not
 * list after, alphabetically), each in category order LEAD → TECH. Norm-hours are summed exactly,
 * then the line is priced once: amount = norm-hours × rate rounded to the kopeck, then the line's
 * VAT. Totals are sums of lines.
 */
export function buildActLines(
  entries: readonly UnbilledEntry[],
  vendorVatPayer: boolean,
  lineOrder: readonly string[] = [],
): ActDraft {
  const groups = new Map<
    string,
    { line: string | null; category: Category; rateKopecks: Kopecks; entries: UnbilledEntry[] }
  >();
  for (const entry of entries) {
    const line = entry.line ?? null;
    const key = `${line ?? ''}:${entry.category}:${entry.rateKopecks}`;
    const group = groups.get(key) ?? { line, category: entry.category, rateKopecks: entry.rateKopecks, entries: [] };
    group.entries.push(entry);
    groups.set(key, group);
  }
  const rank = (line: string | null): number => {
    if (line === null) return -1;
    const index = lineOrder.indexOf(line);
    return index === -1 ? lineOrder.length : index;
  };
  const ordered = [...groups.values()].sort(
    (a, b) =>
      rank(a.line) - rank(b.line) ||
      (a.line ?? '').localeCompare(b.line ?? '') ||
      CATEGORIES.indexOf(a.category) - CATEGORIES.indexOf(b.category) ||
      a.rateKopecks - b.rateKopecks,
  );
  const lines: ActLineDraft[] = [];
  const nettedEntryIds: number[] = [];
  for (const group of ordered) {
    const normHours = sumNormHours(group.entries.map((entry) => entry.normHours));
    const entryIds = group.entries.map((entry) => entry.id);
    if (normHours === 0) {
      nettedEntryIds.push(...entryIds);
      continue;
    }
    const priced = priceNormLine(normHours, group.rateKopecks, vendorVatPayer);
    lines.push({
      lineNo: lines.length + 1,
      line: group.line,
      category: group.category,
      normHours,
      rateKopecks: group.rateKopecks,
      ...priced,
      entryIds,
    });
  }
  return { vatRatePercent: vendorVatPayer ? VAT_RATE_PERCENT : 0, ...sumLines(lines), lines, nettedEntryIds };
}

/** How the engagement an act bills stands, as the act's notice and warnings read it. */
export interface EngagementOutcome {
  engagementId: string;
  status: string;
  closedAt: Date | null;
}

/**
 * What the act itself says about an engagement that ended without completing (docs/acts.md): a
 * failed or cancelled engagement is billed for the work done — each step completed before the end,
 * at its norm-hours under the approved estimate or the contract — and nothing for steps not done.
 * Null for every other engagement.
 */
export function actNotice(outcome: EngagementOutcome | null): string | null {
  if (!outcome || (outcome.status !== 'FAILED' && outcome.status !== 'CANCELLED')) return null;
  const how = outcome.status === 'FAILED' ? 'failed' : 'was cancelled';
  const when = outcome.closedAt ? ` on ${kyivDate(outcome.closedAt)}` : '';
  return (
    `Engagement ${outcome.engagementId} ${how}${when}, before it was completed. This act bills the work done ` +
    'until then: each step completed, at its norm-hours under the approved estimate or the contract. ' +
    'Steps not done are not billed.'
  );
}

/** What finance should know before issuing (or creating) the act; empty when nothing is unusual. */
export function actWarnings(outcome: EngagementOutcome | null): string[] {
  const notice = actNotice(outcome);
  if (notice) return [notice];
  if (outcome && !['COMPLETED', 'DENIED'].includes(outcome.status)) {
    return [
      `Engagement ${outcome.engagementId} is still ${outcome.status.toLowerCase().replace('_', ' ')}: this act bills the work done so far; later work goes on a further act.`,
    ];
  }
  return [];
}
