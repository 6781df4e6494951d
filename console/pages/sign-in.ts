/**
 * Sign-in for people: user name and password (lib/passwords.ts) open a session. Each sign-in mints
 * an API key of its own (label `console`, expiring with the session) and signs the API's session
 * cookie for it, so the session is the API's own: revoking that key, the user's deactivation or
 * signing out everywhere ends it (lib/sessions.ts). Failures are answered alike whatever was wrong,
 * limited per address, and lock the account after LOCK_AFTER in a row. Sign-out ends the session
 * on the server and revokes its key.
 */
import { Router, type Request } from 'express';
import { rateLimit } from 'express-rate-limit';
import { mintKey } from '../../api/accounts.ts';
import { clearFailedSignIns, recordFailedSignIn, selectSignIn } from '../../db/queries/passwords.ts';
import { selectSessionEpoch } from '../../db/queries/sessions.ts';
import { revokeApiKey, selectApiKey } from '../../db/queries/users.ts';
import { decoyHash, verifyPassword } from '../../lib/passwords.ts';
import { SESSION_COOKIE, signSession, startSession } from '../../lib/sessions.ts';
import type { RouteDeps } from '../../api/app.ts';
import { apiFor } from '../api-client.ts';
import { assertCsrf, csrfToken, preSessionCookie, preSessionValue } from '../csrf.ts';
import { homeOf } from '../navigation.ts';
import { render } from '../render.ts';
import { clearSession, requireSignIn, sessionCookieOptions, userOf } from '../session.ts';

/** Failed sign-ins in a row that lock an account, and for how long. */
export const LOCK_AFTER = 5;
export const LOCK_SECONDS = 15 * 60;

export const CONSOLE_KEY_LABEL = 'console';

/** Only a path inside the console is followed after sign-in: never another site. */
function safeNext(value: unknown): string | null {
  return typeof value === 'string' && /^\/console\/[^\\]*$/.test(value) && !value.startsWith('//') ? value : null;
}

export function signInPage(deps: RouteDeps): Router {
  const router = Router();
  const { pool, sessions } = deps;

  const show = (req: Request, res: Parameters<typeof render>[1], error: string | null, status = 200) => {
    res.locals.csrf = csrfToken(sessions.secret, preSessionValue(req, res));
    render(
      req,
      res,
      'sign-in',
      {
        title: 'signIn.title',
        error,
        userName: typeof req.body?.user === 'string' ? req.body.user : '',
        next: safeNext(req.query.next ?? req.body?.next) ?? '',
      },
      status,
    );
  };

  router.get('/sign-in', (req, res) => show(req, res, null));

  const limiter = rateLimit({
    windowMs: 60_000,
    limit: deps.rateLimits?.authFailuresPerIpPerMinute ?? 20,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    validate: { xForwardedForHeader: false },
    // Only failures count: people who sign in correctly are never slowed.
    skipSuccessfulRequests: true,
    handler: (req, res) => show(req, res, 'signIn.tooMany', 429),
  });

  router.post('/sign-in', limiter, async (req, res) => {
    assertCsrf(sessions.secret, preSessionCookie(req), req.body);
    const userId = typeof req.body.user === 'string' ? req.body.user.trim().slice(0, 100) : '';
    const password = typeof req.body.password === 'string' ? req.body.password.slice(0, 200) : '';
    const account = userId === '' ? null : await selectSignIn(pool, userId);
    // The hash is always compared, so the time taken does not tell whether the user exists.
    const matches = await verifyPassword(password, account?.hash ?? (await decoyHash()));
    if (account?.locked_until && account.locked_until > new Date()) {
      show(req, res, 'signIn.locked', 401);
      return;
    }
    if (!account || !account.hash || !account.active || !matches) {
      const locked = account?.hash
        ? await recordFailedSignIn(pool, account.id, { limit: LOCK_AFTER, lockSeconds: LOCK_SECONDS })
        : null;
      show(req, res, locked ? 'signIn.locked' : 'signIn.failed', 401);
      return;
    }
    await clearFailedSignIns(pool, account.id);
    const expiresAt = new Date(Date.now() + sessions.ttlSeconds * 1000);
    const key = await mintKey(pool, account.id, { label: CONSOLE_KEY_LABEL, expiresAt: expiresAt.toISOString() });
    const session = startSession(key.id, await selectSessionEpoch(pool, account.id), expiresAt);
    res.cookie(SESSION_COOKIE, signSession(sessions.secret, session), {
      ...sessionCookieOptions(req),
      expires: session.expiresAt,
    });
    res.redirect(303, safeNext(req.body.next) ?? homeOf(account.role));
  });

  router.post('/sign-out', requireSignIn(sessions), async (req, res) => {
    const user = userOf(res);
    assertCsrf(sessions.secret, user.sessionId, req.body);
    await apiFor(req).delete('/v1/session');
    // Only the key this sign-in minted: a session opened with a program's key leaves that key alone.
    if ((await selectApiKey(pool, user.keyId))?.label === CONSOLE_KEY_LABEL) {
      await revokeApiKey(pool, { id: user.id, role: user.role }, user.keyId);
    }
    clearSession(req, res);
    res.redirect(303, '/console/sign-in');
  });

  return router;
}
