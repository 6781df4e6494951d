import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, startTestStack, type TestStack } from '../helpers/stack.ts';

/**
 * What a PM needs before a launch — the customers and their projects — and the one project of an
 * engagement checked at launch: a `params.projectId` is a project of the customer like the
 * top-level `projectId`, the two may not disagree, and every refusal names its field.
 */
describe('customers, their projects, and the project of a launch', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack?.close();
  });

  const REPROJECTION = { sourceCrs: 'EPSG:7829', targetCrs: 'EPSG:9858' };

  async function engagementCount(): Promise<number> {
    return (await stack.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM engagements')).rows[0]!.n;
  }

  it('when a PM lists customers, then each comes with the project ids a launch names, in pages', async () => {
    const pm = apiClient(stack, 'olena.pm');
    const all = await pm('GET', '/v1/customers');
    expect(all.status).toBe(200);
    expect(all.body.nextCursor).toBeNull();
    const vodokanal = all.body.items.find((c: { id: string }) => c.id === 'kp-vodokanal');
    expect(vodokanal).toMatchObject({
      name: expect.stringContaining('Водоканал'),
      vatPayer: true,
      projects: [{ id: 'vodokanal-main', edition: 'on-prem', licensed: true, crs: 'EPSG:5565' }],
    });
    const ids = all.body.items.map((c: { id: string }) => c.id);
    const first = await pm('GET', '/v1/customers?limit=2');
    expect(first.body.items.map((c: { id: string }) => c.id)).toEqual(ids.slice(0, 2));
    const second = await pm('GET', `/v1/customers?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.items.map((c: { id: string }) => c.id)).toEqual(ids.slice(2, 4));

    const one = await apiClient(stack, 'maria.finance')('GET', '/v1/customers/lubny-vodokanal');
    expect(one.body).toMatchObject({ id: 'lubny-vodokanal', vatPayer: false, projects: [{ id: 'lubny-main' }] });
    expect((await pm('GET', '/v1/customers/nobody')).status).toBe(404);
    expect((await apiClient(stack, 'andrii.eng1')('GET', '/v1/customers')).status).toBe(403);
  });

  it('when params.projectId names no project of the customer, then 422 points at it and nothing is launched', async () => {
    const before = await engagementCount();
    const response = await apiClient(stack, 'olena.pm')('POST', '/v1/engagements', {
      definitionId: 'reprojection',
      customerId: 'kp-vodokanal',
      params: { projectId: 'p1', ...REPROJECTION },
    });
    expect(response.status).toBe(422);
    expect(response.body.type).toBe('/problems/reference-invalid');
    expect(response.body.errors).toEqual([
      {
        path: '/params/projectId',
        message:
          'names no project of customer kp-vodokanal: "p1"; its projects are "vodokanal-main" (GET /v1/customers/kp-vodokanal)',
      },
    ]);
    expect(await engagementCount()).toBe(before);
  });

  it("when a launch names another customer's project, then 422 points at projectId", async () => {
    const response = await apiClient(stack, 'olena.pm')('POST', '/v1/engagements', {
      definitionId: 'minimal',
      customerId: 'kp-teplomerezha',
      projectId: 'vodokanal-main',
      params: { topic: 'Wrong project' },
    });
    expect(response.status).toBe(422);
    expect(response.body.errors).toEqual([
      { path: '/projectId', message: expect.stringContaining('"vodokanal-main"') },
    ]);
  });

  it('when projectId and params.projectId disagree, then 422 points at params.projectId', async () => {
    const response = await apiClient(stack, 'olena.pm')('POST', '/v1/engagements', {
      definitionId: 'reprojection',
      customerId: 'kp-vodokanal',
      projectId: 'vodokanal-main',
      params: { projectId: 'lubny-main', ...REPROJECTION },
    });
    expect(response.status).toBe(422);
    expect(response.body.errors).toEqual([
      {
        path: '/params/projectId',
        message:
          'names project "lubny-main" but projectId names "vodokanal-main"; an engagement works on one project, give it once',
      },
    ]);
  });

  it('when the customer is unknown, then 422 points at customerId', async () => {
    const response = await apiClient(stack, 'olena.pm')('POST', '/v1/engagements', {
      definitionId: 'minimal',
      customerId: 'nz-main',
      params: { topic: 'Nobody' },
    });
    expect(response.status).toBe(422);
    expect(response.body.errors).toEqual([
      { path: '/customerId', message: 'names no customer "nz-main"; list them at GET /v1/customers' },
    ]);
  });

  it('when only one of them is given, then the engagement has that one project in both places', async () => {
    const pm = apiClient(stack, 'olena.pm');
    const top = await pm('POST', '/v1/engagements', {
      definitionId: 'reprojection',
      customerId: 'kp-vodokanal',
      projectId: 'vodokanal-main',
      params: REPROJECTION,
    });
    expect(top.status, JSON.stringify(top.body)).toBe(201);
    const inParams = await pm('POST', '/v1/engagements', {
      definitionId: 'reprojection',
      customerId: 'kp-vodokanal',
      params: { projectId: 'vodokanal-main', ...REPROJECTION },
    });
    expect(inParams.status, JSON.stringify(inParams.body)).toBe(201);
    for (const id of [top.body.id, inParams.body.id]) {
      const { rows } = await stack.pool.query('SELECT project_id, params FROM engagements WHERE id = $1', [id]);
      expect(rows[0]).toMatchObject({ project_id: 'vodokanal-main', params: { projectId: 'vodokanal-main' } });
      await pm('POST', `/v1/engagements/${id}/cancel`);
    }
  });

  it('when a parameter misses a field or breaks an enum, then each error points at the field and lists what is allowed', async () => {
    const pm = apiClient(stack, 'olena.pm');
    const response = await pm('POST', '/v1/engagements', {
      definitionId: 'training',
      customerId: 'kp-teplomerezha',
      params: { days: 2, roles: ['boss'] },
    });
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual(
      expect.arrayContaining([
        { path: '/params/site', message: 'missing required field "site"' },
        {
          path: '/params/roles/0',
          message: 'must be one of "administrator", "data-editor", "calculation-engineer" or "viewer"',
        },
      ]),
    );
    const graph = await pm('GET', '/v1/definitions/minimal/graph?format=png');
    expect(graph.status).toBe(400);
    expect(graph.body.errors).toEqual([{ path: 'format', message: 'must be one of "mermaid" or "svg"' }]);
    const nul = await pm('POST', '/v1/engagements', {
      definitionId: 'minimal',
      customerId: 'kp-teplomerezha',
      params: { topic: 'a\u0000b' },
    });
    expect(nul.status).toBe(400);
    expect(nul.body.errors).toEqual([{ path: '/params/topic', message: expect.stringContaining('NUL') }]);
  });
});
