/**
 * The MapInfo NonEarth case: a TAB in an old Kharkiv city system (test/fixtures/municipal), the
 * system defined from ten tie points to LCS-63 Kharkiv and stored as a registry entry of its own,
 * then inspected and converted by the import activities into the vodokanal project (LCS-63 Kharkiv,
 * EPSG:9858). Every converted vertex is checked against the truth the fixture was generated from,
 * within the tie points' RMS; a file whose coordinates lie beyond the tie points is refused at the
 * inspection, with the extent found.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMunicipalCrs } from '../../activities/gis/municipal-store.ts';
import type { MunicipalCrs } from '../../activities/gis/municipal-crs.ts';
import { createImportActivities } from '../../activities/import/activities.ts';
import type { Pool } from '../../db/pool.ts';
import { selectAllProjectRows, selectCrs } from '../../db/project-schema.ts';
import { selectArtifactContent } from '../../db/queries/artifacts.ts';
import { createLogger } from '../../lib/logger.ts';
import { seedDemoData } from '../../scripts/demo-data.ts';
import { CITY_BASE, CITY_CODE, cityPipes, cityTiePoints, cityToLcs63 } from '../fixtures/municipal/kharkiv-city.ts';
import { CITY_SPEC, CITY_TAB } from '../fixtures/municipal/spec.ts';
import { activityEnvironment, runActivity, stepRef, type EngagementOfSteps } from '../helpers/activity-environment.ts';
import { createTestDatabase } from '../helpers/database.ts';
import { insertImportEngagement, uploadFile } from './import-engagement.ts';

const PROJECT = 'vodokanal-main';
const TAB = CITY_TAB;
const FIXTURES = new URL('../fixtures/municipal/', import.meta.url);

/** The same district written in LCS-63 metres but declared NonEarth: not the city system. */
const WRONG_MIF = [
  'Version 300',
  'Charset "WindowsCyrillic"',
  'Delimiter ","',
  'CoordSys NonEarth Units "m" Bounds (0, 0) (10000000, 10000000)',
  'Columns 1',
  '  DN Integer',
  'Data',
  '',
  ...cityPipes()
    .slice(0, 5)
    .map((p) => `Line ${[p.coordinates[0]!, p.coordinates[2]!].map((c) => cityToLcs63(c).join(' ')).join(' ')}`),
  '',
].join('\r\n');

let pool: Pool;
let activities: ReturnType<typeof createImportActivities>;
let engagement: EngagementOfSteps;
let system: MunicipalCrs;

beforeAll(async () => {
  ({ pool } = await createTestDatabase());
  await seedDemoData(pool);
  system = await createMunicipalCrs(
    pool,
    { code: CITY_CODE, name: 'Kharkiv city system 1960', baseCrs: CITY_BASE, points: cityTiePoints() },
    'andrii.eng1',
  );
  engagement = await insertImportEngagement(pool, PROJECT, []);
  for (const name of TAB) await uploadFile(pool, engagement.id, name, readFileSync(new URL(name, FIXTURES)));
  await uploadFile(pool, engagement.id, 'lcs63_pipes.mif', Buffer.from(WRONG_MIF));
  await uploadFile(pool, engagement.id, 'lcs63_pipes.mid', Buffer.from('100\r\n'.repeat(5)));
  activities = createImportActivities({ pool, logger: createLogger('silent', 'test'), vendorVatPayer: true });
});

afterAll(async () => {
  await pool?.end();
});

function inspect(step: string, files: string[]) {
  return runActivity(activityEnvironment(), activities['import.inspectSource'], {
    input: { projectId: PROJECT, files, hints: { crs: CITY_CODE.toLowerCase() } },
    engagement: stepRef(engagement, step),
  });
}

