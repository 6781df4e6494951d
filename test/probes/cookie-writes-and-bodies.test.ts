import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, signInAs, startTestStack, type TestStack } from '../helpers/stack.ts';

/**
 * Probes of the informational findings: a cookie-authenticated POST with a foreign `Origin` was
 * accepted (CSRF rested on SameSite alone), 401 answers named no scheme, and JSON nested 100,000
 * deep in `params` reached the handler.
 */
describe('probe: browser writes, 401 challenges and deep bodies', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ worker: false });
  });
  afterAll(async () => {
    await stack?.close();
  });

  const signIn = (user: string) => signInAs(stack, user);
  const withCookie = (cookie: string, method: string, path: string, headers: Record<string, string> = {}) =>
    apiClient(stack, null)(method, path, undefined, { cookie, ...headers });

  it('when a cookie-authenticated write comes from another origin, then it is refused 403 and changes nothing', async () => {
    const cookie = await signIn('olena.pm');
    const foreign: Record<string, string>[] = [
      { origin: 'https://evil.example' },
      { origin: 'null' },
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
      { referer: 'https://evil.example/page' },
    ];
    for (const headers of foreign) {
      const refused = await withCookie(cookie, 'DELETE', '/v1/session', headers);
      expect(refused.status, JSON.stringify(headers)).toBe(403);
      expect(refused.contentType).toContain('application/problem+json');
      expect(refused.body.detail).toMatch(/Cross-site request refused/);
      expect(refused.body.detail).toContain(stack.url);
    }
    // The session was not signed out by any of them.
    expect((await withCookie(cookie, 'GET', '/v1/me', { origin: 'https://evil.example' })).status).toBe(200);
  });

  it('when a cookie-authenticated write comes from the same origin, then it goes through', async () => {
    const own: Record<string, string>[] = [
      { origin: stack.url },
      { 'sec-fetch-site': 'same-origin' },
      { referer: `${stack.url}/console/` },
      {},
    ];
    for (const headers of own) {
      const cookie = await signIn('andrii.eng1');
      expect((await withCookie(cookie, 'DELETE', '/v1/session', headers)).status, JSON.stringify(headers)).toBe(204);
    }
  });

  it('when a write carries an API key in the Authorization header, then its origin does not matter', async () => {
    const cookie = await signIn('maria.finance');
    const out = await apiClient(stack, 'maria.finance')('DELETE', '/v1/session', undefined, {
      cookie,
      origin: 'https://evil.example',
    });
    expect(out.status).toBe(204);
  });

  it('when a request is refused 401, then WWW-Authenticate names the Bearer scheme, and the refused token', async () => {
    const none = await apiClient(stack, null)('GET', '/v1/me');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="potik"');

    const wrong = await apiClient(stack, null)('GET', '/v1/me', undefined, {
      authorization: 'Bearer pk_000000000000_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
    });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toBe('Bearer realm="potik", error="invalid_token"');

    expect((await apiClient(stack, 'olena.pm')('GET', '/v1/me')).headers.get('www-authenticate')).toBeNull();
  });

  it('when a JSON body nests 100,000 deep, then it is refused 400 pointing at the body before any handler', async () => {
    const deep = `{"definitionId":"minimal","customerId":"kp-teplomerezha","params":{"topic":${'['.repeat(100_000)}${']'.repeat(100_000)}}}`;
    const response = await apiClient(stack, 'olena.pm')('POST', '/v1/engagements', deep);
    expect(response.status).toBe(400);
    expect(response.contentType).toContain('application/problem+json');
    expect(response.body.errors).toEqual([{ path: 'body', message: expect.stringMatching(/more than 32 levels/) }]);
    // Brackets inside strings are text, not nesting.
    const inText = await apiClient(stack, 'olena.pm')('POST', '/v1/engagements', {
      definitionId: 'no-such-definition',
      customerId: 'kp-teplomerezha',
      params: { topic: '['.repeat(1000) },
    });
    expect(inText.body.errors?.[0]?.path).not.toBe('body');
    expect(inText.body.detail ?? '').not.toMatch(/levels deep/);
  });

  it('when a JSON body nests 32 deep, then the depth cap lets it through', async () => {
    let nested: unknown = 'x';
    for (let i = 0; i < 30; i++) nested = { a: nested };
    const response = await apiClient(stack, 'olena.pm')('POST', '/v1/engagements', {
      definitionId: 'no-such-definition',
      customerId: 'kp-teplomerezha',
      params: nested,
    });
    expect(response.body.detail ?? '').not.toMatch(/levels deep/);
  });
});
