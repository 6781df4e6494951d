import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, startTestStack, type TestStack } from '../helpers/stack.ts';

/**
 * Console sessions: a key signs in for an HttpOnly, SameSite=Strict cookie that then authenticates
 * the browser, and stops doing so when the key is revoked, the cookie is tampered with, or the user
 * signs out.
 */
describe('console sessions', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ worker: false });
  });
  afterAll(async () => {
    await stack?.close();
  });

  /** Signs in with a fresh key of the user; returns the key's id and the cookie pair to send. */
  async function signIn(user: string, keyBody: Record<string, unknown> = {}) {
    const minted = await apiClient(stack, 'admin')('POST', `/v1/users/${user}/keys`, { label: 'console', ...keyBody });
    expect(minted.status).toBe(201);
    const session = await fetch(`${stack.url}/v1/session`, {
      method: 'POST',
      headers: { authorization: `Bearer ${minted.body.key}` },
    });
    expect(session.status).toBe(200);
    const setCookie = session.headers.get('set-cookie') ?? '';
    return {
      keyId: minted.body.id as string,
      setCookie,
      cookie: setCookie.split(';')[0]!,
      body: (await session.json()) as { userId: string; role: string; expiresAt: string },
    };
  }
  /** A browser's request: no Authorization header, only the cookie. */
  const withCookie = (cookie: string, method = 'GET', path = '/v1/me') =>
    apiClient(stack, null)(method, path, undefined, { cookie });

  it('when a user signs in with a key, then the cookie is HttpOnly, SameSite=Strict and authenticates as them', async () => {
    const { setCookie, cookie, body } = await signIn('taras.eng2');
    expect(setCookie).toMatch(/^potik_session=[0-9a-f]{12}\.[A-Za-z0-9_-]{22}\.\d+\.\d+\.[A-Za-z0-9_-]{43};/);
    expect(setCookie).toMatch(/; HttpOnly/i);
    expect(setCookie).toMatch(/; SameSite=Strict/i);
    expect(setCookie).toMatch(/; Path=\//);
    expect(setCookie).not.toMatch(/; Secure/i); // plain HTTP here; Secure is set over HTTPS
    expect(body).toMatchObject({ userId: 'taras.eng2', role: 'engineer' });
    const hours = (Date.parse(body.expiresAt) - Date.now()) / 3600_000;
    expect(hours).toBeGreaterThan(11.9);
    expect(hours).toBeLessThanOrEqual(12);

    const me = await withCookie(cookie);
    expect(me.status).toBe(200);
    expect(me.body.id).toBe('taras.eng2');
    // The role table holds for sessions as for keys.
    expect((await withCookie(cookie, 'GET', '/v1/users')).status).toBe(403);
  });

  it('when the cookie is tampered with, then it is refused with the same 401 as a wrong key', async () => {
    const { cookie } = await signIn('maria.finance');
    const wrongKey = await apiClient(stack, null)('GET', '/v1/me', undefined, { authorization: 'Bearer nope' });
    const [name, value] = cookie.split('=') as [string, string];
    const [keyId, id, epoch, expires, mac] = value.split('.') as [string, string, string, string, string];
    for (const forged of [
      `${name}=${keyId}.${id}.${epoch}.${Number(expires) + 86_400}.${mac}`,
      `${name}=${'f'.repeat(12)}.${id}.${epoch}.${expires}.${mac}`,
      `${name}=${keyId}.${id}.${Number(epoch) + 1}.${expires}.${mac}`,
      `${name}=${keyId}.${id}.${epoch}.${expires}.${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}`,
    ]) {
      const refused = await withCookie(forged);
      expect(refused.status).toBe(401);
      expect(refused.body).toEqual(wrongKey.body);
    }
  });

  it('when the key behind a session is revoked, then the session ends with it', async () => {
    const { keyId, cookie } = await signIn('olena.pm');
    expect((await withCookie(cookie)).status).toBe(200);
    expect((await apiClient(stack, 'admin')('DELETE', `/v1/keys/${keyId}`)).status).toBe(200);
    expect((await withCookie(cookie)).status).toBe(401);
  });

  it('when the key expires before the session would, then the session ends at the key’s expiry', async () => {
    const keyExpiry = new Date(Date.now() + 3600_000);
    const { body } = await signIn('iryna.lead', { expiresAt: keyExpiry.toISOString() });
    expect(Math.abs(Date.parse(body.expiresAt) - keyExpiry.getTime())).toBeLessThan(1000);
  });

  it('when the user signs out, then the cookie is cleared; a request with a key is judged by the key alone', async () => {
    const { cookie } = await signIn('andrii.eng1');
    const out = await withCookie(cookie, 'DELETE', '/v1/session');
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/^potik_session=;.*Expires=Thu, 01 Jan 1970/);

    const wrongKeyAndGoodCookie = await apiClient(stack, null)('GET', '/v1/me', undefined, {
      cookie,
      authorization: 'Bearer nope',
    });
    expect(wrongKeyAndGoodCookie.status).toBe(401);
  });
});
