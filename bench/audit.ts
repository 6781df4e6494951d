/**
 * Audit benchmark (not part of npm test): a 100,000-section looped water network is generated, the
 * audit engine runs every rule over it, and — when PostgreSQL is reachable — the network is loaded
 * into a project schema and read back in batches as audit.run does.
 *   npx tsx bench/audit.ts            (engine, plus PostgreSQL at DATABASE_URL or 127.0.0.1:5432)
 *   npx tsx bench/audit.ts --no-db    (engine only)
 */
import { runAudit } from '../activities/audit/engine.ts';
import type { Point } from '../activities/audit/model.ts';
import { NetworkBuilder } from '../activities/audit/network-builder.ts';
import { readNetwork } from '../activities/audit/project-data.ts';
import { ensureDatabase } from '../db/migrate.ts';
import { createPool } from '../db/pool.ts';
import { dropProjectSchema, loadProjectData } from '../db/project-schema.ts';
import { seededRandom } from '../lib/seeded-random.ts';

const SECTIONS = 100_000;
const SIDE = 224; // 224 × 224 junctions give 2 · 224 · 223 = 99,904 mains
const SPACING = 45;

function generate(): NetworkBuilder {
  const random = seededRandom(100_000);
  const b = new NetworkBuilder();
  const origin: Point = [300_000 - (SIDE * SPACING) / 2, 5_540_000 - (SIDE * SPACING) / 2];
  const id = (col: number, row: number): string => `N${col}-${row}`;
  for (let col = 0; col < SIDE; col++) {
    for (let row = 0; row < SIDE; row++) {
      const jitter = (): number => (random() * 2 - 1) * 6;
      b.node(id(col, row), 'junction', [origin[0] + col * SPACING + jitter(), origin[1] + row * SPACING + jitter()]);
    }
  }
  let n = 0;
  for (let col = 0; col < SIDE; col++) {
    for (let row = 0; row < SIDE; row++) {
      if (col + 1 < SIDE) b.section(`S${++n}`, id(col, row), id(col + 1, row));
      if (row + 1 < SIDE) b.section(`S${++n}`, id(col, row), id(col, row + 1));
    }
  }
  b.node('SRC', 'source', [origin[0] - 60, origin[1] + 10]);
  b.section(`S${++n}`, 'SRC', id(0, 0));
  for (let c = 0; n < SECTIONS; c++) {
    const [x, y] = b.position(id(c % SIDE, Math.floor(c / SIDE)));
    b.node(`C${c}`, 'consumer', [x + 12, y + 14], { load: 1 });
    b.section(`S${++n}`, id(c % SIDE, Math.floor(c / SIDE)), `C${c}`, { diameterMm: 50, material: 'PE' });
  }
  return b;
}

const seconds = (since: number): number => Math.round((performance.now() - since) / 10) / 100;

let started = performance.now();
const network = generate().data;
console.log(`generated ${network.sections.length} sections, ${network.nodes.length} nodes in ${seconds(started)} s`);

started = performance.now();
const report = runAudit(network, { tolerance: 0.5, currentYear: 2026 });
const engineSeconds = seconds(started);
console.log(`audit engine: ${engineSeconds} s, ${report.summary.total} findings`);
const slowest = Object.entries(report.timings).sort(([, a], [, b]) => b - a);
console.log(
  `slowest rules (ms): ${slowest
    .slice(0, 5)
    .map(([rule, ms]) => `${rule} ${ms}`)
    .join(', ')}`,
);

if (!process.argv.includes('--no-db')) {
  const server = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  server.pathname = '/potik_bench';
  await ensureDatabase(server.toString());
  const pool = createPool(server.toString(), { max: 2 });
  try {
    await dropProjectSchema(pool, 'project_bench_audit');
    started = performance.now();
    await loadProjectData(pool, 'project_bench_audit', network);
    console.log(`load into project_bench_audit: ${seconds(started)} s`);
    started = performance.now();
    const read = await readNetwork(pool, 'project_bench_audit', () => undefined);
    console.log(`read back in batches: ${seconds(started)} s (${read.sections.length} sections)`);
    started = performance.now();
    runAudit(read, { tolerance: 0.5, currentYear: 2026 });
    console.log(`audit engine on the rows read: ${seconds(started)} s`);
    await dropProjectSchema(pool, 'project_bench_audit');
  } finally {
    await pool.end();
  }
}
