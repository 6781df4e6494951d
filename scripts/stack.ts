/**
 * The default stack (`npm start`): Temporal dev server, PostgreSQL (or the embedded one),
 * migrations, the service catalog, demo data, the worker and the API — then the URLs and the demo
 * keys. Ctrl-C stops everything it started, in reverse order.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../lib/config.ts';
import { createPool } from '../db/pool.ts';
import { ensureDatabase, migrate, redactUrl } from '../db/migrate.ts';
import { publishCatalog } from '../definitions/publish.ts';
import { DEMO_USERS, seedDemoData } from './demo-data.ts';
import { seedDemoPasswords } from './demo-passwords.ts';
import { seedDemoNetworks } from './demo-projects.ts';
import { ensureSystemToolsHere } from './system-tools.ts';
import { ensureTemporalCli } from './temporal-cli.ts';
import {
  portIsFree,
  postgresAnswers,
  startEmbeddedPostgres,
  startTemporalDevServer,
  stopChild,
  type Stoppable,
} from './local-services.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const say = (line: string) => console.log(line);

async function main(): Promise<void> {
  const config = loadConfig();
  const stops: (() => Promise<void>)[] = [];
  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say('\nStopping the stack...');
    for (const stop of stops.reverse()) await stop().catch((error: Error) => say(`  ${error.message}`));
    say('Stopped.');
    process.exit(code);
  };
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));

  try {
    try {
      ensureSystemToolsHere('start', say);
    } catch (error) {
      // The stack runs without them; only the steps that call them fail, so say it and go on.
      say(`Warning: ${(error as Error).message}`);
    }
    if (!(await portIsFree(config.port, config.host))) {
      throw new Error(
        `Port ${config.port} is in use (another Potik stack?). Stop it, or start with PORT=<other port>.`,
      );
    }

    // Temporal
    let temporalAddress = config.temporalAddress;
    if (temporalAddress) {
      say(`Temporal: using ${temporalAddress} (TEMPORAL_ADDRESS)`);
    } else {
      for (const [name, port] of [
        ['TEMPORAL_PORT', config.temporalPort],
        ['TEMPORAL_UI_PORT', config.temporalUiPort],
      ] as const) {
        if (!(await portIsFree(port))) {
          throw new Error(
            `Port ${port} is in use (another Temporal server or Potik stack?). Stop it, set ${name}, or point TEMPORAL_ADDRESS at a running server.`,
          );
        }
      }
      const cli = await ensureTemporalCli({ log: say });
      say(
        `Temporal: starting the dev server (CLI ${cli.version}, server ${cli.server}), state in ${config.dataDir}/temporal.db`,
      );
      const dev: Stoppable & { address: string } = await startTemporalDevServer({
        cliPath: cli.path,
        dataDir: config.dataDir,
        port: config.temporalPort,
        uiPort: config.temporalUiPort,
        namespace: config.temporalNamespace,
      });
      stops.push(() => dev.stop());
      temporalAddress = dev.address;
    }

    // PostgreSQL
    let databaseUrl = config.databaseUrl;
    if (!(await postgresAnswers(databaseUrl))) {
      if (config.databaseUrlExplicit) {
        throw new Error(
          `PostgreSQL at ${redactUrl(databaseUrl)} (DATABASE_URL) does not answer. Start it or fix DATABASE_URL.`,
        );
      }
      say(
        `PostgreSQL: nothing answers at ${redactUrl(databaseUrl)}; starting the embedded PostgreSQL (PGlite) with data in ${config.dataDir}/pglite`,
      );
      const embedded = await startEmbeddedPostgres(config.dataDir);
      stops.push(() => embedded.stop());
      databaseUrl = embedded.databaseUrl;
    } else if (await ensureDatabase(databaseUrl)) {
      say(`PostgreSQL: created database ${redactUrl(databaseUrl)}`);
    } else {
      say(`PostgreSQL: ${redactUrl(databaseUrl)}`);
    }
    await migrate(databaseUrl, (line) => say(`  ${line}`));
    const pool = createPool(databaseUrl, { max: 2, applicationName: 'potik-stack' });
    const catalog = await publishCatalog(pool, 'catalog');
    say(`Catalog: ${catalog.published.length} published, ${catalog.unchanged.length} unchanged`);
    for (const conflict of catalog.conflicts) say(`  not published: ${conflict}`);
    for (const line of catalog.notOffered) say(`  not offered yet: ${line}`);
    const keys = await seedDemoData(pool);
    const passwords = await seedDemoPasswords(pool);
    const networks = await seedDemoNetworks(pool);
    if (networks.length > 0) say(`Demo projects: loaded a water network into ${networks.join(', ')}`);
    await pool.end();

    // Worker and API, as the processes production runs.
    const env = {
      ...process.env,
      DATABASE_URL: databaseUrl,
      TEMPORAL_ADDRESS: temporalAddress,
      TEMPORAL_UI_URL: config.temporalUiUrl,
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    };
    const worker = startProcess('worker', 'worker/main.ts', env);
    stops.push(() => stopChild(worker));
    const api = startProcess('api', 'api/server.ts', env);
    stops.push(() => stopChild(api));
    for (const [name, child] of [
      ['worker', worker],
      ['api', api],
    ] as const) {
      child.once('exit', (code) => {
        if (!stopping) {
          say(`The ${name} process stopped (exit ${code}); stopping the stack.`);
          void stopAll(1);
        }
      });
    }
    const apiUrl = `http://${config.host}:${config.port}`;
    await waitForHttp(`${apiUrl}/readyz`, 60_000);
    printBanner(apiUrl, config.temporalAddress ? null : config.temporalUiUrl, keys, passwords);
  } catch (error) {
    say(`\n${error instanceof Error ? error.message : String(error)}`);
    await stopAll(1);
  }
}

function startProcess(name: string, entry: string, env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(`${root}node_modules/.bin/tsx`, [`${root}${entry}`], {
    cwd: root,
    env,
    stdio: ['ignore', 'inherit', 'inherit'],
    // Own process group: Ctrl-C reaches the stack, which then stops children in order.
    detached: true,
  });
  child.on('error', (error) => say(`${name}: ${error.message}`));
  return child;
}

async function waitForHttp(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`The API did not become ready at ${url} within ${timeoutMs / 1000}s.`);
}

function printBanner(
  apiUrl: string,
  temporalUiUrl: string | null,
  keys: Record<string, string>,
  passwords: Record<string, string>,
): void {
  const lines = [
    '',
    'Potik is running.',
    `  Console      ${apiUrl}/console/`,
    `  API          ${apiUrl}/v1`,
    `  API docs     ${apiUrl}/docs`,
    `  Health       ${apiUrl}/readyz`,
    ...(temporalUiUrl ? [`  Temporal UI  ${temporalUiUrl}`] : []),
    '',
    'Demo sign-ins for the console (new passwords on every start):',
    ...DEMO_USERS.map((user) => `  ${user.role.padEnd(9)} ${user.id.padEnd(14)} ${passwords[user.id]}`),
    '',
    'Demo API keys (new on every start; send as "Authorization: Bearer <key>"):',
    ...DEMO_USERS.map((user) => `  ${user.role.padEnd(9)} ${user.id.padEnd(14)} ${keys[user.id]}`),
    '',
    'Try it:',
    `  curl -s -X POST ${apiUrl}/v1/engagements -H "Authorization: Bearer ${keys['olena.pm']}" \\`,
    `       -H 'Content-Type: application/json' \\`,
    `       -d '{"definitionId":"minimal","customerId":"kp-teplomerezha","params":{"topic":"Backup schedule"}}'`,
    `  curl -s ${apiUrl}/v1/tasks -H "Authorization: Bearer ${keys['andrii.eng1']}"`,
    '',
    'Ctrl-C stops everything.',
  ];
  say(lines.join('\n'));
}

void main();
