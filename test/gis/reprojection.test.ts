/**
 * The X-REPROJ activities against a real PostgreSQL database of this file's own: the clean Kharkiv
 * district in SK-63 zone X5 is loaded into a project schema, models are fitted to exact tie points of
 * known Helmert and affine transformations, applied to copies, and every coordinate of a copy is
 * compared with an independent computation; the rigorous path is compared with proj4 itself.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import proj4 from 'proj4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checksumSchema } from '../../activities/audit/project-data.ts';
import type { EngagementRef } from '../../activities/context.ts';
import { createGisActivities, type ApplyOutput, type FitOutput } from '../../activities/gis/activities.ts';
import { getCrs } from '../../activities/gis/crs-registry.ts';
import type { TiePointInput } from '../../activities/gis/fit-candidates.ts';
import type { Pool } from '../../db/pool.ts';
import {
  loadProjectData,
  selectAllProjectRows,
  selectCrs,
  type FeatureRow,
  type SectionRow,
} from '../../db/project-schema.ts';
import { selectArtifactContent, selectArtifactsOfEngagement } from '../../db/queries/artifacts.ts';
import { createLogger } from '../../lib/logger.ts';
import { seedDemoData } from '../../scripts/demo-data.ts';
import {
  activityEnvironment,
  insertActivityEngagement,
  runActivity,
  stepRef,
  type EngagementOfSteps,
} from '../helpers/activity-environment.ts';
import { createTestDatabase } from '../helpers/database.ts';
import { cleanNetworkLcs63, cleanNetworkSk63, LCS63_KHARKIV, positions, SK63_X5 } from '../helpers/sk63-network.ts';

const PROJECT = 'vodokanal-main';
const SOURCE = 'project_vodokanal_main';
const sk63 = cleanNetworkSk63();

let pool: Pool;
let activities: ReturnType<typeof createGisActivities>;
let engagementId: string;
let engagement: EngagementOfSteps;
let sourceChecksum: string;

beforeAll(async () => {
  ({ pool } = await createTestDatabase());
  await seedDemoData(pool);
  engagement = await insertActivityEngagement(pool, {
    definitionId: 'reprojection',
    definitionVersion: 2,
    serviceCode: 'X-REPROJ',
    customerId: 'kp-vodokanal',
    projectId: PROJECT,
    params: { projectId: PROJECT, sourceCrs: SK63_X5, targetCrs: LCS63_KHARKIV },
  });
  engagementId = engagement.id;
  await loadProjectData(pool, SOURCE, sk63);
  sourceChecksum = (await checksumSchema(pool, SOURCE, () => undefined)).sha256;
  activities = createGisActivities({ pool, logger: createLogger('silent', 'test'), vendorVatPayer: true });
});

afterAll(async () => {
  await pool?.end();
});

const engagementRef = (stepId: string): EngagementRef => stepRef(engagement, stepId);
const run = runActivity;
const environment = activityEnvironment;

type Planar = (x: number, y: number) => [number, number];

/** Exact tie points of a known transformation around the district (16 on a ring, 4 of them check points: n ≥ 2u for the affine). */
function tiePoints(known: Planar): TiePointInput[] {
  const xs = sk63.features.flatMap((f) => positions(f.geometry).map((p) => p[0]!));
  const ys = sk63.features.flatMap((f) => positions(f.geometry).map((p) => p[1]!));
  const [cx, cy] = [(Math.min(...xs) + Math.max(...xs)) / 2, (Math.min(...ys) + Math.max(...ys)) / 2];
  return Array.from({ length: 16 }, (_, i) => {
    const angle = (i * Math.PI) / 8 + 0.3;
    const source: [number, number] = [cx + 900 * Math.cos(angle), cy + 700 * Math.sin(angle)];
    return { id: `P${i + 1}`, source, target: known(...source), check: i % 4 === 3 };
  });
}

async function copyRows(schema: string): Promise<{ features: FeatureRow[]; sections: SectionRow[] }> {
  return {
    features: await selectAllProjectRows(pool, schema, 'features'),
    sections: await selectAllProjectRows(pool, schema, 'sections'),
  };
}

/** Every position of the copy against `expected` of the source position, to 1e-6 m; lengths to the mm. */
async function expectCopy(schema: string, expected: Planar): Promise<void> {
  const copy = await copyRows(schema);
  const byId = new Map(copy.features.map((f) => [f.id, f]));
  let compared = 0;
  for (const feature of sk63.features) {
    const before = positions(feature.geometry);
    const after = positions(byId.get(feature.id)!.geometry);
    expect(after).toHaveLength(before.length);
    before.forEach(([x, y], i) => {
      const [ex, ey] = expected(x!, y!);
      expect(Math.abs(after[i]![0]! - ex), `${feature.id} easting`).toBeLessThan(1e-6);
      expect(Math.abs(after[i]![1]! - ey), `${feature.id} northing`).toBeLessThan(1e-6);
      compared += 1;
    });
  }
  expect(compared).toBeGreaterThan(150);
  for (const section of copy.sections) {
    const line = positions(byId.get(section.id)!.geometry);
    let length = 0;
    for (let i = 1; i < line.length; i += 1)
      length += Math.hypot(line[i]![0]! - line[i - 1]![0]!, line[i]![1]! - line[i - 1]![1]!);
    expect(section.lengthM, section.id).toBe(Math.round(length * 1000) / 1000);
  }
}

