import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, eventually, startTestStack, type TestStack } from '../helpers/stack.ts';
import { complete, openTask, publish, settled } from '../helpers/engagements.ts';
import { recordHistory } from '../helpers/histories.ts';

const QUOTED = (id: string, validFor: string) => `
id: ${id}
version: 1
title: Content analysis on a quote
service: X-CONTENT
quote: { validFor: ${validFor} }
inputs: { type: object }
steps:
  - id: analyse
    kind: task
    title: Analyse the accumulated data
    assignee: { category: ENG_I }
    norm: { ENG_I: 12, LEAD: 2 }
  - id: act
    kind: activity
    activity: billing.prepareAct
`;

/**
 * A customer with no contract for an extended service gets a quote: an estimate priced from the
 * rate card, approved by the PM and by the customer before it expires, then a one-off basis.
 */
describe('the quote path', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
    await publish(stack, QUOTED('t-quoted', '1h'));
    await publish(stack, QUOTED('t-quoted-short', '3s'));
  });
  afterAll(async () => {
    await stack?.close();
  });

  const launch = async (definitionId: string) => {
    const response = await apiClient(stack, 'olena.pm')('POST', '/v1/engagements', {
      definitionId,
      customerId: 'lubny-vodokanal',
      params: {},
    });
    expect(response.status).toBe(201);
    expect(response.body.entitlement).toMatchObject({ outcome: 'quote', basis: null });
    return response.body.id as string;
  };

  it('when the PM and the customer approve the estimate, then the work runs on a one-off basis billed at the quoted rate card', async () => {
    const id = await launch('t-quoted');
    const pmApproval = await openTask(stack, id, 'quote-pm');
    const waiting = await apiClient(stack, 'olena.pm')('GET', `/v1/engagements/${id}`);
    expect(waiting.body.status).toBe('AWAITING_QUOTE');
    const { rows: estimates } = await stack.pool.query(
      `SELECT status, rate_card_id, amount_excl_vat_kopecks, vat_kopecks FROM estimates WHERE engagement_id = $1`,
      [id],
    );
    // 12 h × 950.00 + 2 h × 1,200.00 = 13,800.00 UAH, VAT 20 % = 2,760.00 UAH
    expect(estimates).toEqual([
      { status: 'draft', rate_card_id: 'rc-demo', amount_excl_vat_kopecks: 1_380_000, vat_kopecks: 276_000 },
    ]);
    expect((await complete(stack, 'olena.pm', pmApproval.id, { decision: 'approve', hoursSpent: 0 })).status).toBe(200);
    const customerApproval = await openTask(stack, id, 'quote-customer');
    expect(
      (
        await complete(stack, 'olena.pm', customerApproval.id, {
          decision: 'approve',
          hoursSpent: 0,
          comment: 'Signed by the chief engineer',
        })
      ).status,
    ).toBe(200);

    const work = await openTask(stack, id, 'analyse');
    expect((await complete(stack, 'andrii.eng1', work.id, { result: { findings: 3 }, hoursSpent: 15 })).status).toBe(
      200,
    );
    const detail = await settled(stack, id);
    expect(detail.status).toBe('COMPLETED');
    expect(detail.entitlement).toMatchObject({ outcome: 'allowed', basis: 'c', billable: true, rateCardId: 'rc-demo' });
    const { rows: ledger } = await stack.pool.query(
      `SELECT category, norm_hours, actual_hours, amount_kopecks, billable, basis, contract_id, rate_card_id
       FROM billing_entries WHERE engagement_id = $1 ORDER BY category`,
      [id],
    );
    expect(ledger).toEqual([
      {
        category: 'ENG_I',
        norm_hours: 12,
        actual_hours: 15,
        amount_kopecks: 1_140_000,
        billable: true,
        basis: 'c',
        contract_id: `oneoff-${id}`,
        rate_card_id: 'rc-demo',
      },
      {
        category: 'LEAD',
        norm_hours: 2,
        actual_hours: null,
        amount_kopecks: 240_000,
        billable: true,
        basis: 'c',
        contract_id: `oneoff-${id}`,
        rate_card_id: 'rc-demo',
      },
    ]);
    const { rows: contract } = await stack.pool.query(
      `SELECT kind, covered_engagements, covered_services FROM contracts WHERE id = $1`,
      [`oneoff-${id}`],
    );
    expect(contract).toEqual([{ kind: 'ONE_OFF_SERVICES', covered_engagements: [id], covered_services: [] }]);
    const { rows: acts } = await stack.pool.query(
      `SELECT a.status, a.amount_excl_vat_kopecks AS amount, count(l.*)::int AS lines
       FROM acts a JOIN act_lines l ON l.act_id = a.id WHERE a.engagement_id = $1 GROUP BY a.id`,
      [id],
    );
    expect(acts).toEqual([{ status: 'draft', amount: 1_380_000, lines: 2 }]);
    expect(detail.state.steps.at(-1)).toMatchObject({ stepId: 'act', status: 'completed' });
    await recordHistory(stack, id, 'quote-approved');
  });

  it('when the customer rejects the estimate, then the engagement ends CANCELLED and nothing is billed', async () => {
    const id = await launch('t-quoted');
    const pmApproval = await openTask(stack, id, 'quote-pm');
    await complete(stack, 'olena.pm', pmApproval.id, { decision: 'approve', hoursSpent: 0 });
    const customerApproval = await openTask(stack, id, 'quote-customer');
    await complete(stack, 'olena.pm', customerApproval.id, {
      decision: 'reject',
      hoursSpent: 0,
      comment: 'Too expensive',
    });
    const detail = await settled(stack, id);
    expect(detail.status).toBe('CANCELLED');
    expect(detail.failure).toContain('was rejected');
    const { rows } = await stack.pool.query(`SELECT status FROM estimates WHERE engagement_id = $1`, [id]);
    expect(rows).toEqual([{ status: 'rejected' }]);
    const { rows: ledger } = await stack.pool.query(`SELECT 1 FROM billing_entries WHERE engagement_id = $1`, [id]);
    expect(ledger).toHaveLength(0);
  });

  it('when nobody approves the estimate in time, then it expires, its task closes and the engagement is CANCELLED', async () => {
    const id = await launch('t-quoted-short');
    const pmApproval = await openTask(stack, id, 'quote-pm');
    const detail = await settled(stack, id);
    expect(detail.status).toBe('CANCELLED');
    expect(detail.failure).toContain('was not approved within 3 s');
    const { rows } = await stack.pool.query(`SELECT status FROM estimates WHERE engagement_id = $1`, [id]);
    expect(rows).toEqual([{ status: 'expired' }]);
    await eventually(async () => {
      const { rows: task } = await stack.pool.query(`SELECT status FROM tasks WHERE id = $1`, [pmApproval.id]);
      return task[0].status === 'cancelled' ? true : undefined;
    });
    const late = await complete(stack, 'olena.pm', pmApproval.id, { decision: 'approve', hoursSpent: 0 });
    expect(late.status).toBe(409);
    await recordHistory(stack, id, 'quote-expired');
  });
});
