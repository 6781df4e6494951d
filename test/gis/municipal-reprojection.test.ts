/**
 * Re-coordinating a project drawn in an old city system (a municipal registry entry, `LOCAL:…`): the
 * clean Kharkiv district is moved into the city system of test/fixtures/municipal by the exact
 * inverse of its truth, the system is defined from twelve tie points with 1 cm of noise, and
 * `gis.applyTransformation` takes the system as its source CRS — on the rigorous path through the
 * system's stored fit, and on the empirical path with a fit of its own. Every coordinate of the copy
 * lands on the original LCS-63 district within the tie points' RMS; a project whose coordinates lie
 * beyond the tie points, or whose metadata names an EPSG system, is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngagementRef } from '../../activities/context.ts';
import { createGisActivities } from '../../activities/gis/activities.ts';
import type { MunicipalCrs } from '../../activities/gis/municipal-crs.ts';
import { createMunicipalCrs } from '../../activities/gis/municipal-store.ts';
import type { Pool } from '../../db/pool.ts';
import { loadProjectData, selectAllProjectRows, type FeatureRow, type ProjectData } from '../../db/project-schema.ts';
import { createLogger } from '../../lib/logger.ts';
import { seededRandom } from '../../lib/seeded-random.ts';
import { seedDemoData } from '../../scripts/demo-data.ts';
import { cityToLcs63, lcs63ToCity } from '../fixtures/municipal/kharkiv-city.ts';
import {
  activityEnvironment,
  insertActivityEngagement,
  runActivity,
  stepRef,
  type EngagementOfSteps,
} from '../helpers/activity-environment.ts';
import { createTestDatabase } from '../helpers/database.ts';
import { cleanNetworkLcs63, LCS63_KHARKIV, mapPositions, positions } from '../helpers/sk63-network.ts';

const PROJECT = 'vodokanal-main';
const SOURCE = 'project_vodokanal_main';
const CODE = 'LOCAL:KHARKIV-CITY-DISTRICT';
const lcs63 = cleanNetworkLcs63();

let pool: Pool;
let activities: ReturnType<typeof createGisActivities>;
let engagement: EngagementOfSteps;
let system: MunicipalCrs;

/** The district with every position moved by `convert` and no CRS row (EPSG metadata cannot name a city system). */
function districtBy(convert: (p: [number, number]) => [number, number]): ProjectData {
  const features: FeatureRow[] = lcs63.features.map((f) => {
    const geometry = f.geometry as { type: string; coordinates: unknown } | null;
    return geometry ? { ...f, geometry: { ...geometry, coordinates: mapPositions(geometry.coordinates, convert) } } : f;
  });
  return { ...lcs63, crs: null, features };
}

/** Twelve tie points on a ring around the district: city coordinates, and LCS-63 measured with 1 cm of noise. */
function tiePoints() {
  const xs = lcs63.features.flatMap((f) => positions(f.geometry).map((p) => p[0]!));
  const ys = lcs63.features.flatMap((f) => positions(f.geometry).map((p) => p[1]!));
  const [cx, cy] = [(Math.min(...xs) + Math.max(...xs)) / 2, (Math.min(...ys) + Math.max(...ys)) / 2];
  const [rx, ry] = [(Math.max(...xs) - Math.min(...xs)) / 2 + 100, (Math.max(...ys) - Math.min(...ys)) / 2 + 100];
  const random = seededRandom(63);
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return Array.from({ length: 12 }, (_, i) => {
    const angle = (i * Math.PI) / 6 + 0.2;
    const target: [number, number] = [cx + rx * Math.cos(angle), cy + ry * Math.sin(angle)];
    const source = lcs63ToCity(target).map((v) => Math.round(v * 1000) / 1000) as [number, number];
    const [e, n] = cityToLcs63(source);
    return { id: `K${i + 1}`, source, target: [e + 0.01 * gaussian(), n + 0.01 * gaussian()] };
  });
}

beforeAll(async () => {
  ({ pool } = await createTestDatabase());
  await seedDemoData(pool);
  engagement = await insertActivityEngagement(pool, {
    definitionId: 'reprojection',
    definitionVersion: 4,
    serviceCode: 'X-REPROJ',
    customerId: 'kp-vodokanal',
    projectId: PROJECT,
    params: { projectId: PROJECT, sourceCrs: CODE, targetCrs: LCS63_KHARKIV },
  });
  await loadProjectData(pool, SOURCE, districtBy(lcs63ToCity));
  await loadProjectData(
    pool,
    'project_in_state_grid',
    districtBy((p) => p),
  );
  await loadProjectData(pool, 'project_with_epsg', {
    ...districtBy(lcs63ToCity),
    crs: { epsg: 7829, name: 'SK-63 zone X5' },
  });
  system = await createMunicipalCrs(
    pool,
    { code: CODE, name: 'Kharkiv city system (district)', baseCrs: LCS63_KHARKIV, points: tiePoints() },
    'andrii.eng1',
  );
  activities = createGisActivities({ pool, logger: createLogger('silent', 'test'), vendorVatPayer: true });
});

