/**
 * Import benchmark (not part of npm test): a 100,000-pipe Shapefile (cp1251 attributes, SK-63 zone
 * X5) is generated with ogr2ogr in a temporary directory, inspected, and converted in full into a
 * project schema in LCS-63 Kharkiv — reprojection, code lists, node building, batched upserts.
 *   npx tsx bench/import.ts [features, default 100000]   (PostgreSQL at DATABASE_URL or 127.0.0.1:5432)
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { convertSources } from '../activities/import/convert.ts';
import { gdalTools } from '../activities/import/gdal.ts';
import { inspectSources } from '../activities/import/inspect.ts';
import type { MappingSpec } from '../activities/import/spec.ts';
import { createLogger } from '../lib/logger.ts';
import { ensureDatabase } from '../db/migrate.ts';
import { createPool } from '../db/pool.ts';
import { dropProjectSchema } from '../db/project-schema.ts';
import { seededRandom } from '../lib/seeded-random.ts';

const FEATURES = Number(process.argv[2] ?? 100_000);
const SPACING = 60;
const MATERIALS = ['сталь', 'чавун', 'поліетилен'];
const DIAMETERS = [100, 150, 200, 300];

const seconds = (since: number): number => Math.round((performance.now() - since) / 10) / 100;

/** A grid of pipes, `side` nodes a row, as many as FEATURES asks (rows of horizontal and vertical mains). */
function pipes(): string {
  const random = seededRandom(FEATURES);
  const side = Math.ceil(Math.sqrt(FEATURES / 2)) + 1;
  const features: string[] = [];
  const at = (c: number, r: number) => [5_380_000 + c * SPACING, 5_510_000 + r * SPACING];
  for (let c = 0; c < side && features.length < FEATURES; c++) {
    for (let r = 0; r < side && features.length < FEATURES; r++) {
      for (const [dc, dr] of [
        [1, 0],
        [0, 1],
      ] as const) {
        if (features.length >= FEATURES || c + dc >= side || r + dr >= side) continue;
        const n = features.length + 1;
        const properties = {
          ID: n,
          DN: DIAMETERS[Math.floor(random() * DIAMETERS.length)],
          MATERIAL: MATERIALS[n % 3],
          STREET: `вул. Героїв Праці, ${n % 200}`,
          YEAR: 1950 + (n % 70),
        };
        const geometry = { type: 'LineString', coordinates: [at(c, r), at(c + dc, r + dr)] };
        features.push(JSON.stringify({ type: 'Feature', properties, geometry }));
      }
    }
  }
  return `{"type":"FeatureCollection","features":[\n${features.join(',\n')}\n]}\n`;
}

const SPEC: MappingSpec = {
  toleranceM: 0.5,
  layers: [
    {
      source: 'bench_pipes',
      target: 'water_pipe',
      fields: {
        DN: 'diameter_mm',
        MATERIAL: { attribute: 'material', codes: { сталь: 'ST', чавун: 'CI', поліетилен: 'PE' } },
        YEAR: 'install_year',
        STREET: 'street',
      },
    },
  ],
};

const dir = mkdtempSync(join(tmpdir(), 'bench-import-'));
const server = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
server.pathname = '/potik_bench';
await ensureDatabase(server.toString());
const pool = createPool(server.toString(), { max: 2 });
try {
  let started = performance.now();
  writeFileSync(join(dir, 'pipes.geojson'), pipes());
  execFileSync('ogr2ogr', [
    ...['-f', 'ESRI Shapefile', '-a_srs', 'EPSG:7829', '-lco', 'ENCODING=CP1251', '-nln', 'bench_pipes'],
    join(dir, 'bench_pipes.shp'),
    join(dir, 'pipes.geojson'),
  ]);
  console.log(`generated a ${FEATURES}-pipe Shapefile in ${seconds(started)} s`);
  const files = readdirSync(dir)
    .filter((name) => name.startsWith('bench_pipes.'))
    .map((name) => ({ name, content: readFileSync(join(dir, name)) }));
  const tools = gdalTools();

  started = performance.now();
  const inspection = await inspectSources(tools, files, {});
  const inspectSeconds = seconds(started);
  const layer = inspection.datasets[0]!.layers[0]!;
  console.log(
    `inspect: ${inspectSeconds} s (${layer.featureCount} features, ${layer.crs.code}, ${inspection.datasets[0]!.encoding.encoding})`,
  );

  const schema = 'import_bench';
  await dropProjectSchema(pool, schema);
  await dropProjectSchema(pool, 'project_bench_import');
  started = performance.now();
  const deps = { pool, logger: createLogger('silent', 'bench'), vendorVatPayer: true };
  const run: Awaited<ReturnType<typeof convertSources>> = await new MockActivityEnvironment().run(() =>
    convertSources(deps, tools, {
      mode: 'full',
      spec: SPEC,
      inspection,
      files,
      schema,
      projectSchema: 'project_bench_import',
      targetCrs: 'EPSG:9858',
    }),
  );
  const convertSeconds = seconds(started);
  const [result] = run.layers;
  console.log(
    `convert (full): ${convertSeconds} s, in ${result!.in}, out ${result!.out}, rejected ${result!.rejected}, junctions ${result!.junctions}`,
  );
  console.log(
    `features/s: inspect ${Math.round(FEATURES / inspectSeconds)}, convert ${Math.round(FEATURES / convertSeconds)}, ` +
      `both ${Math.round(FEATURES / (inspectSeconds + convertSeconds))}`,
  );
  await dropProjectSchema(pool, schema);
  await dropProjectSchema(pool, 'project_bench_import');
} finally {
  await pool.end();
  rmSync(dir, { recursive: true, force: true });
}
