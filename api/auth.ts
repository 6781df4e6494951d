/**
 * Authentication by a Bearer API key or, for the console in a browser, by the session cookie made
 * from one (lib/sessions.ts), and role checks. Every failure answers the same 401, so a caller
 * learns nothing about which keys or users exist.
 */
import type { RequestHandler } from 'express';
import { parseApiKey, secretMatches } from '../lib/api-keys.ts';
import { sessionCookieOf, verifySession, type Session, type SessionSettings } from '../lib/sessions.ts';
import { AppError } from '../lib/errors.ts';
import { selectSessionOwner } from '../db/queries/sessions.ts';
import { KEY_TOUCH_INTERVAL_MS, selectApiKeyOwner, touchApiKey, type Role, type UserRow } from '../db/queries/users.ts';
import type { Pool } from '../db/pool.ts';

export type Caller = Pick<UserRow, 'id' | 'name' | 'role' | 'category' | 'groups'>;

declare module 'express-serve-static-core' {
  interface Request {
    caller?: Caller;
    /** The id of the key the caller authenticated with (rate limits count per key). */
    apiKeyId?: string;
    /** When the key the caller authenticated with expires (a session never outlives it). */
    apiKeyExpiresAt?: Date | null;
    /** The console session the caller authenticated with, when it was one. */
    session?: Session;
  }
}

const REFUSED = 'A valid API key is required: send "Authorization: Bearer <key>", or sign in for a session.';

// Stand-ins for a key that is malformed or unknown: the same query and the same hash comparison
// run for every presented key, so neither the answer nor its timing tells which part was wrong.
const NO_KEY_ID = '000000000000';
const NO_SECRET = 'x'.repeat(32);
const NO_HASH = '0'.repeat(64);

export function authenticate(pool: Pool, sessions: SessionSettings): RequestHandler {
  return async (req, _res, next) => {
    const header = req.get('authorization');
    const session = header === undefined ? sessionCookieOf(req.get('cookie')) : undefined;
    // A session's signature stands for the secret: it names a key this server signed in.
    const signedIn = session === undefined ? null : verifySession(sessions.secret, session);
    const presented = /^Bearer\s+(\S{1,200})$/i.exec(header ?? '')?.[1];
    const parsed = presented ? parseApiKey(presented) : null;
    const keyId = signedIn?.keyId ?? parsed?.id ?? NO_KEY_ID;
    const owner = signedIn
      ? await selectSessionOwner(pool, { keyId, sessionId: signedIn.id, epoch: signedIn.epoch })
      : await selectApiKeyOwner(pool, keyId);
    // A session must also not have been signed out, here or everywhere.
    const matches = signedIn
      ? owner !== null && 'session_live' in owner && owner.session_live
      : secretMatches(parsed?.secret ?? NO_SECRET, owner?.secret_sha256 ?? NO_HASH);
    const valid =
      (signedIn !== null || parsed !== null) &&
      owner !== null &&
      matches &&
      owner.active &&
      owner.revoked_at === null &&
      (owner.expires_at === null || owner.expires_at > new Date());
    if (!valid) throw new AppError('unauthenticated', REFUSED);
    // Last-used time to the minute: the write (and its round trip) happens once a minute per key.
    const lastUsed = owner.last_used_at?.getTime() ?? 0;
    if (Date.now() - lastUsed >= KEY_TOUCH_INTERVAL_MS) await touchApiKey(pool, keyId);
    req.caller = { id: owner.id, name: owner.name, role: owner.role, category: owner.category, groups: owner.groups };
    req.apiKeyId = keyId;
    req.apiKeyExpiresAt = owner.expires_at;
    if (signedIn) req.session = signedIn;
    next();
  };
}

/** Deny by default: the route names the roles that may call it (api/authorization.ts checks every operation before). */
export function allow(...roles: Role[]): RequestHandler {
  return (req, _res, next) => {
    if (!req.caller || !roles.includes(req.caller.role)) {
      throw new AppError(
        'forbidden',
        `This action needs the role ${roles.join(' or ')}; you are ${req.caller?.role ?? 'anonymous'}.`,
      );
    }
    next();
  };
}

export function callerOf(req: { caller?: Caller }): Caller {
  if (!req.caller) throw new AppError('unauthenticated', REFUSED);
  return req.caller;
}
