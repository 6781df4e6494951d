/**
 * The API under load at 20 concurrent connections: the task inbox with 100,000 open tasks in the
 * database, the engagement detail (with the workflow's state query), launch, and task completion
 * (an Update to the running workflow). Not part of `npm test`:
 *
 *   npx tsx bench/api.ts [seconds per read scenario, default 10] [launches/completions, default 1000]
 *   BENCH_CONNECTIONS=1 npx tsx bench/api.ts     (latency of one client alone)
 *   BENCH_PROFILE_DIR=/tmp/x npx tsx bench/api.ts (CPU profiles of the API and worker processes)
 *
 * A scratch database (BENCH_DATABASE_URL, default postgres://127.0.0.1:5432/potik_bench_api) is
 * migrated, seeded with the demo data, the catalog and 100,000 open tasks over 1,000 engagements.
 * The processes are laid out as deployed: a Temporal dev server, the worker (`worker/main.ts`) and
 * the API (`api/server.ts`) each in a process of its own, configured by environment; autocannon
 * drives the API from this process (the completion scenario hands out task ids from a shared
 * list). All of them share the machine's cores.
 */
import { scratchDatabase, startDevServer } from '../test/helpers/local-servers.ts';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { readdirSync, readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { insertSeedRunningEngagements, insertSeedTasks } from '../db/queries/task-seed.ts';
import { publishCatalog } from '../definitions/publish.ts';
import { withDefaultUser } from '../lib/config.ts';
import { seedDemoData } from '../scripts/demo-data.ts';

const SECONDS = Number(process.argv[2] ?? 10);
const WRITES = Number(process.argv[3] ?? 1000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);
/** BENCH_ONLY=inbox,detail,launch,completion picks scenarios (completion launches its engagements first). */
const ONLY = process.env.BENCH_ONLY?.split(',').map((name) => name.trim());
const runs = (name: string) => !ONLY || ONLY.includes(name);
const TASKS = 100_000;
const TASK_QUEUE = 'bench-api';

const databaseUrl = withDefaultUser(process.env.BENCH_DATABASE_URL ?? 'postgres://127.0.0.1:5432/potik_bench_api');
const scratch = await scratchDatabase(databaseUrl, { applicationName: 'potik-api', max: 20 });
const pool = scratch.pool;
const keys = await seedDemoData(pool);
await publishCatalog(pool);

// 100,000 open tasks over 1,000 engagements, a quarter per category: andrii.eng1 (ENG_I) sees 25,000.
let started = Date.now();
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
// A settled table, as in service: autovacuum would otherwise visit the fresh rows during a scenario.
await pool.query('VACUUM (ANALYZE) tasks, engagements');
console.log(`seeded ${TASKS} open tasks in ${((Date.now() - started) / 1000).toFixed(1)} s`);

const env = await startDevServer();

/** A port nothing listens on right now. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
    probe.once('error', reject);
  });
}

const port = await freePort();
const processEnv = {
  ...process.env,
  DATABASE_URL: databaseUrl,
  TEMPORAL_ADDRESS: env.address,
  TEMPORAL_TASK_QUEUE: TASK_QUEUE,
  PORT: String(port),
  LOG_LEVEL: 'warn',
  // One key from one address sends everything: lift the limits so the figures are the work, not 429s.
  RATE_LIMIT_PER_KEY: '100000000',
  RATE_LIMIT_AUTH_FAILURES: '100000000',
};
const profile = process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : [];
const children: ChildProcess[] = ['worker/main.ts', 'api/server.ts'].map((entry) =>
  spawn(process.execPath, [...profile, '--import', 'tsx', entry], {
    env: processEnv,
    stdio: ['ignore', 'inherit', 'inherit'],
  }),
);
const url = `http://127.0.0.1:${port}`;
for (const started = Date.now(); ;) {
  const ready = await fetch(`${url}/readyz`).then(
    (response) => response.ok,
    () => false,
  );
  if (ready) break;
  if (Date.now() - started > 120_000) throw new Error('the API did not become ready within 2 minutes');
  await new Promise((resolve) => setTimeout(resolve, 250));
}
const auth = (user: string) => ({ authorization: `Bearer ${keys[user]}`, 'content-type': 'application/json' });

/**
 * CPU seconds used so far by each part of the stack, read from /proc (Linux): the API and worker
 * processes, the Temporal dev server, all PostgreSQL processes, and this process (autocannon).
 */
const TICKS_PER_SECOND = 100;
/** /proc/<pid>/stat fields from the state on (field 3 is index 0): ppid 4, utime 14, stime 15, cutime 16, cstime 17. */
function statFields(pid: number): string[] | null {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  } catch {
    return null;
  }
}
/** CPU seconds of the process; with `reapedChildren`, also of its children that have ended. */
function cpuSeconds(pid: number, reapedChildren = false): number {
  const fields = statFields(pid);
  if (!fields) return 0;
  const ticks = [11, 12, ...(reapedChildren ? [13, 14] : [])].reduce((sum, i) => sum + Number(fields[i]), 0);
  return ticks / TICKS_PER_SECOND;
}
function pidsWhere(matches: (comm: string, cmdline: string) => boolean): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const comm = readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (matches(comm, cmdline)) pids.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}
/**
 * All PostgreSQL processes: the live ones, and through the postmaster's children's time those that
 * ended (a backend whose connection closed would otherwise take its seconds with it).
 */
