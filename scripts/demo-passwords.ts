/**
 * Console passwords of the demo users: new random ones on every start, printed with the demo keys,
 * so a demo stack is never left with a password anyone could guess.
 */
import { upsertPassword } from '../db/queries/passwords.ts';
import type { Pool } from '../db/pool.ts';
import { hashPassword, randomPassword } from '../lib/passwords.ts';
import { DEMO_USERS } from './demo-data.ts';

/** Sets a fresh password for every demo user; returns them by user id. */
export async function seedDemoPasswords(pool: Pool): Promise<Record<string, string>> {
  const passwords: Record<string, string> = {};
  await Promise.all(
    DEMO_USERS.map(async (user) => {
      const password = randomPassword();
      await upsertPassword(pool, user.id, await hashPassword(password));
      passwords[user.id] = password;
    }),
  );
  return passwords;
}
