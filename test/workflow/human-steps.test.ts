import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, eventually, startTestStack, type TestStack } from '../helpers/stack.ts';
import { complete, launch, ledger, openTask, publish, settled, stepTrail } from '../helpers/engagements.ts';
import { recordHistory } from '../helpers/histories.ts';

/** Tasks and approvals: inbox rows, the completeTask update, due times, escalation, four-eyes. */
describe('the interpreter: human steps', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('when a task passes its due time, then the reminder and the escalation fire and the escalated group completes it', async () => {
    await publish(
      stack,
      `
id: t-escalation
version: 1
title: Escalation
service: X-CUSTOM
inputs: { type: object }
steps:
  - id: review
    kind: task
    title: Review the network model
    assignee: { category: ENG_II }
    due: 2s
    reminders: [1s]
    escalation: { after: 2s, to: { group: heads } }
    norm: { ENG_II: 2 }
    form: { type: object, required: [verdict], properties: { verdict: { type: string } } }
`,
    );
    const id = await launch(stack, 't-escalation');
    const task = await openTask(stack, id, 'review');
    const escalated = await eventually(
      async () => {
        const { rows } = await stack.pool.query(
          'SELECT assignee_category, assignee_group, escalated_at FROM tasks WHERE id = $1',
          [task.id],
        );
        return rows[0].escalated_at ? rows[0] : undefined;
      },
      15_000,
      'the escalation',
    );
    expect(escalated).toMatchObject({ assignee_category: null, assignee_group: 'heads' });
    const sent = await eventually(async () => {
      const { rows } = await stack.pool.query<{ idempotency_key: string }>(
        'SELECT idempotency_key FROM notifications WHERE engagement_id = $1 ORDER BY id',
        [id],
      );
      return rows.length >= 2 ? rows.map((r) => r.idempotency_key) : undefined;
    });
    expect(sent).toEqual([`reminder-1:${task.id}`, `escalation:${task.id}`]);

    // The original category no longer sees the task; the escalation group does.
    const byEngineer = await complete(stack, 'taras.eng2', task.id, { result: { verdict: 'ok' }, hoursSpent: 1 });
    expect(byEngineer.status).toBe(404);
    const overdue = await apiClient(stack, 'iryna.lead')('GET', '/v1/tasks?overdue=true');
    expect(overdue.body.items.map((t: { id: string }) => t.id)).toContain(task.id);
    const byLead = await complete(stack, 'iryna.lead', task.id, { result: { verdict: 'ok' }, hoursSpent: 1.5 });
    expect(byLead.status).toBe(200);
    const detail = await settled(stack, id);
    expect(detail.status).toBe('COMPLETED');
    expect(await ledger(stack, id)).toEqual(['review#1:ENG_II=2']);
    await recordHistory(stack, id, 'task-escalation');
  });

  it('when an approval needs two of two, then four-eyes and double decisions are refused and a rejection loops back once', async () => {
    await publish(
      stack,
      `
id: t-approval
version: 1
title: Estimate approval
service: X-CUSTOM
inputs: { type: object }
steps:
  - id: draft
    kind: task
    title: Draft the estimate
    assignee: { group: gis }
    norm: { ENG_I: 1 }
  - id: approve
    kind: approval
    title: Approve the estimate
    approvers: [{ group: gis }, { group: gis }]
    rule: { nOf: 2 }
    fourEyes: [draft]
    onReject: { goto: draft }
    maxRejections: 1
`,
    );
    const id = await launch(stack, 't-approval');
    const draft1 = await openTask(stack, id, 'draft');
    expect((await complete(stack, 'andrii.eng1', draft1.id)).status).toBe(200);

    const slot1 = await openTask(stack, id, 'approve');
    const fourEyes = await complete(stack, 'andrii.eng1', slot1.id, { decision: 'approve', hoursSpent: 0 });
    expect(fourEyes.status).toBe(403);
    expect(fourEyes.body.type).toBe('/problems/four-eyes-violation');
    // The refusal names who may approve instead: the group's other members, then the admins.
    expect(fourEyes.body.mayApprove).toEqual(['bohdan.lead', 'iryna.lead', 'oksana.tech', 'taras.eng2', 'admin']);
    expect(fourEyes.body.detail).toContain(
      'It can be approved by Bohdan Kravchenko (lead engineer) (bohdan.lead), Iryna Shevchenko (lead engineer) (iryna.lead),',
    );
    expect(fourEyes.body.detail).toContain('; or an admin: Admin (admin).');
    expect((await complete(stack, 'taras.eng2', slot1.id, { decision: 'approve', hoursSpent: 0.1 })).status).toBe(200);
    const slot2 = await openTask(stack, id, 'approve', [slot1.id]);
    expect(slot2.id).not.toBe(slot1.id);
    const second = await complete(stack, 'taras.eng2', slot2.id, { decision: 'approve', hoursSpent: 0 });
    expect(second.status).toBe(403);
    expect(second.body.mayApprove).toEqual(['bohdan.lead', 'iryna.lead', 'oksana.tech', 'admin']);
    expect((await complete(stack, 'iryna.lead', slot2.id, { decision: 'reject', hoursSpent: 0.1 })).status).toBe(200);

    // Rejected once: back to the draft, second iteration.
    const draft2 = await openTask(stack, id, 'draft', [draft1.id]);
    expect(draft2.id).toBe(`${id}:draft:2`);
    expect((await complete(stack, 'andrii.eng1', draft2.id)).status).toBe(200);
    const again = await openTask(stack, id, 'approve', [slot1.id, slot2.id]);
    expect((await complete(stack, 'oksana.tech', again.id, { decision: 'reject', hoursSpent: 0 })).status).toBe(200);

    const detail = await settled(stack, id);
    expect(detail.status).toBe('FAILED');
    expect(detail.failure).toContain('rejected 2 times');
    expect(stepTrail(detail)).toEqual(['draft:completed', 'approve:rejected', 'draft:completed', 'approve:failed']);
    expect(await ledger(stack, id)).toEqual(['draft#1:ENG_I=1', 'draft#2:ENG_I=1']);
    const { rows } = await stack.pool.query(
      `SELECT status, count(*)::int AS n FROM tasks WHERE engagement_id = $1 AND step_id = 'approve' GROUP BY status ORDER BY status`,
      [id],
    );
    expect(rows).toEqual([
      { status: 'cancelled', n: 1 },
      { status: 'completed', n: 3 },
    ]);
    await recordHistory(stack, id, 'approval-four-eyes-reject');
  });

  it('when two engineers complete the same task at once, then one wins and the other learns who did', async () => {
    await publish(
      stack,
      `
id: t-race
version: 1
title: Race
service: X-CUSTOM
inputs: { type: object }
steps:
  - id: fix
    kind: task
    title: Fix the dangling sections
    assignee: { group: gis }
    norm: { ENG_II: 1 }
`,
    );
    const id = await launch(stack, 't-race');
    const task = await openTask(stack, id, 'fix');
    const [a, b] = await Promise.all([
      complete(stack, 'andrii.eng1', task.id, { result: { by: 'a' }, hoursSpent: 1 }),
      complete(stack, 'taras.eng2', task.id, { result: { by: 't' }, hoursSpent: 2 }),
    ]);
    const statuses = [a.status, b.status].sort();
    expect(statuses).toEqual([200, 409]);
    const loser = a.status === 409 ? a : b;
    const winner = a.status === 200 ? a : b;
    expect(loser.body.detail).toMatch(/already completed|not open/);
    const detail = await settled(stack, id);
    expect(detail.tasks).toMatchObject([{ status: 'completed', completedBy: winner.body.completedBy }]);
    expect(await ledger(stack, id)).toEqual(['fix#1:ENG_II=1']);
  });
});
