import { loadConfig } from '../lib/config.ts';
import { createPool, type Pool } from '../db/pool.ts';

/** Runs `work` with a pool on DATABASE_URL and closes it afterwards. */
export async function withDatabase<T>(work: (pool: Pool) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const pool = createPool(config.databaseUrl, { max: 2, applicationName: 'potik-cli' });
  try {
    return await work(pool);
  } finally {
    await pool.end();
  }
}
