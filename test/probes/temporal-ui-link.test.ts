import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, eventually, startTestStack, type ApiBody, type TestStack } from '../helpers/stack.ts';

/**
 * Probe: the Temporal Web UI shows every workflow's inputs and results and has no roles of its own,
 * yet every role was given `links.temporalUi`. The link now goes only to the roles that may see a
 * workflow's internals (admin, PM); an engineer or finance user sees the engagement without it.
 */
const ROLES: [user: string, link: boolean][] = [
  ['admin', true],
  ['olena.pm', true],
  ['andrii.eng1', false],
  ['maria.finance', false],
];

describe('probe: who is given the Temporal UI link', () => {
  let stack: TestStack;
  let id: string;
  beforeAll(async () => {
    stack = await startTestStack();
    const launched = await apiClient(stack, 'olena.pm')('POST', '/v1/engagements', {
      definitionId: 'minimal',
      customerId: 'kp-teplomerezha',
      params: { topic: 'Who sees the workflow' },
    });
    expect(launched.status).toBe(201);
    id = launched.body.id as string;
    // The engineer sees the engagement once its task is open.
    await eventually(async () => {
      const inbox = await apiClient(stack, 'andrii.eng1')('GET', '/v1/tasks');
      return (inbox.body.items as ApiBody[]).find((t) => t.engagementId === id);
    });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it.each(ROLES)('when %s reads the engagement, then the link is given: %s', async (user, link) => {
    const as = apiClient(stack, user);
    const detail = await as('GET', `/v1/engagements/${id}`);
    const listed = ((await as('GET', '/v1/engagements')).body.items as ApiBody[]).find((e) => e.id === id);
    expect(detail.status).toBe(200);
    expect(listed).toBeDefined();
    for (const links of [detail.body.links, listed!.links] as ApiBody[]) {
      expect(links.self).toBe(`/v1/engagements/${id}`);
      if (link) expect(links.temporalUi).toContain(`/workflows/${id}`);
      else expect(links).not.toHaveProperty('temporalUi');
    }
  });
});
