/**
 * Passwords and sign-in failures of console users (migration 0011, lib/passwords.ts).
 */
import type { Queryable } from '../pool.ts';
import type { UserRow } from './users.ts';

export interface SignInRow extends UserRow {
  hash: string | null;
  failed_sign_ins: number;
  locked_until: Date | null;
}

/** The user and their password state for a sign-in; null when there is no such user. */
export async function selectSignIn(db: Queryable, userId: string): Promise<SignInRow | null> {
  const { rows } = await db.query<SignInRow>(
    `SELECT u.id, u.name, u.role, u.category, u.groups, u.active, p.hash,
            coalesce(p.failed_sign_ins, 0) AS failed_sign_ins, p.locked_until
     FROM users u LEFT JOIN user_passwords p ON p.user_id = u.id WHERE u.id = $1`,
    [userId],
  );
  return rows[0] ?? null;
}

/** Sets (or resets) the user's password and lifts any lockout; false when there is no such user. */
export async function upsertPassword(db: Queryable, userId: string, hash: string): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO user_passwords (user_id, hash) SELECT id, $2 FROM users WHERE id = $1
     ON CONFLICT (user_id) DO UPDATE SET hash = excluded.hash, failed_sign_ins = 0, locked_until = NULL,
                                         updated_at = now()`,
    [userId, hash],
  );
  return (rowCount ?? 0) > 0;
}

/**
 * Counts a failed sign-in; at `limit` failures in a row the account is locked for `lockSeconds`
 * and the count starts again. Returns when the lock ends, if this failure set one.
 */
export async function recordFailedSignIn(
  db: Queryable,
  userId: string,
  p: { limit: number; lockSeconds: number },
): Promise<Date | null> {
  const { rows } = await db.query<{ locked_until: Date | null }>(
    `UPDATE user_passwords
     SET failed_sign_ins = CASE WHEN failed_sign_ins + 1 >= $2 THEN 0 ELSE failed_sign_ins + 1 END,
         locked_until = CASE WHEN failed_sign_ins + 1 >= $2 THEN now() + make_interval(secs => $3) ELSE locked_until END
     WHERE user_id = $1 RETURNING locked_until`,
    [userId, p.limit, p.lockSeconds],
  );
  const until = rows[0]?.locked_until ?? null;
  return until !== null && until > new Date() ? until : null;
}

export async function clearFailedSignIns(db: Queryable, userId: string): Promise<void> {
  await db.query(
    'UPDATE user_passwords SET failed_sign_ins = 0, locked_until = NULL WHERE user_id = $1 AND failed_sign_ins > 0',
    [userId],
  );
}
