/**
 * Content analysis benchmark (not part of npm test): a water network of 100,000 sections (918
 * districts of the content fixture's shape, one diameter in 500 entered in metres) is analysed by
 * every content check — wall and CPU time, time per check and peak RSS (the machine's load average is
 * printed: wall time on a shared machine says more about the neighbours than about the code) — and, when PostgreSQL is reachable, loaded
 * into a project schema, read back in batches and analysed as content.analyze does, CSV included.
 *   npx tsx bench/content.ts            (engine, plus PostgreSQL at DATABASE_URL or 127.0.0.1:5432)
 *   npx tsx bench/content.ts --no-db    (engine only)
 */
import { availableParallelism, loadavg } from 'node:os';
import { readNetwork } from '../activities/audit/project-data.ts';
import { runContentAnalysis } from '../activities/content/engine.ts';
import { renderContentReport, renderFindingsCsv } from '../activities/content/report.ts';
import { ensureDatabase } from '../db/migrate.ts';
import { createPool } from '../db/pool.ts';
import { dropProjectSchema, loadProjectData } from '../db/project-schema.ts';
import { contentNetwork } from '../test/fixtures/networks/content.ts';

const DISTRICTS = 918; // 109 sections each: 100,062
const SLIP_EVERY = 500;

const seconds = (since: number): number => Math.round((performance.now() - since) / 10) / 100;
/** Peak resident set size of this process so far, MB. */
const peakRssMb = (): number => Math.round(process.resourceUsage().maxRSS / 1024);

console.log(
  `load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')} on ${availableParallelism()} cores`,
);
let started = performance.now();
const network = contentNetwork({ seed: 100_000, districts: DISTRICTS, trunk: 10, chain: 4 }).data;
network.sections.forEach((section, i) => {
  if (i % SLIP_EVERY === 0 && section.diameterMm !== null) section.diameterMm /= 1000;
});
console.log(
  `generated ${network.sections.length} sections, ${network.nodes.length} nodes in ${seconds(started)} s (peak RSS ${peakRssMb()} MB)`,
);

started = performance.now();
const cpu = process.cpuUsage();
const report = runContentAnalysis(network);
const engineSeconds = seconds(started);
const { user, system } = process.cpuUsage(cpu);
console.log(
  `content engine: ${engineSeconds} s wall, ${Math.round((user + system) / 10_000) / 100} s CPU, ${report.summary.total} findings ${JSON.stringify(report.summary.byRule)}, peak RSS ${peakRssMb()} MB`,
);
console.log(
  `checks (ms): ${Object.entries(report.timings)
    .map(([check, ms]) => `${check} ${ms}`)
    .join(', ')}`,
);
started = performance.now();
const csv = await renderFindingsCsv(report.findings);
renderContentReport(report, { schema: 'project_bench_content', engagementId: 'bench' });
console.log(`findings CSV (${Math.round(csv.length / 1024)} KiB) and report: ${seconds(started)} s`);

if (!process.argv.includes('--no-db')) {
  const server = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  server.pathname = '/potik_bench';
  await ensureDatabase(server.toString());
  const pool = createPool(server.toString(), { max: 2 });
  try {
    await dropProjectSchema(pool, 'project_bench_content');
    started = performance.now();
    await loadProjectData(pool, 'project_bench_content', network);
    console.log(`load into project_bench_content: ${seconds(started)} s`);
    started = performance.now();
    const read = await readNetwork(pool, 'project_bench_content', () => undefined);
    const again = runContentAnalysis(read);
    await renderFindingsCsv(again.findings);
    console.log(
      `read back in batches + analysis + CSV (as content.analyze): ${seconds(started)} s, ${again.summary.total} findings, peak RSS ${peakRssMb()} MB`,
    );
    await dropProjectSchema(pool, 'project_bench_content');
  } finally {
    await pool.end();
  }
}
