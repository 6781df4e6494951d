/**
 * Who is signed in to the console. The browser holds the API's signed session cookie
 * (lib/sessions.ts); every page asks the API who that is (`GET /v1/me`), so a revoked key, an
 * expired or signed-out session or a deactivated user is refused exactly as the API refuses it.
 */
import type { Request, RequestHandler, Response } from 'express';
import type { Category } from '../definitions/model.ts';
import type { Role } from '../db/queries/users.ts';
import { SESSION_COOKIE, sessionCookieOf, verifySession, type SessionSettings } from '../lib/sessions.ts';
import { apiFor, ApiError } from './api-client.ts';
import { csrfToken } from './csrf.ts';

export interface ConsoleUser {
  id: string;
  name: string;
  role: Role;
  category: Category | null;
  groups: string[];
  /** The console session's own id, which form tokens are bound to. */
  sessionId: string;
  /** The key the session was opened with (a console sign-in mints one per session). */
  keyId: string;
}

export function sessionCookieOptions(req: Request) {
  return { httpOnly: true, sameSite: 'strict' as const, secure: req.secure, path: '/' };
}

export function clearSession(req: Request, res: Response): void {
  res.clearCookie(SESSION_COOKIE, sessionCookieOptions(req));
}

function toSignIn(req: Request, res: Response): void {
  const next = req.method === 'GET' && !req.get('hx-request') ? `?next=${encodeURIComponent(req.originalUrl)}` : '';
  if (req.get('hx-request')) {
    // htmx follows a redirect inside the fragment; tell it to load the sign-in page instead.
    res.setHeader('hx-redirect', '/console/sign-in');
    res.status(401).end();
    return;
  }
  res.redirect(303, `/console/sign-in${next}`);
}

/** Lets a request through only with a live session; sets `res.locals.user` and the form token. */
export function requireSignIn(sessions: SessionSettings): RequestHandler {
  return async (req, res, next) => {
    const cookie = sessionCookieOf(req.get('cookie'));
    const session = cookie === undefined ? null : verifySession(sessions.secret, cookie);
    if (!session) {
      toSignIn(req, res);
      return;
    }
    try {
      const me = await apiFor(req, cookie).get<Omit<ConsoleUser, 'sessionId' | 'keyId'>>('/v1/me');
      const user: ConsoleUser = {
        id: me.id,
        name: me.name,
        role: me.role,
        category: me.category,
        groups: me.groups,
        sessionId: session.id,
        keyId: session.keyId,
      };
      res.locals.user = user;
      res.locals.csrf = csrfToken(sessions.secret, session.id);
      next();
    } catch (error) {
      if (error instanceof ApiError && (error.problem.status === 401 || error.problem.status === 429)) {
        clearSession(req, res);
        toSignIn(req, res);
        return;
      }
      next(error);
    }
  };
}

export function userOf(res: Response): ConsoleUser {
  return res.locals.user as ConsoleUser;
}
