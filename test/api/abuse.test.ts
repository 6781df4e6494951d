import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertSeedRunningEngagements, insertSeedTasks } from '../../db/queries/task-seed.ts';
import { apiClient, startTestStack, testContract, type TestStack } from '../helpers/stack.ts';

/**
 * Random and mutated bodies against every write route of the OpenAPI document: whatever arrives,
 * the answer is never a 5xx, and it is one the document lists (the client checks every response).
 * Requests go one at a time to the app in this process; the generators stay small so the suite
 * runs in well under a minute.
 */
const RUNS = 1000;

const SEEDS: Record<string, unknown> = {
  createUser: { id: 'probe.user', name: 'Probe', role: 'engineer', category: 'ENG_I', groups: ['gis'] },
  createApiKey: { label: 'probe', expiresAt: '2099-01-01T00:00:00Z' },
  launchEngagement: { definitionId: 'minimal', customerId: 'kp-teplomerezha', params: { topic: 'Probe' } },
  completeTask: { result: { answer: 'Probe' }, hoursSpent: 1, comment: 'ok' },
  estimateDefinition: { inputs: { topic: 'Probe' }, date: '2026-03-01' },
  reverseBillingRecord: { reason: 'Probe reversal' },
  createAct: { engagementId: '7c1f5a52-5f0e-4d43-8a55-3b1c2a6f2f10', date: '2026-03-01' },
  submitServiceRequest: {
    customer: { id: 'kp-teplomerezha' },
    contact: { name: 'Probe', email: 'probe@example.org' },
    text: 'A request from the abuse suite.',
  },
  triageServiceRequest: { outcome: 'rejected', reason: 'Probe' },
};

const YAML_SEED = `id: abuse-probe
version: 1
title: Abuse probe
service: B-HOTLINE
inputs: { type: object }
steps:
  - id: answer
    kind: task
    title: Answer
    assignee: { category: ENG_I }
    norm: { ENG_I: 1 }
`;

const nasty = fc.constantFrom<unknown>(
  '__proto__',
  JSON.parse('{"__proto__": {"admin": true}}') as unknown,
  JSON.parse('{"constructor": {"prototype": {"polluted": true}}}') as unknown,
  1e308,
  -0,
  Number.MAX_SAFE_INTEGER + 2,
  '\u0000',
  '😀'.repeat(50),
  'x'.repeat(5000),
  [[[[[[[[[[[]]]]]]]]]]],
  null,
  true,
  '',
  '2026-02-30',
  '../../etc/passwd',
  "'; DROP TABLE users; --",
);

const value = fc.oneof({ depthSize: 'small', withCrossShrink: true }, fc.jsonValue({ maxDepth: 3 }), nasty);

/** A seed with one to three of its fields removed, replaced or joined by unknown ones, at any depth. */
function mutated(seed: unknown): fc.Arbitrary<unknown> {
  const mutation = fc.tuple(fc.nat(), fc.constantFrom('drop', 'replace', 'add'), fc.string({ maxLength: 12 }), value);
  return fc.array(mutation, { minLength: 1, maxLength: 3 }).map((mutations) => {
    const copy = structuredClone(seed) as Record<string, unknown>;
    for (const [pick, kind, name, replacement] of mutations) {
      // Walk to a random object inside the copy.
      let target: Record<string, unknown> = copy;
      for (;;) {
        const nested = Object.values(target).filter(
          (v): v is Record<string, unknown> => typeof v === 'object' && v !== null,
        );
        if (nested.length === 0 || pick % 3 === 0) break;
        target = nested[pick % nested.length]!;
        if (Math.floor(pick / 3) % 2 === 0) break;
      }
      const keys = Object.keys(target);
      const key = keys.length ? keys[pick % keys.length]! : name;
      if (kind === 'drop') delete target[key];
      else if (kind === 'replace') target[key] = structuredClone(replacement);
      else target[name || 'extra'] = structuredClone(replacement);
    }
    return copy;
  });
}

