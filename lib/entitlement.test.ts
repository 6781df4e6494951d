import { describe, expect, it } from 'vitest';
import { kyivDate } from './calendar.ts';
import { decideEntitlement, ENTITLEMENT_RULE_VERSION } from './entitlement.ts';
import type { ContractFact, EntitlementDecision, EntitlementFacts, RegisteredUserFact } from './entitlement.ts';

const USER: RegisteredUserFact = { active: true, projectId: 'P1', licensed: true };

function contract(overrides: Partial<ContractFact> & Pick<ContractFact, 'kind'>): ContractFact {
  return {
    id: `${overrides.kind}-1`,
    number: '1',
    status: 'signed',
    signedAt: '2023-01-10',
    validFrom: null,
    validTo: null,
    terminatedAt: null,
    stages: [],
    coveredServices: [],
    coveredProjects: [],
    coveredEngagements: [],
    coverage: 'included',
    ...overrides,
  };
}

const supply = (o: Partial<ContractFact> = {}) => contract({ kind: 'SUPPLY_IMPLEMENTATION', ...o });
const annual = (o: Partial<ContractFact> = {}) =>
  contract({ kind: 'ANNUAL_SUPPORT', validFrom: '2026-01-01', validTo: '2026-12-31', ...o });
const oneOff = (o: Partial<ContractFact> = {}) =>
  contract({ kind: 'ONE_OFF_SERVICES', coveredServices: ['X-IMPORT'], coverage: 'billed', ...o });
const cloud = (o: Partial<ContractFact> = {}) =>
  contract({ kind: 'CLOUD_ACCESS', validFrom: '2026-01-01', validTo: '2026-12-31', coveredProjects: ['P1'], ...o });
const accepted = (...dates: (string | null)[]) => dates.map((acceptedAt) => ({ acceptedAt }));

interface Case {
  name: string;
  contracts: ContractFact[];
  date: string;
  projectId?: string;
  engagementId?: string;
  expect: Partial<EntitlementDecision>;
}

const quote = { outcome: 'quote', basis: null, contractId: null, coverage: 'billed' } as const;

