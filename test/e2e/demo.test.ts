import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countFeaturesByLayer, projectSchemaName, selectCrs } from '../../db/project-schema.ts';
import { DEMO_CUSTOMERS, seedDemoNetworks } from '../../scripts/demo-projects.ts';
import { complete, openTask, settled, stepTrail } from '../helpers/engagements.ts';
import { apiClient, startTestStack, type TestStack } from '../helpers/stack.ts';

/**
 * The demo as `npm start` seeds it, with nothing loaded by the suite: every demo project has a
 * network in its own coordinate system, and a PM takes re-coordination and an audit on demo data to
 * COMPLETED over HTTP with the demo users (the second lead approving what the first decided).
 */
describe('the demo projects carry the core processes through', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
    expect(await seedDemoNetworks(stack.pool)).toEqual([
      'teplomerezha-main',
      'vodokanal-main',
      'sumy-cloud',
      'lubny-main',
    ]);
  });
  afterAll(async () => {
    await stack?.close();
  });

  /** The open task of a step, completed by a demo user. */
  async function completeStep(id: string, stepId: string, user: string, body: Record<string, unknown>): Promise<void> {
    const task = await openTask(stack, id, stepId);
    const response = await complete(stack, user, task.id, body);
    expect(response.status, `${stepId}: ${JSON.stringify(response.body)}`).toBe(200);
  }

  it('when the demo is seeded twice, then every project has its network in its own CRS, loaded once', async () => {
    expect(await seedDemoNetworks(stack.pool)).toEqual([]);
    const pm = apiClient(stack, 'olena.pm');
    for (const customerId of DEMO_CUSTOMERS) {
      const customer = (await pm('GET', `/v1/customers/${customerId}`)).body;
      for (const project of customer.projects as { id: string; crs: string }[]) {
        const schema = projectSchemaName(project.id);
        expect(`EPSG:${(await selectCrs(stack.pool, schema))?.epsg}`).toBe(project.crs);
        expect(await countFeaturesByLayer(stack.pool, schema)).toMatchObject({ water_pipe: 70, water_hydrant: 5 });
      }
    }
  });

  it('when the PM launches a re-coordination of lubny-main, then the demo users take it through its quote to COMPLETED', async () => {
    const pm = apiClient(stack, 'olena.pm');
    const launched = await pm('POST', '/v1/engagements', {
      definitionId: 'reprojection',
      customerId: 'lubny-vodokanal',
      params: { projectId: 'lubny-main', sourceCrs: 'EPSG:7829', targetCrs: 'EPSG:9858' },
    });
    expect(launched.status, JSON.stringify(launched.body)).toBe(201);
    const id = launched.body.id as string;
    const step = (stepId: string, user: string, body: Record<string, unknown>) => completeStep(id, stepId, user, body);
    // lubny-vodokanal has no contract for extended services: the estimate is approved first.
    expect(launched.body.entitlement).toMatchObject({ outcome: 'quote' });
    await step('quote-pm', 'olena.pm', { decision: 'approve', hoursSpent: 0 });
    await step('quote-customer', 'olena.pm', { decision: 'approve', hoursSpent: 0 });
    await step('provide-base', 'olena.pm', {
      result: { baseFiles: ['lcs63-base.dxf'], currentSystem: 'SK-63 zone X5' },
      hoursSpent: 0,
    });
    await step('path', 'iryna.lead', { result: { path: 'rigorous' }, hoursSpent: 2 });
    await step('vendor-approval', 'bohdan.lead', { decision: 'approve', hoursSpent: 0.2 });
    await step('customer-approval', 'olena.pm', { decision: 'approve', hoursSpent: 0 });
    await step('qa', 'andrii.eng1', { result: { ok: true }, hoursSpent: 6 });
    const detail = await settled(stack, id);
    expect(detail.status, detail.failure).toBe('COMPLETED');
    expect(stepTrail(detail)).toContain('switch-crs:completed');
  });

  it('when the PM launches an audit of vodokanal-main, then the demo users take it to COMPLETED with its report', async () => {
    const pm = apiClient(stack, 'olena.pm');
    const launched = await pm('POST', '/v1/engagements', {
      definitionId: 'db-audit',
      customerId: 'kp-vodokanal',
      projectId: 'vodokanal-main',
      params: { database: 'vodokanal (demo)' },
    });
    expect(launched.status, JSON.stringify(launched.body)).toBe(201);
    const id = launched.body.id as string;
    const step = (stepId: string, user: string, body: Record<string, unknown>) => completeStep(id, stepId, user, body);
    await step('preserve', 'olena.pm', { result: { editingStopped: true }, hoursSpent: 0 });
    await step('transfer-consent', 'olena.pm', { decision: 'approve', hoursSpent: 0 });
    await step('analysis', 'andrii.eng1', { result: { cause: 'user-errors' }, hoursSpent: 6 });
    await step('lead-review', 'iryna.lead', { result: { recoveryFeasible: false }, hoursSpent: 1 });
    const detail = await settled(stack, id);
    expect(detail.status, detail.failure).toBe('COMPLETED');
    const audit = detail.state.steps.find((s: { stepId: string }) => s.stepId === 'audit');
    expect(audit.status).toBe('completed');
    expect(stepTrail(detail)).toContain('final-report:completed');
  });
});
