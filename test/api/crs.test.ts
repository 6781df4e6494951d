import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, startTestStack, type TestStack } from '../helpers/stack.ts';

/**
 * The coordinate systems over HTTP: an engineer defines an old city system from its tie points
 * (test/fixtures/municipal), it is listed beside the published registry with its model and RMS,
 * shown with its residual report, and never changes; a blunder or a base that is not a projected
 * registry CRS is refused naming the field.
 */
const BODY = JSON.parse(
  readFileSync(new URL('../fixtures/municipal/kharkiv_city_tie_points.json', import.meta.url), 'utf8'),
) as { code: string; name: string; baseCrs: string; points: { id: string; source: number[]; target: number[] }[] };

describe('coordinate systems and municipal systems', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ worker: false });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('when an engineer defines a city system from ten tie points, then it is stored, listed and shown with its residuals', async () => {
    const engineer = apiClient(stack, 'andrii.eng1');
    const created = await engineer('POST', '/v1/crs/municipal', { ...BODY, source: 'city archive, 1960 catalogue' });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({
      code: 'LOCAL:KHARKIV-CITY-1960',
      kind: 'municipal',
      baseCrs: 'EPSG:9858',
      method: 'helmert2d',
      extent: { minX: 7970, minY: 7980, maxX: 12040, maxY: 12050 },
      createdBy: 'andrii.eng1',
      fit: { best: { method: 'helmert2d', withinTolerance: true, doubted: [] } },
    });
    expect(created.body.rmsM).toBeLessThan(0.02);

    const pm = apiClient(stack, 'olena.pm');
    const listed = await pm('GET', '/v1/crs');
    expect(listed.status).toBe(200);
    const codes = listed.body.items.map((i: { code: string }) => i.code);
    expect(codes).toEqual(expect.arrayContaining(['EPSG:9858', 'EPSG:7829', 'LOCAL:KHARKIV-CITY-1960']));
    expect(codes).toHaveLength(71);

    const shown = await pm('GET', '/v1/crs/municipal/local:kharkiv-city-1960');
    expect(shown.status).toBe(200);
    const helmert = shown.body.fit.models.find((m: { method: string }) => m.method === 'helmert2d');
    expect(helmert.residuals.map((r: { id: string }) => r.id)).toEqual(BODY.points.map((p) => p.id));
    expect(shown.body.parameters).toEqual(helmert.parameters);

    const again = await engineer('POST', '/v1/crs/municipal', BODY);
    expect(again.status).toBe(409);
    expect((await pm('GET', '/v1/crs/municipal/LOCAL:NO-SUCH')).status).toBe(404);
  });

  it('when a tie point holds a blunder or the base is geographic, then the definition is refused naming the field', async () => {
    const engineer = apiClient(stack, 'andrii.eng1');
    const points = BODY.points.map((p, i) => (i === 6 ? { ...p, target: [p.target[0]!, p.target[1]! + 2.2] } : p));
    const blunder = await engineer('POST', '/v1/crs/municipal', { ...BODY, code: 'LOCAL:BLUNDER', points });
    expect(blunder.status).toBe(400);
    expect(blunder.body.errors).toEqual([
      {
        path: '/points',
        message: expect.stringMatching(/in doubt under helmert2d: T07 \(residual \d+\.\d mm under helmert/),
      },
    ]);
    const geographic = await engineer('POST', '/v1/crs/municipal', {
      ...BODY,
      code: 'LOCAL:GEOGRAPHIC',
      baseCrs: 'EPSG:5561',
    });
    expect(geographic.status).toBe(400);
    expect(geographic.body.errors[0].path).toBe('/baseCrs');
    const finance = await apiClient(stack, 'maria.finance')('POST', '/v1/crs/municipal', BODY);
    expect(finance.status).toBe(403);
  });
});
