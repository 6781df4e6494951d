import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, startTestStack, type TestStack } from '../helpers/stack.ts';
import { launch, ledger, publish, settled, stepTrail } from '../helpers/engagements.ts';
import { recordHistory } from '../helpers/histories.ts';

/** Automated steps and flow control, through the real dev server and a real worker. */
describe('the interpreter: activity, switch, forEach, wait, fail and end steps', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack?.close();
  });

  const attempts = async (id: string, activity: string) => {
    const { rows } = await stack.pool.query<{ key: string; attempt: number }>(
      'SELECT key, attempt FROM probe_attempts WHERE key LIKE $1 AND activity = $2 ORDER BY key, attempt',
      [`${id}:%`, activity],
    );
    return rows.map((r) => `${r.key.slice(id.length + 1)}#${r.attempt}`);
  };

  it('when activities succeed, retry and refuse, then retries are invisible and a refusal follows onError', async () => {
    await publish(
      stack,
      `
id: t-activity
version: 1
title: Activity steps
service: X-CUSTOM
inputs: { type: object, properties: { word: { type: string } } }
steps:
  - id: echo
    kind: activity
    activity: probe.echo
    input: { said: '\${inputs.word}' }
  - id: flaky
    kind: activity
    activity: probe.flaky
    input: { failures: 2 }
    retry: { maximumAttempts: 5, initialInterval: 100ms, maximumInterval: 200ms }
    norm: { TECH: 0.5 }
  - id: refused
    kind: activity
    activity: probe.refuse
    input: { message: 'no layer named \${steps.echo.output.said}' }
    onError: { goto: handle }
  - id: skipped
    kind: activity
    activity: probe.echo
  - id: handle
    kind: activity
    activity: notify.send
    input: { to: pm, subject: 'Refused step: \${steps.refused.status}' }
`,
    );
    const id = await launch(stack, 't-activity', { word: 'pipes' });
    const detail = await settled(stack, id);
    expect(detail.status).toBe('COMPLETED');
    expect(stepTrail(detail)).toEqual(['echo:completed', 'flaky:completed', 'refused:failed', 'handle:completed']);
    expect(detail.state.steps[0].output).toEqual({ said: 'pipes' });
    expect(detail.state.steps[2].summary).toContain('no layer named pipes');
    expect(await attempts(id, 'probe.flaky')).toEqual(['flaky:1#1', 'flaky:1#2', 'flaky:1#3']);
    expect(await ledger(stack, id)).toEqual(['flaky#1:TECH=0.5']);
    const { rows } = await stack.pool.query('SELECT subject FROM notifications WHERE engagement_id = $1', [id]);
    expect(rows).toEqual([{ subject: 'Refused step: failed' }]);
    await recordHistory(stack, id, 'activity-retry-onerror');
  });

  it('when a refused activity has no onError, then the engagement fails with the reason', async () => {
    await publish(
      stack,
      `
id: t-refuse
version: 1
title: Refusal
service: X-CUSTOM
inputs: { type: object }
steps:
  - id: refused
    kind: activity
    activity: probe.refuse
    input: { message: 'the source file is empty' }
  - id: after
    kind: activity
    activity: probe.echo
`,
    );
    const id = await launch(stack, 't-refuse');
    const detail = await settled(stack, id);
    expect(detail.status).toBe('FAILED');
    expect(detail.failure).toContain('the source file is empty');
    expect(stepTrail(detail)).toEqual(['refused:failed']);
  });

  it('when a switch loops back, then it does so at most maxIterations times and billing counts each iteration', async () => {
    await publish(
      stack,
      `
id: t-loop
version: 1
title: Bounded loop
service: X-CUSTOM
inputs: { type: object }
steps:
  - id: measure
    kind: activity
    activity: probe.echo
    input: { round: 1 }
    norm: { ENG: 0.25 }
  - id: again
    kind: switch
    cases:
      - when: 'true'
        goto: measure
        maxIterations: 2
  - id: done
    kind: end
`,
    );
    const id = await launch(stack, 't-loop');
    const detail = await settled(stack, id);
    expect(detail.status).toBe('COMPLETED');
    expect(stepTrail(detail)).toEqual([
      'measure:completed',
      'again:completed',
      'measure:completed',
      'again:completed',
      'measure:completed',
      'again:completed',
      'done:completed',
    ]);
    expect(await ledger(stack, id)).toEqual(['measure#1:ENG=0.25', 'measure#2:ENG=0.25', 'measure#3:ENG=0.25']);
    await recordHistory(stack, id, 'switch-loop');
  });

  it('when forEach runs over a list with concurrency 2, then every item runs once and the output keeps the order', async () => {
    await publish(
      stack,
      `
id: t-foreach
version: 1
title: Per layer
service: X-CUSTOM
inputs:
  type: object
  properties: { layers: { type: array, items: { type: string } } }
steps:
  - id: per-layer
    kind: forEach
    items: inputs.layers
    as: layer
    concurrency: 2
    steps:
      - id: convert-layer
        kind: activity
        activity: probe.echo
        input: { layer: '\${layer}' }
        norm: { TECH: 1 }
  - id: summary
    kind: activity
    activity: probe.echo
    input: { count: '\${size(steps["per-layer"].output)}' }
`,
    );
    const id = await launch(stack, 't-foreach', { layers: ['pipes', 'valves', 'wells'] });
    const detail = await settled(stack, id);
    expect(detail.status).toBe('COMPLETED');
    const forEach = detail.state.steps.find((s: { stepId: string }) => s.stepId === 'per-layer');
    expect(
      forEach.output.map((o: { steps: Record<string, { output: unknown }> }) => o.steps['convert-layer']!.output),
    ).toEqual([{ layer: 'pipes' }, { layer: 'valves' }, { layer: 'wells' }]);
    expect(detail.state.steps.at(-1).output).toEqual({ count: 3 });
    expect((await ledger(stack, id)).sort()).toEqual([
      'convert-layer#1-1.1:TECH=1',
      'convert-layer#1-2.1:TECH=1',
      'convert-layer#1-3.1:TECH=1',
    ]);
    await recordHistory(stack, id, 'foreach');
  });

  it('when a wait step waits for a duration and until a date, then both timers fire and the process goes on', async () => {
    await publish(
      stack,
      `
id: t-wait
version: 1
title: Timers
service: X-CUSTOM
inputs: { type: object, properties: { at: { type: string } } }
steps:
  - id: pause
    kind: wait
    for: 1s
  - id: until
    kind: wait
    until: inputs.at
  - id: after
    kind: activity
    activity: probe.echo
`,
    );
    const started = Date.now();
    const id = await launch(stack, 't-wait', { at: new Date(Date.now() + 2500).toISOString() });
    const detail = await settled(stack, id);
    expect(detail.status).toBe('COMPLETED');
    expect(Date.now() - started).toBeGreaterThanOrEqual(2500);
    expect(stepTrail(detail)).toEqual(['pause:completed', 'until:completed', 'after:completed']);
    await recordHistory(stack, id, 'wait');
  });

  it('when a fail step is reached, then the engagement fails with its reason and an end step completes it early', async () => {
    await publish(
      stack,
      `
id: t-fail-end
version: 1
title: Fail or end
service: X-CUSTOM
inputs: { type: object, properties: { stop: { type: boolean } } }
steps:
  - id: choose
    kind: switch
    cases:
      - when: inputs.stop
        goto: stop
  - id: finish
    kind: end
  - id: stop
    kind: fail
    reason: 'Stopped on request of \${engagement.customerId}'
`,
    );
    const failed = await settled(stack, await launch(stack, 't-fail-end', { stop: true }));
    expect(failed.status).toBe('FAILED');
    expect(failed.failure).toBe('Stopped on request of kp-teplomerezha');
    const ended = await settled(stack, await launch(stack, 't-fail-end', { stop: false }));
    expect(ended.status).toBe('COMPLETED');
    expect(stepTrail(ended)).toEqual(['choose:completed', 'finish:completed']);
  });

  it('when launch parameters do not match the inputs schema, then the API refuses with 400 naming the field', async () => {
    const response = await apiClient(stack, 'olena.pm')('POST', '/v1/engagements', {
      definitionId: 't-foreach',
      customerId: 'kp-teplomerezha',
      params: { layers: 'pipes' },
    });
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([{ path: '/params/layers', message: 'must be array' }]);
  });
});
