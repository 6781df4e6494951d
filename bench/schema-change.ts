/**
 * X-SCHEMA benchmark (not part of npm test): a project with one class of 100,000 objects (water
 * pipes whose install year is kept as text) gets a change set — add an attribute with a default,
 * rename one, retype the year to `year` — staged (copy + change + checks in one transaction), applied
 * to the project, then reversed the same way; wall time of each `schema.applyChange` run, peak RSS,
 * and whether the project's canonical checksum after the reverse equals the one before.
 *   npx tsx bench/schema-change.ts        (PostgreSQL at DATABASE_URL or 127.0.0.1:5432; database potik_bench_schema)
 */
import { availableParallelism, loadavg } from 'node:os';
import { checksumSchema } from '../activities/audit/project-data.ts';
import { createSchemaChangeActivities, type ApplyChangeInput } from '../activities/schema-change/activities.ts';
import { checksumClassAttributes } from '../db/class-attributes.ts';
import { ensureDatabase, migrate } from '../db/migrate.ts';
import { createPool } from '../db/pool.ts';
import { dropProjectSchema, loadProjectData, type FeatureRow } from '../db/project-schema.ts';
import { createLogger } from '../lib/logger.ts';
import { seedDemoData } from '../scripts/demo-data.ts';
import {
  activityEnvironment,
  insertActivityEngagement,
  runActivity,
  stepRef,
} from '../test/helpers/activity-environment.ts';

const OBJECTS = 100_000;
const SCHEMA = 'project_bench_schema';

const seconds = (since: number): number => Math.round((performance.now() - since) / 10) / 100;
const peakRssMb = (): number => Math.round(process.resourceUsage().maxRSS / 1024);

console.log(
  `load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')} on ${availableParallelism()} cores`,
);
const url = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
url.pathname = '/potik_bench_schema';
await ensureDatabase(url.toString());
await migrate(url.toString());
const pool = createPool(url.toString(), { max: 4 });
try {
  await seedDemoData(pool);
  await dropProjectSchema(pool, SCHEMA);
  const features: FeatureRow[] = Array.from({ length: OBJECTS }, (_, i) => ({
    id: `P${String(i).padStart(6, '0')}`,
    layer: 'water_pipe',
    geometry: {
      type: 'LineString',
      coordinates: [
        [i, 0],
        [i + 1, 1],
      ],
    },
    attributes: { installYear: String(1950 + (i % 70)), owner: 'KP Vodokanal', district: i % 2 ? 'north' : 'south' },
    inventoryNumber: `INV-${i}`,
    passportRef: null,
  }));
  let started = performance.now();
  await loadProjectData(pool, SCHEMA, {
    crs: { epsg: 9858, name: 'UCS-2000 / LCS-63 Kharkiv' },
    layers: [
      { code: 'water_pipe', name: 'water pipes', geometryType: 'LineString', kind: 'section', passportRequired: true },
    ],
    dictionaries: [],
    features,
    nodes: [],
    sections: [],
    passports: [],
  });
  console.log(`loaded ${OBJECTS} objects in ${seconds(started)} s`);
  const engagement = await insertActivityEngagement(pool, {
    definitionId: 'schema-change',
    definitionVersion: 2,
    serviceCode: 'X-SCHEMA',
    customerId: 'kp-vodokanal',
    projectId: null,
    params: {},
  });
  const activity = createSchemaChangeActivities({
    pool,
    logger: createLogger('silent', 'bench'),
    vendorVatPayer: true,
  })['schema.applyChange'];
  const run = async (stepId: string, input: Omit<ApplyChangeInput, 'schema'>) => {
    const at = performance.now();
    const out = await runActivity(activityEnvironment(), activity, {
      input: { schema: SCHEMA, ...input },
      engagement: stepRef(engagement, stepId),
    });
    console.log(
      `${stepId}: ${seconds(at)} s, applied ${out.applied}, ${out.classes.map((c) => `${c.changedObjects} objects changed`).join(', ')}, peak RSS ${peakRssMb()} MB`,
    );
    return out;
  };
  const canonical = async () =>
    `${(await checksumSchema(pool, SCHEMA, () => undefined)).sha256}/${await checksumClassAttributes(pool, SCHEMA)}`;
  const changeSet = {
    classes: [
      {
        class: 'water_pipe',
        operations: [
          { op: 'add', attribute: 'material', type: 'string', required: true, default: 'steel' },
          { op: 'rename', attribute: 'owner', to: 'operator' },
          { op: 'retype', attribute: 'installYear', type: 'year' },
        ],
      },
    ],
  };
  started = performance.now();
  const staged = await run('stage', { changeSet });
  const before = staged.dataChecksumBefore;
  const applied = await run('apply', { changeSet, on: 'project', staged });
  const unstaged = await run('reverse-stage', { changeSet: applied.reverse });
  await run('reverse-apply', { changeSet: applied.reverse, on: 'project', staged: unstaged });
  console.log(`four runs: ${seconds(started)} s`);
  const after = (await checksumSchema(pool, SCHEMA, () => undefined)).sha256;
  console.log(`project data checksum after the reverse ${after === before ? 'equals' : 'DIFFERS FROM'} the one before`);
  console.log(`canonical checksum (tables and attribute sets): ${await canonical()}`);
  for (const copy of [staged.schema, unstaged.schema]) await dropProjectSchema(pool, copy);
  await dropProjectSchema(pool, SCHEMA);
} finally {
  await pool.end();
}
