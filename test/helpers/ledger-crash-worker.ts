/**
 * A worker in a process of its own whose `recordBillableTime` logs every committed attempt, and —
 * with LEDGER_CRASH_AFTER_COMMIT=1 — SIGKILLs its own process right after the ledger commit of an
 * attempt 1, before Temporal hears of it. Reads the suite's settings from the environment like
 * worker-process.ts and prints "ready" once it polls.
 */
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { createPool } from '../../db/pool.ts';
import { createLogger } from '../../lib/logger.ts';
import { createEngagementWorker } from '../../worker/create-worker.ts';
import { createFaultyLedgerActivities } from './ledger-faults.ts';
import { createProbeActivities } from './probe-activities.ts';

Runtime.install({ logger: new DefaultLogger('ERROR') });
const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};
const crash = process.env.LEDGER_CRASH_AFTER_COMMIT === '1';
const pool = createPool(env('DATABASE_URL'), { max: 3 });
const deps = { pool, logger: createLogger('silent', 'ledger-crash-worker'), vendorVatPayer: true };
const connection = await NativeConnection.connect({ address: env('TEMPORAL_ADDRESS') });
const worker = await createEngagementWorker({
  connection,
  namespace: 'default',
  taskQueue: env('TEMPORAL_TASK_QUEUE'),
  deps,
  workflowBundle: { codePath: env('WORKFLOW_BUNDLE_PATH') },
  extraActivities: {
    ...createProbeActivities(pool),
    ...createFaultyLedgerActivities(deps, (_key, attempt) => (crash && attempt === 1 ? 'kill' : null)),
  },
  // A killed worker's cached workflows move to the next worker after this, not the default 10 s.
  stickyQueueScheduleToStartTimeout: '1s',
});
const running = worker.run();
console.log('ready');
await running;
