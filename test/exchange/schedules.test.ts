import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScheduleNotFoundError, ScheduleOverlapPolicy } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { credentialsVariable } from '../../activities/exchange/destinations.ts';
import { createRegularSchedule, deleteRegularSchedule } from '../../activities/exchange/regular-schedules.ts';
import { fileNameFor, loadExchangeSpec } from '../../definitions/exchange/exchange-loader.ts';
import type { JsonValue } from '../../definitions/model.ts';
import { loadProjectData } from '../../db/project-schema.ts';
import { insertEngagement } from '../../db/queries/engagements.ts';
import { selectLiveSchedules, selectScheduleRuns } from '../../db/queries/schedules.ts';
import { sha256Hex } from '../../lib/hash.ts';
import { consumersProject } from '../helpers/consumers-project.ts';
import { potik } from '../helpers/potik.ts';
import { complete } from '../helpers/engagements.ts';
import { startHttpReceiver, type HttpReceiver } from '../helpers/http-receiver.ts';
import { apiClient, eventually, startTestStack, type TestStack } from '../helpers/stack.ts';

/**
 * Regular exchanges on real Temporal Schedules (the run's dev server) with a real worker: runs per
 * period with files and run rows, backfills written once, a refusing destination that pauses the
 * schedule and opens a task, unpause, and the owning engagement's cancellation deleting it.
 * Schedule ids carry a fresh engagement uuid, so parallel files never collide; every schedule made
 * here is deleted in teardown.
 */
const PROJECT = 'exchange-schedules';

function specYaml(destination: string, every: string, naming: string, billing = ''): string {
  return `id: consumers-out
title: Consumers to billing
direction: out
source: { kind: consumers, projectId: ${PROJECT} }
format: { kind: csv, delimiter: ';', encoding: cp1251, decimalMark: ',' }
destination: ${destination}
naming: ${naming}
schedule: { every: ${every} }
${billing}`;
}