const extendedCases: Case[] = [
  // (a) supply/implementation, before the last stage is accepted
  {
    name: 'a: open-ended implementation',
    contracts: [supply()],
    date: '2026-03-01',
    expect: { outcome: 'allowed', basis: 'a', windowEnd: null },
  },
  {
    name: 'a: on valid_to',
    contracts: [supply({ validTo: '2026-06-30' })],
    date: '2026-06-30',
    expect: { basis: 'a', windowEnd: '2026-06-30' },
  },
  {
    name: 'a: the day after valid_to',
    contracts: [supply({ validTo: '2026-06-30' })],
    date: '2026-07-01',
    expect: quote,
  },
  {
    name: 'a: on the signing day',
    contracts: [supply({ signedAt: '2026-03-01' })],
    date: '2026-03-01',
    expect: { basis: 'a' },
  },
  {
    name: 'a: the day before signing',
    contracts: [supply({ signedAt: '2026-03-02' })],
    date: '2026-03-01',
    expect: quote,
  },
  { name: 'a: draft', contracts: [supply({ status: 'draft' })], date: '2026-03-01', expect: quote },
  {
    name: 'a: unaccepted last stage keeps valid_to',
    contracts: [supply({ validTo: '2025-06-30', stages: accepted('2025-01-31', null) })],
    date: '2025-07-01',
    expect: quote,
  },
  // (a) the six months after acceptance of the last stage (Civil Code art. 253–254)
  {
    name: 'a: tail 2025-08-31 → last day 2026-02-28',
    contracts: [supply({ stages: accepted('2025-08-31') })],
    date: '2026-02-28',
    expect: { outcome: 'allowed', basis: 'a', windowEnd: '2026-02-28' },
  },
  {
    name: 'a: tail 2025-08-31 → 2026-03-01 is out',
    contracts: [supply({ stages: accepted('2025-08-31') })],
    date: '2026-03-01',
    expect: quote,
  },
  {
    name: 'a: tail 2024-08-31 → last day 2025-02-28',
    contracts: [supply({ stages: accepted('2024-08-31') })],
    date: '2025-02-28',
    expect: { basis: 'a', windowEnd: '2025-02-28' },
  },
  {
    name: 'a: tail 2024-08-31 → 2025-03-01 is out',
    contracts: [supply({ stages: accepted('2024-08-31') })],
    date: '2025-03-01',
    expect: quote,
  },
  {
    name: 'a: tail 2023-08-29 → last day 2024-02-29',
    contracts: [supply({ stages: accepted('2023-08-29') })],
    date: '2024-02-29',
    expect: { basis: 'a', windowEnd: '2024-02-29' },
  },
  {
    name: 'a: tail 2023-08-29 → 2024-03-01 is out',
    contracts: [supply({ stages: accepted('2023-08-29') })],
    date: '2024-03-01',
    expect: quote,
  },
  {
    name: 'a: the tail outlives valid_to',
    contracts: [supply({ validTo: '2025-09-30', stages: accepted('2025-08-31') })],
    date: '2026-01-15',
    expect: { basis: 'a', windowEnd: '2026-02-28' },
  },
  {
    name: 'a: only the last stage starts the tail',
    contracts: [supply({ stages: accepted('2025-01-10', '2025-03-31') })],
    date: '2025-09-30',
    expect: { basis: 'a', windowEnd: '2025-09-30' },
  },
  {
    name: 'a: only the last stage starts the tail (day after)',
    contracts: [supply({ stages: accepted('2025-01-10', '2025-03-31') })],
    date: '2025-10-01',
    expect: quote,
  },
  // (a) terminated contracts
  {
    name: 'a: terminated before last acceptance gives no tail',
    contracts: [supply({ status: 'terminated', terminatedAt: '2025-08-01', stages: accepted('2025-08-31') })],
    date: '2025-10-01',
    expect: quote,
  },
  {
    name: 'a: terminated after last acceptance keeps the tail',
    contracts: [supply({ status: 'terminated', terminatedAt: '2025-10-01', stages: accepted('2025-08-31') })],
    date: '2026-02-28',
    expect: { basis: 'a', windowEnd: '2026-02-28' },
  },
  {
    name: 'a: terminated, nothing accepted, on the termination day',
    contracts: [supply({ status: 'terminated', terminatedAt: '2026-03-01' })],
    date: '2026-03-01',
    expect: quote,
  },
  {
    name: 'a: terminated, nothing accepted, the day before termination',
    contracts: [supply({ status: 'terminated', terminatedAt: '2026-03-01' })],
    date: '2026-02-28',
    expect: { basis: 'a', windowEnd: '2026-02-28' },
  },
  // (b) annual support
  { name: 'b: the day before valid_from', contracts: [annual()], date: '2025-12-31', expect: quote },
  {
    name: 'b: on valid_from',
    contracts: [annual()],
    date: '2026-01-01',
    expect: { outcome: 'allowed', basis: 'b', windowEnd: '2026-12-31', coverage: 'included' },
  },
  { name: 'b: on valid_to', contracts: [annual()], date: '2026-12-31', expect: { basis: 'b' } },
  { name: 'b: the day after valid_to', contracts: [annual()], date: '2027-01-01', expect: quote },
  { name: 'b: draft', contracts: [annual({ status: 'draft' })], date: '2026-06-01', expect: quote },
  { name: 'b: without a validity period', contracts: [annual({ validTo: null })], date: '2026-06-01', expect: quote },
  {
    name: 'b: terminated, on the termination day',
    contracts: [annual({ status: 'terminated', terminatedAt: '2026-06-01' })],
    date: '2026-06-01',
    expect: quote,
  },
  {
    name: 'b: terminated, the day before',
    contracts: [annual({ status: 'terminated', terminatedAt: '2026-06-01' })],
    date: '2026-05-31',
    expect: { basis: 'b', windowEnd: '2026-05-31' },
  },
  {
    name: 'b: billed coverage',
    contracts: [annual({ coverage: 'billed' })],
    date: '2026-06-01',
    expect: { basis: 'b', coverage: 'billed' },
  },
  // (c) one-off services
  {
    name: 'c: lists the service',
    contracts: [oneOff()],
    date: '2026-06-01',
    expect: { outcome: 'allowed', basis: 'c', coverage: 'billed', windowEnd: null },
  },
  {
    name: 'c: billed even when marked included',
    contracts: [oneOff({ coverage: 'included' })],
    date: '2026-06-01',
    expect: { basis: 'c', coverage: 'billed' },
  },
  {
    name: 'c: lists another service',
    contracts: [oneOff({ coveredServices: ['X-AUDIT'] })],
    date: '2026-06-01',
    expect: quote,
  },
  {
    name: 'c: lists the engagement',
    contracts: [oneOff({ coveredServices: [], coveredEngagements: ['E1'] })],
    engagementId: 'E1',
    date: '2026-06-01',
    expect: { basis: 'c' },
  },
  {
    name: 'c: lists another engagement',
    contracts: [oneOff({ coveredServices: [], coveredEngagements: ['E1'] })],
    engagementId: 'E2',
    date: '2026-06-01',
    expect: quote,
  },
  { name: 'c: draft', contracts: [oneOff({ status: 'draft' })], date: '2026-06-01', expect: quote },
  {
    name: 'c: signed after the date',
    contracts: [oneOff({ signedAt: '2026-06-02' })],
    date: '2026-06-01',
    expect: quote,
  },
  // (d) cloud access
  {
    name: 'd: the covered project',
    contracts: [cloud()],
    projectId: 'P1',
    date: '2026-06-01',
    expect: { outcome: 'allowed', basis: 'd', windowEnd: '2026-12-31' },
  },
  { name: 'd: another project', contracts: [cloud()], projectId: 'P2', date: '2026-06-01', expect: quote },
  { name: 'd: no project named', contracts: [cloud()], date: '2026-06-01', expect: quote },
  { name: 'd: the day after valid_to', contracts: [cloud()], projectId: 'P1', date: '2027-01-01', expect: quote },
  { name: 'd: the day before valid_from', contracts: [cloud()], projectId: 'P1', date: '2025-12-31', expect: quote },
  { name: 'd: draft', contracts: [cloud({ status: 'draft' })], projectId: 'P1', date: '2026-06-01', expect: quote },
  // choosing between bases
  {
    name: 'a/b/d win over c',
    contracts: [oneOff({ id: 'c1' }), annual({ id: 'b1', coverage: 'billed' })],
    date: '2026-06-01',
    expect: { basis: 'b', contractId: 'b1' },
  },
  {
    name: 'included wins over billed',
    contracts: [supply({ id: 'a1', coverage: 'billed' }), annual({ id: 'b1' })],
    date: '2026-06-01',
    expect: { basis: 'b', contractId: 'b1' },
  },
  {
    name: 'cloud included wins over annual billed',
    contracts: [annual({ coverage: 'billed' }), cloud({ id: 'd1' })],
    projectId: 'P1',
    date: '2026-06-01',
    expect: { basis: 'd', contractId: 'd1' },
  },
  {
    name: 'then the longer window',
    contracts: [supply({ id: 'a1', stages: accepted('2025-08-31') }), annual({ id: 'b1' })],
    date: '2026-02-01',
    expect: { basis: 'b', windowEnd: '2026-12-31' },
  },
  {
    name: 'open-ended is the longest window',
    contracts: [annual({ id: 'b1' }), supply({ id: 'a1' })],
    date: '2026-02-01',
    expect: { basis: 'a', windowEnd: null },
  },
  {
    name: 'then a before b before d',
    contracts: [cloud({ id: 'd1' }), annual({ id: 'b1' }), supply({ id: 'a1', validTo: '2026-12-31' })],
    projectId: 'P1',
    date: '2026-02-01',
    expect: { basis: 'a', contractId: 'a1' },
  },
  {
    name: 'an engagement-specific one-off wins over a service one',
    contracts: [oneOff({ id: 'svc', number: '1' }), oneOff({ id: 'eng', number: '2', coveredEngagements: ['E1'] })],
    engagementId: 'E1',
    date: '2026-06-01',
    expect: { basis: 'c', contractId: 'eng', contractNumber: '2' },
  },
  { name: 'no contracts at all', contracts: [], date: '2026-06-01', expect: quote },
];

