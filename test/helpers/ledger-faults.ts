/**
 * The real `recordBillableTime`, wrapped so that a chosen attempt fails *after* its ledger commit
 * and before Temporal hears of it — by a retryable error, or by the worker process dying (SIGKILL).
 * Every attempt that committed logs the entry ids it got in `ledger_attempts`, so a test can tell
 * the ids a retry returned from the ids the first, lost, attempt committed.
 */
import { ApplicationFailure, Context } from '@temporalio/activity';
import { createBillingActivities, type RecordBillableTimeInput } from '../../activities/billing.ts';
import type { ActivityDeps } from '../../activities/context.ts';
import type { Pool } from '../../db/pool.ts';

/** What happens after attempt `attempt` of the step `key` (idempotency key) committed. */
export type LedgerFault = 'throw' | 'kill' | null;
export type LedgerFaultPlan = (key: string, attempt: number) => LedgerFault;

export interface LedgerAttempt {
  key: string;
  attempt: number;
  entryIds: number[];
}

export async function createLedgerAttemptTable(pool: Pool): Promise<void> {
  await pool.query(
    `CREATE TABLE IF NOT EXISTS ledger_attempts (key text NOT NULL, attempt int NOT NULL, entry_ids bigint[] NOT NULL,
                                                 at timestamptz NOT NULL DEFAULT now())`,
  );
}

/** The committed attempts of one step (idempotency key), in attempt order. */
export async function selectLedgerAttempts(pool: Pool, key: string): Promise<LedgerAttempt[]> {
  const { rows } = await pool.query<{ attempt: number; entry_ids: number[] }>(
    'SELECT attempt, entry_ids FROM ledger_attempts WHERE key = $1 ORDER BY attempt, at',
    [key],
  );
  return rows.map((row) => ({ key, attempt: row.attempt, entryIds: row.entry_ids.map(Number) }));
}

/** Activities to register through `extraActivities`: they replace the worker's `recordBillableTime` by name. */
export function createFaultyLedgerActivities(deps: ActivityDeps, plan: LedgerFaultPlan) {
  const real = createBillingActivities(deps);
  return {
    async recordBillableTime(input: RecordBillableTimeInput): Promise<{ entryIds: number[] }> {
      const { attempt } = Context.current().info;
      const result = await real.recordBillableTime(input);
      await deps.pool.query('INSERT INTO ledger_attempts (key, attempt, entry_ids) VALUES ($1, $2, $3)', [
        input.idempotencyKey,
        attempt,
        result.entryIds,
      ]);
      const fault = plan(input.idempotencyKey, attempt);
      if (fault === 'kill') {
        process.kill(process.pid, 'SIGKILL');
        await new Promise(() => undefined); // never reports: the process is gone
      }
      if (fault === 'throw') {
        throw ApplicationFailure.retryable(
          `ledger fault: attempt ${attempt} of ${input.idempotencyKey} committed, then failed`,
          'ledger-fault',
        );
      }
      return result;
    },
  };
}
