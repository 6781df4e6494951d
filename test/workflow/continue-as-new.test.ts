import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestStack, type TestStack } from '../helpers/stack.ts';
import { launch, ledger, publish, settled } from '../helpers/engagements.ts';

/**
 * Long engagements hand their history to a new run when Temporal suggests it (the test server's
 * limit is 400 events): the pointer, step records, loop counters and billing keys carry over.
 */
describe('the interpreter: continue-as-new', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('when a loop outgrows the history limit, then the engagement continues in a new run without repeating or losing a step', async () => {
    await publish(
      stack,
      `
id: t-long
version: 1
title: A long loop
service: X-CUSTOM
inputs: { type: object }
steps:
  - id: measure
    kind: activity
    activity: probe.echo
    input: { round: 1 }
    norm: { TECH: 0.1 }
  - id: again
    kind: switch
    cases:
      - when: 'true'
        goto: measure
        maxIterations: 59
  - id: done
    kind: activity
    activity: probe.echo
`,
    );
    const id = await launch(stack, 't-long');
    const detail = await settled(stack, id);
    expect(detail.status, detail.failure).toBe('COMPLETED');
    const runs = await eventually(
      async () => {
        const found: string[] = [];
        for await (const run of stack.temporal.client.workflow.list({ query: `WorkflowId = '${id}'` }))
          found.push(run.runId);
        return found.length >= 2 ? found : undefined;
      },
      20_000,
      'a continued run in visibility',
    );
    expect(runs.length).toBeGreaterThanOrEqual(2);

    const { rows } = await stack.pool.query<{ key: string; n: number }>(
      `SELECT key, count(*)::int AS n FROM probe_attempts WHERE key LIKE $1 GROUP BY key`,
      [`${id}:measure:%`],
    );
    expect(rows).toHaveLength(60);
    expect(rows.every((r) => r.n === 1)).toBe(true);
    const measured = detail.state.steps.filter((s: { stepId: string }) => s.stepId === 'measure');
    expect(measured.map((s: { iteration: string }) => s.iteration)).toEqual(
      Array.from({ length: 60 }, (_, i) => String(i + 1)),
    );
    expect(await ledger(stack, id)).toHaveLength(60);
    expect(detail.state.hours.norm).toEqual({ TECH: 6 });
  });
});