describe('decideEntitlement, extended services', () => {
  it.each(extendedCases)('$name', (c) => {
    const facts: EntitlementFacts = { users: [USER], contracts: c.contracts, serviceLevel: 'extended' };
    const decision = decideEntitlement(facts, {
      customerId: 'C1',
      serviceCode: 'X-IMPORT',
      projectId: c.projectId ?? null,
      engagementId: c.engagementId ?? null,
      date: c.date,
    });
    expect(decision).toMatchObject({ outcome: 'allowed', ruleVersion: ENTITLEMENT_RULE_VERSION, ...c.expect });
    expect(decision.considered).toHaveLength(c.contracts.length);
    if (decision.outcome === 'allowed') {
      const chosen = c.contracts.find((x) => x.id === decision.contractId);
      expect(chosen?.number).toBe(decision.contractNumber);
      expect(decision.reason).toContain(`№ ${chosen?.number}`);
    } else {
      expect(decision.reason).toMatch(/prepare an estimate/);
    }
  });

  it('does not need registered users when a contract covers the work', () => {
    const decision = decideEntitlement(
      { users: [], contracts: [cloud()], serviceLevel: 'extended' },
      { customerId: 'C1', serviceCode: 'X-IMPORT', projectId: 'P1', date: '2026-06-01' },
    );
    expect(decision).toMatchObject({ outcome: 'allowed', basis: 'd' });
  });

  it('explains every contract it looked at, for audits', () => {
    const decision = decideEntitlement(
      {
        users: [USER],
        contracts: [supply({ stages: accepted('2025-08-31') }), annual({ status: 'draft' })],
        serviceLevel: 'extended',
      },
      { customerId: 'C1', serviceCode: 'X-IMPORT', date: '2026-03-01' },
    );
    expect(decision.considered).toEqual([
      expect.objectContaining({ basis: 'a', holds: false, note: 'after-acceptance period ended on 2026-02-28' }),
      expect.objectContaining({ basis: 'b', holds: false, note: 'is a draft, not signed' }),
    ]);
  });

  it('when the request comes at 2026-02-28T22:30Z, then it is 2026-03-01 in Kyiv and the tail has ended', () => {
    const facts: EntitlementFacts = {
      users: [USER],
      contracts: [supply({ stages: accepted('2025-08-31') })],
      serviceLevel: 'extended',
    };
    const request = { customerId: 'C1', serviceCode: 'X-IMPORT' };
    expect(decideEntitlement(facts, { ...request, date: kyivDate('2026-02-28T22:30:00Z') }).outcome).toBe('quote');
    expect(decideEntitlement(facts, { ...request, date: kyivDate('2026-02-28T21:59:00Z') }).outcome).toBe('allowed');
  });

  it('refuses a request date that is not a calendar date', () => {
    const facts: EntitlementFacts = { users: [USER], contracts: [], serviceLevel: 'extended' };
    expect(() => decideEntitlement(facts, { customerId: 'C1', serviceCode: 'X-IMPORT', date: '2026-02-30' })).toThrow(
      expect.objectContaining({ code: 'request-invalid' }),
    );
  });
});

describe('decideEntitlement, basic services', () => {
  const request = { customerId: 'C1', serviceCode: 'B-HOTLINE', date: '2026-06-01' };
  it.each([
    { name: 'an active user on a licensed project', users: [USER], outcome: 'allowed' },
    { name: 'one qualifying user among others', users: [{ ...USER, active: false }, USER], outcome: 'allowed' },
    { name: 'no registered users', users: [], outcome: 'denied' },
    { name: 'only an inactive user', users: [{ ...USER, active: false }], outcome: 'denied' },
    { name: 'only a user on an unlicensed project', users: [{ ...USER, licensed: false }], outcome: 'denied' },
  ] as const)('$name → $outcome', ({ users, outcome }) => {
    const decision = decideEntitlement({ users, contracts: [annual()], serviceLevel: 'basic' }, request);
    expect(decision.outcome).toBe(outcome);
    if (outcome === 'allowed') {
      expect(decision).toMatchObject({ basis: 'basic', coverage: 'included', contractId: null, windowEnd: null });
    } else {
      expect(decision).toMatchObject({ basis: null, coverage: null, contractId: null });
      expect(decision.reason).toMatch(/^Register users first/);
    }
  });
});
