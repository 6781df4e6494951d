/**
 * Cross-site request forgery: every console form carries a synchronizer token bound to the
 * session — an HMAC of the session's id under the server's session secret — so a token works only
 * in the session it was given to, and the server stores nothing. Before sign-in (the sign-in and
 * public request forms) the token is bound the same way to a random value in a cookie of its own.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import { AppError } from '../lib/errors.ts';

export const PRE_SESSION_COOKIE = 'potik_form';
export const CSRF_FIELD = '_csrf';

export function csrfToken(secret: Buffer, boundTo: string): string {
  return createHmac('sha256', secret).update(`csrf:${boundTo}`).digest('base64url');
}

export function tokenMatches(secret: Buffer, boundTo: string, presented: unknown): boolean {
  if (typeof presented !== 'string') return false;
  const expected = Buffer.from(csrfToken(secret, boundTo));
  const actual = Buffer.from(presented);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** The browser's pre-session cookie, if it sent one. */
export function preSessionCookie(req: Request): string | undefined {
  return /(?:^|;\s*)potik_form=([A-Za-z0-9_-]{22})(?:;|$)/.exec(req.get('cookie') ?? '')?.[1];
}

/** The value a form before sign-in is bound to: the browser's pre-session cookie, set when missing. */
export function preSessionValue(req: Request, res: Response): string {
  const existing = preSessionCookie(req);
  if (existing) return existing;
  const value = randomBytes(16).toString('base64url');
  res.cookie(PRE_SESSION_COOKIE, value, { httpOnly: true, sameSite: 'strict', secure: req.secure, path: '/console' });
  return value;
}

/** Throws 403 unless the posted form carries the token bound to `boundTo`. */
export function assertCsrf(secret: Buffer, boundTo: string | undefined, body: unknown): void {
  const presented = (body as Record<string, unknown> | undefined)?.[CSRF_FIELD];
  if (boundTo === undefined || !tokenMatches(secret, boundTo, presented)) {
    throw new AppError(
      'forbidden',
      'The form is out of date or came from another site; reload the page and send it again.',
      {
        reason: 'csrf',
      },
    );
  }
}
