import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PERMISSIONS } from '../../api/authorization.ts';
import { insertUpload } from '../../db/queries/artifacts.ts';
import { insertRegularSchedule } from '../../db/queries/schedules.ts';
import { apiClient, startTestStack, testContract, type TestStack } from '../helpers/stack.ts';
import {
  CALLERS,
  MATRIX,
  SEES_OTHERS,
  seedOwnAndOther,
  type Caller,
  type Scope,
} from '../helpers/authorization-matrix.ts';

/**
 * The authorization matrix of docs/authorization.md, asserted over HTTP for every operation of the
 * OpenAPI document × every role (and no key) × an object of the caller's own and one of someone
 * else's. The expectations are written out here, not read from api/authorization.ts, so a change
 * to either shows up as a failure; an operation of the document without a row here fails too.
 */
const MINIMAL_YAML = `id: authz-probe
version: 1
title: Authorization probe
service: B-HOTLINE
inputs: { type: object }
steps:
  - id: answer
    kind: task
    title: Answer
    assignee: { category: ENG_I }
    norm: { ENG_I: 1 }
`;

interface Objects {
  engagement: { own: Record<Caller, string>; other: string };
  task: { own: Record<Caller, string>; other: string };
  user: { own: Record<Caller, string>; other: string };
  key: { own: Record<Caller, string>; other: string };
  schedule: { own: Record<Caller, string>; other: string };
  request: string;
  /** A file uploaded to the own and to the other engagement. */
  artifact: { own: number; other: number };
}

