/**
 * One exchange period exporting 100,000 consumers to cp1251 CSV in a directory: read from the
 * project schema, render, check, transfer atomically and read back (activities/exchange/transfer.ts).
 * Prints the time of the run and the process's peak RSS.
 *
 *   npm run bench -- exchange          (CONSUMERS=… to change the count)
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { transferPeriod } from '../activities/exchange/transfer.ts';
import { loadExchangeSpec } from '../definitions/exchange/exchange-loader.ts';
import { createPool } from '../db/pool.ts';
import { dropProjectSchema, loadProjectData } from '../db/project-schema.ts';
import { ensureDatabase, migrate } from '../db/migrate.ts';
import { withDefaultUser } from '../lib/config.ts';
import { consumersProject } from '../test/helpers/consumers-project.ts';

const COUNT = Number(process.env.CONSUMERS ?? 100_000);
const url = withDefaultUser(process.env.BENCH_DATABASE_URL ?? 'postgres://127.0.0.1:5432/potik_bench_exchange');
await ensureDatabase(url);
await migrate(url);
const pool = createPool(url, { max: 2 });
const schema = 'project_bench_exchange';
const dir = await mkdtemp(join(tmpdir(), 'potik-bench-exchange-'));
try {
  await dropProjectSchema(pool, schema);
  await loadProjectData(pool, schema, consumersProject(COUNT));
  const spec = loadExchangeSpec(
    `id: consumers-out
title: Consumers to billing
direction: out
source: { kind: consumers, attributes: [address, contract] }
format: { kind: csv, delimiter: ';', encoding: cp1251, decimalMark: ',' }
destination: { kind: directory, path: ${JSON.stringify(dir)} }
naming: consumers_{yyyy}{MM}{dd}.csv
schedule: { every: 1d }
`,
    'bench.yaml',
  );
  const rssBefore = process.memoryUsage().rss;
  const started = performance.now();
  const result = await transferPeriod(pool, spec, schema, {
    period: new Date('2026-03-01T00:00:00Z'),
    previousPeriod: null,
  });
  const ms = performance.now() - started;
  const peak = process.resourceUsage().maxRSS * 1024;
  console.log(
    JSON.stringify({
      consumers: COUNT,
      rows: result.rows,
      bytes: result.bytes,
      runMs: Math.round(ms),
      rssBeforeMiB: Math.round(rssBefore / 2 ** 20),
      peakRssMiB: Math.round(peak / 2 ** 20),
    }),
  );
} finally {
  await dropProjectSchema(pool, schema);
  await pool.end();
  await rm(dir, { recursive: true, force: true });
}
