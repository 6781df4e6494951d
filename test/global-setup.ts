/**
 * Starts what the integration suites share, once per `npm test`: one Temporal dev server (the real
 * one, on a random port, search attributes registered), the workflow bundle (a forbidden import in
 * workflow code fails the run here), and a migrated template database that each test file clones.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import pg from 'pg';
import { bundleWorkflows } from '../worker/create-worker.ts';
import { ensureDatabase, migrate } from '../db/migrate.ts';
import { withDefaultUser } from '../lib/config.ts';
import { dropDatabase, startDevServer, withAdmin } from './helpers/local-servers.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    workflowBundlePath: string;
    templateDatabaseUrl: string;
  }
}

/** Tools the activity suites run for real; a missing one fails the run at once, saying how to get it. */
const TOOLS = [
  {
    command: process.env.OGR2OGR || 'ogr2ogr',
    install: 'GDAL (Debian: apt-get install gdal-bin; .ci/run installs it)',
  },
  {
    command: process.env.OGRINFO || 'ogrinfo',
    install: 'GDAL (Debian: apt-get install gdal-bin; .ci/run installs it)',
  },
  {
    command: process.env.PG_DUMP || 'pg_dump',
    install: 'the PostgreSQL client (Debian: apt-get install postgresql-client)',
  },
  { command: 'pg_restore', install: 'the PostgreSQL client (Debian: apt-get install postgresql-client)' },
  { command: 'cs2cs', install: "PROJ's tools (Debian: apt-get install proj-bin; .ci/run installs it)" },
  { command: 'projinfo', install: "PROJ's tools (Debian: apt-get install proj-bin; .ci/run installs it)" },
];

function assertToolsInstalled(): void {
  const missing = TOOLS.filter(({ command }) => spawnSync(command, ['--version']).error);
  if (missing.length > 0) {
    throw new Error(
      `The integration suites need ${missing.map(({ command, install }) => `${command} from ${install}`).join('; ')}.`,
    );
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  assertToolsInstalled();
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
