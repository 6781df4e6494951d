import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { startTestStack, type TestStack } from '../helpers/stack.ts';
import { complete, launch, ledger, openTask, publish, settled, stepTrail } from '../helpers/engagements.ts';
import { eventually } from '../helpers/stack.ts';

const WORKER = fileURLToPath(new URL('../helpers/worker-process.ts', import.meta.url));

/** Workers die (SIGKILL) mid-engagement; a new worker finishes the work with no side effect twice. */
describe('the interpreter when its worker is killed', () => {
  let stack: TestStack;
  const children: ChildProcess[] = [];

  const startWorkerProcess = async (): Promise<ChildProcess> => {
    // node itself (not the tsx launcher, which forks), so that SIGKILL hits the worker.
    const child = spawn(process.execPath, ['--import', 'tsx', WORKER], {
      env: {
        ...process.env,
        DATABASE_URL: stack.databaseUrl,
        TEMPORAL_ADDRESS: inject('temporalAddress'),
        TEMPORAL_TASK_QUEUE: stack.taskQueue,
        WORKFLOW_BUNDLE_PATH: inject('workflowBundlePath'),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(child);
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('ready')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`worker process exited early (${code})`)));
    });
    return child;
  };

  const kill = async (child: ChildProcess) => {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  };

  beforeAll(async () => {
    stack = await startTestStack({ worker: false });
    await publish(
      stack,
      `
id: t-crash
version: 1
title: Long work and a task
service: X-CUSTOM
inputs: { type: object }
steps:
  - id: long-work
    kind: activity
    activity: probe.slow
    input: { ms: 2500 }
    heartbeat: 1s
    timeout: 1m
    retry: { initialInterval: 200ms }
    norm: { TECH: 1 }
  - id: review
    kind: task
    title: Review the result
    assignee: { category: ENG_I }
    norm: { ENG_I: 2 }
`,
    );
  });
  afterEach(() => {
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('when the worker dies while an activity runs and again while a task waits, then a new worker finishes the engagement exactly once', async () => {
    let worker = await startWorkerProcess();
    const id = await launch(stack, 't-crash');
    await eventually(
      async () => {
        const { rows } = await stack.pool.query(`SELECT 1 FROM probe_attempts WHERE key = $1`, [`${id}:long-work:1`]);
        return rows.length > 0 ? true : undefined;
      },
      20_000,
      'the long activity to start',
    );
    await kill(worker);
    worker = await startWorkerProcess();

    const task = await openTask(stack, id, 'review');
    // The row is written by an activity, so the workflow task that registered the task is already in
    // history: the worker that replaces this one replays to a task it knows, and takes its completion.
    const history = await stack.temporal.client.workflow.getHandle(id).fetchHistory();
    const scheduled = (history.events ?? []).map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name);
    expect(scheduled).toContain('openTask');
    await kill(worker);
    worker = await startWorkerProcess();
    const completed = await complete(stack, 'andrii.eng1', task.id, { result: { ok: true }, hoursSpent: 2 });
    expect(completed.status, JSON.stringify(completed.body)).toBe(200);

    const detail = await settled(stack, id);
    expect(detail.status).toBe('COMPLETED');
    expect(stepTrail(detail)).toEqual(['long-work:completed', 'review:completed']);
    const { rows: attempts } = await stack.pool.query<{ attempt: number }>(
      `SELECT attempt FROM probe_attempts WHERE key = $1 ORDER BY attempt`,
      [`${id}:long-work:1`],
    );
    expect(attempts.map((a) => a.attempt)).toEqual([1, 2]);
    const { rows: effects } = await stack.pool.query(`SELECT subject FROM notifications WHERE engagement_id = $1`, [
      id,
    ]);
    expect(effects).toEqual([{ subject: 'slow work done' }]);
    expect(await ledger(stack, id)).toEqual(['long-work#1:TECH=1', 'review#1:ENG_I=2']);
    expect(detail.tasks).toMatchObject([{ status: 'completed', completedBy: 'andrii.eng1' }]);
  });
});
