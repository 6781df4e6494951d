import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Category, Norm } from '../../definitions/model.ts';
import {
  insertFixtureContract,
  insertFixtureCustomer,
  insertFixtureProject,
} from '../../db/queries/entitlement-fixtures.ts';
import { addDays, addMonthsCivilCode, kyivDate } from '../../lib/calendar.ts';
import { complete, openTask, publish, settled } from '../helpers/engagements.ts';
import { demoRates, priceNorm, type Rates } from '../helpers/ledger-expectations.ts';
import { apiClient, startTestStack, type ApiBody, type TestStack } from '../helpers/stack.ts';

const AUDIT_NORM: Norm = { LEAD: 1.5, ENG_I: 4 };
const HOTLINE_NORM: Norm = { ENG_I: 0.5 };

/** An extended service whose first step is automated and billable: work that starts shows at once. */
const EXTENDED = `
id: t-basis-audit
version: 1
title: Database audit run
service: X-AUDIT
inputs: { type: object }
steps:
  - id: audit-run
    kind: activity
    activity: probe.echo
    input: { what: audit }
    retry: { initialInterval: 100ms }
    norm: ${JSON.stringify(AUDIT_NORM)}
`;

const HOTLINE = `
id: t-basis-hotline
version: 1
title: Hotline consultation
service: B-HOTLINE
inputs: { type: object }
steps:
  - id: consult
    kind: activity
    activity: probe.echo
    input: { what: consult }
    retry: { initialInterval: 100ms }
    norm: ${JSON.stringify(HOTLINE_NORM)}
`;

interface LedgerRow {
  step_id: string;
  category: Category;
  norm_hours: number;
  amount_kopecks: number;
  vat_kopecks: number;
  billable: boolean;
  basis: string | null;
  contract_id: string | null;
  rate_card_id: string | null;
}

/**
 * One launch per entitlement basis through the API and the real worker: the decision at launch,
 * what the engagement recorded and how it ended (or waits), and what the ledger holds for its work.
 */
