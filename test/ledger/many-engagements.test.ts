import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Norm } from '../../definitions/model.ts';
import { createPool, type Pool } from '../../db/pool.ts';
import { createLogger } from '../../lib/logger.ts';
import { publish } from '../helpers/engagements.ts';
import {
  addTotals,
  demoRates,
  hash32,
  NO_TOTALS,
  priceNorm,
  seededRandom,
  type ExpectedTotals,
  type Rates,
} from '../helpers/ledger-expectations.ts';
import { createFaultyLedgerActivities, createLedgerAttemptTable, type LedgerFault } from '../helpers/ledger-faults.ts';
import { startWorkerWith, type InProcessWorker } from '../helpers/ledger-workers.ts';
import { createProbeActivities } from '../helpers/probe-activities.ts';
import { apiClient, eventually, startTestStack, type TestStack } from '../helpers/stack.ts';

/** Norms with odd hundredths and every category, so each line is priced on its own. */
const STEPS: { id: string; norm: Norm }[] = [
  { id: 'inspect', norm: { LEAD: 0.25, ENG_I: 1.5 } },
  { id: 'convert', norm: { ENG_II: 2.75, TECH: 0.33 } },
  { id: 'check', norm: { ENG: 1.1 } },
  { id: 'deliver', norm: { LEAD: 0.5, ENG_I: 0.5, ENG_II: 0.5, ENG: 0.5, TECH: 0.5 } },
];
const MAX_FAILURES = 3;

const DEFINITION = `
id: t-ledger-many
version: 1
title: Four billable automated steps that fail at random
service: X-IMPORT
inputs: { type: object }
steps:
${STEPS.map(
  (step, index) => `  - id: ${step.id}
    kind: activity
    activity: probe.flaky
    input: { failures: '\${inputs.failures[${index}]}' }
    timeout: 10s
    retry: { maximumAttempts: ${MAX_FAILURES + 2}, initialInterval: 20ms, backoffCoefficient: 1, maximumInterval: 20ms }
    norm: ${JSON.stringify(step.norm)}
`,
).join('')}`;

/** About one ledger write in eight commits, fails, and is retried (platform retry: 1 s later). */
const failsAfterCommit = (key: string, attempt: number): LedgerFault =>
  attempt === 1 && hash32(key, 0x5eed) % 8 === 0 ? 'throw' : null;

/**
 * Many engagements at once for a customer with billed coverage (basis a), with business
 * activities and ledger writes failing at random: the ledger must equal, to the kopeck, what the
 * norms and the demo rate card say, once per step — also when the worker is replaced mid-way.
 */
