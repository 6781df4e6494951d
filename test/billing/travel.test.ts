/**
 * Travel per contract, against a real PostgreSQL database of this file's own: a training day's
 * travel entry is billable at the rate under a contract that bills travel, and recorded with its
 * hours but not billed under one that does not — and then the engagement's act has no travel line.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActActivities } from '../../activities/acts.ts';
import { createBillingActivities } from '../../activities/billing.ts';
import type { Pool } from '../../db/pool.ts';
import { selectActsOfEngagement } from '../../db/queries/acts.ts';
import { insertOneOffContract } from '../../db/queries/estimates.ts';
import { kyivDate } from '../../lib/calendar.ts';
import { createLogger } from '../../lib/logger.ts';
import type { EntitlementRecord } from '../../workflows/messages.ts';
import { seedDemoData } from '../../scripts/demo-data.ts';
import {
  activityEnvironment,
  insertActivityEngagement,
  runActivity,
  stepRef,
} from '../helpers/activity-environment.ts';
import { createTestDatabase } from '../helpers/database.ts';

let pool: Pool;
let billing: ReturnType<typeof createBillingActivities>;
let acts: ReturnType<typeof createActActivities>;

beforeAll(async () => {
  ({ pool } = await createTestDatabase());
  await seedDemoData(pool);
  const deps = { pool, logger: createLogger('silent', 'test'), vendorVatPayer: true };
  billing = createBillingActivities(deps);
  acts = createActActivities(deps);
});

afterAll(async () => {
  await pool?.end();
});

const ENG_I_RATE = 95000; // rc-demo, kopecks per norm-hour

function entitlement(contractId: string, customerId: string): EntitlementRecord {
  return {
    outcome: 'allowed',
    basis: customerId === 'sumy-teplo-cloud' ? 'd' : 'a',
    contractId,
    contractNumber: null,
    windowEnd: null,
    coverage: 'billed',
    billable: true,
    reason: 'test',
    ruleVersion: 'test',
    decidedOn: kyivDate(new Date()),
  };
}

interface EntryRow {
  idempotency_key: string;
  step_id: string;
  line: string;
  category: string;
  norm_hours: number;
  rate_kopecks: number;
  amount_kopecks: number;
  vat_kopecks: number;
  billable: boolean;
  rate_card_id: string | null;
  contract_id: string | null;
  reason: string | null;
}

async function entriesOf(engagementId: string): Promise<EntryRow[]> {
  const { rows } = await pool.query<EntryRow>(
    `SELECT idempotency_key, step_id, line, category, norm_hours, rate_kopecks, amount_kopecks, vat_kopecks, billable,
            rate_card_id, contract_id, reason
     FROM billing_entries WHERE engagement_id = $1 ORDER BY id`,
    [engagementId],
  );
  return rows;
}

/**
 * A training under the contract: the preparation (`survey`) at its norm and one delivery day with
 * 6 hours delivered and 3 of travel, the day recorded twice (a retried activity).
 */
async function trainUnder(customerId: string, contract: (engagementId: string) => Promise<string>) {
  const engagement = await insertActivityEngagement(pool, {
    definitionId: 'training',
    definitionVersion: 3,
    serviceCode: 'X-TRAIN',
    customerId,
    projectId: null,
    params: { site: 'Харків, вул. Шевченка 1', days: 1 },
  });
  const contractId = await contract(engagement.id);
  const common = {
    engagementId: engagement.id,
    performedBy: 'andrii.eng1',
    entitlement: entitlement(contractId, customerId),
  };
  await billing.recordBillableTime({
    ...common,
    idempotencyKey: `${engagement.id}:survey:1`,
    stepId: 'survey',
    iteration: '1',
    norm: { ENG_I: 2 },
    actualHours: 2,
    billing: { line: 'preparation' },
  });
  const day = {
    ...common,
    idempotencyKey: `${engagement.id}:deliver-day:1-1.1`,
    stepId: 'deliver-day',
    iteration: '1-1.1',
    norm: { ENG_I: 6 },
    actualHours: 9,
    billing: { hours: { 'training-hours': 'hoursDelivered', travel: 'travelHours' } },
    result: { attendance: [], hoursDelivered: 6, travelHours: 3 },
  };
  const first = await billing.recordBillableTime(day);
  const retried = await billing.recordBillableTime(day);
  expect(retried).toEqual(first);
  expect(first.norm).toEqual({ ENG_I: 9 });
  const act = await runActivity(activityEnvironment(), acts['billing.prepareAct'], {
    input: { lines: ['training-hours', 'preparation', 'travel'] },
    engagement: stepRef(engagement, 'act'),
  });
  expect(act.actId).not.toBeNull();
  const [drafted] = await selectActsOfEngagement(pool, engagement.id);
  const { rows: actLines } = await pool.query<{ line: string; norm_hours: number; amount_excl_vat_kopecks: number }>(
    'SELECT line, norm_hours, amount_excl_vat_kopecks FROM act_lines WHERE act_id = $1 ORDER BY line_no',
    [drafted!.id],
  );
  return { engagementId: engagement.id, entries: await entriesOf(engagement.id), actLines };
}

