/**
 * The whole stack for an integration suite: a database of its own, a real worker on a task queue
 * of its own (against the run's dev server), and the real API on port 0.
 */
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { DefaultLogger, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import { inject } from 'vitest';
import { createApp } from '../../api/app.ts';
import { loadContract, responseMismatch, type Contract } from '../../api/contract.ts';
import type { RateLimits } from '../../api/gate.ts';
import { connectTemporal, type TemporalGateway } from '../../api/temporal-client.ts';
import { publishCatalog } from '../../definitions/publish.ts';
import type { LogLevel } from '../../lib/config.ts';
import { createLogger } from '../../lib/logger.ts';
import type { Pool } from '../../db/pool.ts';
import { createEngagementWorker } from '../../worker/create-worker.ts';
import { seedDemoData } from '../../scripts/demo-data.ts';
import { createTestDatabase } from './database.ts';
import { createProbeActivities, createProbeTable } from './probe-activities.ts';

export interface TestStack {
  url: string;
  databaseUrl: string;
  pool: Pool;
  temporal: TemporalGateway;
  taskQueue: string;
  /** API keys of the demo users, by user id. */
  keys: Record<string, string>;
  /** Starts one more worker on the suite's task queue (e.g. after killing one). */
  startWorker(): Promise<Worker>;
  close(): Promise<void>;
}

let runtimeInstalled = false;

/** Limits high enough that no suite meets them by accident; the rate-limit tests set their own. */
export const TEST_RATE_LIMITS: RateLimits = {
  perKeyPerMinute: 1_000_000,
  authFailuresPerIpPerMinute: 1_000_000,
  publicRequestsPer10Minutes: 1_000_000,
};

let contract: Contract | undefined;

/** The OpenAPI document, compiled once per test file. */
export function testContract(): Contract {
  contract ??= loadContract();
  return contract;
}

/**
 * `worker: false` leaves the task queue to workers the suite starts itself (in child processes);
 * `rateLimits` replaces TEST_RATE_LIMITS where given; `metricsToken` closes `/metrics` (METRICS_TOKEN).
 */
export async function startTestStack(
  options: { worker?: boolean; rateLimits?: Partial<RateLimits>; metricsToken?: string } = {},
): Promise<TestStack> {
  if (!runtimeInstalled) {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
    runtimeInstalled = true;
  }
  const logger = createLogger((process.env.TEST_LOG_LEVEL as LogLevel | undefined) ?? 'silent', 'test');
  const { pool, url: databaseUrl } = await createTestDatabase();
  await publishCatalog(pool);
  await createProbeTable(pool);
  const keys = await seedDemoData(pool);
  const address = inject('temporalAddress');
  const taskQueue = `test-${randomBytes(4).toString('hex')}`;
  const temporal = await connectTemporal({ address, namespace: 'default', taskQueue, uiUrl: 'http://127.0.0.1:8233' });

  const workers: { worker: Worker; running: Promise<void>; connection: NativeConnection }[] = [];
  const startWorker = async (): Promise<Worker> => {
    const connection = await NativeConnection.connect({ address });
    const worker = await createEngagementWorker({
      connection,
      namespace: 'default',
      taskQueue,
      deps: { pool, logger, vendorVatPayer: true },
      workflowBundle: { codePath: inject('workflowBundlePath') },
      extraActivities: createProbeActivities(pool),
      shutdownGraceTime: '1s',
    });
    workers.push({ worker, running: worker.run(), connection });
    return worker;
  };
  if (options.worker !== false) await startWorker();

  const app = createApp({
    pool,
    temporal,
    logger,
    vendorVatPayer: true,
    rateLimits: { ...TEST_RATE_LIMITS, ...options.rateLimits },
    contract: testContract(),
    metricsToken: options.metricsToken,
  });
  const server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const address_ = server.address();
  const port = typeof address_ === 'object' && address_ ? address_.port : 0;

  return {
    url: `http://127.0.0.1:${port}`,
    databaseUrl,
    pool,
    temporal,
    taskQueue,
    keys,
    startWorker,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      for (const { worker } of workers) if (worker.getState() === 'RUNNING') worker.shutdown();
      await Promise.allSettled(workers.map((w) => w.running));
      await Promise.allSettled(workers.map((w) => w.connection.close()));
      await temporal.close();
      await pool.end();
    },
  };
}

/** A response body as tests read it: JSON whose shape each assertion checks. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ApiBody = Record<string, any>;

/** A response as the test client returns it. */
export interface ApiResponse {
  status: number;
  contentType: string;
  /** The JSON body; `{}` when there is none or it is not JSON (see `text`). */
  body: ApiBody;
  text: string;
  /** The body as sent, for files. */
  bytes: Buffer;
  headers: Headers;
}

/**
 * Checks a response against the OpenAPI document (status documented for the operation, media type,
 * JSON body against its schema) and throws naming what differs. Every apiClient call does this.
 */
export function assertMatchesContract(
  request: { method: string; path: string },
  response: { status: number; contentType: string; body: unknown },
): void {
  const mismatch = responseMismatch(testContract(), request, response);
  if (mismatch) throw new Error(`Response breaks the OpenAPI contract: ${mismatch}\n${JSON.stringify(response.body)}`);
}

/**
 * A small HTTP client for tests: JSON (or a file's bytes, as application/octet-stream) in, status +
 * JSON out, with a demo user's key (`null`: no key). Every response is checked against the OpenAPI
 * document before the test sees it.
 */
export function apiClient(stack: TestStack, userId: string | null) {
  return async (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiResponse> => {
    const file = Buffer.isBuffer(body);
    const response = await fetch(`${stack.url}${path}`, {
      method,
      headers: {
        ...(userId === null ? {} : { authorization: `Bearer ${stack.keys[userId]}` }),
        ...(body === undefined ? {} : { 'content-type': file ? 'application/octet-stream' : 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : file || typeof body === 'string' ? body : JSON.stringify(body),
    });
    const bytes = Buffer.from(await response.arrayBuffer());
    const text = bytes.toString('utf8');
    const contentType = response.headers.get('content-type') ?? '';
    const json = /[/+]json\b/.test(contentType) && text ? (JSON.parse(text) as ApiBody) : {};
    assertMatchesContract({ method, path }, { status: response.status, contentType, body: json });
    return { status: response.status, contentType, body: json, text, bytes, headers: response.headers };
  };
}

/** Signs in with the user's demo key, as a browser would; returns the cookie pair to send. */
export async function signInAs(stack: TestStack, userId: string): Promise<string> {
  const response = await fetch(`${stack.url}/v1/session`, {
    method: 'POST',
    headers: { authorization: `Bearer ${stack.keys[userId]}` },
  });
  if (response.status !== 200) throw new Error(`signing in as ${userId} answered ${response.status}`);
  return (response.headers.get('set-cookie') ?? '').split(';')[0]!;
}

/** Polls until `check` returns a value (not undefined), or fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  timeoutMs = 20_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
