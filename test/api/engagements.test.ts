import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertSeedRunningEngagements } from '../../db/queries/task-seed.ts';
import { apiClient, eventually, startTestStack, type ApiBody, type TestStack } from '../helpers/stack.ts';
import { complete, launch, openTask } from '../helpers/engagements.ts';

/**
 * Engagements over HTTP: the list with filters and keyset pages, the timeline of a run through
 * Temporal, and a launch sent 20 times at once with one Idempotency-Key.
 */
describe('engagements: list, timeline and idempotent launch', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('when 20 identical launches with one Idempotency-Key arrive at once, then one engagement and one workflow exist', async () => {
    const pm = apiClient(stack, 'olena.pm');
    const body = { definitionId: 'minimal', customerId: 'kp-vodokanal', params: { topic: 'Concurrent launch' } };
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => pm('POST', '/v1/engagements', body, { 'idempotency-key': 'launch-20' })),
    );
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([201, ...Array<number>(19).fill(200)].sort());
    const ids = new Set(responses.map((r) => r.body.id as string));
    expect(ids.size).toBe(1);
    const [id] = [...ids];
    const rows = await stack.pool.query('SELECT id FROM engagements WHERE idempotency_key = $1', ['launch-20']);
    expect(rows.rows).toEqual([{ id }]);
    // Visibility is eventually consistent: wait for the run to be listed, then there must be one.
    const workflows = await eventually(async () => {
      const runs: string[] = [];
      for await (const execution of stack.temporal.client.workflow.list({ query: `WorkflowId = '${id}'` })) {
        runs.push(execution.runId);
      }
      return runs.length > 0 ? runs : undefined;
    });
    expect(workflows).toHaveLength(1);

    const conflict = await pm(
      'POST',
      '/v1/engagements',
      { ...body, params: { topic: 'Other' } },
      {
        'idempotency-key': 'launch-20',
      },
    );
    expect(conflict.status).toBe(409);
    expect(conflict.body.type).toBe('/problems/idempotency-conflict');
  });

  it('when an engagement runs and completes, then its timeline says who did what when, in order', async () => {
    const pm = apiClient(stack, 'olena.pm');
    const engineer = apiClient(stack, 'andrii.eng1');
    const launched = await pm('POST', '/v1/engagements', {
      definitionId: 'minimal',
      customerId: 'kp-teplomerezha',
      params: { topic: 'Timeline' },
    });
    const id = launched.body.id as string;
    const task = await eventually(async () => {
      const inbox = await engineer('GET', '/v1/tasks');
      return (inbox.body.items as ApiBody[]).find((t) => t.engagementId === id);
    });
    expect((await engineer('POST', `/v1/tasks/${task.id}/claim`)).status).toBe(200);
    await engineer('POST', `/v1/tasks/${task.id}/complete`, { result: { answer: 'Yes' }, hoursSpent: 1.5 });
    await eventually(async () =>
      (await pm('GET', `/v1/engagements/${id}`)).body.status === 'COMPLETED' ? true : undefined,
    );
    const timeline = await pm('GET', `/v1/engagements/${id}/timeline`);
    expect(timeline.status).toBe(200);
    expect(timeline.body.workflowState).toBe(true);
    const events = timeline.body.items as ApiBody[];
    expect(events[0]).toMatchObject({ event: 'launched', by: 'olena.pm' });
    expect(events.at(-1)).toMatchObject({ event: 'closed', status: 'COMPLETED' });
    expect(events).toContainEqual(
      expect.objectContaining({ event: 'task-completed', by: 'andrii.eng1', taskId: task.id, hoursSpent: 1.5 }),
    );
    expect(events).toContainEqual(
      expect.objectContaining({ event: 'step-ended', stepId: 'answer', by: 'andrii.eng1', status: 'completed' }),
    );
    const times = events.map((e) => e.at as string);
    expect([...times].sort()).toEqual(times);

    const metrics = await apiClient(stack, null)('GET', '/metrics');
    expect(metrics.text).toContain('potik_tasks_completed_total{kind="task"} 1');

    // Finance reads the same engagement, without what the engineer entered.
    const finance = await apiClient(stack, 'maria.finance')('GET', `/v1/engagements/${id}`);
    expect(finance.status).toBe(200);
    expect(finance.body.state.steps.every((s: ApiBody) => !('result' in s) && !('output' in s))).toBe(true);
    const admin = await apiClient(stack, 'admin')('GET', `/v1/engagements/${id}`);
    expect(admin.body.state.steps.some((s: ApiBody) => 'result' in s)).toBe(true);
  });

  it('when a hotline answer under basic support is billed, then finance lists its entry at zero with no VAT rate', async () => {
    const id = await launch(stack, 'minimal', { topic: 'Zero-amount entry' });
    const task = await openTask(stack, id, 'answer');
    const completed = await complete(stack, 'andrii.eng1', task.id, { result: { answer: 'Done' }, hoursSpent: 0.75 });
    expect(completed.status).toBe(200);

    const finance = apiClient(stack, 'maria.finance');
    // Every answer is checked against the OpenAPI document: the entry's null rate must be allowed there.
    const [entry] = await eventually(async () => {
      const records = await finance('GET', `/v1/billing/records?engagement=${id}`);
      expect(records.status).toBe(200);
      return (records.body.items as ApiBody[]).length > 0 ? (records.body.items as ApiBody[]) : undefined;
    });
    expect(entry).toMatchObject({
      stepId: 'answer',
      performedBy: 'andrii.eng1',
      category: 'ENG_I',
      actualHours: 0.75,
      billable: false,
      basis: 'basic',
      amountExclVatKopecks: 0,
      vatRatePercent: null,
    });
  });

  it('when the list is filtered and paged, then every page holds the newest matching rows once, without gaps', async () => {
    const seeded = await insertSeedRunningEngagements(stack.pool, {
      customerId: 'lubny-vodokanal',
      serviceCode: 'X-AUDIT',
      definitionId: 'audit',
      count: 57,
      launchedBy: 'olena.pm',
    });
    const pm = apiClient(stack, 'olena.pm');
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = `/v1/engagements?customer=lubny-vodokanal&service=X-AUDIT&status=RUNNING&limit=20${cursor ? `&cursor=${cursor}` : ''}`;
      const page = await pm('GET', query);
      expect(page.status).toBe(200);
      seen.push(...(page.body.items as ApiBody[]).map((e) => e.id as string));
      cursor = page.body.nextCursor as string | null;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(57);
    expect(new Set(seen)).toEqual(new Set(seeded));
    // Newest first: the seed made engagement n one second older than n−1.
    expect(seen).toEqual(seeded);

    // Two days on in UTC is after tomorrow in Kyiv too, whatever the hour (Kyiv is ahead of UTC).
    const tomorrow = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
    const none = await pm('GET', `/v1/engagements?customer=lubny-vodokanal&createdFrom=${tomorrow}`);
    expect(none.body.items).toEqual([]);
    const recent = await pm(
      'GET',
      `/v1/engagements?customer=lubny-vodokanal&createdFrom=${encodeURIComponent(new Date(Date.now() - 10_500).toISOString())}`,
    );
    expect(recent.body.items.length).toBeGreaterThanOrEqual(9);
    expect(recent.body.items.length).toBeLessThanOrEqual(12);
  });

  it.each([
    ['/v1/engagements?status=DONE', 'status'],
    ['/v1/engagements?limit=0', 'limit'],
    ['/v1/engagements?limit=201', 'limit'],
    ['/v1/engagements?createdFrom=yesterday', 'createdFrom'],
    ['/v1/engagements?cursor=not-a-cursor', 'cursor'],
    ['/v1/engagements?custmer=kp-vodokanal', 'custmer'],
    ['/v1/engagements?status=RUNNING&status=FAILED', 'status'],
  ])('when the list is asked as %s, then a 400 problem names "%s"', async (path, parameter) => {
    const response = await apiClient(stack, 'olena.pm')('GET', path);
    expect(response.status).toBe(400);
    expect(response.body.type).toBe('/problems/request-invalid');
    expect(response.body.detail).toContain(`"${parameter}"`);
  });

  it('when a launch body has an unknown field or a wrong type, then 400 names the field and nothing is launched', async () => {
    const pm = apiClient(stack, 'olena.pm');
    const before = await stack.pool.query('SELECT count(*)::int AS n FROM engagements');
    const unknown = await pm('POST', '/v1/engagements', {
      definitionId: 'minimal',
      customerId: 'kp-teplomerezha',
      params: { topic: 'x' },
      priority: 'high',
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors).toEqual([{ path: '/priority', message: 'unknown field "priority"' }]);
    const wrong = await pm('POST', '/v1/engagements', { definitionId: 7, customerId: 'kp-teplomerezha' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors).toEqual([{ path: '/definitionId', message: 'must be string' }]);
    const after = await stack.pool.query('SELECT count(*)::int AS n FROM engagements');
    expect(after.rows[0].n).toBe(before.rows[0].n);
  });
});
