/**
 * Console pages: server time of the engineer's inbox with 100,000 open tasks in the database and of
 * an engagement page (p50, p95, one client), and the weight of every page (HTML plus its assets).
 * Not part of `npm test`:
 *
 *   npx tsx bench/console.ts [requests per page, default 200]
 *
 * A scratch database (BENCH_DATABASE_URL, default postgres://127.0.0.1:5432/potik_bench_console) is
 * migrated and seeded with the demo data, the catalog and 100,000 open tasks over 1,000 import
 * engagements, a quarter per category (andrii.eng1, ENG_I, sees 25,000). The app runs in this
 * process against a Temporal dev server; one client sends the requests one after another.
 */
import { gzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { createApp } from '../api/app.ts';
import { connectTemporal } from '../api/temporal-client.ts';
import { upsertPassword } from '../db/queries/passwords.ts';
import { insertSeedRunningEngagements, insertSeedTasks } from '../db/queries/task-seed.ts';
import { publishCatalog } from '../definitions/publish.ts';
import { withDefaultUser } from '../lib/config.ts';
import { createLogger } from '../lib/logger.ts';
import { hashPassword } from '../lib/passwords.ts';
import { seedDemoData } from '../scripts/demo-data.ts';
import { scratchDatabase, startDevServer } from '../test/helpers/local-servers.ts';

const REQUESTS = Number(process.argv[2] ?? 200);
const TASKS = 100_000;

const databaseUrl = withDefaultUser(process.env.BENCH_DATABASE_URL ?? 'postgres://127.0.0.1:5432/potik_bench_console');
const scratch = await scratchDatabase(databaseUrl, { applicationName: 'potik-console-bench', max: 10 });
const pool = scratch.pool;
await seedDemoData(pool);
await publishCatalog(pool);
const engagements = await insertSeedRunningEngagements(pool, {
  customerId: 'kp-teplomerezha',
  serviceCode: 'X-IMPORT',
  definitionId: 'import',
  count: 1000,
  launchedBy: 'olena.pm',
});
for (const category of ['LEAD', 'ENG_I', 'ENG_II', 'TECH']) {
  await insertSeedTasks(pool, {
    engagementIds: engagements,
    count: TASKS / 4,
    category,
    group: null,
    user: null,
    batch: category,
  });
}
await pool.query('VACUUM (ANALYZE) tasks, engagements');
const password = 'bench console password';
const hash = await hashPassword(password);
for (const user of ['olena.pm', 'andrii.eng1']) await upsertPassword(pool, user, hash);

const env = await startDevServer();
const temporal = await connectTemporal({
  address: env.address,
  namespace: 'default',
  taskQueue: 'bench-console',
  uiUrl: 'http://127.0.0.1:8233',
});
const app = createApp({
  pool,
  temporal,
  logger: createLogger('silent', 'bench'),
  vendorVatPayer: true,
  rateLimits: { perKeyPerMinute: 1e9, authFailuresPerIpPerMinute: 1e9, publicRequestsPer10Minutes: 1e9 },
});
const server = app.listen(0, '127.0.0.1');
await new Promise((resolve) => server.once('listening', resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

async function signIn(user: string): Promise<string> {
  const page = await fetch(`${url}/console/sign-in`);
  const form = /potik_form=([^;]+)/.exec(page.headers.get('set-cookie') ?? '')![1];
  const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!;
  const response = await fetch(`${url}/console/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `potik_form=${form}` },
    body: new URLSearchParams({ _csrf: token, user, password }).toString(),
  });
  return /potik_session=[^;]+/.exec(response.headers.get('set-cookie') ?? '')![0];
}
const cookies = { pm: await signIn('olena.pm'), engineer: await signIn('andrii.eng1') };

async function get(path: string, cookie: string): Promise<{ ms: number; bytes: number; status: number }> {
  const started = process.hrtime.bigint();
  const response = await fetch(`${url}${path}`, { headers: { cookie } });
  const body = Buffer.from(await response.arrayBuffer());
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, bytes: body.length, status: response.status };
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function timing(name: string, path: string, cookie: string): Promise<void> {
  for (let i = 0; i < 10; i++) await get(path, cookie); // warm-up: caches, JIT, the pool's connections
  const times: number[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const { ms, status } = await get(path, cookie);
    if (status !== 200) throw new Error(`${path} answered ${status}`);
    times.push(ms);
  }
  times.sort((a, b) => a - b);
  console.log(
    `${name.padEnd(28)} p50 ${percentile(times, 50).toFixed(1).padStart(6)} ms   p95 ${percentile(times, 95).toFixed(1).padStart(6)} ms   (${REQUESTS} requests)`,
  );
}

const engagement = engagements[0]!;
const task = (await pool.query<{ id: string }>("SELECT id FROM tasks WHERE assignee_category = 'ENG_I' LIMIT 1"))
  .rows[0]!.id;
console.log(`${TASKS} open tasks; andrii.eng1 sees ${TASKS / 4}.`);
await timing('inbox (engineer, 25,000)', '/console/inbox', cookies.engineer);
await timing('inbox, overdue view', '/console/inbox?view=overdue', cookies.engineer);
await timing('engagement page (PM)', `/console/engagements/${engagement}`, cookies.pm);
await timing('engagement progress fragment', `/console/engagements/${engagement}/progress`, cookies.pm);

// Page weight: the HTML of each page and the assets every page loads (served uncompressed by the app).
const assets = ['/console/assets/console.css', '/console/assets/console.js', '/console/assets/htmx.min.js'];
let assetBytes = 0;
let assetGzip = 0;
for (const asset of assets) {
  const body = Buffer.from(await (await fetch(`${url}${asset}`)).arrayBuffer());
  assetBytes += body.length;
  assetGzip += gzipSync(body).length;
}
console.log(
  `\nassets (css + console.js + htmx): ${(assetBytes / 1024).toFixed(1)} KiB, ${(assetGzip / 1024).toFixed(1)} KiB gzipped`,
);
const pages: [string, string, string][] = [
  ['sign-in', '/console/sign-in', ''],
  ['public request', '/console/request', ''],
  ['dashboard', '/console/dashboard', cookies.pm],
  ['launch', '/console/launch?definitionId=training&customerId=kp-teplomerezha', cookies.pm],
  ['engagements', '/console/engagements', cookies.pm],
  ['engagement', `/console/engagements/${engagement}`, cookies.pm],
  ['requests', '/console/requests', cookies.pm],
  ['inbox', '/console/inbox', cookies.engineer],
  ['task', `/console/tasks/${encodeURIComponent(task)}`, cookies.engineer],
];
console.log(`${'page'.padEnd(16)} ${'HTML'.padStart(10)} ${'HTML gz'.padStart(10)} ${'with assets'.padStart(12)}`);
for (const [name, path, cookie] of pages) {
  const response = await fetch(`${url}${path}`, { headers: { cookie } });
  const html = Buffer.from(await response.arrayBuffer());
  if (response.status !== 200) throw new Error(`${path} answered ${response.status}`);
  const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
  console.log(
    `${name.padEnd(16)} ${kib(html.length).padStart(10)} ${kib(gzipSync(html).length).padStart(10)} ${kib(html.length + assetBytes).padStart(12)}`,
  );
}

server.close();
await temporal.close();
await env.teardown();
await scratch.drop();
