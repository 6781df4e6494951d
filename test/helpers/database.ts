import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { createPool, type Pool } from '../../db/pool.ts';

/**
 * A fresh database for one test file, cloned from the migrated template the global setup made
 * (a clone takes milliseconds; migrating takes seconds). Dropped by the global teardown.
 */
export async function createTestDatabase(): Promise<{ url: string; pool: Pool }> {
  const template = new URL(inject('templateDatabaseUrl'));
  const templateName = template.pathname.slice(1);
  const runId = templateName.replace('potik_test_template_', '');
  const name = `potik_test_${randomBytes(4).toString('hex')}_${runId}`;
  const admin = new URL(template);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)} TEMPLATE ${pg.escapeIdentifier(templateName)}`);
  } finally {
    await client.end();
  }
  const url = new URL(template);
  url.pathname = `/${name}`;
  return { url: url.toString(), pool: createPool(url.toString(), { max: 5 }) };
}
