import { describe, expect, it } from 'vitest';
import { isAppError } from '../../lib/errors.ts';
import {
  CITY_BASE,
  CITY_CODE,
  cityPipes,
  cityTiePoints,
  cityToLcs63,
} from '../../test/fixtures/municipal/kharkiv-city.ts';
import { baseToLocal, defineMunicipalCrs, localToBase, type MunicipalCrsInput } from './municipal-crs.ts';
import { registerMunicipalCrs } from './municipal-registry.ts';
import { assertInAreaOfUse, createAreaCheck, detectAxisOrder, transformPoints } from './transform.ts';

const NOW = new Date('2026-12-03T12:00:00Z');
const input = (patch: Partial<MunicipalCrsInput> = {}): MunicipalCrsInput => ({
  code: CITY_CODE.toLowerCase(),
  name: 'Kharkiv city system 1960',
  baseCrs: CITY_BASE,
  points: cityTiePoints(),
  ...patch,
});
const define = (patch: Partial<MunicipalCrsInput> = {}) =>
  defineMunicipalCrs(input(patch), 'andrii.eng1', NOW, assertInAreaOfUse);

function refusal(run: () => unknown): { message: string; errors: { path: string; message: string }[] } {
  try {
    run();
  } catch (error) {
    if (!isAppError(error, 'request-invalid')) throw error;
    return {
      message: error.message,
      errors: (error.details as { errors: { path: string; message: string }[] }).errors,
    };
  }
  throw new Error('not refused');
}

describe('municipal coordinate systems', () => {
  const system = define();
  registerMunicipalCrs(system);

  it('when ten tie points with 1 cm noise define a city system, then the Helmert is fitted and the extent is theirs', () => {
    expect(system).toMatchObject({ code: CITY_CODE, kind: 'municipal', baseCrs: CITY_BASE, method: 'helmert2d' });
    expect(system.rmsM).toBeGreaterThan(0.003);
    expect(system.rmsM).toBeLessThan(0.02);
    expect(system.extent).toEqual({ minX: 7970, minY: 7980, maxX: 12040, maxY: 12050 });
    expect(system.marginM).toBeCloseTo(0.25 * 4070, 6);
    expect(system.fit.models.map((m) => m.method)).toEqual(['shift', 'helmert2d', 'affine', 'polynomial2']);
  });

  it('when city coordinates are transformed, then every vertex lands on LCS-63 within the RMS, and back', () => {
    const vertices = cityPipes().flatMap((p) => p.coordinates);
    const onBase = transformPoints(CITY_CODE, CITY_BASE, vertices);
    const errors = onBase.map((p, i) =>
      Math.hypot(p[0] - cityToLcs63(vertices[i]!)[0], p[1] - cityToLcs63(vertices[i]!)[1]),
    );
    expect(Math.max(...errors)).toBeLessThan(system.rmsM);
    const back = baseToLocal(system);
    for (const [i, p] of onBase.entries()) {
      const [x, y] = back(p);
      expect(Math.hypot(x - vertices[i]![0], y - vertices[i]![1])).toBeLessThan(1e-6);
    }
    const [lon, lat] = transformPoints(CITY_CODE, 'EPSG:4326', [[10_000, 10_000]])[0]!;
    expect(lon).toBeCloseTo(36.22, 1);
    expect(lat).toBeCloseTo(50.0, 1);
    expect(localToBase(system)([10_000, 10_000])).toEqual(transformPoints(CITY_CODE, CITY_BASE, [[10_000, 10_000]])[0]);
  });

  it('when positions lie beyond the tie points, then they are refused with the extent; exchanged axes are named', () => {
    const check = createAreaCheck(CITY_CODE);
    expect(check([12_900, 12_900])).toBe('inside');
    expect(check([280_000, 5_540_000])).toBe('outside');
    expect(detectAxisOrder([[9_000, 15_000]], CITY_CODE).verdict).toBe('outside');
    expect(() => transformPoints(CITY_CODE, CITY_BASE, [[280_000, 5_540_000]])).toThrow(
      /outside LOCAL:KHARKIV-CITY-1960 .*tie points' extent 7970–12040 E, 7980–12050 N, margin 1018 m/,
    );
  });

  it('when a tie point holds a 1.5 m blunder, then the system is refused naming the point', () => {
    const points = cityTiePoints();
    points[3]!.target = [points[3]!.target[0] + 1.5, points[3]!.target[1]];
    const { errors } = refusal(() => define({ points }));
    expect(errors[0]!.path).toBe('/points');
    expect(errors[0]!.message).toMatch(/in doubt under helmert2d: T04 \(residual 1\d{3}\.\d mm/);
    const dropped = points.map((p, i) => (i === 3 ? { ...p, dropReason: 'monument disturbed' } : p));
    expect(define({ points: dropped, code: 'LOCAL:KHARKIV-CITY-1960B' }).method).toBe('helmert2d');
  });

  it('when the base is geographic, the code malformed or the targets exchanged, then the field at fault is named', () => {
    expect(refusal(() => define({ baseCrs: 'EPSG:5561' })).errors[0]!.path).toBe('/baseCrs');
    expect(refusal(() => define({ code: 'KHARKIV' })).errors[0]!.path).toBe('/code');
    const swapped = cityTiePoints().map((p) => ({ ...p, target: [p.target[1], p.target[0]] }));
    expect(refusal(() => define({ points: swapped })).message).toMatch(/axes exchanged/);
  });
});
