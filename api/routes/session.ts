/**
 * Sign-in for the console: `POST /v1/session`, authenticated like any call (the Bearer key the
 * user pasted into the sign-in page), answers with the session cookie; `DELETE /v1/session` signs
 * that session out, in the browser and on the server; `DELETE /v1/sessions` signs out every session
 * of the user (lib/sessions.ts). The cookie is HttpOnly (scripts cannot read it), SameSite=Strict
 * (other sites cannot send it), Secure over HTTPS, and signed.
 */
import { Router, type CookieOptions, type Request, type Response } from 'express';
import { insertEndedSession, raiseSessionEpoch, selectSessionEpoch } from '../../db/queries/sessions.ts';
import { SESSION_COOKIE, sessionCookieOf, signSession, startSession, verifySession } from '../../lib/sessions.ts';
import { callerOf } from '../auth.ts';
import type { RouteDeps } from '../app.ts';

function cookieOptions(req: Request): CookieOptions {
  return { httpOnly: true, sameSite: 'strict', secure: req.secure, path: '/' };
}

function clearSessionCookie(req: Request, res: Response): void {
  res.clearCookie(SESSION_COOKIE, cookieOptions(req));
}

export function sessionRoutes(deps: RouteDeps): Router {
  const router = Router();
  const { sessions, pool } = deps;

  router.post('/', async (req, res) => {
    const caller = callerOf(req);
    const keyExpiry = req.apiKeyExpiresAt?.getTime() ?? Infinity;
    const expiresAt = new Date(Math.min(Date.now() + sessions.ttlSeconds * 1000, keyExpiry));
    const session = startSession(req.apiKeyId!, await selectSessionEpoch(pool, caller.id), expiresAt);
    res.cookie(SESSION_COOKIE, signSession(sessions.secret, session), {
      ...cookieOptions(req),
      expires: session.expiresAt,
    });
    res.json({ userId: caller.id, role: caller.role, expiresAt: session.expiresAt.toISOString() });
  });

  router.delete('/', async (req, res) => {
    // The session the browser holds, whether or not this request authenticated with it.
    const cookie = sessionCookieOf(req.get('cookie'));
    const session = req.session ?? (cookie === undefined ? null : verifySession(sessions.secret, cookie));
    if (session) await insertEndedSession(pool, { sessionId: session.id, endsAt: session.expiresAt });
    clearSessionCookie(req, res);
    res.status(204).end();
  });

  return router;
}

/** `DELETE /v1/sessions`: sign out everywhere — every session of the caller, begun with any key. */
export function allSessionsRoutes(deps: RouteDeps): Router {
  const router = Router();
  router.delete('/', async (req, res) => {
    await raiseSessionEpoch(deps.pool, callerOf(req).id);
    clearSessionCookie(req, res);
    res.status(204).end();
  });
  return router;
}