describe('the billing ledger under load with random failures', () => {
  let stack: TestStack;
  let workerPool: Pool;
  let rates: Rates;
  const workers: InProcessWorker[] = [];
  const logger = createLogger('silent', 'test');

  beforeAll(async () => {
    stack = await startTestStack({ worker: false });
    await createLedgerAttemptTable(stack.pool);
    await publish(stack, DEFINITION);
    rates = await demoRates(stack.pool);
    workerPool = createPool(stack.databaseUrl, { max: 10 });
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.stop()));
  });
  afterAll(async () => {
    await workerPool?.end();
    await stack?.close();
  });

  /** A worker whose ledger writes fail after commit per `failsAfterCommit`; `writes` counts its committed attempts. */
  const startWorker = async () => {
    const deps = { pool: workerPool, logger, vendorVatPayer: true };
    const counter = { writes: 0 };
    const worker = await startWorkerWith(stack, deps, {
      ...createProbeActivities(workerPool),
      ...createFaultyLedgerActivities(deps, (key, attempt) => {
        counter.writes += 1;
        return failsAfterCommit(key, attempt);
      }),
    });
    workers.push(worker);
    return { worker, counter };
  };

  /** Launches `count` engagements over HTTP, 20 at a time; failures per step come from `seed`. */
  const launchMany = async (count: number, seed: number) => {
    const random = seededRandom(seed);
    const plans = Array.from({ length: count }, () => STEPS.map(() => Math.floor(random() * (MAX_FAILURES + 1))));
    const pm = apiClient(stack, 'olena.pm');
    const launched: { id: string; failures: number[] }[] = [];
    let next = 0;
    const lane = async () => {
      while (next < plans.length) {
        const failures = plans[next++]!;
        const response = await pm('POST', '/v1/engagements', {
          definitionId: 't-ledger-many',
          customerId: 'kp-teplomerezha',
          params: { failures },
        });
        expect(response.status, JSON.stringify(response.body)).toBe(201);
        expect(response.body.entitlement).toMatchObject({ outcome: 'allowed', basis: 'a', billable: true });
        launched.push({ id: response.body.id as string, failures });
      }
    };
    await Promise.all(Array.from({ length: 20 }, lane));
    return launched;
  };

  const allClosed = (ids: string[], timeoutMs: number) =>
    eventually(
      async () => {
        const { rows } = await stack.pool.query<{ status: string; n: number }>(
          `SELECT status, count(*)::int AS n FROM engagements WHERE id = ANY($1) AND closed_at IS NOT NULL GROUP BY status`,
          [ids],
        );
        return rows.reduce((sum, r) => sum + r.n, 0) === ids.length ? rows : undefined;
      },
      timeoutMs,
      `${ids.length} engagements to end`,
    );

  const ledgerRowsOf = async (ids: string[]): Promise<number> => {
    const { rows } = await stack.pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM billing_entries WHERE engagement_id = ANY($1)',
      [ids],
    );
    return rows[0]!.n;
  };

  /** Totals, duplicates and attempts of the engagements `launched`, against the sums computed here. */
  const expectLedgerExact = async (launched: { id: string; failures: number[] }[], lossless: boolean) => {
    const ids = launched.map((l) => l.id);
    const perEngagement = STEPS.reduce<ExpectedTotals>(
      (sum, step) => addTotals(sum, priceNorm(step.norm, rates)),
      NO_TOTALS,
    );
    const expected = {
      amount: perEngagement.amount * BigInt(launched.length),
      vat: perEngagement.vat * BigInt(launched.length),
      lines: perEngagement.lines * launched.length,
    };

    const { rows: totals } = await stack.pool.query<{ amount: string; vat: string; lines: number; keys: number }>(
      `SELECT sum(amount_kopecks)::text AS amount, sum(vat_kopecks)::text AS vat, count(*)::int AS lines,
              count(DISTINCT idempotency_key)::int AS keys
       FROM billing_entries WHERE engagement_id = ANY($1)`,
      [ids],
    );
    expect(totals[0]).toEqual({
      amount: expected.amount.toString(),
      vat: expected.vat.toString(),
      lines: expected.lines,
      keys: expected.lines,
    });
    const { rows: repeated } = await stack.pool.query(
      `SELECT engagement_id, step_id, iteration, category, count(*) FROM billing_entries WHERE engagement_id = ANY($1)
       GROUP BY 1, 2, 3, 4 HAVING count(*) > 1`,
      [ids],
    );
    expect(repeated).toEqual([]);
    const { rows: unbilled } = await stack.pool.query(
      `SELECT id FROM billing_entries WHERE engagement_id = ANY($1) AND (NOT billable OR basis IS DISTINCT FROM 'a' OR rate_card_id IS DISTINCT FROM 'rc-demo')`,
      [ids],
    );
    expect(unbilled).toEqual([]);

    // The failures really happened: attempts 1..failures failed and exactly one later attempt succeeded.
    // With `lossless`, every attempt reached the activity; a worker going away may lose one in transit
    // (its poll is cut off), which Temporal then times out and retries.
    const { rows: attempts } = await stack.pool.query<{ key: string; attempts: number[] }>(
      `SELECT key, array_agg(attempt ORDER BY attempt) AS attempts FROM probe_attempts
       WHERE activity = 'probe.flaky' AND key LIKE ANY($1) GROUP BY key`,
      [ids.map((id) => `${id}:%`)],
    );
    const attemptsByKey = new Map(attempts.map((a) => [a.key, a.attempts]));
    let failed = 0;
    for (const { id, failures } of launched) {
      STEPS.forEach((step, index) => {
        const made = attemptsByKey.get(`${id}:${step.id}:1`) ?? [];
        const expected = failures[index]!;
        if (lossless) expect(made, `${id}:${step.id}`).toEqual(Array.from({ length: expected + 1 }, (_, i) => i + 1));
        else
          expect(
            made.filter((attempt) => attempt > expected),
            `${id}:${step.id}`,
          ).toHaveLength(1);
        failed += expected;
      });
    }
    expect(failed).toBeGreaterThan(launched.length);
    const { rows: retried } = await stack.pool.query<{ n: number; same: boolean }>(
      `SELECT count(*)::int AS n, bool_and(a1.entry_ids = a2.entry_ids) AS same
       FROM ledger_attempts a1 JOIN ledger_attempts a2 ON a2.key = a1.key AND a2.attempt = 2
       WHERE a1.attempt = 1 AND a1.key LIKE ANY($1)`,
      [ids.map((id) => `${id}:%`)],
    );
    expect(retried[0]!.n).toBeGreaterThan(0);
    expect(retried[0]!.same).toBe(true);
  };

  it('when 200 engagements run with random activity failures and ledger writes that fail after commit, then the ledger sums equal the norms × the demo rate card to the kopeck and no key repeats', async () => {
    await startWorker();
    const launched = await launchMany(200, 20261126);
    const statuses = await allClosed(
      launched.map((l) => l.id),
      80_000,
    );
    expect(statuses).toEqual([{ status: 'COMPLETED', n: 200 }]);
    await expectLedgerExact(launched, true);
  }, 120_000);

  it('when the worker is replaced mid-way, then the new worker finishes every engagement and the ledger is still exact', async () => {
    const first = await startWorker();
    const launched = await launchMany(100, 777);
    const ids = launched.map((l) => l.id);
    const total = STEPS.reduce((n, step) => n + Object.keys(step.norm).length, 0) * launched.length;
    const atSwitch = await eventually(
      async () => {
        const n = await ledgerRowsOf(ids);
        return n >= total / 4 ? n : undefined;
      },
      40_000,
      'a quarter of the ledger to be written',
    );
    expect(atSwitch).toBeLessThan(total);
    const second = await startWorker();
    await first.worker.stop();
    const writesBySecondAtStart = second.counter.writes;

    // An activity task in transit to the stopped worker is lost and waits out its start-to-close timeout (1 min).
    const statuses = await allClosed(ids, 110_000);
    expect(statuses).toEqual([{ status: 'COMPLETED', n: launched.length }]);
    expect(first.counter.writes).toBeGreaterThan(0);
    expect(second.counter.writes).toBeGreaterThan(writesBySecondAtStart);
    await expectLedgerExact(launched, false);
  }, 160_000);
});
