import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { complete, openTask, publish, settled } from '../helpers/engagements.ts';
import { recordHistory } from '../helpers/histories.ts';
import { apiClient, eventually, startTestStack, type ApiBody, type TestStack } from '../helpers/stack.ts';

/**
 * What a user meets at a task and around it, over HTTP with the demo users: every task shows its
 * customer, project and the results it depends on; an approval shows the work under review and a
 * rejection's comment reaches the reworked task; a repeated completion with other data is refused
 * saying what was recorded; forEach titles are rendered and a not-before time holds; a step whose
 * activity keeps failing shows its attempts; a cancellation keeps who asked and why.
 */
describe('tasks in their context', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack?.close();
  });

  async function launchFor(definitionId: string, params: Record<string, unknown> = {}): Promise<string> {
    const response = await apiClient(stack, 'olena.pm')('POST', '/v1/engagements', {
      definitionId,
      customerId: 'kp-teplomerezha',
      projectId: 'teplomerezha-main',
      params,
    });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    return response.body.id as string;
  }

  async function task(user: string, id: string): Promise<ApiBody> {
    const response = await apiClient(stack, user)('GET', `/v1/tasks/${encodeURIComponent(id)}`);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body;
  }

  it('when an approval opens, it names the customer, the project and the work under review; a rejection comment reaches the reworked task', async () => {
    await publish(
      stack,
      `
id: t-review
version: 1
title: Reviewed work
service: X-CUSTOM
inputs: { type: object }
steps:
  - id: draft
    kind: task
    title: Draft the mapping spec
    assignee: { category: ENG_I }
    norm: { ENG_I: 1 }
    form: { type: object, required: [layers], properties: { layers: { type: array } } }
  - id: review
    kind: approval
    title: Head of service approves the mapping spec
    approvers: [{ role: lead }]
    fourEyes: [draft]
    onReject: { goto: draft }
    maxRejections: 1
    norm: { LEAD: 0.5 }
`,
    );
    const id = await launchFor('t-review');
    const first = await openTask(stack, id, 'draft');
    const draft = await task('andrii.eng1', first.id);
    expect(draft.customer).toEqual({ id: 'kp-teplomerezha', name: 'КП «Тепломережа» (демо)' });
    expect(draft.project).toEqual({ id: 'teplomerezha-main', name: 'Heat network of the city' });
    expect(draft.engagement).toMatchObject({ id, definitionId: 't-review', serviceCode: 'X-CUSTOM' });
    expect(draft.context).toEqual({ item: null, dependsOn: [], underReview: [], lastRejection: null });

    // A plain task takes no decision; the refusal points at the field.
    const withDecision = await complete(stack, 'andrii.eng1', first.id, {
      result: { layers: ['pipes'] },
      hoursSpent: 1,
      decision: 'approve',
    });
    expect(withDecision.status).toBe(422);
    expect(withDecision.body.errors).toEqual([{ path: '/decision', message: 'is accepted only by approval tasks' }]);

    const body = { result: { layers: ['pipes'] }, hoursSpent: 1, comment: 'first take' };
    expect((await complete(stack, 'andrii.eng1', first.id, body)).status).toBe(200);
    // The same completion again is the same answer; another result is refused, saying what was recorded.
    expect((await complete(stack, 'andrii.eng1', first.id, body)).status).toBe(200);
    const changed = await complete(stack, 'andrii.eng1', first.id, { ...body, result: { layers: ['valves'] } });
    expect(changed.status).toBe(409);
    expect(changed.body.detail).toContain('"layers":["pipes"]');
    expect(changed.body.recorded).toEqual({
      decision: null,
      result: { layers: ['pipes'] },
      hoursSpent: 1,
      comment: 'first take',
    });
    expect(changed.body.differs).toEqual(['result']);
    const { rows } = await stack.pool.query('SELECT result FROM tasks WHERE id = $1', [first.id]);
    expect(rows[0].result).toEqual({ layers: ['pipes'] });

    const reviewTask = await openTask(stack, id, 'review');
    const review = await task('iryna.lead', reviewTask.id);
    expect(review.customer.id).toBe('kp-teplomerezha');
    expect(review.instructions).toContain('"Draft the mapping spec" (by andrii.eng1)');
    expect(review.instructions).toContain('sends the work back to "Draft the mapping spec"');
    expect(review.context.underReview).toEqual(['draft']);
    expect(review.context.dependsOn).toEqual([
      expect.objectContaining({
        stepId: 'draft',
        by: 'andrii.eng1',
        status: 'completed',
        result: { layers: ['pipes'] },
      }),
    ]);
    const rejected = await complete(stack, 'iryna.lead', reviewTask.id, {
      decision: 'reject',
      hoursSpent: 0.5,
      comment: 'Add the valves layer',
    });
    expect(rejected.status).toBe(200);

    const second = await openTask(stack, id, 'draft', [first.id]);
    const rework = await task('andrii.eng1', second.id);
    expect(rework.lastRejection).toMatchObject({
      stepId: 'review',
      by: 'iryna.lead',
      comment: 'Add the valves layer',
      title: 'Head of service approves the mapping spec',
    });
    expect(rework.context.lastRejection).toEqual(rework.lastRejection);
    const inbox = await apiClient(stack, 'andrii.eng1')('GET', '/v1/tasks');
    const listed = (inbox.body.items as ApiBody[]).find((t) => t.id === second.id)!;
    expect(listed.customer).toEqual(rework.customer);
    expect(listed.project).toEqual(rework.project);
    expect(listed.lastRejection.comment).toBe('Add the valves layer');

    await complete(stack, 'andrii.eng1', second.id, { result: { layers: ['pipes', 'valves'] }, hoursSpent: 1 });
    const again = await openTask(stack, id, 'review', [reviewTask.id]);
    // Decided again: the rejection no longer travels with the work.
    expect((await task('iryna.lead', again.id)).lastRejection).toBeNull();
    expect((await complete(stack, 'iryna.lead', again.id, { decision: 'approve', hoursSpent: 0.5 })).status).toBe(200);
    expect((await settled(stack, id)).status).toBe('COMPLETED');
    await recordHistory(stack, id, 'task-context-rework');
  });

  it('when a forEach task has a title template and a not-before time, then the title is rendered and an early completion is refused with the time; a cancellation keeps who and why', async () => {
    await publish(
      stack,
      `
id: t-days
version: 1
title: Days
service: X-CUSTOM
inputs: { type: object, properties: { sessions: { type: array } } }
steps:
  - id: days
    kind: forEach
    title: Day by day
    items: inputs.sessions
    as: session
    steps:
      - id: day
        kind: task
        title: 'Training day \${session.day}'
        assignee: { category: ENG_I }
        billable: false
        notBefore: timestamp(session.at)
`,
    );
    const past = new Date(Date.now() - 3600_000).toISOString();
    const future = new Date(Date.now() + 30 * 24 * 3600_000).toISOString();
    const id = await launchFor('t-days', {
      sessions: [
        { day: 1, at: past },
        { day: 2, at: future },
      ],
    });
    const first = await openTask(stack, id, 'day');
    const day1 = await task('andrii.eng1', first.id);
    expect(day1.title).toBe('Training day 1');
    expect(day1.notBefore).toBe(past);
    expect(day1.context.item).toEqual({ session: { day: 1, at: past }, sessionIndex: 0 });
    expect((await complete(stack, 'andrii.eng1', first.id, { result: {}, hoursSpent: 6 })).status).toBe(200);

    const second = await openTask(stack, id, 'day', [first.id]);
    const inbox = await apiClient(stack, 'andrii.eng1')('GET', '/v1/tasks');
    const listed = (inbox.body.items as ApiBody[]).find((t) => t.id === second.id)!;
    expect(listed.title).toBe('Training day 2');
    expect(listed.notBefore).toBe(future);
    const early = await complete(stack, 'andrii.eng1', second.id, { result: {}, hoursSpent: 6 });
    expect(early.status).toBe(409);
    expect(early.body.type).toBe('/problems/task-not-yet');
    expect(early.body.notBefore).toBe(future);
    expect(early.body.detail).toContain(future);

    const pm = apiClient(stack, 'olena.pm');
    const cancel = await pm('POST', `/v1/engagements/${id}/cancel`, { reason: 'The customer postponed day 2' });
    expect(cancel.status).toBe(202);
    const detail = await settled(stack, id);
    expect(detail.status).toBe('CANCELLED');
    expect(detail.cancellation).toMatchObject({ by: 'olena.pm', reason: 'The customer postponed day 2' });
    const timeline = (await pm('GET', `/v1/engagements/${id}/timeline`)).body.items as ApiBody[];
    expect(timeline.find((e) => e.event === 'cancel-requested')).toMatchObject({
      by: 'olena.pm',
      reason: 'The customer postponed day 2',
    });
    expect(timeline.at(-1)).toMatchObject({ event: 'closed', status: 'CANCELLED', by: 'olena.pm' });
    await recordHistory(stack, id, 'foreach-title-not-before-cancel');
  });

  it('when a step’s activity keeps failing, then the engagement shows the running step, its attempts and the last failure', async () => {
    await publish(
      stack,
      `
id: t-stuck
version: 1
title: Stuck
service: X-CUSTOM
inputs: { type: object }
steps:
  - id: fetch
    kind: activity
    activity: probe.flaky
    input: { failures: 1000 }
    retry: { maximumAttempts: 100, initialInterval: 100ms, maximumInterval: 200ms }
`,
    );
    const id = await launchFor('t-stuck');
    const pm = apiClient(stack, 'olena.pm');
    const detail = await eventually(
      async () => {
        const body = (await pm('GET', `/v1/engagements/${id}`)).body;
        const running = (body.runningActivities ?? []) as ApiBody[];
        return running[0] && running[0].attempt >= 3 ? body : undefined;
      },
      20_000,
      'a third attempt',
    );
    expect(detail.status).toBe('RUNNING');
    expect(detail.currentSteps).toEqual(['fetch']);
    expect(detail.runningActivities).toEqual([
      expect.objectContaining({ stepId: 'fetch', iteration: '1', activity: 'probe.flaky', maximumAttempts: 100 }),
    ]);
    expect(detail.runningActivities[0].lastFailure).toMatch(/^flaky failure \d+ of 1000$/);
    expect((await pm('POST', `/v1/engagements/${id}/cancel`)).status).toBe(202);
    const closed = await settled(stack, id);
    expect(closed.status).toBe('CANCELLED');
    expect(closed.runningActivities).toEqual([]);
    await recordHistory(stack, id, 'activity-running-retries');
  });

  it('when an engagement waits after an automated step, then its current step is the wait', async () => {
    await publish(
      stack,
      `
id: t-pause
version: 1
title: Pause
service: X-CUSTOM
inputs: { type: object }
steps:
  - id: echo
    kind: activity
    activity: probe.echo
  - id: pause
    kind: wait
    for: 10m
`,
    );
    const id = await launchFor('t-pause');
    const pm = apiClient(stack, 'olena.pm');
    await eventually(
      async () => {
        const body = (await pm('GET', `/v1/engagements/${id}`)).body;
        return body.state?.current?.[0] === 'pause' ? body : undefined;
      },
      20_000,
      'the wait',
    );
    const detail = await eventually(
      async () => {
        const body = (await pm('GET', `/v1/engagements/${id}`)).body;
        return body.currentSteps.length > 0 && body.currentSteps[0] !== 'echo' ? body : undefined;
      },
      20_000,
      'the read model to move on',
    );
    expect(detail.currentSteps).toEqual(['pause']);
    expect(detail.runningActivities).toEqual([]);
    expect((await pm('POST', `/v1/engagements/${id}/cancel`, {})).status).toBe(202);
    expect((await settled(stack, id)).status).toBe('CANCELLED');
    await recordHistory(stack, id, 'wait-in-read-model');
  });
});
