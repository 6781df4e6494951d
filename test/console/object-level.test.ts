import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertPassword } from '../../db/queries/passwords.ts';
import { hashPassword } from '../../lib/passwords.ts';
import {
  CALLERS,
  MATRIX,
  SEES_OTHERS,
  seedOwnAndOther,
  type Caller,
  type Scope,
} from '../helpers/authorization-matrix.ts';
import { apiClient, startTestStack, type TestStack } from '../helpers/stack.ts';

type Role = Exclude<Caller, 'anonymous'>;

/**
 * Object-level checks of the console against the API's authorization matrix: for every page and
 * role, with an object of the caller's own and one of someone else's, the page answers what the
 * API answers the same user (200, 403 for a role without the operation, 404 for an object they
 * cannot see), and list pages never show an object the API would hide from them.
 */
const PAGES: {
  name: string;
  path: (o: { engagement: string; task: string }) => string;
  operationId: string;
  scope: Scope;
}[] = [
  {
    name: 'engagement',
    path: (o) => `/console/engagements/${o.engagement}`,
    operationId: 'getEngagement',
    scope: 'engagement',
  },
  {
    name: 'engagement progress',
    path: (o) => `/console/engagements/${o.engagement}/progress`,
    operationId: 'getEngagementTimeline',
    scope: 'engagement',
  },
  { name: 'task', path: (o) => `/console/tasks/${encodeURIComponent(o.task)}`, operationId: 'getTask', scope: 'task' },
  { name: 'inbox', path: () => '/console/inbox?view=all', operationId: 'listTasks', scope: null },
  { name: 'dashboard', path: () => '/console/dashboard', operationId: 'launchEngagement', scope: null },
  { name: 'launch', path: () => '/console/launch', operationId: 'launchEngagement', scope: null },
  { name: 'engagements', path: () => '/console/engagements', operationId: 'listEngagements', scope: null },
  { name: 'requests', path: () => '/console/requests', operationId: 'listServiceRequests', scope: null },
];

const PASSWORD = 'object level password';

describe('console: object-level checks per page and role', () => {
  let stack: TestStack;
  const cookies = {} as Record<Role, string>;
  const own = { engagement: '', task: 'seed-own-1' };
  const other = { engagement: '', task: 'seed-other-1' };

  beforeAll(async () => {
    stack = await startTestStack({ worker: false });
    const seeded = await seedOwnAndOther(stack);
    own.engagement = seeded.ownEngagement;
    other.engagement = seeded.otherEngagement;
    const hash = await hashPassword(PASSWORD);
    for (const [role, user] of Object.entries(CALLERS) as [Role, string][]) {
      await upsertPassword(stack.pool, user, hash);
      const page = await fetch(`${stack.url}/console/sign-in`);
      const form = /potik_form=([^;]+)/.exec(page.headers.get('set-cookie') ?? '')![1];
      const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!;
      const signedIn = await fetch(`${stack.url}/console/sign-in`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `potik_form=${form}` },
        body: new URLSearchParams({ _csrf: token, user, password: PASSWORD }).toString(),
      });
      expect(signedIn.status).toBe(303);
      cookies[role] = /potik_session=[^;]+/.exec(signedIn.headers.get('set-cookie') ?? '')![0];
    }
  });
  afterAll(async () => {
    await stack?.close();
  });

  const get = (role: Role, path: string) =>
    fetch(`${stack.url}${path}`, { redirect: 'manual', headers: { cookie: cookies[role] } });

  function expected(role: Role, operationId: string, scope: Scope, whose: 'own' | 'other'): number {
    const { roles } = MATRIX[operationId]!;
    if (roles === 'public' || !roles.includes(role)) return 403;
    if (scope !== null && whose === 'other' && !SEES_OTHERS[scope].includes(role)) return 404;
    return 200;
  }

  for (const page of PAGES) {
    it(`when each role opens the ${page.name} page with its own and someone else's object, then it answers as the matrix says`, async () => {
      const answers: string[] = [];
      const wanted: string[] = [];
      for (const role of Object.keys(CALLERS) as Role[]) {
        for (const whose of page.scope === null ? (['own'] as const) : (['own', 'other'] as const)) {
          const response = await get(role, page.path(whose === 'own' ? own : other));
          const html = await response.text();
          answers.push(`${role} ${whose} ${response.status}`);
          wanted.push(`${role} ${whose} ${expected(role, page.operationId, page.scope, whose)}`);
          if (response.status !== 200) continue;
          // Nothing of the other PM's customer — their engagement or its tasks — reaches a page of one who may
          // not see it. (Who sees the engagement also sees its tasks listed in it, as the API's view does.)
          if (!SEES_OTHERS.engagement.includes(role)) {
            expect(html, `${page.name} as ${role}`).not.toContain(other.engagement);
            expect(html, `${page.name} as ${role}`).not.toContain(other.task);
          }
          // A task link is offered only to roles that may open tasks.
          if (!MATRIX.getTask!.roles.includes(role)) expect(html).not.toContain('/console/tasks/');
        }
      }
      expect(answers).toEqual(wanted);
    });
  }

  it('when a page names an object, then its answer is the one the API gives the same user', async () => {
    for (const role of Object.keys(CALLERS) as Role[]) {
      for (const objects of [own, other]) {
        const api = apiClient(stack, CALLERS[role]);
        const apiEngagement = (await api('GET', `/v1/engagements/${objects.engagement}`)).status;
        const apiTask = (await api('GET', `/v1/tasks/${encodeURIComponent(objects.task)}`)).status;
        expect((await get(role, `/console/engagements/${objects.engagement}`)).status, `engagement as ${role}`).toBe(
          apiEngagement,
        );
        expect((await get(role, `/console/tasks/${encodeURIComponent(objects.task)}`)).status, `task as ${role}`).toBe(
          apiTask,
        );
      }
    }
  });

  it('when a list page is shown, then it holds the objects the API lists for the same user', async () => {
    const engineer = await (await get('engineer', '/console/inbox?view=all')).text();
    expect(engineer).toContain('seed-own-1');
    const admin = await (await get('admin', '/console/inbox?view=all')).text();
    expect(admin).toContain('seed-other-1');
    const finance = await (await get('finance', '/console/engagements')).text();
    expect(finance).toContain(other.engagement);
    const pm = await (await get('pm', '/console/engagements')).text();
    expect(pm).toContain(own.engagement);
  });
});
