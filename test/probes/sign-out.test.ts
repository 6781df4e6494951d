import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, signInAs, startTestStack, type TestStack } from '../helpers/stack.ts';

/**
 * Probe: signing out must end the session on the server. After `DELETE /v1/session` a copy of the
 * cookie (kept by an attacker, a shared machine, a proxy log) still authenticated for up to 12 hours.
 */
describe('probe: signing out', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ worker: false });
  });
  afterAll(async () => {
    await stack?.close();
  });

  const signIn = (user: string) => signInAs(stack, user);
  const asBrowser = (cookie: string, method = 'GET', path = '/v1/me') =>
    apiClient(stack, null)(method, path, undefined, { cookie, origin: stack.url });

  it('when a user signs out, then a kept copy of the cookie no longer authenticates; other sessions go on', async () => {
    const laptop = await signIn('olena.pm');
    const phone = await signIn('olena.pm');
    expect((await asBrowser(laptop)).status).toBe(200);

    expect((await asBrowser(laptop, 'DELETE', '/v1/session')).status).toBe(204);
    expect((await asBrowser(laptop)).status).toBe(401);
    expect((await asBrowser(phone)).status).toBe(200);
    // Signing out again with the ended cookie changes nothing and says so as for any stale cookie.
    expect((await asBrowser(laptop, 'DELETE', '/v1/session')).status).toBe(401);
  });

  it('when a user signs out everywhere, then every session ends, the key still works and a new sign-in does', async () => {
    const first = await signIn('andrii.eng1');
    const second = await signIn('andrii.eng1');
    const someoneElse = await signIn('taras.eng2');

    expect((await asBrowser(first, 'DELETE', '/v1/sessions')).status).toBe(204);
    expect((await asBrowser(first)).status).toBe(401);
    expect((await asBrowser(second)).status).toBe(401);
    expect((await asBrowser(someoneElse)).status).toBe(200);
    expect((await apiClient(stack, 'andrii.eng1')('GET', '/v1/me')).status).toBe(200);
    expect((await asBrowser(await signIn('andrii.eng1'))).status).toBe(200);
  });

  it('when signing out with the key instead of the cookie, then the cookie sent along is ended too', async () => {
    const cookie = await signIn('maria.finance');
    const out = await apiClient(stack, 'maria.finance')('DELETE', '/v1/session', undefined, { cookie });
    expect(out.status).toBe(204);
    expect((await asBrowser(cookie)).status).toBe(401);
  });
});
