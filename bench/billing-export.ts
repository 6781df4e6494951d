/**
 * Billing CSV export at a million ledger rows: rows per second and peak memory.
 *
 *   npx tsx bench/billing-export.ts            (BENCH_DATABASE_URL, default postgres://127.0.0.1:5432/potik_bench_billing)
 *   BENCH_ROWS=200000 npx tsx bench/billing-export.ts
 *
 * Creates a scratch database (dropped at the end unless BENCH_KEEP=1), migrates it, seeds the demo
 * reference data and BENCH_ROWS entries over 50 engagements, bills half of the engagements on
 * acts (so the export joins act lines), then exports every row twice: in process (the query module
 * + CSV columns into a byte-counting sink) and through `potik billing export > file` as a child
 * process under /usr/bin/time for its peak RSS.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { createEngagementAct } from '../activities/acts.ts';
import { billingCsvChunks } from '../api/billing-csv.ts';
import { ensureDatabase, migrate } from '../db/migrate.ts';
import { createPool } from '../db/pool.ts';
import { streamBillingRecordBatches } from '../db/queries/billing-records.ts';
import { upsertDemoReferenceData } from '../db/queries/demo.ts';
import { insertSeedEngagements, insertSeedEntries, upsertSeedCustomer } from '../db/queries/ledger-seed.ts';
import { insertUser } from '../db/queries/users.ts';
import { withDefaultUser } from '../lib/config.ts';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const BATCH = 100_000;
const url = withDefaultUser(process.env.BENCH_DATABASE_URL ?? 'postgres://127.0.0.1:5432/potik_bench_billing');
const name = decodeURIComponent(new URL(url).pathname.slice(1));

async function onServer(sql: string): Promise<void> {
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

async function seed(pool: pg.Pool): Promise<void> {
  await upsertDemoReferenceData(pool, {
    today: '2026-06-30',
    yearStart: '2026-01-01',
    yearEnd: '2026-12-31',
    lastStageAccepted: '2026-04-30',
    signedLongAgo: '2025-05-01',
  });
  await insertUser(pool, { id: 'bench', name: 'Бенчмарк Інженер', role: 'engineer', category: 'ENG_I', groups: [] });
  await upsertSeedCustomer(pool, { id: 'formula-co', name: '=SUM(A1:A9)', edrpou: '90000077', vatPayer: true });
  const customers = ['kp-teplomerezha', 'kp-vodokanal', 'sumy-teplo-cloud', 'lubny-vodokanal', 'formula-co'];
  const engagements: string[] = [];
  for (const customerId of customers) {
    engagements.push(
      ...(await insertSeedEngagements(pool, {
        customerId,
        serviceCode: 'X-IMPORT',
        count: 10,
        launchedBy: 'bench',
        projectId: null,
      })),
    );
  }
  const started = Date.now();
  for (let done = 0; done < ROWS; done += BATCH) {
    const count = Math.min(BATCH, ROWS - done);
    // Each batch covers one month of 2026, so the export spans the year like a real ledger.
    const month = (done / BATCH) % 12;
    await insertSeedEntries(pool, {
      engagementIds: engagements,
      count,
      recordedFrom: new Date(Date.UTC(2026, month, 1, 6)),
      recordedTo: new Date(Date.UTC(2026, month, 28, 18)),
      billable: true,
      contractId: null,
      rateCardId: 'rc-demo',
      performedBy: 'bench',
      batch: `b${done}`,
    });
    process.stderr.write(`\rseeded ${done + count} of ${ROWS} entries`);
  }
  process.stderr.write(` in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  const billing = Date.now();
  for (const engagementId of engagements.filter((_, i) => i % 2 === 0)) {
    await createEngagementAct(pool, { engagementId, actDate: '2026-12-31', createdBy: 'bench', vendorVatPayer: true });
  }
  process.stderr.write(
    `billed ${engagements.length / 2} engagements on acts in ${((Date.now() - billing) / 1000).toFixed(1)} s\n`,
  );
  await pool.query('VACUUM ANALYZE');
}

async function exportInProcess(
  pool: pg.Pool,
): Promise<{ rows: number; bytes: number; seconds: number; peakRss: number; baseRss: number }> {
  global.gc?.();
  const baseRss = process.memoryUsage().rss;
  let peakRss = baseRss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 20);
  let rows = 0;
  let bytes = 0;
  const started = process.hrtime.bigint();
  const counted = (async function* () {
    for await (const batch of streamBillingRecordBatches(pool, { from: '2026-01-01', to: '2026-12-31' })) {
      rows += batch.length;
      yield batch;
    }
  })();
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      callback();
    },
  });
  await pipeline(Readable.from(billingCsvChunks(counted)), sink);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  return { rows, bytes, seconds, peakRss, baseRss };
}

function exportThroughCli(dir: string): { seconds: number; maxRssKb: number; file: string } | null {
  const file = join(dir, 'export.csv');
  const started = Date.now();
  const run = spawnSync(
    '/usr/bin/time',
    [
      '-f',
      '%M',
      'sh',
      '-c',
      `"${process.execPath}" bin/potik.js billing export --from 2026-01-01 --to 2026-12-31 > "${file}"`,
    ],
    { env: { ...process.env, DATABASE_URL: url }, encoding: 'utf8' },
  );
  if (run.status !== 0) {
    process.stderr.write(`CLI run failed (${run.status}): ${run.stderr}\n`);
    return null;
  }
  const maxRssKb = Number(run.stderr.trim().split('\n').at(-1));
  return { seconds: (Date.now() - started) / 1000, maxRssKb, file };
}

async function main(): Promise<void> {
  await onServer(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
  await ensureDatabase(url);
  await migrate(url);
  const pool = createPool(url, { max: 4, applicationName: 'potik-bench' });
  const scratch = await mkdtemp(join(tmpdir(), 'potik-bench-'));
  try {
    await seed(pool);
    const inProcess = await exportInProcess(pool);
    console.log(
      `in process: ${inProcess.rows} rows, ${mb(inProcess.bytes)} CSV in ${inProcess.seconds.toFixed(2)} s = ` +
        `${Math.round(inProcess.rows / inProcess.seconds)} rows/s; RSS ${mb(inProcess.baseRss)} before, peak ${mb(inProcess.peakRss)}`,
    );
    const cli = exportThroughCli(scratch);
    if (cli) {
      const size = (await stat(cli.file)).size;
      console.log(
        `potik billing export > file: ${mb(size)} in ${cli.seconds.toFixed(2)} s = ${Math.round(inProcess.rows / cli.seconds)} rows/s ` +
          `(including process start); peak RSS ${mb(cli.maxRssKb * 1024)}`,
      );
    }
  } finally {
    await pool.end();
    await rm(scratch, { recursive: true, force: true });
    if (process.env.BENCH_KEEP !== '1')
      await onServer(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
  }
}

await main();
