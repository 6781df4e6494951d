import { describe, expect, it } from 'vitest';
import { getCrs } from './crs-registry.ts';
import {
  createTransformer,
  detectAxisOrder,
  detectGkZone,
  fromUkrainianXY,
  toUkrainianXY,
  transformPoint,
  transformPoints,
} from './transform.ts';
import type { Position } from './transform.ts';

const KHARKIV_WGS84: Position = [36.23, 50.0];

describe('transform', () => {
  it('moves the Kharkiv verification point from SK-63 X5 to LCS-63 and back', () => {
    const x5 = getCrs(7829).verification[0]!.coordinates;
    const lcs = getCrs(9858).verification[0]!.coordinates;
    const [e, n] = transformPoint(7829, 9858, x5);
    expect(Math.abs(e - lcs[0])).toBeLessThan(1e-3);
    expect(Math.abs(n - lcs[1])).toBeLessThan(1e-3);
    const [e2, n2] = transformPoint('EPSG:9858', 'EPSG:7829', [e, n]);
    expect(Math.hypot(e2 - x5[0], n2 - x5[1])).toBeLessThan(1e-3);
  });

  it('round-trips across Gauss-Krüger zones of one datum to under 1 mm', () => {
    const [gk6] = transformPoints(5565, 5564, [getCrs(5565).verification[0]!.coordinates]);
    const [back] = transformPoints(5564, 5565, [gk6!]);
    expect(Math.hypot(back![0] - 7301524.828, back![1] - 5544625.1994)).toBeLessThan(1e-3);
  });

  it('caches one converter per pair', () => {
    expect(createTransformer(4326, 5565)).toBe(createTransformer('EPSG:4326', 'epsg:5565'));
  });

  it('swaps between Ukrainian X (north) / Y (east) and proj4 order', () => {
    expect(fromUkrainianXY({ x: 5544625.1994, y: 7301524.828 })).toEqual([7301524.828, 5544625.1994]);
    expect(toUkrainianXY([7301524.828, 5544625.1994])).toEqual({ x: 5544625.1994, y: 7301524.828 });
  });

  it('reads the zone from the millions of a Gauss-Krüger easting', () => {
    expect(detectGkZone(7301526)).toMatchObject({
      zone: 7,
      candidates: expect.arrayContaining(['EPSG:5565', 'EPSG:28407']),
    });
    // 5 352 457 fits both GK zone 5 (offset −147 km) and CS63 X5 (+52 km): the prefix alone cannot tell.
    expect(detectGkZone(5352457)!.candidates).toEqual(expect.arrayContaining(['EPSG:5563', 'EPSG:28405', 'EPSG:7829']));
    expect(detectGkZone(5_700_000)!.candidates).not.toContain('EPSG:7829');
    expect(detectGkZone(280753)).toBeUndefined();
    // 9 500 000 is the meridian of 3° zone 9 (27°E), SK-42 or the deprecated USK-2000 one.
    expect(detectGkZone(9_500_000)!.candidates).toEqual(['EPSG:5572', 'EPSG:2525']);
    expect(detectGkZone(14_500_000)).toBeUndefined();
  });

  it('detects swapped axes in a Kharkiv batch and accepts the right order', () => {
    const wgs: Position[] = [0, 1, 2, 3, 4].map((i) => [KHARKIV_WGS84[0] + 0.03 * i, KHARKIV_WGS84[1] - 0.02 * i]);
    for (const code of [9858, 5565, 7829, 28407]) {
      const points = transformPoints(4326, code, wgs);
      expect(detectAxisOrder(points, code).verdict).toBe('as-given');
      const swapped = points.map(([a, b]): Position => [b, a]);
      expect(detectAxisOrder(swapped, code)).toMatchObject({ verdict: 'swapped', inAreaAsGiven: 0, inAreaSwapped: 1 });
    }
    const latLon = wgs.map(([lon, lat]): Position => [lat, lon]);
    expect(detectAxisOrder(latLon, 5561).verdict).toBe('swapped');
  });

  it('reports a batch that fits neither order as outside', () => {
    const kyivInZone7 = transformPoints(4326, 5564, [[30.52, 50.45]]);
    expect(detectAxisOrder(kyivInZone7, 9858).verdict).toBe('outside');
  });

  it('refuses a batch given northing first instead of moving it hundreds of kilometres', () => {
    const lcs = getCrs(9858).verification[0]!.coordinates;
    expect(() => transformPoints(9858, 4326, [[lcs[1], lcs[0]]])).toThrowError(
      expect.objectContaining({
        code: 'request-invalid',
        message: expect.stringMatching(/Point 0 .* has its axes exchanged for EPSG:9858 .*Kharkiv oblast/),
        details: expect.objectContaining({ verdict: 'swapped', index: 0 }),
      }),
    );
    const latLon: Position = [KHARKIV_WGS84[1], KHARKIV_WGS84[0]];
    expect(() => transformPoints(5561, 5565, [latLon])).toThrowError(/axes exchanged for EPSG:5561/);
  });

  it('refuses a position outside the area of use and says where it lands', () => {
    const kyivInZone6 = getCrs(5564).verification[0]!.coordinates;
    // Kyiv's zone-6 coordinates read as LCS-63 Kharkiv: a point 300 km west of the oblast.
    expect(() => transformPoints(9858, 5565, [kyivInZone6])).toThrowError(/is outside EPSG:9858 .*: it lands at /);
    // A zone is used a little past its edge: Kharkiv (36.23°E) in zone 6 (30–36°E) is taken.
    expect(transformPoints(4326, 5564, [KHARKIV_WGS84])).toHaveLength(1);
  });

  it('refuses to produce non-finite coordinates', () => {
    expect(() => transformPoints(9858, 4326, [[Number.NaN, 5540985]])).toThrowError(
      expect.objectContaining({ code: 'request-invalid' }),
    );
  });
});
