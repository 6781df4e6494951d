/**
 * A worker in a process of its own, for tests that kill it (SIGKILL) mid-engagement. It reads the
 * suite's settings from the environment and prints "ready" once it polls.
 */
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { createPool } from '../../db/pool.ts';
import { createLogger } from '../../lib/logger.ts';
import { createEngagementWorker } from '../../worker/create-worker.ts';
import { createProbeActivities } from './probe-activities.ts';

Runtime.install({ logger: new DefaultLogger('ERROR') });
const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};
const pool = createPool(env('DATABASE_URL'), { max: 3 });
const connection = await NativeConnection.connect({ address: env('TEMPORAL_ADDRESS') });
const worker = await createEngagementWorker({
  connection,
  namespace: 'default',
  taskQueue: env('TEMPORAL_TASK_QUEUE'),
  deps: { pool, logger: createLogger('silent', 'worker-process'), vendorVatPayer: true },
  workflowBundle: { codePath: env('WORKFLOW_BUNDLE_PATH') },
  extraActivities: createProbeActivities(pool),
  // A killed worker's cached workflows move to the next worker after this, not the default 10 s.
  stickyQueueScheduleToStartTimeout: '1s',
});
const running = worker.run();
console.log('ready');
await running;
