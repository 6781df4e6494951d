import { fileURLToPath } from 'node:url';
import type { ChildProcess } from 'node:child_process';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Norm } from '../../definitions/model.ts';
import { createLogger } from '../../lib/logger.ts';
import { launch, publish } from '../helpers/engagements.ts';
import { addTotals, demoRates, NO_TOTALS, priceNorm, type Rates } from '../helpers/ledger-expectations.ts';
import {
  createFaultyLedgerActivities,
  createLedgerAttemptTable,
  selectLedgerAttempts,
} from '../helpers/ledger-faults.ts';
import { exitOf, startWorkerProcess, startWorkerWith, type InProcessWorker } from '../helpers/ledger-workers.ts';
import { createProbeActivities } from '../helpers/probe-activities.ts';
import { apiClient, eventually, startTestStack, type ApiBody, type TestStack } from '../helpers/stack.ts';

const CRASH_WORKER = fileURLToPath(new URL('../helpers/ledger-crash-worker.ts', import.meta.url));

const NORMS: Record<string, Norm> = {
  inspect: { LEAD: 1.25, ENG_I: 2.5, TECH: 0.75 },
  report: { ENG_II: 3 },
};

const DEFINITION = `
id: t-ledger-once
version: 1
title: Two billable automated steps
service: X-AUDIT
inputs: { type: object }
steps:
  - id: inspect
    kind: activity
    activity: probe.echo
    input: { what: inspect }
    retry: { initialInterval: 100ms }
    norm: { LEAD: 1.25, ENG_I: 2.5, TECH: 0.75 }
  - id: report
    kind: activity
    activity: probe.echo
    input: { what: report }
    retry: { initialInterval: 100ms }
    norm: { ENG_II: 3 }
`;

interface LedgerLine {
  id: number;
  step_id: string;
  iteration: string;
  category: string;
  idempotency_key: string;
  amount_kopecks: number;
  vat_kopecks: number;
  billable: boolean;
  basis: string | null;
}

/**
 * A ledger write that commits and then fails to report — by an error, or by the worker dying —
 * is retried by Temporal; the retry must find the committed entries, not add new ones.
 */
