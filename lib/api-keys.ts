/**
 * API keys: `potik_<id>_<secret>`. The id finds the row; only the SHA-256 of the secret is stored,
 * and the comparison is constant-time, so neither the database nor timing reveals a key.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { sha256Hex } from './hash.ts';

const PREFIX = 'potik';

export interface NewApiKey {
  id: string;
  /** The whole key, shown once to its owner. */
  key: string;
  secretSha256: string;
}

export function hashSecret(secret: string): string {
  return sha256Hex(secret);
}

export function generateApiKey(): NewApiKey {
  const id = randomBytes(6).toString('hex');
  const secret = randomBytes(24).toString('base64url');
  return { id, key: `${PREFIX}_${id}_${secret}`, secretSha256: hashSecret(secret) };
}

/** Splits a presented key; null when it does not have the shape of one of ours. */
export function parseApiKey(key: string): { id: string; secret: string } | null {
  const match = /^potik_([0-9a-f]{12})_([A-Za-z0-9_-]{32})$/.exec(key);
  return match ? { id: match[1]!, secret: match[2]! } : null;
}

export function secretMatches(secret: string, expectedSha256: string): boolean {
  const actual = Buffer.from(hashSecret(secret), 'hex');
  const expected = Buffer.from(expectedSha256, 'hex');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
