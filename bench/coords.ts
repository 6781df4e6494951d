/**
 * Re-coordination benchmark (not part of npm test): positions transformed per second by the rigorous
 * SK-63 X5 → USK-2000 LCS-63 conversion (proj4, datum shift through WGS 84) and by fitted affine and
 * second-order polynomial models, over 1,000,000 points; then `gis.applyTransformation` on a project
 * schema of 100,000 sections (copy, transform every geometry in batches, section lengths, topology
 * checks of source and copy).
 *   npx tsx bench/coords.ts [points, default 1000000] [sections, default 100000]
 * A scratch database (BENCH_DATABASE_URL, default postgres://127.0.0.1:5432/potik_bench_coords) is
 * created, migrated, seeded with the demo data and dropped at the end.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import { NetworkBuilder } from '../activities/audit/network-builder.ts';
import type { Point } from '../activities/audit/model.ts';
import { createGisActivities, type ApplyOutput } from '../activities/gis/activities.ts';
import { fitCandidates, type TiePointInput } from '../activities/gis/fit-candidates.ts';
import { modelTransform, rigorousTransform } from '../activities/gis/geometry-transform.ts';
import type { Position } from '../activities/gis/transform.ts';
import { loadProjectData } from '../db/project-schema.ts';
import { withDefaultUser } from '../lib/config.ts';
import { createLogger } from '../lib/logger.ts';
import { seedDemoData } from '../scripts/demo-data.ts';
import { scratchDatabase } from '../test/helpers/local-servers.ts';
import { seededRandom } from '../lib/seeded-random.ts';
import { insertActivityEngagement, stepRef } from '../test/helpers/activity-environment.ts';

const POINTS = Number(process.argv[2] ?? 1_000_000);
const SECTIONS = Number(process.argv[3] ?? 100_000);
const SOURCE = 'EPSG:7829';
const TARGET = 'EPSG:9858';
/** Central Kharkiv in SK-63 X5, [easting, northing]. */
const CENTRE: Point = [5_354_000, 5_532_000];

const random = seededRandom(7829);
const seconds = (since: number): number => (performance.now() - since) / 1000;
const rate = (count: number, s: number): string => `${Math.round(count / s).toLocaleString('en')}/s`;

function timeTransform(label: string, transform: (p: Position) => Position, points: readonly Position[]): void {
  const started = performance.now();
  let checksum = 0;
  for (const point of points) checksum += transform(point)[0];
  const s = seconds(started);
  console.log(
    `${label}: ${points.length} points in ${s.toFixed(2)} s, ${rate(points.length, s)} (checksum ${checksum.toExponential(3)})`,
  );
}

const points: Position[] = Array.from({ length: POINTS }, () => [
  CENTRE[0] + (random() * 2 - 1) * 10_000,
  CENTRE[1] + (random() * 2 - 1) * 10_000,
]);
const rigorous = rigorousTransform(SOURCE, TARGET);
const ties: TiePointInput[] = Array.from({ length: 12 }, (_, i) => {
  const radius = 3_000 + 550 * i; // a spiral: points on one circle leave the polynomial undetermined
  const source: Position = [CENTRE[0] + radius * Math.cos(i * 1.1), CENTRE[1] + radius * Math.sin(i * 1.1)];
  return { id: `T${i}`, source: [...source], target: [...rigorous(source)], check: i % 4 === 3 };
});
const fit = fitCandidates({ points: ties, methods: ['affine', 'polynomial2'] });

timeTransform('rigorous SK-63 X5 → LCS-63 (proj4)', rigorous, points);
for (const model of fit.models) timeTransform(`fitted ${model.method}`, modelTransform(model.model), points);

/** A grid of junctions joined by mains, in SK-63 X5, with at least `sections` sections. */
function network(sections: number) {
  const side = Math.ceil(Math.sqrt(sections / 2)) + 1;
  const b = new NetworkBuilder();
  const id = (col: number, row: number): string => `N${col}-${row}`;
  let n = 0;
  for (let col = 0; col < side; col++) {
    for (let row = 0; row < side; row++) {
      b.node(id(col, row), 'junction', [CENTRE[0] + col * 40 + random() * 5, CENTRE[1] + row * 40 + random() * 5]);
      if (col > 0 && n < sections) b.section(`S${++n}`, id(col - 1, row), id(col, row));
      if (row > 0 && n < sections) b.section(`S${++n}`, id(col, row - 1), id(col, row));
    }
  }
  return b.data;
}

const databaseUrl = withDefaultUser(process.env.BENCH_DATABASE_URL ?? 'postgres://127.0.0.1:5432/potik_bench_coords');
const scratch = await scratchDatabase(databaseUrl, { applicationName: 'potik-coords', max: 4 });
try {
  const { pool } = scratch;
  await seedDemoData(pool);
  const engagement = await insertActivityEngagement(pool, {
    definitionId: 'reprojection',
    definitionVersion: 2,
    serviceCode: 'X-REPROJ',
    customerId: 'kp-vodokanal',
    projectId: 'vodokanal-main',
    params: {},
  });
  const data = network(SECTIONS);
  let started = performance.now();
  await loadProjectData(pool, 'project_vodokanal_main', { ...data, crs: { epsg: 7829, name: 'SK-63 zone X5' } });
  console.log(
    `loaded ${data.sections.length} sections, ${data.features.length} features in ${seconds(started).toFixed(1)} s`,
  );

  const activities = createGisActivities({ pool, logger: createLogger('silent', 'bench'), vendorVatPayer: true });
  for (const model of ['rigorous', 'affine'] as const) {
    const env = new MockActivityEnvironment({});
    const phases = new Map<string, number>();
    let phaseStarted = performance.now();
    let phase = 'start';
    env.on('heartbeat', (details: { phase: string }) => {
      if (details.phase !== phase) {
        phases.set(phase, (phases.get(phase) ?? 0) + seconds(phaseStarted));
        phase = details.phase;
        phaseStarted = performance.now();
      }
    });
    started = performance.now();
    const output = (await env.run(activities['gis.applyTransformation'], {
      input: { projectId: 'vodokanal-main', sourceCrs: SOURCE, targetCrs: TARGET, model, fit },
      engagement: stepRef(engagement, `apply-${model}`),
    })) as ApplyOutput;
    const s = seconds(started);
    phases.set(phase, (phases.get(phase) ?? 0) + seconds(phaseStarted));
    const copy = (phases.get('copy') ?? 0) + (phases.get('start') ?? 0);
    const transform = (phases.get('transform') ?? 0) + (phases.get('transformed') ?? 0);
    const audits = s - copy - transform;
    console.log(
      `applyTransformation ${model}: ${s.toFixed(1)} s for ${output.features} features, ${output.coordinates} coordinates ` +
        `(${rate(output.coordinates, s)} overall); copy ${copy.toFixed(1)} s, transform ${transform.toFixed(1)} s ` +
        `(${rate(output.coordinates, transform)}), topology of source and copy ${audits.toFixed(1)} s; ` +
        `findings before ${output.topology.before.total}, after ${output.topology.after.total}`,
    );
  }
} finally {
  await scratch.drop();
}
