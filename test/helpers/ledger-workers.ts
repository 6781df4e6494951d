/**
 * Workers that a ledger suite starts itself on the stack's task queue (start the stack with
 * `worker: false`): in process with activities of the suite's choosing, or in a child process that
 * a test may SIGKILL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { inject } from 'vitest';
import type { ActivityDeps } from '../../activities/context.ts';
import { createEngagementWorker } from '../../worker/create-worker.ts';
import type { TestStack } from './stack.ts';

export interface InProcessWorker {
  worker: Worker;
  /** Graceful shutdown: activities in flight finish, then the connection closes. */
  stop(): Promise<void>;
}

export async function startWorkerWith(
  stack: TestStack,
  deps: ActivityDeps,
  extraActivities: Record<string, (input: never) => Promise<unknown>>,
): Promise<InProcessWorker> {
  const connection = await NativeConnection.connect({ address: inject('temporalAddress') });
  const worker = await createEngagementWorker({
    connection,
    namespace: 'default',
    taskQueue: stack.taskQueue,
    deps,
    workflowBundle: { codePath: inject('workflowBundlePath') },
    extraActivities,
    shutdownGraceTime: '5s',
    // Workflows cached here move to the next worker within a second of this one going away.
    stickyQueueScheduleToStartTimeout: '1s',
  });
  const running = worker.run();
  let stopped: Promise<void> | null = null;
  return {
    worker,
    stop() {
      stopped ??= (async () => {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await running.catch(() => undefined);
        await connection.close();
      })();
      return stopped;
    },
  };
}

/** Spawns `script` (a worker entry under test/helpers) with node itself, so that SIGKILL hits the worker. */
export async function startWorkerProcess(
  stack: TestStack,
  script: string,
  env: Record<string, string> = {},
): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    env: {
      ...process.env,
      DATABASE_URL: stack.databaseUrl,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: stack.taskQueue,
      WORKFLOW_BUNDLE_PATH: inject('workflowBundlePath'),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve();
    });
    child.once('exit', (code, signal) => reject(new Error(`worker process exited early (${code ?? signal})`)));
  });
  return child;
}

/** Resolves with the signal that ended the child (null when it exited by itself). */
export function exitOf(child: ChildProcess): Promise<NodeJS.Signals | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.signalCode);
  return new Promise((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
}
