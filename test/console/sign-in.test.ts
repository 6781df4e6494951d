import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertPassword } from '../../db/queries/passwords.ts';
import { hashPassword } from '../../lib/passwords.ts';
import { startTestStack, type TestStack } from '../helpers/stack.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A browser without a browser: cookies kept between requests, redirects not followed. */
function client(base: string) {
  const cookies = new Map<string, string>();
  const request = async (method: string, path: string, form?: Record<string, string>) => {
    const response = await fetch(`${base}${path}`, {
      method,
      redirect: 'manual',
      headers: {
        cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        ...(form ? { 'content-type': 'application/x-www-form-urlencoded', origin: base } : {}),
      },
      body: form ? new URLSearchParams(form).toString() : undefined,
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name, ...value] = pair!.split('=');
      if (/Expires=Thu, 01 Jan 1970/i.test(line)) cookies.delete(name!);
      else cookies.set(name!, value.join('='));
    }
    return { status: response.status, location: response.headers.get('location'), html: await response.text() };
  };
  const tokenOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
  return {
    cookies,
    request,
    tokenOf,
    async signIn(user: string, password: string) {
      const page = await request('GET', '/console/sign-in');
      return request('POST', '/console/sign-in', { _csrf: tokenOf(page.html), user, password, next: '' });
    },
  };
}

/** `potik users set-password <id>` with the password on stdin, as a script would run it. */
function setPassword(databaseUrl: string, user: string, password: string) {
  return new Promise<{ code: number; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, ['bin/potik.js', 'users', 'set-password', user], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent' },
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => resolve({ code: code ?? 1, stderr }));
    child.stdin.end(`${password}\n`);
  });
}

describe('console sign-in', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ worker: false });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('when an admin sets a password with potik users set-password, then the user signs in with it and lands on their page', async () => {
    const set = await setPassword(stack.databaseUrl, 'taras.eng2', 'a long enough password');
    expect(set).toMatchObject({ code: 0 });
    expect(set.stderr).toContain('The console password of taras.eng2 is set');
    const tooShort = await setPassword(stack.databaseUrl, 'taras.eng2', 'short');
    expect(tooShort.code).not.toBe(0);
    expect(tooShort.stderr).toContain('at least 10 characters');

    const browser = client(stack.url);
    const signedIn = await browser.signIn('taras.eng2', 'a long enough password');
    expect(signedIn).toMatchObject({ status: 303, location: '/console/inbox' });
    expect(browser.cookies.has('potik_session')).toBe(true);
    const inbox = await browser.request('GET', '/console/inbox');
    expect(inbox.status).toBe(200);
    expect(inbox.html).toContain('Taras Bondarenko');
    // The session is the API's own: the same cookie reads /v1/me.
    const me = await fetch(`${stack.url}/v1/me`, {
      headers: { cookie: `potik_session=${browser.cookies.get('potik_session')}` },
    });
    expect(((await me.json()) as { id: string }).id).toBe('taras.eng2');
  });

  it('when a form comes without its token or with one of another session, then it is refused 403', async () => {
    const browser = client(stack.url);
    await browser.request('GET', '/console/sign-in');
    const noToken = await browser.request('POST', '/console/sign-in', {
      user: 'taras.eng2',
      password: 'a long enough password',
    });
    expect(noToken.status).toBe(403);
    expect(browser.cookies.has('potik_session')).toBe(false);

    await browser.signIn('taras.eng2', 'a long enough password');
    const other = client(stack.url);
    await upsertPassword(stack.pool, 'olena.pm', await hashPassword('another long password'));
    await other.signIn('olena.pm', 'another long password');
    const othersToken = other.tokenOf((await other.request('GET', '/console/dashboard')).html);
    const signOut = await browser.request('POST', '/console/sign-out', { _csrf: othersToken });
    expect(signOut.status).toBe(403);
    expect((await browser.request('GET', '/console/inbox')).status).toBe(200);
  });

  it('when the password is wrong five times in a row, then the account is locked even for the right one; a reset lifts it', async () => {
    await upsertPassword(stack.pool, 'oksana.tech', await hashPassword('the right password'));
    const browser = client(stack.url);
    for (let i = 0; i < 4; i++) {
      const failed = await browser.signIn('oksana.tech', `wrong ${i}`);
      expect(failed.status).toBe(401);
      expect(failed.html).toContain('Невірне імʼя користувача або пароль.');
    }
    const fifth = await browser.signIn('oksana.tech', 'wrong 5');
    expect(fifth.html).toContain('тимчасово заблоковано');
    const right = await browser.signIn('oksana.tech', 'the right password');
    expect(right.status).toBe(401);
    expect(right.html).toContain('тимчасово заблоковано');
    // An unknown user is answered like a wrong password.
    expect((await browser.signIn('nobody.here', 'whatever it is')).html).toContain(
      'Невірне імʼя користувача або пароль.',
    );

    expect((await setPassword(stack.databaseUrl, 'oksana.tech', 'the right password')).code).toBe(0);
    expect(await browser.signIn('oksana.tech', 'the right password')).toMatchObject({ status: 303 });
  });

  it('when a user signs out, then the session ends on the server and its key is revoked', async () => {
    const browser = client(stack.url);
    await browser.signIn('taras.eng2', 'a long enough password');
    const session = browser.cookies.get('potik_session')!;
    const keyId = session.split('.')[0];
    const token = browser.tokenOf((await browser.request('GET', '/console/inbox')).html);
    const out = await browser.request('POST', '/console/sign-out', { _csrf: token });
    expect(out).toMatchObject({ status: 303, location: '/console/sign-in' });
    expect(browser.cookies.has('potik_session')).toBe(false);
    // The old cookie, replayed, is refused by the console and the API alike.
    const replay = await fetch(`${stack.url}/console/inbox`, {
      redirect: 'manual',
      headers: { cookie: `potik_session=${session}` },
    });
    expect(replay.status).toBe(303);
    expect(replay.headers.get('location')).toContain('/console/sign-in');
    const api = await fetch(`${stack.url}/v1/me`, { headers: { cookie: `potik_session=${session}` } });
    expect(api.status).toBe(401);
    const { rows } = await stack.pool.query('SELECT label, revoked_at FROM api_keys WHERE id = $1', [keyId]);
    expect(rows[0].label).toBe('console');
    expect(rows[0].revoked_at).not.toBeNull();
  });

  it('when a browser asks for the root, then it is sent to the console; a program gets the API answer', async () => {
    const page = await fetch(`${stack.url}/`, { redirect: 'manual', headers: { accept: 'text/html' } });
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/console/');
    const program = await fetch(`${stack.url}/`, { redirect: 'manual', headers: { accept: 'application/json' } });
    expect(program.status).toBe(404);
  });

  it('when a console page is served, then its CSP allows no inline script or style and htmx comes from the app', async () => {
    const page = await fetch(`${stack.url}/console/sign-in`);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    const html = await page.text();
    expect(html).not.toMatch(/<script(?![^>]*\ssrc=)/);
    expect(html).not.toMatch(/\sstyle="/);
    const htmx = await fetch(`${stack.url}/console/assets/htmx.min.js`);
    expect(htmx.status).toBe(200);
    expect(await htmx.text()).toContain('htmx');
  });
});

describe('console sign-in under the failure limit', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ worker: false, rateLimits: { authFailuresPerIpPerMinute: 3 } });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('when an address fails more often than the limit, then it is answered 429 without checking passwords', async () => {
    const browser = client(stack.url);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await browser.signIn(`someone${i}`, 'wrong password')).status);
    expect(statuses).toEqual([401, 401, 401, 429]);
  });
});
