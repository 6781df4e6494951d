/**
 * The real servers that integration tests and benchmarks run against: a Temporal dev server with the
 * engagement search attributes registered, and scratch PostgreSQL databases made and dropped by name.
 */
import { defineSearchAttributeKey } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import pg from 'pg';
import { ensureDatabase, migrate } from '../../db/migrate.ts';
import { createPool, type Pool } from '../../db/pool.ts';
import { ensureTemporalCli } from '../../scripts/temporal-cli.ts';
import { SEARCH_ATTRIBUTES } from '../../workflows/messages.ts';

const TYPES = { Keyword: 'KEYWORD', Datetime: 'DATETIME' } as const;

/** One dev server on a random port; `dynamicConfig` adds `--dynamic-config-value` pairs. */
export async function startDevServer(dynamicConfig: string[] = []): Promise<TestWorkflowEnvironment> {
  const cli = await ensureTemporalCli();
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: cli.path },
      ip: '127.0.0.1',
      searchAttributes: Object.entries(SEARCH_ATTRIBUTES).map(([name, type]) =>
        defineSearchAttributeKey(name, TYPES[type]),
      ),
      extraArgs: [
        ...['frontend.enableServerVersionCheck=false', ...dynamicConfig].flatMap((value) => [
          '--dynamic-config-value',
          value,
        ]),
        '--log-level',
        'error',
      ],
    },
  });
}

/** Runs `work` on a connection to the server's `postgres` database (for CREATE/DROP DATABASE). */
export async function withAdmin<T>(databaseUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const admin = new URL(databaseUrl);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function dropDatabase(databaseUrl: string): Promise<void> {
  const name = new URL(databaseUrl).pathname.slice(1);
  await withAdmin(databaseUrl, (client) =>
    client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`),
  );
}

/** A fresh, migrated database at `databaseUrl` (an old one of that name is dropped first). */
export async function scratchDatabase(
  databaseUrl: string,
  options: { max?: number; applicationName?: string } = {},
): Promise<{ pool: Pool; drop(): Promise<void> }> {
  await dropDatabase(databaseUrl);
  await ensureDatabase(databaseUrl);
  await migrate(databaseUrl);
  const pool = createPool(databaseUrl, options);
  // Dropping the database at the end ends idle connections: expected, not an error.
  pool.on('error', () => undefined);
  return {
    pool,
    async drop() {
      await pool.end();
      await dropDatabase(databaseUrl);
    },
  };
}
