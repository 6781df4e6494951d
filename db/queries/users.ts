import type { Category } from '../../definitions/model.ts';
import type { Queryable } from '../pool.ts';

export type Role = 'admin' | 'pm' | 'engineer' | 'finance';

export interface UserRow {
  id: string;
  name: string;
  role: Role;
  category: Category | null;
  groups: string[];
  active: boolean;
}

export async function insertUser(
  db: Queryable,
  p: { id: string; name: string; role: Role; category: Category | null; groups: string[] },
): Promise<UserRow> {
  const { rows } = await db.query<UserRow>(
    `INSERT INTO users (id, name, role, category, groups) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (id) DO UPDATE SET name = excluded.name, role = excluded.role, category = excluded.category,
                                    groups = excluded.groups
     RETURNING id, name, role, category, groups, active`,
    [p.id, p.name, p.role, p.category, p.groups],
  );
  return rows[0]!;
}

export async function insertApiKey(
  db: Queryable,
  p: { id: string; userId: string; secretSha256: string; label: string | null; expiresAt: string | null },
): Promise<void> {
  await db.query(`INSERT INTO api_keys (id, user_id, secret_sha256, label, expires_at) VALUES ($1, $2, $3, $4, $5)`, [
    p.id,
    p.userId,
    p.secretSha256,
    p.label,
    p.expiresAt,
  ]);
}

export interface ApiKeyOwnerRow extends UserRow {
  secret_sha256: string;
  expires_at: Date | null;
  revoked_at: Date | null;
}

/** The key row and its user, for authentication; the caller compares the secret hash in constant time. */
export async function selectApiKeyOwner(db: Queryable, keyId: string): Promise<ApiKeyOwnerRow | null> {
  const { rows } = await db.query<ApiKeyOwnerRow>(
    `SELECT u.id, u.name, u.role, u.category, u.groups, u.active, k.secret_sha256, k.expires_at, k.revoked_at
     FROM api_keys k JOIN users u ON u.id = k.user_id WHERE k.id = $1`,
    [keyId],
  );
  return rows[0] ?? null;
}

export async function touchApiKey(db: Queryable, keyId: string): Promise<void> {
  await db.query(
    `UPDATE api_keys SET last_used_at = now() WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`,
    [keyId],
  );
}

export async function revokeApiKeysByLabel(db: Queryable, label: string): Promise<void> {
  await db.query('UPDATE api_keys SET revoked_at = now() WHERE label = $1 AND revoked_at IS NULL', [label]);
}
