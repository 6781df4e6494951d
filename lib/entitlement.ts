/**
 * The entitlement rules of DOMAIN.md ("Service levels and entitlement") as one pure function: given
 * what the database knows about a customer and what is requested, decide whether the work may start,
 * needs a quote, or is refused — and on which basis. No I/O, no clock: the caller passes the Kyiv
 * date of the request (`kyivDate(now)`), so a decision can be replayed for an audit.
 */
import { addDays, addMonthsCivilCode, compareDates, isWithin, parseIsoDate } from './calendar.ts';
import type { IsoDate } from './calendar.ts';

/** Logged with every decision; bump it whenever a rule below changes meaning. */
export const ENTITLEMENT_RULE_VERSION = '2026-11-1';

/** Months after acceptance of the last stage during which a supply/implementation contract still gives basis (a). */
export const SUPPLY_TAIL_MONTHS = 6;

export type ServiceLevel = 'basic' | 'extended';
export type ContractKind = 'SUPPLY_IMPLEMENTATION' | 'ANNUAL_SUPPORT' | 'ONE_OFF_SERVICES' | 'CLOUD_ACCESS';
export type ContractStatus = 'signed' | 'terminated' | 'draft';
/** How work under a contract is charged: included in its price, or billed by norm-hours. */
export type CoveragePolicy = 'included' | 'billed';
/** `basic` = free basic support; a–d = the bases of the extended package in DOMAIN.md. */
export type EntitlementBasis = 'basic' | 'a' | 'b' | 'c' | 'd';
export type EntitlementOutcome = 'allowed' | 'quote' | 'denied';

export interface RegisteredUserFact {
  active: boolean;
  projectId: string;
  /** Whether the user's project is licensed. */
  licensed: boolean;
}

export interface ContractStageFact {
  acceptedAt: IsoDate | null;
}

export interface ContractFact {
  id: string;
  number: string;
  kind: ContractKind;
  status: ContractStatus;
  signedAt: IsoDate | null;
  validFrom: IsoDate | null;
  validTo: IsoDate | null;
  /** The day termination takes effect: the contract is no longer in force on it. */
  terminatedAt: IsoDate | null;
  /** In contract order; only the last one starts the after-acceptance period. */
  stages: readonly ContractStageFact[];
  coveredServices: readonly string[];
  coveredProjects: readonly string[];
  coveredEngagements: readonly string[];
  coverage: CoveragePolicy;
}

/** Everything the rules look at, loaded by the caller for one customer. */
export interface EntitlementFacts {
  users: readonly RegisteredUserFact[];
  contracts: readonly ContractFact[];
  /** The catalog level of the requested service. */
  serviceLevel: ServiceLevel;
}

export interface EntitlementRequest {
  customerId: string;
  serviceCode: string;
  projectId?: string | null;
  /** Set when re-checking an existing engagement, which a one-off contract may list by id. */
  engagementId?: string | null;
  /** The Europe/Kyiv calendar date of the request. */
  date: IsoDate;
}

/** What one contract gives on the request date, kept in the decision for audits. */
export interface ContractVerdict {
  contractId: string;
  contractNumber: string;
  basis: 'a' | 'b' | 'c' | 'd';
  holds: boolean;
  windowEnd: IsoDate | null;
  note: string;
}

export interface EntitlementDecision {
  outcome: EntitlementOutcome;
  basis: EntitlementBasis | null;
  contractId: string | null;
  contractNumber: string | null;
  /** The last date (inclusive) the basis holds; null when open-ended or when nothing holds. */
  windowEnd: IsoDate | null;
  /** How the work is charged; null when denied. A quote and basis (c) are always billed. */
  coverage: CoveragePolicy | null;
  /** A sentence a project manager can act on. */
  reason: string;
  ruleVersion: string;
  considered: readonly ContractVerdict[];
}

const BASIS_OF_KIND: Record<ContractKind, 'a' | 'b' | 'c' | 'd'> = {
  SUPPLY_IMPLEMENTATION: 'a',
  ANNUAL_SUPPORT: 'b',
  ONE_OFF_SERVICES: 'c',
  CLOUD_ACCESS: 'd',
};

const KIND_LABEL: Record<ContractKind, string> = {
  SUPPLY_IMPLEMENTATION: 'supply/implementation contract',
  ANNUAL_SUPPORT: 'annual support contract',
  ONE_OFF_SERVICES: 'one-off services contract',
  CLOUD_ACCESS: 'cloud access contract',
};

function earlier(a: IsoDate | null, b: IsoDate | null): IsoDate | null {
  if (a === null) return b;
  if (b === null) return a;
  return compareDates(a, b) <= 0 ? a : b;
}

/** The last day the contract is in force as far as termination goes (null = not terminated). */
function lastDayBeforeTermination(contract: ContractFact): IsoDate | null {
  return contract.status === 'terminated' && contract.terminatedAt !== null ? addDays(contract.terminatedAt, -1) : null;
}