describe('engagements on each entitlement basis, end to end', () => {
  let stack: TestStack;
  let rates: Rates;
  const today = kyivDate(new Date());
  const yearEnd = `${today.slice(0, 4)}-12-31`;
  const inContractUntil = addDays(today, 90);

  beforeAll(async () => {
    stack = await startTestStack();
    await publish(stack, EXTENDED);
    await publish(stack, HOTLINE);
    rates = await demoRates(stack.pool);
    const db = stack.pool;
    // (a) in implementation: stage 1 accepted, the last stage not yet, valid for three more months.
    await insertFixtureCustomer(db, { id: 'fx-a-contract', name: 'КП «Теплокомуненерго» (test)' });
    await insertFixtureContract(db, {
      id: 'si-fx-a-contract',
      customerId: 'fx-a-contract',
      number: 'СВ-31/test',
      kind: 'SUPPLY_IMPLEMENTATION',
      signedAt: addDays(today, -100),
      validTo: inContractUntil,
      coverage: 'billed',
      stages: [addDays(today, -60), null],
    });
    // (a) after the tail: the last stage was accepted seven months ago.
    await insertFixtureCustomer(db, { id: 'fx-a-lapsed', name: 'КП «Міськтепло» (test)' });
    await insertFixtureContract(db, {
      id: 'si-fx-a-lapsed',
      customerId: 'fx-a-lapsed',
      number: 'СВ-09/test',
      kind: 'SUPPLY_IMPLEMENTATION',
      signedAt: addDays(today, -500),
      coverage: 'billed',
      stages: [addDays(today, -450), addMonthsCivilCode(today, -7)],
    });
    // (c) one-off contracts: one lists the audit, the other only training.
    for (const [customer, service] of [
      ['fx-c-audit', 'X-AUDIT'],
      ['fx-c-training', 'X-TRAIN'],
    ] as const) {
      await insertFixtureCustomer(db, { id: customer, name: `${customer} (test)` });
      await insertFixtureContract(db, {
        id: `oo-${customer}`,
        customerId: customer,
        number: `РП-${service}/test`,
        kind: 'ONE_OFF_SERVICES',
        signedAt: addDays(today, -10),
        coverage: 'billed',
        coveredServices: [service],
      });
    }
    // (d) a project of the cloud customer that its cloud contract does not cover.
    await insertFixtureProject(db, { id: 'fx-sumy-onprem', customerId: 'sumy-teplo-cloud', name: 'On-premises copy' });
  });
  afterAll(async () => {
    await stack?.close();
  });

  const launch = async (definitionId: string, customerId: string, projectId: string | null = null) => {
    const response = await apiClient(stack, 'olena.pm')('POST', '/v1/engagements', {
      definitionId,
      customerId,
      projectId,
      params: {},
    });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    return response.body;
  };

  const ledgerOf = async (engagementId: string): Promise<LedgerRow[]> => {
    const { rows } = await stack.pool.query<LedgerRow>(
      `SELECT step_id, category, norm_hours, amount_kopecks, vat_kopecks, billable, basis, contract_id, rate_card_id
       FROM billing_entries WHERE engagement_id = $1 ORDER BY category`,
      [engagementId],
    );
    return rows;
  };

  const probeAttempts = async (engagementId: string): Promise<number> => {
    const { rows } = await stack.pool.query('SELECT 1 FROM probe_attempts WHERE key LIKE $1', [`${engagementId}:%`]);
    return rows.length;
  };

  /** Each category's line as the ledger should price it: at the demo rates when charged, at zero when not. */
  const expectedLedger = (
    stepId: string,
    norm: Norm,
    { charged, basis, contractId }: { charged: boolean; basis: string; contractId: string | null },
  ) =>
    (Object.entries(norm) as [Category, number][])
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([category, hours]) => {
        const priced = charged ? priceNorm({ [category]: hours }, rates) : { amount: 0n, vat: 0n };
        return {
          step_id: stepId,
          category,
          norm_hours: hours,
          amount_kopecks: Number(priced.amount),
          vat_kopecks: Number(priced.vat),
          billable: charged,
          basis,
          contract_id: contractId,
          rate_card_id: charged ? 'rc-demo' : null,
        };
      });

  interface AllowedCase {
    name: string;
    customerId: string;
    projectId?: string;
    definitionId: string;
    decision: Partial<ApiBody>;
    charged: boolean;
  }

  const allowed: AllowedCase[] = [
    {
      name: '(a) in contract, last stage open',
      customerId: 'fx-a-contract',
      definitionId: 't-basis-audit',
      decision: { basis: 'a', contractId: 'si-fx-a-contract', coverage: 'billed', windowEnd: inContractUntil },
      charged: true,
    },
    {
      name: '(a) in the 6-month tail',
      customerId: 'kp-teplomerezha',
      definitionId: 't-basis-audit',
      decision: {
        basis: 'a',
        contractId: 'si-teplomerezha',
        coverage: 'billed',
        windowEnd: addMonthsCivilCode(addMonthsCivilCode(today, -2), 6),
      },
      charged: true,
    },
    {
      name: '(b) annual support, included',
      customerId: 'kp-vodokanal',
      definitionId: 't-basis-audit',
      decision: { basis: 'b', contractId: 'as-vodokanal', coverage: 'included', windowEnd: yearEnd },
      charged: false,
    },
    {
      name: '(c) one-off listing the service',
      customerId: 'fx-c-audit',
      definitionId: 't-basis-audit',
      decision: { basis: 'c', contractId: 'oo-fx-c-audit', coverage: 'billed', windowEnd: null },
      charged: true,
    },
    {
      name: '(d) cloud, covered project',
      customerId: 'sumy-teplo-cloud',
      projectId: 'sumy-cloud',
      definitionId: 't-basis-audit',
      decision: { basis: 'd', contractId: 'ca-sumy', coverage: 'billed', windowEnd: yearEnd },
      charged: true,
    },
    {
      name: 'basic, registered users',
      customerId: 'lubny-vodokanal',
      definitionId: 't-basis-hotline',
      decision: { basis: 'basic', contractId: null, coverage: 'included', windowEnd: null },
      charged: false,
    },
  ];

  it.each(allowed)(
    'when the basis is $name, then the launch is allowed, the engagement completes on it and the ledger charges accordingly',
    async ({ customerId, projectId, definitionId, decision, charged }) => {
      const launched = await launch(definitionId, customerId, projectId ?? null);
      const expectedDecision = {
        outcome: 'allowed',
        billable: charged,
        decidedOn: today,
        ruleVersion: expect.any(String),
        ...decision,
      };
      expect(launched.entitlement).toMatchObject(expectedDecision);

      const detail = await settled(stack, launched.id as string);
      expect(detail.status).toBe('COMPLETED');
      expect(detail.failure).toBeNull();
      // The gate decided alike, and the engagement keeps that decision.
      expect(detail.entitlement).toMatchObject(expectedDecision);
      expect(detail.entitlement.reason).toBe(launched.entitlement.reason);

      const [stepId, norm] = definitionId === 't-basis-hotline' ? ['consult', HOTLINE_NORM] : ['audit-run', AUDIT_NORM];
      expect(await ledgerOf(launched.id as string)).toEqual(
        expectedLedger(stepId, norm, {
          charged,
          basis: decision.basis as string,
          contractId: decision.contractId as string | null,
        }),
      );
      expect(detail.billing).toHaveLength(Object.keys(norm).length);
    },
  );

  const quoted: { name: string; customerId: string; projectId?: string }[] = [
    {
      name: '(a) is 7 months past acceptance',
      customerId: 'fx-a-lapsed',
    },
    {
      name: '(c) lists another service',
      customerId: 'fx-c-training',
    },
    {
      name: '(d) misses the project',
      customerId: 'sumy-teplo-cloud',
      projectId: 'fx-sumy-onprem',
    },
  ];

  it.each(quoted)(
    'when the basis $name, then the launch needs a quote, the engagement waits for its approvals and no billable work starts',
    async ({ customerId, projectId }) => {
      const launched = await launch('t-basis-audit', customerId, projectId ?? null);
      const id = launched.id as string;
      expect(launched.entitlement).toMatchObject({
        outcome: 'quote',
        basis: null,
        contractId: null,
        coverage: 'billed',
        decidedOn: today,
      });
      expect(launched.entitlement.reason).toContain('X-AUDIT');

      const pmApproval = await openTask(stack, id, 'quote-pm');
      const waiting = await apiClient(stack, 'olena.pm')('GET', `/v1/engagements/${id}`);
      expect(waiting.body).toMatchObject({ status: 'AWAITING_QUOTE', closedAt: null });
      expect(waiting.body.entitlement).toMatchObject({ outcome: 'quote', basis: null });
      expect(await ledgerOf(id)).toEqual([]);
      expect(await probeAttempts(id)).toBe(0);

      // The PM's approval alone starts nothing either: the customer's is still due.
      expect((await complete(stack, 'olena.pm', pmApproval.id, { decision: 'approve', hoursSpent: 0 })).status).toBe(
        200,
      );
      await openTask(stack, id, 'quote-customer');
      const stillWaiting = await apiClient(stack, 'olena.pm')('GET', `/v1/engagements/${id}`);
      expect(stillWaiting.body.status).toBe('AWAITING_QUOTE');
      expect(await ledgerOf(id)).toEqual([]);
      expect(await probeAttempts(id)).toBe(0);
      await apiClient(stack, 'olena.pm')('POST', `/v1/engagements/${id}/cancel`);
    },
  );

  it('when a customer without registered users asks for basic support, then the engagement ends DENIED with "Register users first" and nothing runs', async () => {
    const launched = await launch('t-basis-hotline', 'novyi-zamovnyk');
    expect(launched.entitlement).toMatchObject({ outcome: 'denied', basis: null, coverage: null, billable: false });
    expect(launched.entitlement.reason).toMatch(/^Register users first/);

    const detail = await settled(stack, launched.id as string);
    expect(detail.status).toBe('DENIED');
    expect(detail.failure).toMatch(/^Register users first/);
    expect(detail.entitlement).toMatchObject({ outcome: 'denied', basis: null });
    expect(detail.tasks).toEqual([]);
    expect(detail.billing).toEqual([]);
    expect(await ledgerOf(launched.id as string)).toEqual([]);
    expect(await probeAttempts(launched.id as string)).toBe(0);
  });
});
