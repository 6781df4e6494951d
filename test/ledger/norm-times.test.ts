import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../lib/logger.ts';
import { launch, publish, settled } from '../helpers/engagements.ts';
import { demoRates, priceNorm, type Rates } from '../helpers/ledger-expectations.ts';
import {
  createFaultyLedgerActivities,
  createLedgerAttemptTable,
  selectLedgerAttempts,
} from '../helpers/ledger-faults.ts';
import { startWorkerWith, type InProcessWorker } from '../helpers/ledger-workers.ts';
import { createProbeActivities } from '../helpers/probe-activities.ts';
import { startTestStack, type TestStack } from '../helpers/stack.ts';

/** Norms per dataset, as data-import's: each step bills its norm once per dataset of the launch input. */
const DEFINITION = `
id: t-norm-times
version: 1
title: Norms per dataset
service: X-IMPORT
inputs:
  type: object
  properties:
    datasets: { type: integer, minimum: 1, default: 1 }
steps:
  - id: convert
    kind: activity
    activity: probe.echo
    input: { what: convert }
    retry: { initialInterval: 100ms }
    norm: { ENG_I: 2.5, TECH: 0.75 }
    normTimes: \${inputs.datasets}
`;

interface LedgerLine {
  step_id: string;
  category: string;
  norm_hours: string;
  amount_kopecks: number;
  vat_kopecks: number;
}

describe('normTimes in the billing ledger', () => {
  let stack: TestStack;
  let rates: Rates;
  const workers: InProcessWorker[] = [];

  beforeAll(async () => {
    stack = await startTestStack({ worker: false });
    await createLedgerAttemptTable(stack.pool);
    await publish(stack, DEFINITION);
    rates = await demoRates(stack.pool);
    const deps = { pool: stack.pool, logger: createLogger('silent', 'test'), vendorVatPayer: true };
    // Every first ledger write commits and then fails: the retry must find it, not write it again.
    workers.push(
      await startWorkerWith(stack, deps, {
        ...createProbeActivities(stack.pool),
        ...createFaultyLedgerActivities(deps, (_key, attempt) => (attempt === 1 ? 'throw' : null)),
      }),
    );
  });
  afterAll(async () => {
    await Promise.all(workers.splice(0).map((w) => w.stop()));
    await stack?.close();
  });

  const ledgerOf = async (engagementId: string): Promise<LedgerLine[]> => {
    const { rows } = await stack.pool.query<LedgerLine>(
      `SELECT step_id, category, norm_hours::text AS norm_hours, amount_kopecks, vat_kopecks
       FROM billing_entries WHERE engagement_id = $1 ORDER BY step_id, category`,
      [engagementId],
    );
    return rows;
  };

  it('when an engagement is launched for 3 datasets, then the ledger holds 3 × the per-dataset norm, once per step and category', async () => {
    const id = await launch(stack, 't-norm-times', { datasets: 3 });
    const detail = await settled(stack, id);
    expect(detail.status).toBe('COMPLETED');

    const lines = await ledgerOf(id);
    expect(lines.map((l) => [l.step_id, l.category, l.norm_hours])).toEqual([
      ['convert', 'ENG_I', '7.50'],
      ['convert', 'TECH', '2.25'],
    ]);
    const expected = priceNorm({ ENG_I: 7.5, TECH: 2.25 }, rates);
    expect(BigInt(lines.reduce((sum, l) => sum + l.amount_kopecks, 0))).toBe(expected.amount);
    expect(BigInt(lines.reduce((sum, l) => sum + l.vat_kopecks, 0))).toBe(expected.vat);
    expect(detail.state.hours.norm).toEqual({ ENG_I: 7.5, TECH: 2.25 });
    // The retried write returned what the first committed.
    const attempts = await selectLedgerAttempts(stack.pool, `${id}:convert:1`);
    expect(attempts.map((a) => a.attempt)).toEqual([1, 2]);
    expect(attempts[1]!.entryIds).toEqual(attempts[0]!.entryIds);
  });

  it('when datasets is left to its default, then each norm is billed once', async () => {
    const id = await launch(stack, 't-norm-times');
    expect((await settled(stack, id)).status).toBe('COMPLETED');
    const lines = await ledgerOf(id);
    expect(lines.map((l) => [l.step_id, l.category, l.norm_hours])).toEqual([
      ['convert', 'ENG_I', '2.50'],
      ['convert', 'TECH', '0.75'],
    ]);
    const expected = priceNorm({ ENG_I: 2.5, TECH: 0.75 }, rates);
    expect(BigInt(lines.reduce((sum, l) => sum + l.amount_kopecks, 0))).toBe(expected.amount);
  });
});