describe('regular exchanges on Temporal Schedules', () => {
  let stack: TestStack;
  let dir: string;
  let http: HttpReceiver;

  /** An engagement row that owns schedules (the X-EXCH engagement that accepted them). */
  const owner = async (): Promise<string> => {
    const id = randomUUID();
    await insertEngagement(stack.pool, {
      id,
      definitionId: 'data-exchange',
      definitionVersion: 2,
      serviceCode: 'X-EXCH',
      customerId: 'kp-vodokanal',
      projectId: null,
      params: {},
      launchedBy: 'olena.pm',
      idempotencyKey: null,
      requestSha256: null,
    });
    return id;
  };

  const schedule = async (yaml: string) => {
    const spec = loadExchangeSpec(yaml, 'spec.yaml');
    const engagementId = await owner();
    const id = `exchange-${spec.id}-${engagementId}`;
    await createRegularSchedule(stack.temporal.client, stack.pool, {
      id,
      engagementId,
      kind: 'exchange',
      title: spec.title,
      procedure: spec as unknown as JsonValue,
      norm: spec.normPerRun,
      calendar: spec.calendar,
      taskQueue: stack.taskQueue,
    });
    return { id, engagementId, spec };
  };

  const succeeded = async (id: string) =>
    (await selectScheduleRuns(stack.pool, id)).filter((r) => r.outcome === 'succeeded');

  beforeAll(async () => {
    stack = await startTestStack();
    await loadProjectData(stack.pool, 'project_exchange_schedules', consumersProject(40));
    dir = await mkdtemp(join(tmpdir(), 'potik-schedules-'));
    http = await startHttpReceiver({ user: 'billing', password: 'pw' });
    process.env[credentialsVariable('SCHEDULES_HTTP')] = 'billing:pw';
  });
  afterAll(async () => {
    if (stack) {
      for (const row of await selectLiveSchedules(stack.pool)) {
        await deleteRegularSchedule(stack.temporal.client, stack.pool, row.id, 'test teardown');
      }
    }
    await http?.close();
    await stack?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('when a schedule runs every 2 s, then N runs make N run rows and N files with the right names and checksums', async () => {
    const out = join(dir, 'every');
    const { id, spec } = await schedule(
      specYaml(`{ kind: directory, path: ${JSON.stringify(out)} }`, '2s', 'consumers_{yyyy}{MM}{dd}{HH}{mm}{ss}.csv'),
    );
    await eventually(async () => ((await succeeded(id)).length >= 3 ? true : undefined), 90_000, 'three runs');
    await stack.temporal.client.schedule.getHandle(id).pause('enough runs for the test');
    // A run started just before the pause finishes; then nothing more comes.
    await eventually(
      async () => ((await selectScheduleRuns(stack.pool, id)).every((r) => r.outcome !== 'running') ? true : undefined),
      60_000,
      'runs to settle',
    );
    const runs = await selectScheduleRuns(stack.pool, id);
    expect(runs.every((r) => r.outcome === 'succeeded')).toBe(true);
    const files = (await readdir(out)).sort();
    expect(files).toEqual(runs.map((r) => fileNameFor(spec.naming, r.period)).sort());
    for (const run of runs) {
      expect(run.row_count).toBe(40);
      expect(run.workflow_id).toBe(`${id}-${run.period.toISOString().replace('.000Z', 'Z')}`);
      expect(sha256Hex(await readFile(join(out, run.file_name!)))).toBe(run.sha256);
    }
  }, 180_000);

  it('when three past periods are backfilled twice, then each file is written once and each run billed once', async () => {
    const out = join(dir, 'backfill');
    const { id, engagementId } = await schedule(
      specYaml(
        `{ kind: directory, path: ${JSON.stringify(out)} }`,
        '1d',
        'consumers_{yyyy}{MM}{dd}.csv',
        'billing: { normPerRun: { ENG_I: 0.25 } }',
      ),
    );
    const today = new Date(new Date().toISOString().slice(0, 10) + 'T00:00:00Z').getTime();
    const day = 24 * 3600 * 1000;
    // As the API backfills: every period runs, one after another (the schedule's BUFFER_ONE would drop the third).
    const range = {
      start: new Date(today - 3 * day - 60_000),
      end: new Date(today - day + 60_000),
      overlap: ScheduleOverlapPolicy.BUFFER_ALL,
    };
    const handle = stack.temporal.client.schedule.getHandle(id);
    await handle.backfill(range);
    await eventually(async () => ((await succeeded(id)).length === 3 ? true : undefined), 90_000, 'three backfilled');
    const names = (await readdir(out)).sort();
    const expected = [3, 2, 1].map(
      (n) => `consumers_${new Date(today - n * day).toISOString().slice(0, 10).replaceAll('-', '')}.csv`,
    );
    expect(names).toEqual(expected);
    const before = await Promise.all(names.map(async (n) => (await stat(join(out, n))).mtimeMs));

    await handle.backfill(range);
    // The second backfill's three runs complete (each finding its period done) before we look.
    await eventually(
      async () => {
        const { info } = await handle.describe();
        const done = info.recentActions.length >= 6 && info.runningActions.length === 0;
        return done ? true : undefined;
      },
      90_000,
      'second backfill',
    );
    expect((await readdir(out)).sort()).toEqual(names);
    expect(await Promise.all(names.map(async (n) => (await stat(join(out, n))).mtimeMs))).toEqual(before);
    expect(await selectScheduleRuns(stack.pool, id)).toHaveLength(3);
    const { rows } = await stack.pool.query(
      `SELECT iteration, category, norm_hours::float AS hours FROM billing_entries WHERE engagement_id = $1 ORDER BY iteration`,
      [engagementId],
    );
    expect(rows).toEqual(
      [3, 2, 1].map((n) => ({ iteration: new Date(today - n * day).toISOString(), category: 'ENG_I', hours: 0.25 })),
    );
  }, 180_000);

  it('when the destination refuses, then the run fails, the schedule pauses and a task opens; unpaused, it runs again', async () => {
    http.refuse = true;
    const { id } = await schedule(
      specYaml(
        `{ kind: http, url: ${http.url}, credentials: SCHEDULES_HTTP }`,
        '3s',
        'c_{yyyy}{MM}{dd}{HH}{mm}{ss}.csv',
      ),
    );
    const handle = stack.temporal.client.schedule.getHandle(id);
    const failed = await eventually(
      async () => (await selectScheduleRuns(stack.pool, id)).find((r) => r.outcome === 'failed'),
      90_000,
      'a failed run',
    );
    expect(failed.message).toMatch(/answered 503/);
    const { rows: tasks } = await stack.pool.query(
      `SELECT id, assignee_category, status, title FROM tasks WHERE id = $1`,
      [failed.task_id],
    );
    expect(tasks).toEqual([
      expect.objectContaining({
        assignee_category: 'ENG_I',
        status: 'open',
        title: expect.stringMatching(/^Regular run failed/),
      }),
    ]);
    await eventually(async () => ((await handle.describe()).state.paused ? true : undefined), 30_000, 'paused');

    // The engineer on duty sees the task and completes it once the cause is fixed.
    const engineer = apiClient(stack, 'andrii.eng1');
    const inbox = await engineer('GET', '/v1/tasks');
    expect(inbox.body.items.map((t: { id: string }) => t.id)).toContain(failed.task_id);
    http.refuse = false;
    const done = await complete(stack, 'andrii.eng1', failed.task_id!, {
      result: { cause: 'the receiver was down' },
      hoursSpent: 0.5,
    });
    expect(done.status).toBe(200);

    const pm = apiClient(stack, 'olena.pm');
    const unpaused = await pm('POST', `/v1/schedules/${id}/unpause`, { note: 'receiver is back' });
    expect(unpaused.status).toBe(200);
    expect(unpaused.body).toMatchObject({ paused: false, note: 'receiver is back' });
    await eventually(async () => ((await succeeded(id)).length >= 1 ? true : undefined), 60_000, 'a run after unpause');
    expect([...http.files.keys()].some((name) => /^c_\d{14}\.csv$/.test(name))).toBe(true);
  }, 180_000);

  it('when a PM operates a schedule over the API, then list, describe, pause, trigger, backfill and delete do what they say', async () => {
    const out = join(dir, 'api');
    const { id } = await schedule(
      specYaml(`{ kind: directory, path: ${JSON.stringify(out)} }`, '1d', 'a_{yyyy}{MM}{dd}{HH}{mm}{ss}.csv'),
    );
    const pm = apiClient(stack, 'olena.pm');
    const listed = await pm('GET', '/v1/schedules');
    expect(listed.body.items.find((s: { id: string }) => s.id === id)).toMatchObject({
      paused: false,
      kind: 'exchange',
    });
    expect(listed.body.items.find((s: { id: string }) => s.id === id).nextRuns).toHaveLength(5);
    expect((await pm('POST', `/v1/schedules/${id}/pause`, { note: 'counterpart migrating' })).body).toMatchObject({
      paused: true,
      note: 'counterpart migrating',
    });
    expect((await pm('POST', `/v1/schedules/${id}/trigger`)).status).toBe(202);
    await eventually(async () => ((await succeeded(id)).length === 1 ? true : undefined), 60_000, 'triggered run');
    const backfill = await pm('POST', `/v1/schedules/${id}/backfill`, {
      from: '2026-01-01T00:00:00Z',
      to: '2026-01-02T00:00:00Z',
    });
    expect(backfill.status).toBe(202);
    await eventually(async () => ((await succeeded(id)).length === 3 ? true : undefined), 60_000, 'backfilled runs');
    const described = await pm('GET', `/v1/schedules/${id}`);
    expect(described.body.runs.map((r: { period: string }) => r.period)).toEqual(
      expect.arrayContaining(['2026-01-01T00:00:00.000Z', '2026-01-02T00:00:00.000Z']),
    );
    const refused = await pm('POST', `/v1/schedules/${id}/backfill`, {
      from: '2026-01-02T00:00:00Z',
      to: '2026-01-01T00:00:00Z',
    });
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0].path).toBe('to');
    expect((await pm('DELETE', `/v1/schedules/${id}`, { note: 'retired' })).status).toBe(204);
    await expect(stack.temporal.client.schedule.getHandle(id).describe()).rejects.toBeInstanceOf(ScheduleNotFoundError);
    expect((await pm('POST', `/v1/schedules/${id}/pause`)).status).toBe(409);
    expect((await pm('GET', `/v1/schedules/${id}`)).body).toMatchObject({ deletedReason: 'retired', paused: null });
    expect((await apiClient(stack, 'andrii.eng1')('GET', '/v1/schedules')).status).toBe(403);
  }, 180_000);

  it('when an operator uses potik schedules, then list, pause with a note, describe, backfill and delete work on the same schedules', async () => {
    const out = join(dir, 'cli');
    const { id } = await schedule(
      specYaml(`{ kind: directory, path: ${JSON.stringify(out)} }`, '1d', 'k_{yyyy}{MM}{dd}.csv'),
    );
    const env = { DATABASE_URL: stack.databaseUrl, TEMPORAL_ADDRESS: inject('temporalAddress') };
    const listed = await potik(['schedules', 'list'], env);
    expect(listed.stderr).toBe('');
    expect(listed.stdout).toMatch(new RegExp(`${id}\\s+exchange\\s+active`));
    const paused = await potik(['schedules', 'pause', id, '--note', 'billing system migrating'], env);
    expect(paused.code, paused.stderr).toBe(0);
    const described = JSON.parse((await potik(['schedules', 'describe', id], env)).stdout) as Record<string, unknown>;
    expect(described).toMatchObject({ id, paused: true, note: 'billing system migrating' });
    const backfill = await potik(['schedules', 'backfill', id, '--from', '2026-02-01', '--to', '2026-02-02'], env);
    expect(backfill.code, backfill.stderr).toBe(0);
    await eventually(
      async () => ((await succeeded(id)).length === 2 ? true : undefined),
      60_000,
      'backfilled by the CLI',
    );
    expect((await readdir(out)).sort()).toEqual(['k_20260201.csv', 'k_20260202.csv']);
    expect((await potik(['schedules', 'delete', id, '--note', 'done'], env)).code).toBe(0);
    await expect(stack.temporal.client.schedule.getHandle(id).describe()).rejects.toBeInstanceOf(ScheduleNotFoundError);
    const bad = await potik(['schedules', 'backfill', id, '--from', 'yesterday', '--to', '2026-02-02'], env);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('ISO date');
  }, 180_000);

  it('when the engagement that owns a regular procedure is cancelled, then its schedule is deleted', async () => {
    const pm = apiClient(stack, 'olena.pm');
    const until = new Date(Date.now() + 3600_000).toISOString();
    const launched = await pm('POST', '/v1/engagements', {
      definitionId: 'custom-procedure',
      customerId: 'kp-teplomerezha',
      params: { request: 'Weekly check of the heat losses', runs: 4, every: '7d', until },
    });
    expect(launched.status, JSON.stringify(launched.body)).toBe(201);
    const engagementId = launched.body.id as string;
    const openTask = (step: string) =>
      eventually(
        async () => {
          const { rows } = await stack.pool.query<{ id: string }>(
            `SELECT id FROM tasks WHERE engagement_id = $1 AND step_id = $2 AND status = 'open'`,
            [engagementId, step],
          );
          return rows[0]?.id;
        },
        60_000,
        step,
      );
    expect(
      (
        await complete(stack, 'iryna.lead', await openTask('scope'), {
          result: { procedure: 'Run the heat-loss calculation', hoursPerRun: 2 },
          hoursSpent: 1,
        })
      ).status,
    ).toBe(200);
    expect(
      (await complete(stack, 'olena.pm', await openTask('approve'), { decision: 'approve', hoursSpent: 0 })).status,
    ).toBe(200);
    const [owned] = await eventually(
      async () => {
        const rows = await selectLiveSchedules(stack.pool, engagementId);
        return rows.length > 0 ? rows : undefined;
      },
      60_000,
      'the schedule',
    );
    const described = await stack.temporal.client.schedule.getHandle(owned!.id).describe();
    expect(described.state.remainingActions).toBe(4);
    expect(described.info.nextActionTimes.length).toBeGreaterThan(0);

    expect((await pm('POST', `/v1/engagements/${engagementId}/cancel`, { reason: 'contract ended' })).status).toBe(202);
    await eventually(
      async () => ((await selectLiveSchedules(stack.pool, engagementId)).length === 0 ? true : undefined),
      60_000,
      'schedule deleted',
    );
    await expect(stack.temporal.client.schedule.getHandle(owned!.id).describe()).rejects.toBeInstanceOf(
      ScheduleNotFoundError,
    );
  }, 180_000);
});
