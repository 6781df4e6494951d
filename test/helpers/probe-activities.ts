/**
 * Probe activities that only the test workers register: they echo, refuse, fail a number of
 * times, or run long with heartbeats, and they log every attempt in `probe_attempts` so a test can
 * tell attempts from side effects (side effects go through the real, idempotent notification outbox).
 */
import { ApplicationFailure, Context, sleep } from '@temporalio/activity';
import type { JsonValue } from '../../definitions/model.ts';
import { BUSINESS_ACTIVITY_NAMES } from '../../activities/names.ts';
import type { BusinessActivityInput } from '../../activities/context.ts';
import { insertNotification } from '../../db/queries/notifications.ts';
import type { Pool } from '../../db/pool.ts';

export const PROBE_ACTIVITY_NAMES: ReadonlySet<string> = new Set([
  ...BUSINESS_ACTIVITY_NAMES,
  'probe.echo',
  'probe.refuse',
  'probe.flaky',
  'probe.slow',
]);

export async function createProbeTable(pool: Pool): Promise<void> {
  await pool.query(
    `CREATE TABLE IF NOT EXISTS probe_attempts (key text NOT NULL, activity text NOT NULL, attempt int NOT NULL, at timestamptz NOT NULL DEFAULT now())`,
  );
}

export function createProbeActivities(pool: Pool) {
  const attempt = async (name: string, key: string) => {
    await pool.query('INSERT INTO probe_attempts (key, activity, attempt) VALUES ($1, $2, $3)', [
      key,
      name,
      Context.current().info.attempt,
    ]);
  };
  return {
    async 'probe.echo'({ input, engagement }: BusinessActivityInput<JsonValue>): Promise<JsonValue> {
      await attempt('probe.echo', engagement.idempotencyKey);
      return input;
    },
    async 'probe.refuse'({ input, engagement }: BusinessActivityInput<{ message: string }>): Promise<never> {
      await attempt('probe.refuse', engagement.idempotencyKey);
      throw ApplicationFailure.nonRetryable(input.message, 'probe-refused');
    },
    async 'probe.flaky'({
      input,
      engagement,
    }: BusinessActivityInput<{ failures: number }>): Promise<{ attempts: number }> {
      await attempt('probe.flaky', engagement.idempotencyKey);
      const { attempt: n } = Context.current().info;
      if (n <= input.failures) throw new Error(`flaky failure ${n} of ${input.failures}`);
      return { attempts: n };
    },
    /** Runs `ms` with heartbeats, then queues one notification (idempotent by the step's key). */
    async 'probe.slow'({ input, engagement }: BusinessActivityInput<{ ms: number }>): Promise<{ done: true }> {
      await attempt('probe.slow', engagement.idempotencyKey);
      const until = Date.now() + input.ms;
      while (Date.now() < until) {
        Context.current().heartbeat();
        await sleep(100);
      }
      await insertNotification(pool, {
        idempotencyKey: engagement.idempotencyKey,
        engagementId: engagement.id,
        recipient: 'probe',
        subject: 'slow work done',
        body: '',
      });
      return { done: true };
    },
  };
}