function postgresCpuSeconds(): number {
  const pids = pidsWhere((comm) => comm === 'postgres');
  const postgres = new Set(pids);
  return pids.reduce((total, pid) => {
    const postmaster = !postgres.has(Number(statFields(pid)?.[1]));
    return total + cpuSeconds(pid, postmaster);
  }, 0);
}
type CpuParts = Record<'api' | 'worker' | 'temporal' | 'postgres' | 'load', number>;
function cpuNow(): CpuParts {
  const sum = (pids: number[]) => pids.reduce((total, pid) => total + cpuSeconds(pid), 0);
  return {
    api: cpuSeconds(children[1]!.pid!),
    worker: cpuSeconds(children[0]!.pid!),
    temporal: sum(pidsWhere((_, cmdline) => cmdline.includes('start-dev'))),
    postgres: postgresCpuSeconds(),
    load: process.cpuUsage().user / 1e6 + process.cpuUsage().system / 1e6,
  };
}

interface Row {
  scenario: string;
  p50: number;
  p99: number;
  rps: number;
  requests: number;
  non2xx: number;
  errors: number;
  /** CPU milliseconds per request, by part of the stack. */
  cpuMsPerRequest: CpuParts;
}
const results: Row[] = [];

async function measure(scenario: string, options: Omit<autocannon.Options, 'url'> & { path?: string }): Promise<void> {
  const { path = '', ...rest } = options;
  const before = cpuNow();
  const result = await autocannon({ connections: CONNECTIONS, ...rest, url: `${url}${path}` });
  const after = cpuNow();
  const perRequest = (part: keyof CpuParts) =>
    Math.round(((after[part] - before[part]) * 1000 * 100) / Math.max(1, result.requests.total)) / 100;
  const row = {
    scenario,
    p50: result.latency.p50,
    p99: result.latency.p99,
    rps: result.requests.average,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    cpuMsPerRequest: {
      api: perRequest('api'),
      worker: perRequest('worker'),
      temporal: perRequest('temporal'),
      postgres: perRequest('postgres'),
      load: perRequest('load'),
    },
  };
  results.push(row);
  console.log(JSON.stringify(row));
}

// A real engagement, answered by the worker, for the detail scenario.
const launched = await fetch(`${url}/v1/engagements`, {
  method: 'POST',
  headers: auth('olena.pm'),
  body: JSON.stringify({ definitionId: 'minimal', customerId: 'kp-teplomerezha', params: { topic: 'Bench' } }),
});
const detailId = ((await launched.json()) as { id: string }).id;
// The worker is up once it has opened the engagement's task (it bundles the workflows first).
for (const started = Date.now(); ;) {
  const { rows } = await pool.query('SELECT 1 FROM tasks WHERE engagement_id = $1', [detailId]);
  if (rows.length > 0) break;
  if (Date.now() - started > 120_000) throw new Error('the worker did not open the first task within 2 minutes');
  await new Promise((resolve) => setTimeout(resolve, 250));
}