const HELMERT = (() => {
  const scale = 1 + 12.5e-6;
  const theta = (-2757 / 3600) * (Math.PI / 180);
  return { a: scale * Math.cos(theta), b: scale * Math.sin(theta), tx: -5_020_000.25, ty: 9_300.5 };
})();
const helmert: Planar = (x, y) => [
  HELMERT.a * x - HELMERT.b * y + HELMERT.tx,
  HELMERT.b * x + HELMERT.a * y + HELMERT.ty,
];
const AFFINE = { a0: -4_990_000, a1: 0.99998, a2: 0.0135, b0: 70_000, b1: -0.0133, b2: 1.00003 };
const affine: Planar = (x, y) => [AFFINE.a0 + AFFINE.a1 * x + AFFINE.a2 * y, AFFINE.b0 + AFFINE.b1 * x + AFFINE.b2 * y];

describe('gis.fitTransformation and gis.applyTransformation with fitted models', () => {
  it.each([
    ['helmert2d', helmert],
    ['affine', affine],
  ] as const)(
    'when %s tie points are fitted and applied, then every coordinate of the copy is the known transformation',
    async (method, known) => {
      const fit = await run(environment(), activities['gis.fitTransformation'], {
        input: { points: tiePoints(known), methods: ['shift', 'helmert2d', 'affine'], outlierSigma: 3 },
        engagement: engagementRef(`fit-${method}`),
      });
      expect(fit.best).toMatchObject({ method, withinTolerance: true });
      expect(fit.best.rmsM).toBeLessThan(1e-6);
      expect(fit.outliers).toEqual([]);

      const heartbeats: unknown[] = [];
      const applied = await run(environment(heartbeats), activities['gis.applyTransformation'], {
        input: { projectId: PROJECT, sourceCrs: SK63_X5, targetCrs: LCS63_KHARKIV, model: method, fit, batchSize: 50 },
        engagement: engagementRef(`apply-${method}`),
      });
      expect(applied).toMatchObject({ source: SOURCE, model: method, features: 120, sections: 70 });
      expect(applied.schema).toMatch(/^reproj_[0-9a-f]{16}$/);
      expect(applied.coordinates).toBe(sk63.features.reduce((n, f) => n + positions(f.geometry).length, 0));
      expect(heartbeats.filter((h) => (h as { phase: string }).phase === 'transform')).toHaveLength(3);
      await expectCopy(applied.schema, known);
      if (method === 'helmert2d') {
        expect(applied.parameters.a).toBeCloseTo(HELMERT.a, 12);
        expect(applied.parameters.tx).toBeCloseTo(HELMERT.tx, 5);
      }
      // The source is untouched; a similarity keeps the district's topology as it was.
      expect((await checksumSchema(pool, SOURCE, () => undefined)).sha256).toBe(sourceChecksum);
      expect(applied.topology.after).toEqual(applied.topology.before);
      expect(applied.topology.introduced).toEqual([]);
      expect(applied.spotChecks.length).toBeGreaterThanOrEqual(4);
      for (const spot of applied.spotChecks) {
        const [ex, ey] = known(spot.before![0]!, spot.before![1]!);
        expect(spot.after![0]).toBeCloseTo(ex, 6);
        expect(spot.after![1]).toBeCloseTo(ey, 6);
      }
    },
  );

  it('when the chosen model was not fitted, then the apply fails without retry naming it', async () => {
    const fit = await run(environment(), activities['gis.fitTransformation'], {
      input: { points: tiePoints(helmert), methods: ['shift', 'helmert2d'] },
      engagement: engagementRef('fit-narrow'),
    });
    const attempt = run(environment(), activities['gis.applyTransformation'], {
      input: { projectId: PROJECT, sourceCrs: SK63_X5, targetCrs: LCS63_KHARKIV, model: 'affine', fit },
      engagement: engagementRef('apply-unfitted'),
    });
    await expect(attempt).rejects.toMatchObject({ type: 'model-not-fitted', nonRetryable: true });
    await expect(attempt).rejects.toThrow(/model affine was not fitted \(fitted: shift, helmert2d\)/);
  });

  it('when the project’s coordinates come northing first, then the apply is refused, not moved 5000 km', async () => {
    const swap = (value: unknown): unknown =>
      Array.isArray(value) && typeof value[0] === 'number'
        ? [value[1], value[0], ...value.slice(2)]
        : Array.isArray(value)
          ? value.map(swap)
          : value;
    const swapped = sk63.features.map((f) => {
      const geometry = f.geometry as { type: string; coordinates: unknown } | null;
      return geometry ? { ...f, geometry: { ...geometry, coordinates: swap(geometry.coordinates) } } : f;
    });
    await loadProjectData(pool, 'project_swapped_axes', { ...sk63, features: swapped });
    const attempt = run(environment(), activities['gis.applyTransformation'], {
      input: { projectId: 'swapped-axes', sourceCrs: SK63_X5, targetCrs: LCS63_KHARKIV, model: 'rigorous', fit: null },
      engagement: engagementRef('apply-swapped'),
    });
    await expect(attempt).rejects.toMatchObject({ type: 'coordinates-outside-crs', nonRetryable: true });
    await expect(attempt).rejects.toThrow(
      /^feature \S+: Point \d+ .* has its axes exchanged for EPSG:7829 SK-63 zone X5/,
    );
  });

  it('when the stated source CRS is not the project’s, then the apply is refused', async () => {
    const attempt = run(environment(), activities['gis.applyTransformation'], {
      input: { projectId: PROJECT, sourceCrs: 'EPSG:28407', targetCrs: LCS63_KHARKIV, model: 'rigorous', fit: null },
      engagement: engagementRef('apply-wrong-crs'),
    });
    await expect(attempt).rejects.toMatchObject({ type: 'crs-mismatch', nonRetryable: true });
  });
});

