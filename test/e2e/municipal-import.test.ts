import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectAllProjectRows } from '../../db/project-schema.ts';
import { cityPipes, cityToLcs63 } from '../fixtures/municipal/kharkiv-city.ts';
import { CITY_SPEC, CITY_TAB } from '../fixtures/municipal/spec.ts';
import { settled, stepTrail } from '../helpers/engagements.ts';
import { completeImportSteps, launchVodokanalImport } from '../helpers/import-steps.ts';
import { apiClient, startTestStack, type TestStack } from '../helpers/stack.ts';

/**
 * The MapInfo NonEarth case end to end: an engineer defines the old Kharkiv city system over HTTP from
 * its ten tie points, a PM launches `data-import` into the Vodokanal's project in LCS-63 Kharkiv,
 * uploads the TAB and names the city system as the CRS hint; the real worker inspects and converts
 * it, and every vertex of the staging schema lies within the tie points' RMS of the truth.
 */
const FIXTURES = new URL('../fixtures/municipal/', import.meta.url);
const TIE_POINTS = JSON.parse(readFileSync(new URL('kharkiv_city_tie_points.json', FIXTURES), 'utf8')) as object;

describe('an import of a MapInfo NonEarth file in an old city system, end to end', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('when the city system is defined and named at the upload, then the pipes land on LCS-63 within its RMS', async () => {
    const defined = await apiClient(stack, 'andrii.eng1')('POST', '/v1/crs/municipal', TIE_POINTS);
    expect(defined.status, JSON.stringify(defined.body)).toBe(201);
    const rmsM = defined.body.rmsM as number;

    const pm = apiClient(stack, 'olena.pm');
    const id = await launchVodokanalImport(stack, FIXTURES, CITY_TAB);
    await completeImportSteps(stack, id, {
      files: CITY_TAB,
      spec: CITY_SPEC,
      knownCrs: 'LOCAL:KHARKIV-CITY-1960',
      layerNotes: 'Водопровід у міській системі координат 1960 р. (MapInfo NonEarth)',
      scopeSummary: 'One TAB layer, NonEarth: the city system LOCAL:KHARKIV-CITY-1960',
    });
    const detail = await settled(stack, id);
    expect(detail.status, JSON.stringify(stepTrail(detail))).toBe('COMPLETED');

    const artifacts = (await pm('GET', `/v1/engagements/${id}/artifacts`)).body.items as {
      name: string;
      stepId: string;
      links: { download: string };
    }[];
    const report = artifacts.find((a) => a.name === 'conversion-report.json' && a.stepId === 'convert')!;
    const download = await fetch(`${stack.url}${report.links.download}`, {
      headers: { authorization: `Bearer ${stack.keys['olena.pm']}` },
    });
    const { schema, targetCrs } = (await download.json()) as { schema: string; targetCrs: string };
    expect(targetCrs).toBe('EPSG:9858');
    const features = await selectAllProjectRows(stack.pool, schema, 'features');
    const truth = new Map(cityPipes().map((p) => [`kharkiv_city_pipes.tab#${p.position}`, p.coordinates]));
    let vertices = 0;
    for (const feature of features.filter((f) => truth.has(f.id))) {
      const got = (feature.geometry as { coordinates: [number, number][] }).coordinates;
      got.forEach((position, i) => {
        const [e, n] = cityToLcs63(truth.get(feature.id)![i]!);
        expect(Math.hypot(position[0] - e, position[1] - n), feature.id).toBeLessThan(rmsM);
        vertices += 1;
      });
    }
    expect(vertices).toBe(312 * 3);
  });
});