describe('travel per contract', () => {
  it('when the contract bills travel, then the travel entry is billable at the rate and the act has a travel line', async () => {
    const { engagementId, entries, actLines } = await trainUnder('kp-teplomerezha', async () => 'si-teplomerezha');
    const travel = entries.filter((e) => e.line === 'travel');
    expect(travel).toEqual([
      {
        idempotency_key: `${engagementId}:deliver-day:1-1.1:travel`,
        step_id: 'deliver-day',
        line: 'travel',
        category: 'ENG_I',
        norm_hours: 3,
        rate_kopecks: ENG_I_RATE,
        amount_kopecks: 3 * ENG_I_RATE,
        vat_kopecks: (3 * ENG_I_RATE) / 5,
        billable: true,
        rate_card_id: 'rc-demo',
        contract_id: 'si-teplomerezha',
        reason: null,
      },
    ]);
    expect(actLines).toEqual([
      { line: 'training-hours', norm_hours: 6, amount_excl_vat_kopecks: 6 * ENG_I_RATE },
      { line: 'preparation', norm_hours: 2, amount_excl_vat_kopecks: 2 * ENG_I_RATE },
      { line: 'travel', norm_hours: 3, amount_excl_vat_kopecks: 3 * ENG_I_RATE },
    ]);
  });

  it('when the contract does not bill travel, then travel is recorded with its hours but not billed, and the act has no travel line', async () => {
    // The demo's cloud access contract is the one that does not bill travel.
    const { rows } = await pool.query<{ number: string; bills_travel: boolean }>(
      "SELECT number, bills_travel FROM contracts WHERE id = 'ca-sumy'",
    );
    expect(rows[0]!.bills_travel).toBe(false);
    const { engagementId, entries, actLines } = await trainUnder('sumy-teplo-cloud', async () => 'ca-sumy');
    expect(entries.map((e) => [e.idempotency_key, e.line, e.norm_hours, e.billable, e.amount_kopecks])).toEqual([
      [`${engagementId}:survey:1:ENG_I`, 'preparation', 2, true, 2 * ENG_I_RATE],
      [`${engagementId}:deliver-day:1-1.1:training-hours`, 'training-hours', 6, true, 6 * ENG_I_RATE],
      [`${engagementId}:deliver-day:1-1.1:travel`, 'travel', 3, false, 0],
    ]);
    expect(entries[2]).toMatchObject({
      category: 'ENG_I',
      rate_kopecks: 0,
      vat_kopecks: 0,
      rate_card_id: null,
      contract_id: 'ca-sumy',
      reason: `travel not billed under contract ${rows[0]!.number}`,
    });
    expect(entries.slice(0, 2).every((e) => e.reason === null)).toBe(true);
    expect(actLines).toEqual([
      { line: 'training-hours', norm_hours: 6, amount_excl_vat_kopecks: 6 * ENG_I_RATE },
      { line: 'preparation', norm_hours: 2, amount_excl_vat_kopecks: 2 * ENG_I_RATE },
    ]);
  });

  it('when the engagement runs on a quote’s one-off contract, then its travel is billed as that contract’s flag says', async () => {
    const oneOff = async (engagementId: string) =>
      (await insertOneOffContract(pool, { engagementId, customerId: 'novyi-zamovnyk', signedOn: kyivDate(new Date()) }))
        .id;
    const billed = await trainUnder('novyi-zamovnyk', oneOff);
    expect(billed.entries.find((e) => e.line === 'travel')).toMatchObject({ billable: true, amount_kopecks: 285000 });
    expect(billed.actLines.map((l) => l.line)).toEqual(['training-hours', 'preparation', 'travel']);

    const unbilled = await trainUnder('novyi-zamovnyk', async (engagementId) => {
      const id = await oneOff(engagementId);
      await pool.query('UPDATE contracts SET bills_travel = false WHERE id = $1', [id]);
      return id;
    });
    expect(unbilled.entries.find((e) => e.line === 'travel')).toMatchObject({
      billable: false,
      norm_hours: 3,
      amount_kopecks: 0,
      reason: expect.stringMatching(/^travel not billed under contract РП-/),
    });
    expect(unbilled.actLines.map((l) => l.line)).toEqual(['training-hours', 'preparation']);
  });
});
