import { randomBytes } from 'node:crypto';
import type { Queryable } from '../pool.ts';

/**
 * The HMAC key of a purpose kept in the database, made on first use: every process that asks gets
 * the same key, the first one's (two racing first uses keep one of them).
 */
export async function selectOrCreateSigningKey(db: Queryable, purpose: string): Promise<Buffer> {
  await db.query('INSERT INTO signing_keys (purpose, secret) VALUES ($1, $2) ON CONFLICT (purpose) DO NOTHING', [
    purpose,
    randomBytes(32),
  ]);
  const { rows } = await db.query<{ secret: Buffer }>('SELECT secret FROM signing_keys WHERE purpose = $1', [purpose]);
  return rows[0]!.secret;
}