/** Why the contract was not signed on or before `date`, or null when it was. */
function notSignedBy(contract: ContractFact, date: IsoDate): string | null {
  if (contract.status === 'draft') return 'is a draft, not signed';
  if (contract.signedAt === null) return 'has no signing date';
  if (compareDates(contract.signedAt, date) > 0) return `is signed only on ${contract.signedAt}`;
  return null;
}

/** Why the contract is not in force on `date`, or null when it is (signed, signed by then, not yet terminated). */
function notInForce(contract: ContractFact, date: IsoDate): string | null {
  const unsigned = notSignedBy(contract, date);
  if (unsigned !== null) return unsigned;
  if (contract.status === 'terminated') {
    if (contract.terminatedAt === null) return 'is terminated';
    if (compareDates(contract.terminatedAt, date) <= 0) return `was terminated on ${contract.terminatedAt}`;
  }
  return null;
}

function verdict(contract: ContractFact, holds: boolean, windowEnd: IsoDate | null, note: string): ContractVerdict {
  return {
    contractId: contract.id,
    contractNumber: contract.number,
    basis: BASIS_OF_KIND[contract.kind],
    holds,
    windowEnd: holds ? windowEnd : null,
    note,
  };
}

/** (a): in force from signing; after the last stage is accepted on A, until A + 6 months (Civil Code). */
function assessSupply(contract: ContractFact, date: IsoDate): ContractVerdict {
  const unsigned = notSignedBy(contract, date);
  if (unsigned !== null) return verdict(contract, false, null, unsigned);
  const acceptedAt = contract.stages.at(-1)?.acceptedAt ?? null;
  const terminatedAt = contract.status === 'terminated' ? contract.terminatedAt : null;
  if (acceptedAt !== null) {
    if (contract.status === 'terminated' && (terminatedAt === null || compareDates(terminatedAt, acceptedAt) < 0)) {
      return verdict(
        contract,
        false,
        null,
        'was terminated before its last stage was accepted, so it has no after-acceptance period',
      );
    }
    // Termination on or after the last acceptance leaves the after-acceptance period standing.
    const tailEnd = addMonthsCivilCode(acceptedAt, SUPPLY_TAIL_MONTHS);
    return compareDates(date, tailEnd) <= 0
      ? verdict(
          contract,
          true,
          tailEnd,
          `last stage accepted on ${acceptedAt}; after-acceptance period until ${tailEnd}`,
        )
      : verdict(contract, false, null, `after-acceptance period ended on ${tailEnd}`);
  }
  const refusal = notInForce(contract, date);
  if (refusal !== null) return verdict(contract, false, null, refusal);
  if (contract.validTo !== null && compareDates(date, contract.validTo) > 0) {
    return verdict(contract, false, null, `expired on ${contract.validTo} before its last stage was accepted`);
  }
  const end = earlier(contract.validTo, lastDayBeforeTermination(contract));
  return verdict(
    contract,
    true,
    end,
    end === null ? 'in implementation, open-ended' : `in implementation until ${end}`,
  );
}

/** (b): in force and valid_from ≤ d ≤ valid_to; (d) the same plus the requested project. */
function assessPeriodic(contract: ContractFact, request: EntitlementRequest): ContractVerdict {
  const refusal = notInForce(contract, request.date);
  if (refusal !== null) return verdict(contract, false, null, refusal);
  if (contract.kind === 'ANNUAL_SUPPORT' && (contract.validFrom === null || contract.validTo === null)) {
    return verdict(contract, false, null, 'has no validity period');
  }
  if (!isWithin(request.date, contract.validFrom, contract.validTo)) {
    return verdict(contract, false, null, `is valid ${contract.validFrom ?? '…'} to ${contract.validTo ?? '…'}`);
  }
  if (contract.kind === 'CLOUD_ACCESS') {
    if (!request.projectId)
      return verdict(contract, false, null, 'covers cloud projects only, and no project was named');
    if (!contract.coveredProjects.includes(request.projectId)) {
      return verdict(contract, false, null, `does not cover project ${request.projectId}`);
    }
  }
  const end = earlier(contract.validTo, lastDayBeforeTermination(contract));
  return verdict(contract, true, end, end === null ? 'valid, open-ended' : `valid until ${end}`);
}

/** (c): a signed one-off contract in force that lists the engagement or the service. */
function assessOneOff(contract: ContractFact, request: EntitlementRequest): ContractVerdict {
  const refusal = notInForce(contract, request.date);
  if (refusal !== null) return verdict(contract, false, null, refusal);
  const end = lastDayBeforeTermination(contract);
  if (request.engagementId && contract.coveredEngagements.includes(request.engagementId)) {
    return verdict(contract, true, end, `lists engagement ${request.engagementId}`);
  }
  if (contract.coveredServices.includes(request.serviceCode)) {
    return verdict(contract, true, end, `lists service ${request.serviceCode}`);
  }
  return verdict(contract, false, null, `does not list service ${request.serviceCode}`);
}

