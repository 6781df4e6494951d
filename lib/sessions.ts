/**
 * Browser sessions for the console: a signed cookie that names the API key the user signed in with,
 * the session's own random id, the user's session epoch at sign-in and when the session ends. The
 * server stores no session: each request re-reads the key, so revoking it, its expiry or
 * deactivating the user ends the session at once; and only what ends a session early is kept —
 * the id of one signed out (until it would have expired) and the user's epoch, raised by signing
 * out everywhere (db/queries/sessions.ts).
 *
 * Cookie value: `<key id>.<session id>.<epoch>.<expiry, Unix seconds>.<HMAC-SHA256 of the four, base64url>`.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const SESSION_COOKIE = 'potik_session';

export interface SessionSettings {
  /** The HMAC key; a session signed with another secret is refused. */
  secret: Buffer;
  /** How long a session lasts (never beyond the key's own expiry). */
  ttlSeconds: number;
}

export const DEFAULT_SESSION_TTL_HOURS = 12;

/**
 * Session settings from the configured secret and length. Without a secret a random one is made:
 * sessions then end when the process does (SESSION_SECRET unset).
 */
export function sessionSettings(options: { secret?: string; ttlSeconds?: number } = {}): SessionSettings {
  return {
    secret: options.secret ? Buffer.from(options.secret) : randomBytes(32),
    ttlSeconds: options.ttlSeconds ?? DEFAULT_SESSION_TTL_HOURS * 3600,
  };
}

/** One console session, as its cookie carries it. */
export interface Session {
  /** Random, so one session can be signed out without the others. */
  id: string;
  /** The API key the user signed in with. */
  keyId: string;
  /** The user's session epoch at sign-in: signing out everywhere raises it past this one. */
  epoch: number;
  expiresAt: Date;
}

/** A session started now for a key; `expiresAt` is cut to whole seconds, as the cookie holds it. */
export function startSession(keyId: string, epoch: number, expiresAt: Date): Session {
  return {
    id: randomBytes(16).toString('base64url'),
    keyId,
    epoch,
    expiresAt: new Date(Math.floor(expiresAt.getTime() / 1000) * 1000),
  };
}

function signature(secret: Buffer, payload: string): string {
  return createHmac('sha256', secret).update(payload).digest('base64url');
}

export function signSession(secret: Buffer, session: Session): string {
  const payload = `${session.keyId}.${session.id}.${session.epoch}.${Math.floor(session.expiresAt.getTime() / 1000)}`;
  return `${payload}.${signature(secret, payload)}`;
}

/** The session of a well-formed, correctly signed, unexpired value; null otherwise. */
export function verifySession(secret: Buffer, value: string, now = new Date()): Session | null {
  const match = /^(([0-9a-f]{12})\.([A-Za-z0-9_-]{22})\.(\d{1,9})\.(\d{1,12}))\.([A-Za-z0-9_-]{43})$/.exec(value);
  if (!match) return null;
  const [, payload, keyId, id, epoch, expires, presented] = match as unknown as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const expected = Buffer.from(signature(secret, payload));
  const actual = Buffer.from(presented);
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) return null;
  const expiresAt = new Date(Number(expires) * 1000);
  return expiresAt.getTime() > now.getTime() ? { id, keyId, epoch: Number(epoch), expiresAt } : null;
}

/** The session cookie's value from a Cookie header, if there is one. */
export function sessionCookieOf(header: string | undefined): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === SESSION_COOKIE) return value.join('=');
  }
  return undefined;
}