afterAll(async () => {
  await pool?.end();
});

const ref = (step: string): EngagementRef => stepRef(engagement, step);

/** The largest distance between the copy's positions and the original LCS-63 district, and how many were compared. */
async function errorsOf(schema: string): Promise<{ max: number; compared: number }> {
  const copy = new Map((await selectAllProjectRows(pool, schema, 'features')).map((f) => [f.id, f]));
  let max = 0;
  let compared = 0;
  for (const feature of lcs63.features) {
    const after = positions(copy.get(feature.id)!.geometry);
    positions(feature.geometry).forEach(([x, y], i) => {
      max = Math.max(max, Math.hypot(after[i]![0]! - x!, after[i]![1]! - y!));
      compared += 1;
    });
  }
  return { max, compared };
}

describe('re-coordination of a project in a municipal system', () => {
  it('when the rigorous path takes the city system as source, then the copy lands on LCS-63 within the tie points’ RMS', async () => {
    expect(system.method).toBe('helmert2d');
    const applied = await runActivity(activityEnvironment(), activities['gis.applyTransformation'], {
      input: {
        projectId: PROJECT,
        sourceCrs: CODE.toLowerCase(),
        targetCrs: LCS63_KHARKIV,
        model: 'rigorous',
        fit: null,
      },
      engagement: ref('apply-rigorous'),
    });
    expect(applied).toMatchObject({
      sourceCrs: CODE,
      sourceCrsName: 'Kharkiv city system (district)',
      targetCrs: LCS63_KHARKIV,
    });
    expect(applied.parameters).toMatchObject({ sourceSystem: CODE, sourceModel: 'helmert2d', baseCrs: LCS63_KHARKIV });
    const { max, compared } = await errorsOf(applied.schema);
    expect(compared).toBeGreaterThan(150);
    expect(max).toBeLessThan(system.rmsM);
    expect(applied.topology.introduced).toEqual([]);
    console.info(
      `municipal rigorous: ${compared} positions, max ${(max * 1000).toFixed(2)} mm, RMS ${(system.rmsM * 1000).toFixed(2)} mm`,
    );
  });

  it('when the empirical path fits its own model from the city system, then the copy lands on LCS-63 too', async () => {
    const fit = await runActivity(activityEnvironment(), activities['gis.fitTransformation'], {
      input: { points: tiePoints(), methods: ['shift', 'helmert2d', 'affine'], toleranceM: 0.05 },
      engagement: ref('fit'),
    });
    expect(fit.best).toMatchObject({ method: 'helmert2d', withinTolerance: true, doubted: [] });
    const applied = await runActivity(activityEnvironment(), activities['gis.applyTransformation'], {
      input: { projectId: PROJECT, sourceCrs: CODE, targetCrs: LCS63_KHARKIV, model: 'helmert2d', fit },
      engagement: ref('apply-empirical'),
    });
    expect((await errorsOf(applied.schema)).max).toBeLessThan(fit.best.rmsM);
  });

  it('when the project’s coordinates lie beyond the tie points, or its metadata names an EPSG system, then the apply is refused', async () => {
    const beyond = runActivity(activityEnvironment(), activities['gis.applyTransformation'], {
      input: {
        schema: 'project_in_state_grid',
        sourceCrs: CODE,
        targetCrs: LCS63_KHARKIV,
        model: 'rigorous',
        fit: null,
      },
      engagement: ref('apply-beyond'),
    });
    await expect(beyond).rejects.toMatchObject({ type: 'coordinates-outside-crs', nonRetryable: true });
    await expect(beyond).rejects.toThrow(/outside LOCAL:KHARKIV-CITY-DISTRICT .*tie points' extent/);
    const tagged = runActivity(activityEnvironment(), activities['gis.applyTransformation'], {
      input: { schema: 'project_with_epsg', sourceCrs: CODE, targetCrs: LCS63_KHARKIV, model: 'rigorous', fit: null },
      engagement: ref('apply-tagged'),
    });
    await expect(tagged).rejects.toMatchObject({ type: 'crs-mismatch', nonRetryable: true });
  });
});