describe('authorization: every operation × every role × own and other objects', () => {
  let stack: TestStack;
  let objects: Objects;

  beforeAll(async () => {
    stack = await startTestStack({ worker: false });
    const admin = apiClient(stack, 'admin');
    const { ownEngagement, otherEngagement } = await seedOwnAndOther(stack);
    // Spare keys to revoke: each caller's own, and one of ivan.eng's.
    const spare = async (user: string) => {
      const minted = await apiClient(stack, user)('POST', `/v1/users/${user}/keys`, { label: 'spare' });
      expect(minted.status).toBe(201);
      return minted.body.id as string;
    };
    const ownKeys = {} as Record<Caller, string>;
    for (const [role, user] of Object.entries(CALLERS)) ownKeys[role as Caller] = await spare(user);
    ownKeys.anonymous = '000000000000';
    const request = await apiClient(stack, null)('POST', '/v1/requests', {
      customer: { name: 'Міськводоканал' },
      contact: { name: 'Oleh', email: 'oleh@example.org' },
      text: 'Our network model lost its valves after an import.',
    });
    expect(request.status).toBe(201);
    const listed = await admin('GET', '/v1/requests');
    const upload = async (engagementId: string) =>
      (
        await insertUpload(stack.pool, {
          engagementId,
          name: 'matrix.txt',
          mediaType: 'text/plain',
          sha256: createHash('sha256').update('matrix').digest('hex'),
          content: Buffer.from('matrix'),
        })
      ).row.id;
    // Schedule rows only: Temporal has no such schedules, which the routes answer without a 5xx.
    const schedule = async (engagementId: string) => {
      const id = `matrix-${engagementId}`;
      await insertRegularSchedule(stack.pool, {
        id,
        engagementId,
        kind: 'procedure',
        title: 'Matrix probe',
        procedure: { procedure: 'probe', hoursPerRun: 1 },
        norm: null,
      });
      return id;
    };
    const same = <T>(value: T): Record<Caller, T> => ({
      anonymous: value,
      admin: value,
      pm: value,
      engineer: value,
      finance: value,
    });
    objects = {
      engagement: { own: same(ownEngagement!), other: otherEngagement! },
      task: { own: same('seed-own-1'), other: 'seed-other-1' },
      user: {
        own: { anonymous: 'admin', ...Object.fromEntries(Object.entries(CALLERS)) } as Record<Caller, string>,
        other: 'ivan.eng',
      },
      key: { own: ownKeys, other: await spare('ivan.eng') },
      schedule: { own: same(await schedule(ownEngagement!)), other: await schedule(otherEngagement!) },
      request: listed.body.items[0].id as string,
      artifact: { own: await upload(ownEngagement!), other: await upload(otherEngagement!) },
    };
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('when the document is read, then every operation has a row in the matrix and in api/authorization.ts', () => {
    const documented = testContract().operations.map((o) => o.operationId);
    expect(new Set(documented).size).toBe(documented.length);
    expect([...documented].sort()).toEqual(Object.keys(MATRIX).sort());
    expect(Object.keys(PERMISSIONS).sort()).toEqual(Object.keys(MATRIX).sort());
  });

  /** The path of an operation with its parameters filled for the caller: own or other object. */
  function pathFor(template: string, scope: Scope, caller: Caller, whose: 'own' | 'other'): string {
    const id = scope === null ? null : whose === 'own' ? objects[scope].own[caller] : objects[scope].other;
    return template
      .replace('{id}', (name) => {
        if (id !== null) return id;
        if (template.startsWith('/v1/definitions')) return 'minimal';
        if (template.startsWith('/v1/customers')) return 'kp-teplomerezha';
        if (template.startsWith('/v1/requests')) return objects.request;
        return name === '{id}' ? '99999999' : name;
      })
      .replace('{engagementId}', id ?? objects.engagement.own.admin)
      .replace('{actId}', '99999999')
      .replace('{code}', 'LOCAL:NO-SUCH-SYSTEM')
      .replace('{deliveryId}', '99999999')
      .replace('{name}', 'probe.txt')
      .replace('{artifactId}', String(objects.artifact[whose]));
  }

  /** A request each operation accepts in shape, so the answer is about who asks, not what. */
  function requestFor(operationId: string): { query?: string; body?: unknown; type?: string } {
    switch (operationId) {
      case 'createUser':
        return { body: { id: `u${Math.random().toString(36).slice(2, 10)}`, name: 'Probe', role: 'finance' } };
      case 'createApiKey':
        return { body: { label: 'matrix' } };
      case 'launchEngagement':
        return { body: { definitionId: 'no-such-definition', customerId: 'kp-teplomerezha' } };
      case 'completeTask':
        return { body: { result: { answer: 'probe' }, hoursSpent: 0.5 } };
      case 'validateDefinition':
      case 'publishDefinition':
        return { body: MINIMAL_YAML, type: 'application/yaml' };
      case 'estimateDefinition':
        return { body: { inputs: { topic: 'x' } } };
      case 'reverseBillingRecord':
        return { body: { reason: 'matrix probe' } };
      case 'uploadFile':
      case 'uploadReleaseFile':
        return { body: Buffer.from('probe') };
      case 'createRelease':
        return { body: { version: `9.${Math.floor(Math.random() * 1e6)}` } };
      case 'createAct':
        return { body: { engagementId: objects.engagement.own.admin } };
      case 'getEntitlement':
        return { query: '?service=B-HOTLINE' };
      case 'submitServiceRequest':
        return {
          body: {
            customer: { id: 'kp-teplomerezha' },
            contact: { name: 'Probe', phone: '+380 57 700 00 00' },
            text: 'Authorization matrix probe request.',
          },
        };
      case 'backfillSchedule':
        return { body: { from: '2026-03-01T00:00:00Z', to: '2026-03-02T00:00:00Z' } };
      case 'triageServiceRequest':
        return { body: { outcome: 'rejected', reason: 'matrix probe' } };
      default:
        return {};
    }
  }

  const callers: Caller[] = ['anonymous', 'admin', 'pm', 'engineer', 'finance'];

  it('when each caller calls each operation on own and other objects, then the answers follow the matrix', async () => {
    const failures: string[] = [];
    let checked = 0;
    for (const operation of testContract().operations) {
      const row = MATRIX[operation.operationId]!;
      for (const caller of callers) {
        for (const whose of row.scope === null ? (['own'] as const) : (['own', 'other'] as const)) {
          const path = pathFor(operation.path, row.scope, caller, whose);
          const { query = '', body, type } = requestFor(operation.operationId);
          const client = apiClient(stack, caller === 'anonymous' ? null : CALLERS[caller]);
          const response = await client(
            operation.method.toUpperCase(),
            `${path}${query}`,
            body,
            type ? { 'content-type': type } : {},
          );
          checked += 1;
          const label = `${operation.operationId} ${operation.method.toUpperCase()} ${path} as ${caller} (${whose}) → ${response.status}`;
          const allowed = row.roles === 'public' || (caller !== 'anonymous' && row.roles.includes(caller));
          if (row.roles !== 'public' && caller === 'anonymous') {
            if (response.status !== 401) failures.push(`${label}, expected 401`);
          } else if (!allowed) {
            if (response.status !== 403) failures.push(`${label}, expected 403`);
          } else if (row.scope !== null && whose === 'other' && !SEES_OTHERS[row.scope].includes(caller)) {
            if (response.status !== 404) failures.push(`${label}, expected 404 (not visible)`);
          } else if ([401, 403].includes(response.status) || (row.scope !== null && response.status === 404)) {
            failures.push(`${label}, expected to be let through: ${JSON.stringify(response.body)}`);
          } else if (response.status >= 500) {
            failures.push(`${label}: ${JSON.stringify(response.body)}`);
          }
        }
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(200);
  });

  it('when a PM manages a customer, then they see its engagements and tasks though another PM launched them', async () => {
    const petro = apiClient(stack, 'petro.pm');
    const olena = apiClient(stack, 'olena.pm');
    expect((await petro('GET', `/v1/engagements/${objects.engagement.other}`)).status).toBe(200);
    expect((await petro('GET', `/v1/tasks/${objects.task.other}`)).status).toBe(200);
    expect((await petro('GET', `/v1/engagements/${objects.engagement.own.pm}`)).status).toBe(404);
    const listed = await olena('GET', '/v1/engagements');
    expect(listed.body.items.map((e: { id: string }) => e.id)).toEqual([objects.engagement.own.pm]);
    const all = await apiClient(stack, 'maria.finance')('GET', '/v1/engagements');
    expect(all.body.items).toHaveLength(2);
  });

  it('when an engineer lists engagements, then they see those with a task they may work on', async () => {
    const andrii = await apiClient(stack, 'andrii.eng1')('GET', '/v1/engagements');
    expect(andrii.body.items.map((e: { id: string }) => e.id)).toEqual([objects.engagement.own.engineer]);
    const ivan = await apiClient(stack, 'ivan.eng')('GET', '/v1/engagements');
    expect(ivan.body.items.map((e: { id: string }) => e.id)).toEqual([objects.engagement.other]);
  });
});
