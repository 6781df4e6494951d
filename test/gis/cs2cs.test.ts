/**
 * Every CRS registry entry against PROJ's own cs2cs (Debian proj-bin, which the integration setup
 * requires): a grid of points inside the entry's area of use (clipped to Ukraine), transformed
 * (1) from the entry's own geographic CRS — the projection alone, to under 1 mm — and (2) from
 * WGS 84 with the entry's EPSG datum shift named — to under 1 cm; then the same points with their
 * axes exchanged are refused, not transformed: as a batch always, and point by point wherever the
 * exchanged point is not itself another place of the area of use.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { CRS_REGISTRY, type AreaOfUse, type CrsEntry } from '../../activities/gis/crs-registry.ts';
import {
  createAreaCheck,
  createTransformer,
  detectAxisOrder,
  transformPoints,
  type Position,
} from '../../activities/gis/transform.ts';
import { cs2csFromWgs84, cs2csProjection } from '../helpers/cs2cs.ts';

const UKRAINE = { south: 43.18, north: 52.38, west: 22.15, east: 40.18 };
const GRID = 3;
const METRES_PER_DEGREE = 111_320;

/** GRID × GRID points at the centres of the cells of the area of use (within Ukraine). */
function grid(area: AreaOfUse): Position[] {
  const south = Math.max(area.south, UKRAINE.south);
  const north = Math.min(area.north, UKRAINE.north);
  const west = Math.max(area.west, UKRAINE.west);
  const east = Math.min(area.east, UKRAINE.east);
  const points: Position[] = [];
  for (let i = 0; i < GRID; i += 1) {
    for (let j = 0; j < GRID; j += 1) {
      points.push([west + ((i + 0.5) / GRID) * (east - west), south + ((j + 0.5) / GRID) * (north - south)]);
    }
  }
  return points;
}

/** Largest distance between two position lists, metres (degrees converted at the point's latitude). */
function largestGap(entry: CrsEntry, ours: readonly Position[], theirs: readonly Position[]): number {
  return Math.max(
    ...ours.map(([a, b], i) => {
      const [c, d] = theirs[i]!;
      if (entry.kind === 'projected') return Math.hypot(a - c, b - d);
      return Math.hypot((a - c) * METRES_PER_DEGREE * Math.cos((b * Math.PI) / 180), (b - d) * METRES_PER_DEGREE);
    }),
  );
}

const GEOGRAPHIC_OF = { wgs84: 4326, ucs2000: 5561, pulkovo1942: 4284 } as const;

/** Entries (once per exchanged grid point) whose exchanged position lies in the area of use as well. */
const ambiguous: string[] = [];

describe('CRS registry against cs2cs', () => {
  afterAll(() => {
    // Only where both coordinates carry the same millions can an exchanged point be a real one.
    expect([...new Set(ambiguous)]).toEqual(['EPSG:5563', 'EPSG:28405', 'EPSG:7829']);
  });

  it.each(CRS_REGISTRY.map((entry) => ({ code: entry.code, entry })))(
    '$code agrees with cs2cs (projection < 1 mm, named datum shift < 1 cm) and refuses exchanged axes',
    ({ entry }) => {
      const points = grid(entry.areaOfUse);
      const wgs = entry.epsg === 4326 ? null : cs2csFromWgs84(entry, points);
      if (wgs) {
        const ours = createTransformer('EPSG:4326', entry.code);
        expect(largestGap(entry, points.map(ours), wgs)).toBeLessThan(0.01);
      }
      if (entry.kind === 'projected') {
        const geographic = GEOGRAPHIC_OF[entry.datum];
        const ours = createTransformer(`EPSG:${geographic}`, entry.code);
        expect(largestGap(entry, points.map(ours), cs2csProjection(entry, geographic, points))).toBeLessThan(0.001);
      }
      // WGS 84's area of use is the world: exchanged degrees are another place on it, not an error.
      if (!wgs) return;
      expect(transformPoints(entry.code, 'EPSG:4326', wgs)).toHaveLength(points.length);
      const exchanged = wgs.map(([a, b]): Position => [b, a]);
      expect(() => transformPoints(entry.code, 'EPSG:4326', exchanged)).toThrowError(
        expect.objectContaining({
          code: 'request-invalid',
          message: expect.stringContaining(`has its axes exchanged for ${entry.code}`),
        }),
      );
      // Point by point: each exchanged position is refused on its own, unless it is another place of
      // the same area (6° zone 5 and SK-63 X5: eastings and northings both 5.xx million) — and then the
      // batch still shows the exchange, as the import's inspection judges it.
      const inArea = createAreaCheck(entry.code);
      for (const position of exchanged) {
        if (inArea(position) === 'inside') {
          expect(inArea([position[1], position[0]]), `${position.join(', ')}`).toBe('inside');
          ambiguous.push(entry.code);
        } else {
          expect(() => transformPoints(entry.code, 'EPSG:4326', [position])).toThrowError(/axes exchanged/);
        }
      }
      expect(detectAxisOrder(exchanged, entry.code).verdict).toBe('swapped');
      expect(detectAxisOrder(wgs, entry.code).verdict).toBe('as-given');
    },
  );
});
