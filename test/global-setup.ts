/**
 * Starts what the integration suites share, once per `npm test`: one Temporal dev server (the real
 * one, on a random port, search attributes registered), the workflow bundle (a forbidden import in
 * workflow code fails the run here), and a migrated template database that each test file clones.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import type { TestProject } from 'vitest/node';
import pg from 'pg';
import { bundleWorkflows } from '../worker/create-worker.ts';
import { ensureDatabase, migrate } from '../db/migrate.ts';
import { withDefaultUser } from '../lib/config.ts';
import { ensureSystemToolsHere } from '../scripts/system-tools.ts';
import { dropDatabase, startDevServer, withAdmin } from './helpers/local-servers.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    workflowBundlePath: string;
    templateDatabaseUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // GDAL, the PostgreSQL client tools and Chromium run for real: installed now if this user may, else one message.
  ensureSystemToolsHere('test');
  if (process.env.TEST_DATABASE_URL === undefined) ensurePostgresServer();
  const serverUrl = withDefaultUser(process.env.TEST_DATABASE_URL ?? 'postgres://127.0.0.1:5432/postgres');
  const templateName = `potik_test_template_${process.pid}`;
  const templateUrl = new URL(serverUrl);
  templateUrl.pathname = `/${templateName}`;

  const [env, bundle] = await Promise.all([
    // Low, so that a test loop reaches it and continue-as-new is exercised for real.
    startDevServer(['limit.historyCount.suggestContinueAsNew=400']),
    bundleWorkflows(),
  ]);
  const dir = await mkdtemp(join(tmpdir(), 'potik-test-'));
  const bundlePath = join(dir, 'workflow-bundle.js');
  await writeFile(bundlePath, bundle.code);

  await dropDatabase(templateUrl.toString());
  await ensureDatabase(templateUrl.toString());
  await migrate(templateUrl.toString());

  project.provide('temporalAddress', env.address);
  project.provide('workflowBundlePath', bundlePath);
  project.provide('templateDatabaseUrl', templateUrl.toString());

  return async () => {
    await env.teardown();
    await rm(dir, { recursive: true, force: true });
    await dropDatabases(serverUrl, `potik_test_%_${process.pid}`);
    await dropDatabase(templateUrl.toString());
  };
}

async function dropDatabases(serverUrl: string, pattern: string): Promise<void> {
  await withAdmin(serverUrl, async (client) => {
    const { rows } = await client.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname LIKE $1', [
      pattern,
    ]);
    for (const { datname } of rows) {
      if (!datname.startsWith('potik_test_template_')) {
        await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(datname)} WITH (FORCE)`);
      }
    }
  });
}

/** The machine's PostgreSQL on 127.0.0.1:5432, started or installed as CI does (scripts/postgres-server.sh). */
function ensurePostgresServer(): void {
  const script = new URL('../scripts/postgres-server.sh', import.meta.url).pathname;
  const result = spawnSync('bash', [script], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (result.status !== 0)
    throw new Error(result.stderr.trim() || `${script} failed (exit ${result.status ?? 'none'})`);
}
