import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordHistory } from '../helpers/histories.ts';
import { apiClient, eventually, startTestStack, type TestStack } from '../helpers/stack.ts';

/**
 * The platform end to end: HTTP → Temporal → worker → PostgreSQL → HTTP, with nothing mocked.
 */
describe('an engagement of the minimal process, end to end', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('when a PM launches it and the engineer completes the task over HTTP, then it completes with its billing row', async () => {
    const pm = apiClient(stack, 'olena.pm');
    const engineer = apiClient(stack, 'andrii.eng1');

    const launched = await pm('POST', '/v1/engagements', {
      definitionId: 'minimal',
      customerId: 'kp-teplomerezha',
      projectId: 'teplomerezha-main',
      params: { topic: 'Backup schedule' },
    });
    expect(launched.status).toBe(201);
    expect(launched.body.entitlement).toMatchObject({ outcome: 'allowed', basis: 'basic' });
    const id = launched.body.id as string;

    const task = await eventually(
      async () => {
        const inbox = await engineer('GET', '/v1/tasks');
        return (inbox.body.items as { id: string; engagementId: string }[]).find((t) => t.engagementId === id);
      },
      20_000,
      'the task in the engineer inbox',
    );

    const notifications = await stack.pool.query(
      'SELECT recipient, subject FROM notifications WHERE engagement_id = $1',
      [id],
    );
    expect(notifications.rows).toEqual([{ recipient: 'pm', subject: 'New question: Backup schedule' }]);

    const completed = await engineer('POST', `/v1/tasks/${task.id}/complete`, {
      result: { answer: 'Nightly pg_dump plus WAL archiving; restore tested monthly.' },
      hoursSpent: 0.75,
    });
    expect(completed.status).toBe(200);
    expect(completed.body.completedBy).toBe('andrii.eng1');

    const finished = await eventually(
      async () => {
        const detail = await pm('GET', `/v1/engagements/${id}`);
        return detail.body.status === 'COMPLETED' ? detail.body : undefined;
      },
      20_000,
      'the engagement to complete',
    );
    expect(finished.tasks).toMatchObject([
      { id: task.id, status: 'completed', completedBy: 'andrii.eng1', hoursSpent: 0.75 },
    ]);
    expect(finished.state.steps.map((s: { stepId: string; status: string }) => [s.stepId, s.status])).toEqual([
      ['notify-pm', 'completed'],
      ['answer', 'completed'],
    ]);
    expect(finished.links.temporalUi).toContain(`/workflows/${id}`);
    await recordHistory(stack, id, 'minimal-completed');

    // Basic support is free: the hours are in the ledger, at no charge.
    const ledger = await stack.pool.query(
      'SELECT step_id, category, norm_hours, actual_hours, billable, amount_kopecks FROM billing_entries WHERE engagement_id = $1',
      [id],
    );
    expect(ledger.rows).toEqual([
      { step_id: 'answer', category: 'ENG_I', norm_hours: 1, actual_hours: 0.75, billable: false, amount_kopecks: 0 },
    ]);
  });

  it('when the same completion is sent twice, then both get the same answer and the ledger keeps one row', async () => {
    const pm = apiClient(stack, 'olena.pm');
    const engineer = apiClient(stack, 'andrii.eng1');
    const launched = await pm('POST', '/v1/engagements', {
      definitionId: 'minimal',
      customerId: 'kp-teplomerezha',
      params: { topic: 'Licence transfer' },
    });
    const id = launched.body.id as string;
    const task = await eventually(async () => {
      const inbox = await engineer('GET', '/v1/tasks');
      return (inbox.body.items as { id: string; engagementId: string }[]).find((t) => t.engagementId === id);
    });
    const body = { result: { answer: 'Done' }, hoursSpent: 1 };
    const first = await engineer('POST', `/v1/tasks/${task.id}/complete`, body);
    expect(first.status).toBe(200);
    const second = await engineer('POST', `/v1/tasks/${task.id}/complete`, body);
    expect(second.status).toBe(200);
    expect(second.body).toEqual(first.body);
    await eventually(async () =>
      (await pm('GET', `/v1/engagements/${id}`)).body.status === 'COMPLETED' ? true : undefined,
    );
    const third = await engineer('POST', `/v1/tasks/${task.id}/complete`, body);
    expect(third.body).toEqual(first.body);
    const ledger = await stack.pool.query('SELECT count(*)::int AS n FROM billing_entries WHERE engagement_id = $1', [
      id,
    ]);
    expect(ledger.rows[0].n).toBe(1);
  });

  it('when a result does not match the form, then the API answers 422 naming the field', async () => {
    const pm = apiClient(stack, 'olena.pm');
    const engineer = apiClient(stack, 'andrii.eng1');
    const launched = await pm('POST', '/v1/engagements', {
      definitionId: 'minimal',
      customerId: 'kp-teplomerezha',
      params: { topic: 'x' },
    });
    const id = launched.body.id as string;
    const task = await eventually(async () => {
      const inbox = await engineer('GET', '/v1/tasks');
      return (inbox.body.items as { id: string; engagementId: string }[]).find((t) => t.engagementId === id);
    });
    const response = await engineer('POST', `/v1/tasks/${task.id}/complete`, { result: { answer: 42 }, hoursSpent: 1 });
    expect(response.status).toBe(422);
    expect(response.body.errors).toEqual([{ path: '/result/answer', message: 'must be string' }]);
  });

  it('when a request has no key or a wrong key, then it gets the same 401 problem', async () => {
    const noKey = await fetch(`${stack.url}/v1/tasks`);
    const wrongKey = await fetch(`${stack.url}/v1/tasks`, {
      headers: { authorization: 'Bearer potik_000000000000_' + 'A'.repeat(32) },
    });
    expect(noKey.status).toBe(401);
    expect(wrongKey.status).toBe(401);
    expect(await noKey.json()).toEqual(await wrongKey.json());
  });
});