const inbox = await fetch(`${url}/v1/tasks?limit=50`, { headers: auth('andrii.eng1') });
if (inbox.status !== 200) throw new Error(`inbox answered ${inbox.status}`);

// Warm-up: JIT, pool connections, plans.
await autocannon({ url: `${url}/v1/tasks`, connections: CONNECTIONS, duration: 3, headers: auth('andrii.eng1') });

if (runs('inbox')) {
  await measure('task inbox (GET /v1/tasks?limit=50, 25,000 visible of 100,000 open)', {
    duration: SECONDS,
    headers: auth('andrii.eng1'),
    path: '/v1/tasks?limit=50',
  });
}
if (runs('detail')) {
  await measure('engagement detail (GET /v1/engagements/{id}, with the state query)', {
    duration: SECONDS,
    headers: auth('olena.pm'),
    path: `/v1/engagements/${detailId}`,
  });
}

let launchNo = 0;
if (runs('launch') || runs('completion'))
  await measure(`launch (POST /v1/engagements, ${WRITES} launches)`, {
    amount: WRITES,
    method: 'POST',
    headers: auth('olena.pm'),
    path: '/v1/engagements',
    requests: [
      {
        setupRequest: (request) => ({
          ...request,
          body: JSON.stringify({
            definitionId: 'minimal',
            customerId: 'kp-teplomerezha',
            params: { topic: `Bench ${(launchNo += 1)}` },
          }),
        }),
      },
    ],
  });

// Completion: the task of every launched engagement, each completed once.
started = Date.now();
let open: string[] = [];
while (runs('completion') && Date.now() - started < 120_000) {
  const { rows } = await pool.query<{ id: string }>(
    `SELECT t.id FROM tasks t JOIN engagements e ON e.id = t.engagement_id
     WHERE e.definition_id = 'minimal' AND t.status = 'open' AND t.step_id = 'answer' ORDER BY t.created_at`,
  );
  open = rows.map((r) => r.id);
  if (open.length >= WRITES) break;
  await new Promise((resolve) => setTimeout(resolve, 500));
}
let next = 0;
if (runs('completion'))
  await measure(`task completion (POST /v1/tasks/{id}/complete, ${open.length} completions)`, {
    amount: open.length,
    method: 'POST',
    headers: auth('andrii.eng1'),
    requests: [
      {
        setupRequest: (request) => ({
          ...request,
          path: `/v1/tasks/${encodeURIComponent(open[next++ % open.length]!)}/complete`,
          body: JSON.stringify({ result: { answer: 'Done' }, hoursSpent: 0.5 }),
        }),
      },
    ],
  });

console.log(`\n${CONNECTIONS} connections; read scenarios ${SECONDS} s each after a 3 s warm-up`);
console.log('| Scenario | p50 ms | p99 ms | req/s | requests | non-2xx | errors |');
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const r of results) {
  console.log(
    `| ${r.scenario} | ${r.p50} | ${r.p99} | ${r.rps.toFixed(0)} | ${r.requests} | ${r.non2xx} | ${r.errors} |`,
  );
}
console.log('\nCPU milliseconds per request, by process (all share the same cores):');
console.log('| Scenario | API | worker | Temporal dev server | PostgreSQL | load generator |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const { scenario, cpuMsPerRequest: c } of results) {
  console.log(`| ${scenario} | ${c.api} | ${c.worker} | ${c.temporal} | ${c.postgres} | ${c.load} |`);
}

await Promise.all(
  children.map(
    (child) =>
      new Promise((resolve) => {
        child.once('exit', resolve);
        child.kill('SIGTERM');
      }),
  ),
);
await env.teardown();
await scratch.drop();
