import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, eventually, startTestStack, type TestStack } from '../helpers/stack.ts';
import { complete, launch, ledger, openTask, publish, settled, stepTrail } from '../helpers/engagements.ts';
import { recordHistory } from '../helpers/histories.ts';

const PARALLEL = (id: string, join: 'all' | 'any') => `
id: ${id}
version: 1
title: Two checks at once
service: X-CUSTOM
inputs: { type: object }
compensation:
  - id: roll-back
    kind: activity
    activity: notify.send
    input: { to: pm, subject: 'Rolled back \${engagement.id}' }
steps:
  - id: checks
    kind: parallel
    join: ${join}
    branches:
      - name: topology
        steps:
          - id: topology-check
            kind: task
            title: Check the topology
            assignee: { category: ENG_I }
            norm: { ENG_I: 2 }
      - name: attributes
        steps:
          - id: attribute-check
            kind: task
            title: Check the attributes
            assignee: { category: ENG_II }
            norm: { ENG_II: 3 }
  - id: after
    kind: activity
    activity: probe.echo
    input: { done: true }
`;

/** Parallel branches with tasks inside them, joins, and cancellation with compensation. */
describe('the interpreter: parallel branches and cancellation', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
    await publish(stack, PARALLEL('t-parallel-all', 'all'));
    await publish(stack, PARALLEL('t-parallel-any', 'any'));
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('when both branches wait on tasks, then completions reach each branch and join all waits for both', async () => {
    const id = await launch(stack, 't-parallel-all');
    const topology = await openTask(stack, id, 'topology-check');
    const attributes = await openTask(stack, id, 'attribute-check');
    expect((await complete(stack, 'taras.eng2', attributes.id)).status).toBe(200);
    expect((await complete(stack, 'andrii.eng1', topology.id)).status).toBe(200);
    const detail = await settled(stack, id);
    expect(detail.status).toBe('COMPLETED');
    expect(stepTrail(detail)).toEqual([
      'checks:completed',
      'topology-check:completed',
      'attribute-check:completed',
      'after:completed',
    ]);
    expect((await ledger(stack, id)).sort()).toEqual(['attribute-check#1:ENG_II=3', 'topology-check#1:ENG_I=2']);
    await recordHistory(stack, id, 'parallel-all');
  });

  it('when join any gets its first branch done, then the other branch stops and its task is cancelled', async () => {
    const id = await launch(stack, 't-parallel-any');
    const topology = await openTask(stack, id, 'topology-check');
    const attributes = await openTask(stack, id, 'attribute-check');
    expect((await complete(stack, 'andrii.eng1', topology.id)).status).toBe(200);
    const detail = await settled(stack, id);
    expect(detail.status).toBe('COMPLETED');
    expect(detail.tasks.find((t: { id: string }) => t.id === attributes.id).status).toBe('cancelled');
    expect(await ledger(stack, id)).toEqual(['topology-check#1:ENG_I=2']);
    const late = await complete(stack, 'taras.eng2', attributes.id);
    expect(late.status).toBe(409);
  });

  it('when a PM cancels in the middle of a parallel block, then open tasks close, compensation runs once and the engagement is CANCELLED', async () => {
    const pm = apiClient(stack, 'olena.pm');
    const id = await launch(stack, 't-parallel-all');
    const topology = await openTask(stack, id, 'topology-check');
    await openTask(stack, id, 'attribute-check');
    expect((await complete(stack, 'andrii.eng1', topology.id)).status).toBe(200);
    await eventually(async () => {
      const { rows } = await stack.pool.query(`SELECT 1 FROM billing_entries WHERE engagement_id = $1`, [id]);
      return rows.length > 0 ? true : undefined;
    });

    const cancelled = await pm('POST', `/v1/engagements/${id}/cancel`);
    expect(cancelled.status).toBe(202);
    const detail = await settled(stack, id);
    expect(detail.status).toBe('CANCELLED');
    expect(detail.tasks.map((t: { stepId: string; status: string }) => `${t.stepId}:${t.status}`).sort()).toEqual([
      'attribute-check:cancelled',
      'topology-check:completed',
    ]);
    expect(stepTrail(detail)).not.toContain('after:completed');
    const { rows } = await stack.pool.query('SELECT subject FROM notifications WHERE engagement_id = $1', [id]);
    expect(rows).toEqual([{ subject: `Rolled back ${id}` }]);
    // Work done before the cancel stays billed; nothing is billed twice.
    expect(await ledger(stack, id)).toEqual(['topology-check#1:ENG_I=2']);

    const again = await pm('POST', `/v1/engagements/${id}/cancel`);
    expect(again.status).toBe(409);
    await recordHistory(stack, id, 'parallel-cancel-compensation');
  });
});
