/**
 * Sign-in for the console: `POST /v1/session`, authenticated like any call (the Bearer key the
 * user pasted into the sign-in page), answers with the session cookie; `DELETE /v1/session` ends
 * it in the browser. The cookie is HttpOnly (scripts cannot read it), SameSite=Strict (other sites
 * cannot send it), Secure over HTTPS, and signed (lib/sessions.ts).
 */
import { Router, type CookieOptions, type Request } from 'express';
import { SESSION_COOKIE, signSession } from '../../lib/sessions.ts';
import { callerOf } from '../auth.ts';
import type { RouteDeps } from '../app.ts';

function cookieOptions(req: Request): CookieOptions {
  return { httpOnly: true, sameSite: 'strict', secure: req.secure, path: '/' };
}

export function sessionRoutes(deps: RouteDeps): Router {
  const router = Router();
  const { sessions } = deps;

  router.post('/', (req, res) => {
    const caller = callerOf(req);
    const keyExpiry = req.apiKeyExpiresAt?.getTime() ?? Infinity;
    const expiresAt = new Date(Math.min(Date.now() + sessions.ttlSeconds * 1000, keyExpiry));
    res.cookie(SESSION_COOKIE, signSession(sessions.secret, req.apiKeyId!, expiresAt), {
      ...cookieOptions(req),
      expires: expiresAt,
    });
    res.json({ userId: caller.id, role: caller.role, expiresAt: expiresAt.toISOString() });
  });

  router.delete('/', (req, res) => {
    res.clearCookie(SESSION_COOKIE, cookieOptions(req));
    res.status(204).end();
  });

  return router;
}
