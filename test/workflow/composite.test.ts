import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestStack, type TestStack } from '../helpers/stack.ts';
import { complete, launch, ledger, openTask, publish, settled, stepTrail } from '../helpers/engagements.ts';
import { recordHistory } from '../helpers/histories.ts';

const CHILD = `
id: t-child
version: 1
title: Field survey (subprocess)
service: X-CUSTOM
inputs: { type: object, required: [site], properties: { site: { type: string } } }
steps:
  - id: survey
    kind: task
    title: 'Survey \${inputs.site}'
    assignee: { category: TECH }
    norm: { TECH: 4 }
    form: { type: object, required: [points], properties: { points: { type: integer } } }
`;

const COMPOSITE = `
id: t-composite
version: 1
title: Every step kind
service: X-CUSTOM
inputs:
  type: object
  required: [layers]
  properties: { layers: { type: array, items: { type: string } } }
steps:
  - id: inspect
    kind: activity
    activity: probe.echo
    input: { layers: '\${inputs.layers}' }
  - id: scope
    kind: task
    title: Scope the work
    assignee: { category: LEAD }
    norm: { LEAD: 1 }
    form: { type: object, required: [fieldWork], properties: { fieldWork: { type: boolean } } }
  - id: approve
    kind: approval
    title: Approve the scope
    approvers: [{ role: pm }]
    fourEyes: [scope]
  - id: work
    kind: parallel
    branches:
      - name: layers
        steps:
          - id: per-layer
            kind: forEach
            items: steps.inspect.output.layers
            concurrency: 2
            steps:
              - id: convert
                kind: activity
                activity: probe.echo
                input: { layer: '\${item}' }
                norm: { ENG_II: 0.5 }
      - name: field
        steps:
          - id: need-field
            kind: switch
            cases:
              - when: steps.scope.result.fieldWork
                goto: field-survey
            default: no-field
          - id: no-field
            kind: end
          - id: field-survey
            kind: subprocess
            definition: t-child
            input: { site: 'pumping station 3' }
  - id: settle
    kind: wait
    for: 500ms
  - id: deliver
    kind: activity
    activity: notify.send
    input: { to: customer, subject: 'Deliverables for \${size(inputs.layers)} layers' }
`;

/** One definition with every step kind, run end to end over HTTP. */
describe('the interpreter: a composite definition of every step kind', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
    await publish(stack, CHILD);
    await publish(stack, COMPOSITE);
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('when every human step is completed over HTTP, then the steps run in order and the ledger holds each billed step once', async () => {
    const id = await launch(stack, 't-composite', { layers: ['pipes', 'valves', 'hydrants'] });
    const scope = await openTask(stack, id, 'scope');
    expect(
      (await complete(stack, 'iryna.lead', scope.id, { result: { fieldWork: true }, hoursSpent: 1.25 })).status,
    ).toBe(200);
    const approve = await openTask(stack, id, 'approve');
    expect((await complete(stack, 'olena.pm', approve.id, { decision: 'approve', hoursSpent: 0 })).status).toBe(200);

    // The subprocess is an engagement of its own, with its own task.
    const child = await eventually(async () => {
      const { rows } = await stack.pool.query<{ id: string }>(
        `SELECT id FROM engagements WHERE definition_id = 't-child' AND idempotency_key = 'child:' || id::text`,
      );
      return rows[0]?.id;
    });
    const survey = await openTask(stack, child, 'survey');
    expect((await complete(stack, 'oksana.tech', survey.id, { result: { points: 14 }, hoursSpent: 3 })).status).toBe(
      200,
    );

    const detail = await settled(stack, id);
    expect(detail.status).toBe('COMPLETED');
    const trail = stepTrail(detail);
    expect(trail.slice(0, 4)).toEqual(['inspect:completed', 'scope:completed', 'approve:completed', 'work:completed']);
    expect(trail.slice(-2)).toEqual(['settle:completed', 'deliver:completed']);
    expect(trail.filter((s) => s.startsWith('convert:'))).toHaveLength(3);
    expect(trail).toContain('field-survey:completed');
    expect(trail).not.toContain('no-field:completed');
    const survey_ = detail.state.steps.find((s: { stepId: string }) => s.stepId === 'field-survey');
    expect(survey_.output).toEqual({ engagementId: child, status: 'COMPLETED' });

    expect((await ledger(stack, id)).sort()).toEqual([
      'convert#1-1.1:ENG_II=0.5',
      'convert#1-2.1:ENG_II=0.5',
      'convert#1-3.1:ENG_II=0.5',
      'scope#1:LEAD=1',
    ]);
    expect(await ledger(stack, child)).toEqual(['survey#1:TECH=4']);
    const childDetail = await settled(stack, child);
    expect(childDetail.entitlement).toMatchObject({ basis: 'a' });
    const { rows } = await stack.pool.query('SELECT recipient, subject FROM notifications WHERE engagement_id = $1', [
      id,
    ]);
    expect(rows).toEqual([{ recipient: 'customer', subject: 'Deliverables for 3 layers' }]);
    await recordHistory(stack, id, 'composite');
  });
});
