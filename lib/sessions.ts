/**
 * Browser sessions for the console: a signed cookie that names the API key the user signed in with
 * and when the session ends. Nothing is stored server-side; each request re-reads the key, so
 * revoking the key, its expiry or deactivating the user ends the session at once.
 *
 * Cookie value: `<key id>.<expiry, Unix seconds>.<HMAC-SHA256 of the two, base64url>`.
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

function signature(secret: Buffer, payload: string): string {
  return createHmac('sha256', secret).update(payload).digest('base64url');
}

export function signSession(secret: Buffer, keyId: string, expiresAt: Date): string {
  const payload = `${keyId}.${Math.floor(expiresAt.getTime() / 1000)}`;
  return `${payload}.${signature(secret, payload)}`;
}

/** The key id of a well-formed, correctly signed, unexpired session value; null otherwise. */
export function verifySession(secret: Buffer, value: string, now = new Date()): { keyId: string } | null {
  const match = /^([0-9a-f]{12})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(value);
  if (!match) return null;
  const [, keyId, expires, presented] = match as unknown as [string, string, string, string];
  const expected = Buffer.from(signature(secret, `${keyId}.${expires}`));
  const actual = Buffer.from(presented);
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) return null;
  return Number(expires) * 1000 > now.getTime() ? { keyId } : null;
}

/** The session cookie's value from a Cookie header, if there is one. */
export function sessionCookieOf(header: string | undefined): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === SESSION_COOKIE) return value.join('=');
  }
  return undefined;
}