describe('the billing ledger when recordBillableTime fails after its commit', () => {
  let stack: TestStack;
  let rates: Rates;
  const workers: InProcessWorker[] = [];
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    stack = await startTestStack({ worker: false });
    await createLedgerAttemptTable(stack.pool);
    await publish(stack, DEFINITION);
    rates = await demoRates(stack.pool);
  });
  afterEach(async () => {
    for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill();
    await Promise.all(workers.splice(0).map((w) => w.stop()));
  });
  afterAll(async () => {
    await stack?.close();
  });

  const ledgerOf = async (engagementId: string): Promise<LedgerLine[]> => {
    const { rows } = await stack.pool.query<LedgerLine>(
      `SELECT id, step_id, iteration, category, idempotency_key, amount_kopecks, vat_kopecks, billable, basis
       FROM billing_entries WHERE engagement_id = $1 ORDER BY id`,
      [engagementId],
    );
    return rows;
  };

  const finished = (engagementId: string, timeoutMs: number): Promise<ApiBody> =>
    eventually(
      async () => {
        const detail = await apiClient(stack, 'olena.pm')('GET', `/v1/engagements/${engagementId}`);
        return detail.body.closedAt ? detail.body : undefined;
      },
      timeoutMs,
      `engagement ${engagementId} to end`,
    );

  /** One row per step × category, priced once, and each step's retry returned the ids its first attempt committed. */
  const expectExactlyOnce = async (engagementId: string, detail: ApiBody) => {
    expect(detail.status).toBe('COMPLETED');
    const lines = await ledgerOf(engagementId);
    expect(lines.map((l) => `${l.step_id}#${l.iteration}:${l.category}`).sort()).toEqual(
      ['inspect#1:ENG_I', 'inspect#1:LEAD', 'inspect#1:TECH', 'report#1:ENG_II'].sort(),
    );
    for (const line of lines) {
      expect(line.idempotency_key).toBe(`${engagementId}:${line.step_id}:${line.iteration}:${line.category}`);
      expect(line).toMatchObject({ billable: true, basis: 'a' });
    }
    const expected = Object.values(NORMS).reduce((sum, norm) => addTotals(sum, priceNorm(norm, rates)), NO_TOTALS);
    expect(BigInt(lines.reduce((sum, l) => sum + l.amount_kopecks, 0))).toBe(expected.amount);
    expect(BigInt(lines.reduce((sum, l) => sum + l.vat_kopecks, 0))).toBe(expected.vat);
    // The engagement counted each step's norm once, however often the ledger write was attempted.
    expect(detail.state.hours.norm).toEqual({ LEAD: 1.25, ENG_I: 2.5, TECH: 0.75, ENG_II: 3 });
    return lines;
  };

  it('when attempt 1 commits and then throws a retryable error, then attempt 2 returns the same entry ids and the ledger holds one row per step and category', async () => {
    const deps = { pool: stack.pool, logger: createLogger('silent', 'test'), vendorVatPayer: true };
    workers.push(
      await startWorkerWith(stack, deps, {
        ...createProbeActivities(stack.pool),
        ...createFaultyLedgerActivities(deps, (_key, attempt) => (attempt === 1 ? 'throw' : null)),
      }),
    );
    const id = await launch(stack, 't-ledger-once');
    const detail = await finished(id, 30_000);
    const lines = await expectExactlyOnce(id, detail);

    for (const step of ['inspect', 'report']) {
      const attempts = await selectLedgerAttempts(stack.pool, `${id}:${step}:1`);
      expect(attempts.map((a) => a.attempt)).toEqual([1, 2]);
      const committed = lines.filter((l) => l.step_id === step).map((l) => l.id);
      expect(attempts[0]!.entryIds).toEqual(committed);
      expect(attempts[1]!.entryIds).toEqual(committed);
    }
  });

  it('when the worker is SIGKILLed right after the commit of attempt 1, then a fresh worker finishes and the ledger still holds one row per step and category', async () => {
    const doomed = await startWorkerProcess(stack, CRASH_WORKER, { LEDGER_CRASH_AFTER_COMMIT: '1' });
    children.push(doomed);
    const id = await launch(stack, 't-ledger-once');
    expect(await exitOf(doomed)).toBe('SIGKILL');

    // It died after committing: the entries are there, and Temporal never heard of them.
    const committed = await ledgerOf(id);
    expect(committed.map((l) => `${l.step_id}:${l.category}`).sort()).toEqual([
      'inspect:ENG_I',
      'inspect:LEAD',
      'inspect:TECH',
    ]);
    expect((await selectLedgerAttempts(stack.pool, `${id}:inspect:1`)).map((a) => a.attempt)).toEqual([1]);

    children.push(await startWorkerProcess(stack, CRASH_WORKER));
    // The ledger write is a local activity: its workflow task is lost with the process, times out,
    // and the fresh worker replays it and writes again, counting attempts from 1 afresh.
    const detail = await finished(id, 100_000);
    const lines = await expectExactlyOnce(id, detail);

    const inspect = await selectLedgerAttempts(stack.pool, `${id}:inspect:1`);
    expect(inspect.map((a) => a.attempt)).toEqual([1, 1]);
    expect(inspect[1]!.entryIds).toEqual(inspect[0]!.entryIds);
    expect(inspect[1]!.entryIds).toEqual(committed.map((l) => l.id));
    expect((await selectLedgerAttempts(stack.pool, `${id}:report:1`)).map((a) => a.attempt)).toEqual([1]);
    expect(lines.filter((l) => l.step_id === 'inspect').map((l) => l.id)).toEqual(committed.map((l) => l.id));
  }, 150_000);
});
