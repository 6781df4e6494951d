/**
 * Bearer API-key authentication and role checks. Every failure answers the same 401, so a caller
 * learns nothing about which keys or users exist.
 */
import type { RequestHandler } from 'express';
import { parseApiKey, secretMatches } from '../lib/api-keys.ts';
import { AppError } from '../lib/errors.ts';
import { selectApiKeyOwner, touchApiKey, type Role, type UserRow } from '../db/queries/users.ts';
import type { Pool } from '../db/pool.ts';

export type Caller = Pick<UserRow, 'id' | 'name' | 'role' | 'category' | 'groups'>;

declare module 'express-serve-static-core' {
  interface Request {
    caller?: Caller;
  }
}

const REFUSED = 'A valid API key is required: send "Authorization: Bearer <key>".';

export function authenticate(pool: Pool): RequestHandler {
  return async (req, _res, next) => {
    const header = req.get('authorization') ?? '';
    const presented = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    const parsed = presented ? parseApiKey(presented) : null;
    const owner = parsed ? await selectApiKeyOwner(pool, parsed.id) : null;
    const valid =
      parsed !== null &&
      owner !== null &&
      secretMatches(parsed.secret, owner.secret_sha256) &&
      owner.active &&
      owner.revoked_at === null &&
      (owner.expires_at === null || owner.expires_at > new Date());
    if (!valid) throw new AppError('unauthenticated', REFUSED);
    await touchApiKey(pool, parsed.id);
    req.caller = { id: owner.id, name: owner.name, role: owner.role, category: owner.category, groups: owner.groups };
    next();
  };
}

/** Deny by default: the route names the roles that may call it. */
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