describe('import of a MapInfo NonEarth file in a municipal system', () => {
  it('when the TAB is imported in the city system, then every vertex lands on LCS-63 within the tie points’ RMS', async () => {
    expect(system).toMatchObject({ method: 'helmert2d', baseCrs: CITY_BASE });
    const inspection = await inspect('inspect-city', TAB);
    expect(inspection.datasets).toMatchObject([
      { format: 'MapInfo TAB', layers: [{ features: 312, crs: CITY_CODE, axes: 'ambiguous' }] },
    ]);
    // The district's extent straddles the diagonal: either order would lie in the city system.
    expect(inspection.warnings).toEqual([
      expect.stringMatching(/both axis orders lie within LOCAL:KHARKIV-CITY-1960; the conversion takes them as given/),
    ]);
    const report = JSON.parse((await selectArtifactContent(pool, inspection.report.id))!.toString('utf8')) as {
      datasets: { layers: { crs: { source: string; wktName: string } }[] }[];
    };
    expect(report.datasets[0]!.layers[0]!.crs).toMatchObject({ source: 'hint', wktName: 'Nonearth' });

    const conversion = await runActivity(activityEnvironment(), activities['import.convert'], {
      input: { projectId: PROJECT, mode: 'full', spec: CITY_SPEC, inspection, targetCrs: CITY_BASE },
      engagement: stepRef(engagement, 'convert-city'),
    });
    expect(conversion.layers.map((l) => [l.target, l.in, l.out, l.rejected])).toEqual([['water_pipe', 312, 312, 0]]);
    const features = await selectAllProjectRows(pool, conversion.schema, 'features');
    const truth = new Map(cityPipes().map((p) => [`kharkiv_city_pipes.tab#${p.position}`, p]));
    let vertices = 0;
    let maxError = 0;
    for (const feature of features.filter((f) => truth.has(f.id))) {
      const pipe = truth.get(feature.id)!;
      const got = (feature.geometry as { coordinates: [number, number][] }).coordinates;
      expect(got).toHaveLength(pipe.coordinates.length);
      got.forEach((position, i) => {
        const [e, n] = cityToLcs63(pipe.coordinates[i]!);
        maxError = Math.max(maxError, Math.hypot(position[0] - e, position[1] - n));
        vertices += 1;
      });
    }
    expect(vertices).toBe(312 * 3);
    expect(maxError).toBeLessThan(system.rmsM);
    const first = features.find((f) => f.id === 'kharkiv_city_pipes.tab#2')!;
    expect(first.inventoryNumber).toBe('ХВ-0002');
    expect(await selectCrs(pool, conversion.schema)).toEqual({ epsg: 9858, name: 'USK-2000 / LCS-63 Kharkiv' });
    console.info(
      `municipal import: ${vertices} vertices, max error ${(maxError * 1000).toFixed(2)} mm, fit RMS ${(system.rmsM * 1000).toFixed(2)} mm`,
    );
  });

  it('when a NonEarth file in LCS-63 metres is declared in the city system, then the inspection refuses it with the extent found', async () => {
    const inspection = await inspect('inspect-wrong', ['lcs63_pipes.mif', 'lcs63_pipes.mid']);
    expect(inspection.datasets[0]!.layers[0]).toMatchObject({ crs: null });
    expect(inspection.warnings).toEqual([
      expect.stringMatching(
        /refused for LOCAL:KHARKIV-CITY-1960 .*5 of 5 sampled positions lie outside its tie points' extent 7970–12040 E, 7980–12050 N, margin 1018 m; extent found 27\d{4}\.\d\d, 55\d{5}\.\d\d, /,
      ),
    ]);
    const conversion = runActivity(activityEnvironment(), activities['import.convert'], {
      input: {
        projectId: PROJECT,
        mode: 'sample',
        spec: { sourceCrs: CITY_CODE, layers: [{ source: 'lcs63_pipes.mif', target: 'water_pipe' }] },
        inspection,
        targetCrs: CITY_BASE,
      },
      engagement: stepRef(engagement, 'convert-wrong'),
    });
    await expect(conversion).rejects.toThrow(/refused for LOCAL:KHARKIV-CITY-1960/);
  });
});
