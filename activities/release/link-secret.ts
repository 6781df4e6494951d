import type { Queryable } from '../../db/pool.ts';
import { selectOrCreateSigningKey } from '../../db/queries/signing-keys.ts';

/** Purpose of the database-kept key download links are signed with when none is configured. */
const LINK_KEY_PURPOSE = 'release-download';

/**
 * The secret download links are signed and checked with: the configured one (RELEASE_LINK_SECRET,
 * else SESSION_SECRET), else one kept in the database, so the worker and the API agree either way.
 */
export async function releaseLinkSecret(db: Queryable, configured: string | undefined): Promise<Buffer> {
  return configured ? Buffer.from(configured) : selectOrCreateSigningKey(db, LINK_KEY_PURPOSE);
}