describe('gis.applyTransformation on the rigorous path', () => {
  let applied: ApplyOutput;

  it('when SK-63 is transformed rigorously, then the copy equals proj4 and lands back on the LCS-63 district', async () => {
    applied = await run(environment(), activities['gis.applyTransformation'], {
      input: { projectId: PROJECT, sourceCrs: SK63_X5, targetCrs: LCS63_KHARKIV, model: 'rigorous', fit: null },
      engagement: engagementRef('apply-rigorous'),
    });
    const converter = proj4(getCrs(SK63_X5).proj4, getCrs(LCS63_KHARKIV).proj4);
    await expectCopy(applied.schema, (x, y) => converter.forward([x, y]) as [number, number]);
    // The round trip LCS-63 → SK-63 → LCS-63 returns to the fixture within a millimetre.
    const original = new Map(cleanNetworkLcs63().features.map((f) => [f.id, positions(f.geometry)]));
    for (const feature of (await copyRows(applied.schema)).features) {
      positions(feature.geometry).forEach(([x, y], i) => {
        const [ox, oy] = original.get(feature.id)![i]!;
        expect(Math.hypot(x! - ox!, y! - oy!)).toBeLessThan(1e-3);
      });
    }
    expect(applied.parameters).toMatchObject({ sourceProj4: getCrs(SK63_X5).proj4 });
    expect(applied.topology.after.total).toBe(0);
  });

  it('when the finished step runs again, then it returns the stored output and stores nothing new', async () => {
    const again = await run(environment(), activities['gis.applyTransformation'], {
      input: { projectId: PROJECT, sourceCrs: SK63_X5, targetCrs: LCS63_KHARKIV, model: 'rigorous', fit: null },
      engagement: engagementRef('apply-rigorous'),
    });
    expect(again).toEqual(applied);
    const stored = (await selectArtifactsOfEngagement(pool, engagementId)).filter((a) => a.stepId === 'apply-rigorous');
    expect(stored.map((a) => a.name)).toEqual(['apply-report.json']);
  });

  it('when switchCrs runs on the copy, then its CRS metadata is the target and the switch is recorded', async () => {
    const switched = await run(environment(), activities['gis.switchCrs'], {
      input: { projectId: PROJECT, crs: LCS63_KHARKIV, schema: applied.schema },
      engagement: engagementRef('switch-crs'),
    });
    expect(switched).toMatchObject({ schema: applied.schema, epsg: 9858, previous: { epsg: 7829 } });
    expect(await selectCrs(pool, applied.schema)).toEqual({ epsg: 9858, name: 'USK-2000 / LCS-63 Kharkiv' });
    expect(await selectCrs(pool, SOURCE)).toEqual({ epsg: 7829, name: 'SK-63 zone X5' });
    const unknown = run(environment(), activities['gis.switchCrs'], {
      input: { projectId: PROJECT, crs: 'EPSG:3857', schema: applied.schema },
      engagement: engagementRef('switch-unknown'),
    });
    await expect(unknown).rejects.toMatchObject({ type: 'crs-unknown', nonRetryable: true });
  });

  it('when the report is built, then the markdown names the model, the CRSs, counts, spot checks and topology', async () => {
    const report = await run(environment(), activities['gis.buildTransformationReport'], {
      input: { projectId: PROJECT, applied },
      engagement: engagementRef('deliverables'),
    });
    const markdown = (await selectArtifactContent(pool, report.markdown.id))!.toString('utf8');
    expect(markdown).toContain('Model: **rigorous**');
    expect(markdown).toContain('EPSG:7829 SK-63 zone X5');
    expect(markdown).toContain(`Transformed: 120 features, ${applied.coordinates} coordinates`);
    expect(markdown).toContain(`metadata of \`${applied.schema}\` switched`);
    expect(markdown).toContain('## Topology checks before and after');
  });
});

