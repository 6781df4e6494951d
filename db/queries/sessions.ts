/**
 * What the server keeps of console sessions (lib/sessions.ts): only what ends one early — the ids
 * of sessions signed out, until they would have expired, and each user's session epoch, raised by
 * signing out everywhere.
 */
import type { Queryable } from '../pool.ts';
import type { ApiKeyOwnerRow } from './users.ts';

export interface SessionOwnerRow extends ApiKeyOwnerRow {
  /** False when the session was signed out, or the user signed out everywhere since it began. */
  session_live: boolean;
}

/** The key row and its user for a request with a session cookie, and whether that session still holds. */
export async function selectSessionOwner(
  db: Queryable,
  p: { keyId: string; sessionId: string; epoch: number },
): Promise<SessionOwnerRow | null> {
  const { rows } = await db.query<SessionOwnerRow>(
    `SELECT u.id, u.name, u.role, u.category, u.groups, u.active, k.secret_sha256, k.expires_at, k.revoked_at,
            k.last_used_at,
            u.session_epoch = $3 AND NOT EXISTS (SELECT 1 FROM ended_sessions e WHERE e.session_id = $2) AS session_live
     FROM api_keys k JOIN users u ON u.id = k.user_id WHERE k.id = $1`,
    [p.keyId, p.sessionId, p.epoch],
  );
  return rows[0] ?? null;
}

/** The user's current session epoch, which a new session carries. */
export async function selectSessionEpoch(db: Queryable, userId: string): Promise<number> {
  const { rows } = await db.query<{ session_epoch: number }>('SELECT session_epoch FROM users WHERE id = $1', [userId]);
  return rows[0]?.session_epoch ?? 0;
}

/**
 * Ends one session: its id is kept until `endsAt`, its own expiry. Rows of sessions that have
 * expired since are removed on the way, so the table holds only sessions signed out and not yet over.
 */
export async function insertEndedSession(db: Queryable, p: { sessionId: string; endsAt: Date }): Promise<void> {
  await db.query(
    `WITH expired AS (DELETE FROM ended_sessions WHERE ends_at < now())
     INSERT INTO ended_sessions (session_id, ends_at) VALUES ($1, $2) ON CONFLICT (session_id) DO NOTHING`,
    [p.sessionId, p.endsAt],
  );
}

/** Ends every session of the user, whichever key it began with: the epoch they carry is passed. */
export async function raiseSessionEpoch(db: Queryable, userId: string): Promise<void> {
  await db.query('UPDATE users SET session_epoch = session_epoch + 1 WHERE id = $1', [userId]);
}
