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
                                    groups = excluded.groups, active = true
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
  last_used_at: Date | null;
}

/** The key row and its user, for authentication; the caller compares the secret hash in constant time. */
export async function selectApiKeyOwner(db: Queryable, keyId: string): Promise<ApiKeyOwnerRow | null> {
  const { rows } = await db.query<ApiKeyOwnerRow>(
    `SELECT u.id, u.name, u.role, u.category, u.groups, u.active, k.secret_sha256, k.expires_at, k.revoked_at,
            k.last_used_at
     FROM api_keys k JOIN users u ON u.id = k.user_id WHERE k.id = $1`,
    [keyId],
  );
  return rows[0] ?? null;
}

/** How stale a key's last-used time may get: touching it on every request would be a write per request. */
export const KEY_TOUCH_INTERVAL_MS = 60_000;

export async function touchApiKey(db: Queryable, keyId: string): Promise<void> {
  await db.query(
    `UPDATE api_keys SET last_used_at = now() WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`,
    [keyId],
  );
}

export async function revokeApiKeysByLabel(db: Queryable, label: string): Promise<void> {
  await db.query('UPDATE api_keys SET revoked_at = now() WHERE label = $1 AND revoked_at IS NULL', [label]);
}

export interface ApiKeyRow {
  id: string;
  user_id: string;
  label: string | null;
  created_at: Date;
  expires_at: Date | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

export interface UserWithKeysRow extends UserRow {
  created_at: Date;
  manages_customers: string[];
  keys: ApiKeyRow[];
}

const USER_WITH_KEYS = `
  SELECT u.id, u.name, u.role, u.category, u.groups, u.active, u.created_at,
         coalesce((SELECT array_agg(m.customer_id ORDER BY m.customer_id) FROM customer_managers m WHERE m.user_id = u.id),
                  '{}') AS manages_customers,
         coalesce((SELECT json_agg(json_build_object('id', k.id, 'user_id', k.user_id, 'label', k.label,
                                                     'created_at', k.created_at, 'expires_at', k.expires_at,
                                                     'revoked_at', k.revoked_at, 'last_used_at', k.last_used_at)
                                   ORDER BY k.created_at, k.id)
                   FROM api_keys k WHERE k.user_id = u.id), '[]') AS keys
  FROM users u`;

function withKeyDates(row: UserWithKeysRow): UserWithKeysRow {
  const date = (v: Date | string | null) => (v === null ? null : new Date(v));
  return {
    ...row,
    keys: row.keys.map((k) => ({
      ...k,
      created_at: new Date(k.created_at),
      expires_at: date(k.expires_at),
      revoked_at: date(k.revoked_at),
      last_used_at: date(k.last_used_at),
    })),
  };
}

/** Users with their keys (never the hashes) and the customers they manage, ordered by id. */
export async function selectUsers(db: Queryable): Promise<UserWithKeysRow[]> {
  const { rows } = await db.query<UserWithKeysRow>(`${USER_WITH_KEYS} ORDER BY u.id`);
  return rows.map(withKeyDates);
}

export async function selectUser(db: Queryable, id: string): Promise<UserWithKeysRow | null> {
  const { rows } = await db.query<UserWithKeysRow>(`${USER_WITH_KEYS} WHERE u.id = $1`, [id]);
  return rows[0] ? withKeyDates(rows[0]) : null;
}

/** Creates a user; returns null when the id is taken (users are never overwritten over HTTP). */
export async function insertNewUser(
  db: Queryable,
  p: { id: string; name: string; role: Role; category: Category | null; groups: string[] },
): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO users (id, name, role, category, groups) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING`,
    [p.id, p.name, p.role, p.category, p.groups],
  );
  return (rowCount ?? 0) > 0;
}

/** Makes the user a manager of these customers; false (and nothing written) when one of them does not exist. */
export async function insertCustomerManagers(db: Queryable, userId: string, customerIds: string[]): Promise<boolean> {
  if (customerIds.length === 0) return true;
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO customer_managers (customer_id, user_id)
     SELECT c.id, $1 FROM customers c WHERE c.id = ANY($2::text[])
     ON CONFLICT DO NOTHING
     RETURNING customer_id AS id`,
    [userId, customerIds],
  );
  return rows.length === new Set(customerIds).size;
}

/** The key's metadata, for its owner or an admin; null when absent. */
export async function selectApiKey(db: Queryable, keyId: string): Promise<ApiKeyRow | null> {
  const { rows } = await db.query<ApiKeyRow>(
    'SELECT id, user_id, label, created_at, expires_at, revoked_at, last_used_at FROM api_keys WHERE id = $1',
    [keyId],
  );
  return rows[0] ?? null;
}

/**
 * Revokes a key the viewer may manage: any key for admins, their own keys for others. Returns the
 * key (revoked now or before), or null when it does not exist or is not the viewer's.
 */
export async function revokeApiKey(
  db: Queryable,
  viewer: { id: string; role: string },
  keyId: string,
): Promise<ApiKeyRow | null> {
  const { rows } = await db.query<ApiKeyRow>(
    `UPDATE api_keys SET revoked_at = coalesce(revoked_at, now())
     WHERE id = $1 AND ($3 = 'admin' OR user_id = $2)
     RETURNING id, user_id, label, created_at, expires_at, revoked_at, last_used_at`,
    [keyId, viewer.id, viewer.role],
  );
  return rows[0] ?? null;
}

/**
 * Takes a user out of service: inactive, and every key of theirs revoked (keys revoked before keep
 * their time). Returns false when there is no such user.
 */
export async function deactivateUser(db: Queryable, userId: string): Promise<boolean> {
  const { rowCount } = await db.query('UPDATE users SET active = false WHERE id = $1', [userId]);
  if ((rowCount ?? 0) === 0) return false;
  await db.query('UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE user_id = $1', [userId]);
  return true;
}

export async function selectUserCategory(db: Queryable, userId: string): Promise<Category | null> {
  const { rows } = await db.query<{ category: Category | null }>('SELECT category FROM users WHERE id = $1', [userId]);
  return rows[0]?.category ?? null;
}

/**
 * Active users who may complete a task of this assignee (the rule of `mayAct` in
 * workflows/human-steps.ts), admins last, leaving out `excluded`. Named for refusals that say who
 * can act instead.
 */
export async function selectUsersWhoMayAct(
  db: Queryable,
  assignee: { user: string | null; group: string | null; category: Category | null; role: string | null },
  excluded: readonly string[],
): Promise<Pick<UserRow, 'id' | 'name' | 'role'>[]> {
  const { rows } = await db.query<Pick<UserRow, 'id' | 'name' | 'role'>>(
    `SELECT id, name, role FROM users
     WHERE active AND NOT (id = ANY($5::text[])) AND (
       role = 'admin'
       OR ($1::text IS NOT NULL AND id = $1)
       OR ($1::text IS NULL AND $4::text IS NOT NULL AND (
            ($4 IN ('customer', 'pm') AND role = 'pm') OR ($4 = 'lead' AND category = 'LEAD')))
       OR ($1::text IS NULL AND $4::text IS NULL AND (
            ($2::text IS NOT NULL AND $2 = ANY(groups)) OR ($3::text IS NOT NULL AND category = $3))))
     ORDER BY role = 'admin', id`,
    [assignee.user, assignee.group, assignee.category, assignee.role, excluded],
  );
  return rows;
}
