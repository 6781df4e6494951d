/**
 * Users and their API keys as both the API (`/v1/users`, `/v1/keys`) and the `potik users|keys`
 * commands show and mint them: one view of a user and a key, one way to mint a key. Key hashes
 * never leave the database; a key's secret is returned once, when it is minted.
 */
import { generateApiKey } from '../lib/api-keys.ts';
import { insertApiKey, selectApiKey, type ApiKeyRow, type UserWithKeysRow } from '../db/queries/users.ts';

export function apiKeyView(k: ApiKeyRow) {
  return {
    id: k.id,
    userId: k.user_id,
    label: k.label,
    createdAt: k.created_at,
    expiresAt: k.expires_at,
    revokedAt: k.revoked_at,
    lastUsedAt: k.last_used_at,
  };
}

export function userView(u: UserWithKeysRow) {
  return {
    id: u.id,
    name: u.name,
    role: u.role,
    category: u.category,
    groups: u.groups,
    active: u.active,
    managesCustomers: u.manages_customers,
    keys: u.keys.map(apiKeyView),
  };
}

/** Mints a key for the user and returns it with the secret, the only time it is ever shown. */
export async function mintKey(
  db: Parameters<typeof insertApiKey>[0],
  userId: string,
  key: { label?: string | null; expiresAt: string | null },
) {
  const minted = generateApiKey();
  await insertApiKey(db, {
    id: minted.id,
    userId,
    secretSha256: minted.secretSha256,
    label: key.label ?? null,
    expiresAt: key.expiresAt,
  });
  const row = await selectApiKey(db, minted.id);
  return { ...apiKeyView(row!), key: minted.key };
}