describe('gis.applyTransformation interrupted and retried', () => {
  const input = {
    projectId: PROJECT,
    sourceCrs: SK63_X5,
    targetCrs: LCS63_KHARKIV,
    model: 'rigorous' as const,
    fit: null,
    batchSize: 25,
  };

  /** Runs the step until the `stopAt`-th heartbeat (the worker dies there); returns the heartbeats sent. */
  async function interrupted(stepId: string, stopAt: number): Promise<unknown[]> {
    const heartbeats: unknown[] = [];
    const env = new MockActivityEnvironment({});
    env.on('heartbeat', (details: unknown) => {
      heartbeats.push(details);
      if (heartbeats.length === stopAt) throw new Error('worker lost');
    });
    await expect(
      run(env, activities['gis.applyTransformation'], { input, engagement: engagementRef(stepId) }),
    ).rejects.toThrow('worker lost');
    return heartbeats;
  }

  it('when a run dies mid-transform and is retried from its last or an older heartbeat, then the copy equals an uninterrupted one', async () => {
    const reference = await run(environment(), activities['gis.applyTransformation'], {
      input,
      engagement: engagementRef('apply-reference'),
    });
    const expected = (await checksumSchema(pool, reference.schema, () => undefined)).sha256;

    // 7 table copies, then batches of 25 features: die after the third batch.
    const sent = await interrupted('apply-retry', 10);
    const last = sent.at(-1) as { phase: string; transform: { after: string } };
    expect(last.phase).toBe('transform');
    // Resume from the heartbeat before the last one: the third batch is done again, from the source.
    const resumedHeartbeats: unknown[] = [];
    const resumed = await run(environment(resumedHeartbeats, sent.at(-2)), activities['gis.applyTransformation'], {
      input,
      engagement: engagementRef('apply-retry'),
    });
    expect((resumedHeartbeats[0] as { phase: string }).phase).toBe('transform');
    expect(resumed.schema).not.toBe(reference.schema);
    expect((await checksumSchema(pool, resumed.schema, () => undefined)).sha256).toBe(expected);
    expect(resumed.features).toBe(reference.features);
    expect(resumed.coordinates).toBe(reference.coordinates);

    // Dying during the copy and retrying with its heartbeat gives the same copy too.
    const copying = await interrupted('apply-retry-copy', 4);
    const fromCopy = await run(environment([], copying.at(-1)), activities['gis.applyTransformation'], {
      input,
      engagement: engagementRef('apply-retry-copy'),
    });
    expect((await checksumSchema(pool, fromCopy.schema, () => undefined)).sha256).toBe(expected);
    expect(fromCopy.sections).toBe(70);
  });
});

describe('gis.fitTransformation input', () => {
  it('when too few points are given for a model, then the step fails without retry naming the model', async () => {
    const attempt = run(environment(), activities['gis.fitTransformation'], {
      input: { points: tiePoints(helmert).slice(0, 2), methods: ['helmert2d', 'affine'] },
      engagement: engagementRef('fit-few'),
    });
    await expect(attempt).rejects.toMatchObject({ type: 'fit-input-invalid', nonRetryable: true });
    await expect(attempt).rejects.toThrow(/affine needs at least 3 fit points/);
  });

  it('when the fit step runs twice, then the second run returns the stored fit', async () => {
    const arg = { input: { points: tiePoints(affine), methods: ['affine'] }, engagement: engagementRef('fit-twice') };
    const first: FitOutput = await run(environment(), activities['gis.fitTransformation'], arg);
    const second: FitOutput = await run(environment(), activities['gis.fitTransformation'], arg);
    expect(second).toEqual(first);
    const markdown = (await selectArtifactContent(pool, first.report.id))!.toString('utf8');
    expect(markdown).toContain('**affine** — affine (6 parameters)');
    const stored = (await selectArtifactsOfEngagement(pool, engagementId)).filter((a) => a.stepId === 'fit-twice');
    expect(stored.map((a) => a.name).sort()).toEqual(['fit-report.md', 'fit.json']);
  });
});