function assess(contract: ContractFact, request: EntitlementRequest): ContractVerdict {
  switch (contract.kind) {
    case 'SUPPLY_IMPLEMENTATION':
      return assessSupply(contract, request.date);
    case 'ANNUAL_SUPPORT':
    case 'CLOUD_ACCESS':
      return assessPeriodic(contract, request);
    case 'ONE_OFF_SERVICES':
      return assessOneOff(contract, request);
  }
}

const BASIS_ORDER = { a: 0, b: 1, d: 2, c: 3 } as const;

/**
 * Most favourable to the customer first: work included in a contract's price before work billed
 * by norm-hours; then the window that lasts longest (open-ended first), so the recorded basis is the
 * one least likely to lapse; then a, b, d and the contract number, only to make the choice repeatable.
 */
function favourability(a: { verdict: ContractVerdict; contract: ContractFact }, b: typeof a): number {
  if (a.contract.coverage !== b.contract.coverage) return a.contract.coverage === 'included' ? -1 : 1;
  const endA = a.verdict.windowEnd;
  const endB = b.verdict.windowEnd;
  if (endA !== endB) {
    if (endA === null) return -1;
    if (endB === null) return 1;
    return -compareDates(endA, endB);
  }
  const byBasis = BASIS_ORDER[a.verdict.basis] - BASIS_ORDER[b.verdict.basis];
  if (byBasis !== 0) return byBasis;
  return a.contract.number < b.contract.number ? -1 : a.contract.number > b.contract.number ? 1 : 0;
}

function decision(fields: Omit<EntitlementDecision, 'ruleVersion'>): EntitlementDecision {
  return { ...fields, ruleVersion: ENTITLEMENT_RULE_VERSION };
}

/** Decides whether `request` may start, per DOMAIN.md; throws `request-invalid` on a malformed date. */
export function decideEntitlement(facts: EntitlementFacts, request: EntitlementRequest): EntitlementDecision {
  parseIsoDate(request.date);
  const qualifying = facts.users.filter((user) => user.active && user.licensed).length;

  if (facts.serviceLevel === 'basic') {
    if (qualifying > 0) {
      return decision({
        outcome: 'allowed',
        basis: 'basic',
        contractId: null,
        contractNumber: null,
        windowEnd: null,
        coverage: 'included',
        reason: `Basic support, free: the customer has ${qualifying} active registered user(s) on a licensed project.`,
        considered: [],
      });
    }
    const registered =
      facts.users.length === 0
        ? 'no registered users'
        : `${facts.users.length} registered user(s), none active on a licensed project`;
    return decision({
      outcome: 'denied',
      basis: null,
      contractId: null,
      contractNumber: null,
      windowEnd: null,
      coverage: null,
      reason: `Register users first: basic support is free only for active registered users of a licensed project, and the customer has ${registered}.`,
      considered: [],
    });
  }

  const assessed = facts.contracts.map((contract) => ({ contract, verdict: assess(contract, request) }));
  const considered = assessed.map((entry) => entry.verdict);
  const holding = assessed.filter((entry) => entry.verdict.holds);

  const best = holding.filter((entry) => entry.verdict.basis !== 'c').sort(favourability)[0];
  if (best) {
    const { contract, verdict: chosen } = best;
    const charge = contract.coverage === 'included' ? 'included in the contract' : 'billed by norm-hours';
    return decision({
      outcome: 'allowed',
      basis: chosen.basis,
      contractId: contract.id,
      contractNumber: contract.number,
      windowEnd: chosen.windowEnd,
      coverage: contract.coverage,
      reason: `Allowed under ${KIND_LABEL[contract.kind]} № ${contract.number} (${chosen.note}); the work is ${charge}.`,
      considered,
    });
  }

  // A one-off contract is the agreed estimate itself, so it is billed whatever its coverage field says.
  const listsEngagement = (contract: ContractFact) =>
    Boolean(request.engagementId) && contract.coveredEngagements.includes(request.engagementId ?? '');
  const oneOff = holding
    .filter((entry) => entry.verdict.basis === 'c')
    .sort(
      (x, y) => Number(listsEngagement(y.contract)) - Number(listsEngagement(x.contract)) || favourability(x, y),
    )[0];
  if (oneOff) {
    return decision({
      outcome: 'allowed',
      basis: 'c',
      contractId: oneOff.contract.id,
      contractNumber: oneOff.contract.number,
      windowEnd: oneOff.verdict.windowEnd,
      coverage: 'billed',
      reason: `Allowed under one-off services contract № ${oneOff.contract.number}, which ${oneOff.verdict.note}; billed by its agreed estimate.`,
      considered,
    });
  }

  return decision({
    outcome: 'quote',
    basis: null,
    contractId: null,
    contractNumber: null,
    windowEnd: null,
    coverage: 'billed',
    reason: `No contract covers ${request.serviceCode} on ${request.date}: prepare an estimate (norm-hours × rate per category) for the customer to approve as a one-off contract before billable work starts.`,
    considered,
  });
}
