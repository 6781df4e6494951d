import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPORTED_ISSUES } from '../../definitions/definition-error.ts';
import { apiClient, startTestStack, type TestStack } from '../helpers/stack.ts';

/**
 * Probe: one engineer's request must not freeze the API. `POST /v1/definitions/validate` with a
 * document of tens of thousands of keys took time growing with their square (90,000 keys: 196 s,
 * a 34 MB error body) on the API's event loop, so /livez stalled meanwhile. The answer is now
 * bounded (keys counted before parsing, at most REPORTED_ISSUES listed, each text cut) and the work
 * runs in a thread of its own. How fast it is, is measured by bench/definition-abuse.ts.
 */
const YAML = { 'content-type': 'application/yaml' };
const HEADER = 'id: probe\nversion: 1\ntitle: Probe\nservice: X-CUSTOM\n';

const lines = (count: number, line: (i: number) => string): string =>
  Array.from({ length: count }, (_, i) => line(i)).join('');

describe('probe: the cost of validating a definition', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ worker: false });
  });
  afterAll(async () => {
    await stack?.close();
  });
  const validate = (source: string) =>
    apiClient(stack, 'andrii.eng1')('POST', '/v1/definitions/validate', source, YAML);

  it('when 90,000 keys (888 KB) are validated, then /livez keeps answering and the 422 names the cap', async () => {
    const source = lines(90_000, (i) => `k${i}: 1\n`);
    expect(source.length).toBeLessThan(1024 * 1024);
    const validation = validate(source);
    let done = false;
    void validation.finally(() => (done = true));
    // Health checks one after another for as long as the validation runs: none may wait on it.
    const waits: number[] = [];
    while (!done) {
      const started = performance.now();
      const live = await fetch(`${stack.url}/livez`);
      expect(live.status).toBe(200);
      waits.push(performance.now() - started);
    }
    // Blocked, the wait was the whole validation (minutes); free, it is milliseconds on an idle
    // machine and stays under a second on a saturated one (bench/definition-abuse.ts).
    expect(Math.max(...waits)).toBeLessThan(5000);

    const { status, body, text } = await validation;
    expect(status).toBe(422);
    expect(text.length).toBeLessThan(2000);
    expect(body.errors).toEqual([
      expect.objectContaining({
        line: 12501,
        message: 'the definition has more than 25000 keys, values and list items',
      }),
    ]);
  });

  it('when a document under the cap has 12,000 problems, then the first 100 are listed with the count', async () => {
    const source = lines(12_000, (i) => `k${i}: 1\n`);
    const { status, body, text } = await validate(source);
    expect(status).toBe(422);
    expect(body.errors).toHaveLength(REPORTED_ISSUES.maxIssues);
    expect(body.issueCount).toBe(12_006); // 12,000 unknown fields and the 6 required ones missing
    expect(body.errors[0]).toMatchObject({ line: 1, column: 1 });
    expect(text.length).toBeLessThan(64 * 1024);
  });

  it('when keys are 10,000 characters long, then each message is cut and the body stays small', async () => {
    const source = lines(90, (i) => `${'k'.repeat(10_000)}${i}: 1\n`);
    const { status, body, text } = await validate(source);
    expect(status).toBe(422);
    expect(body.issueCount).toBe(90); // YAML itself refuses implicit keys over 1024 characters
    for (const issue of body.errors as { message: string; path: string }[]) {
      expect(issue.message.length).toBeLessThanOrEqual(REPORTED_ISSUES.maxText);
      expect(issue.path.length).toBeLessThanOrEqual(REPORTED_ISSUES.maxText);
    }
    expect(text.length).toBeLessThan(128 * 1024);
  });

  it('when the inputs schema has 3,000 properties, then it is refused without compiling it', async () => {
    const source = `${HEADER}inputs:\n  type: object\n  properties:\n${lines(3000, (i) => `    p${i}: { type: string }\n`)}steps:\n  - id: a\n    kind: end\n`;
    const { status, body } = await validate(source);
    expect(status).toBe(422);
    expect(body.errors).toEqual([
      expect.objectContaining({
        line: 6,
        path: 'inputs',
        message: expect.stringContaining('the inputs schema and the forms hold more than 2000 keys and values'),
      }),
    ]);
  });

  it('when a valid definition follows, then it validates as before', async () => {
    const source = `${HEADER}inputs: { type: object }\nsteps:\n  - id: a\n    kind: end\n`;
    const { status, body } = await validate(source);
    expect(status).toBe(200);
    expect(body).toMatchObject({ valid: true, id: 'probe', version: 1 });
  });
});
