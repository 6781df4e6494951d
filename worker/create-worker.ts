import { fileURLToPath } from 'node:url';
import type { NativeConnection } from '@temporalio/worker';
import { bundleWorkflowCode, Worker, type WorkflowBundleOption } from '@temporalio/worker';
import { Connection } from '@temporalio/client';
import { createActivities, type ActivityDeps } from '../activities/index.ts';
import { SEARCH_ATTRIBUTES } from '../workflows/messages.ts';
import type { Logger } from '../lib/logger.ts';
import { assertDefinitionsRunnable } from './definition-guard.ts';

export const WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

/**
 * Bundles the workflow code the way the worker runs it. A workflow file that imports something
 * the sandbox forbids fails here, at build or test time, not in production.
 */
export async function bundleWorkflows(): Promise<{ code: string }> {
  return bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietBundlerLogger });
}

const quietBundlerLogger = {
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (message: string, meta?: unknown) => console.warn(message, meta ?? ''),
  error: (message: string, meta?: unknown) => console.error(message, meta ?? ''),
  log: () => undefined,
};

export interface EngagementWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
  /** A prebuilt bundle (tests bundle once per run); without it the worker bundles at start. */
  workflowBundle?: WorkflowBundleOption;
  identity?: string;
  /** Further business activities by name (tests register their probes here). */
  extraActivities?: Record<string, (input: never) => Promise<unknown>>;
  /** How long in-flight activities may finish after shutdown starts. */
  shutdownGraceTime?: string;
  /** How long a workflow task waits for this worker's cache before any worker may take it. */
  stickyQueueScheduleToStartTimeout?: string;
}

/**
 * Creates the worker over every activity it implements; refuses to, naming the steps, when an offered
 * definition in the database needs an activity it does not implement.
 */
export async function createEngagementWorker(options: EngagementWorkerOptions): Promise<Worker> {
  const activities = { ...createActivities(options.deps), ...options.extraActivities };
  await assertDefinitionsRunnable(options.deps.pool, new Set(Object.keys(activities)));
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
    activities,
    ...(options.identity ? { identity: options.identity } : {}),
    shutdownGraceTime: options.shutdownGraceTime ?? '10s',
    ...(options.stickyQueueScheduleToStartTimeout
      ? { stickyQueueScheduleToStartTimeout: options.stickyQueueScheduleToStartTimeout }
      : {}),
  });
}

/**
 * Registers the engagement search attributes in the namespace, so a workflow that upserts them
 * never stalls on an unknown attribute. Existing attributes are left as they are.
 */
export async function ensureSearchAttributes(address: string, namespace: string, logger: Logger): Promise<void> {
  const connection = await Connection.connect({ address });
  try {
    const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
    // temporal.api.enums.v1.IndexedValueType
    const typeIds: Record<string, number> = { Keyword: 2, Datetime: 6 };
    const missing = Object.entries(SEARCH_ATTRIBUTES).filter(([name]) => !(customAttributes ?? {})[name]);
    if (missing.length === 0) return;
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map(([name, type]) => [name, typeIds[type]!])),
    });
    logger.info({ added: missing.map(([name]) => name) }, 'registered search attributes');
  } finally {
    await connection.close();
  }
}