/** The raw body text: JSON of a value, or bytes that are not JSON at all. */
function bodies(seed: unknown): fc.Arbitrary<string> {
  const json = fc.oneof(
    { weight: 3, arbitrary: seed === undefined ? value : mutated(seed) },
    { weight: 1, arbitrary: value },
  );
  return fc.oneof(
    { weight: 6, arbitrary: json.map((v) => JSON.stringify(v) ?? 'null') },
    { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
    { weight: 1, arbitrary: json.map((v) => (JSON.stringify(v) ?? '').slice(0, 17)) },
  );
}

function yamlBodies(): fc.Arbitrary<string> {
  const lines = YAML_SEED.split('\n');
  return fc.oneof(
    fc.string({ maxLength: 300 }),
    fc.tuple(fc.nat(lines.length - 1), fc.string({ maxLength: 40 })).map(([at, text]) => {
      const copy = [...lines];
      copy[at] = text;
      return copy.join('\n');
    }),
    fc.nat(60).map((depth) => `${'['.repeat(depth * 20)}${']'.repeat(depth * 20)}`),
    fc.constantFrom('a: &x [1]\nb: *x\n', '!!js/function "x"', 'id: x\nsteps: !custom 1\n', '\t- id:\n'),
  );
}

describe('abuse: random and mutated bodies on every write route', () => {
  let stack: TestStack;
  let ids: { engagement: string; task: string; request: string; key: string };

  beforeAll(async () => {
    stack = await startTestStack({ worker: false });
    const [engagement] = await insertSeedRunningEngagements(stack.pool, {
      customerId: 'kp-teplomerezha',
      serviceCode: 'B-HOTLINE',
      definitionId: 'minimal',
      count: 1,
      launchedBy: 'admin',
    });
    await insertSeedTasks(stack.pool, {
      engagementIds: [engagement!],
      count: 1,
      category: 'ENG_I',
      group: null,
      user: null,
      batch: 'abuse',
    });
    const request = await apiClient(stack, null)('POST', '/v1/requests', SEEDS.submitServiceRequest);
    expect(request.status).toBe(201);
    const listed = await apiClient(stack, 'admin')('GET', '/v1/requests');
    const key = await apiClient(stack, 'admin')('POST', '/v1/users/admin/keys', { label: 'abuse' });
    ids = {
      engagement: engagement!,
      task: 'seed-abuse-1',
      request: listed.body.items[0].id as string,
      key: key.body.id as string,
    };
  });
  afterAll(async () => {
    await stack?.close();
  });

  const writes = () => testContract().operations.filter((o) => ['post', 'put', 'patch', 'delete'].includes(o.method));

  it('when the write routes are listed from the document, then there are all of them', () => {
    expect(
      writes()
        .map((o) => o.operationId)
        .sort(),
    ).toEqual(
      [
        'cancelEngagement',
        'claimTask',
        'completeTask',
        'createAct',
        'createApiKey',
        'createSession',
        'createUser',
        'deleteAllSessions',
        'deleteSession',
        'estimateDefinition',
        'issueAct',
        'launchEngagement',
        'publishDefinition',
        'reverseBillingRecord',
        'revokeApiKey',
        'signAct',
        'submitServiceRequest',
        'triageServiceRequest',
        'uploadFile',
        'validateDefinition',
        'defineMunicipalCrs',
        'createRelease',
        'uploadReleaseFile',
        'pauseSchedule',
        'unpauseSchedule',
        'triggerSchedule',
        'backfillSchedule',
        'deleteSchedule',
      ].sort(),
    );
  });

  it(`when ${RUNS} bodies are sent to each write route, then none answers 5xx and every answer is documented`, async () => {
    const admin = apiClient(stack, 'admin');
    const summary: Record<string, Record<number, number>> = {};
    for (const operation of writes()) {
      const path = operation.path
        .replace('{id}', () => {
          if (operation.path.startsWith('/v1/engagements')) return ids.engagement;
          if (operation.path.startsWith('/v1/tasks')) return ids.task;
          if (operation.path.startsWith('/v1/requests')) return ids.request;
          if (operation.path.startsWith('/v1/keys')) return ids.key;
          if (operation.path.startsWith('/v1/users')) return 'andrii.eng1';
          if (operation.path.startsWith('/v1/definitions')) return 'minimal';
          return '1';
        })
        .replace('{actId}', '1')
        .replace('{name}', 'fuzz.bin');
      const yaml = operation.bodyTypes.some((t) => t.includes('yaml'));
      const counts: Record<number, number> = {};
      summary[operation.operationId] = counts;
      await fc.assert(
        fc.asyncProperty(yaml ? yamlBodies() : bodies(SEEDS[operation.operationId]), async (body) => {
          const response = await admin(operation.method.toUpperCase(), path, body, {
            'content-type': yaml ? 'application/yaml' : 'application/json',
          });
          counts[response.status] = (counts[response.status] ?? 0) + 1;
          return response.status < 500;
        }),
        { numRuns: RUNS, seed: 20261126, endOnFailure: true },
      );
    }
    // Not only refusals: the mutated bodies reach the handlers too.
    expect(Object.keys(summary.launchEngagement!).map(Number)).toEqual(expect.arrayContaining([400, 201]));
    expect(Object.keys(summary.submitServiceRequest!).map(Number)).toEqual(expect.arrayContaining([400, 201]));
  }, 120_000);
});
