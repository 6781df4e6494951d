import { describe, expect, it } from 'vitest';
import { lineLength, roundLength, transformGeometry, type PositionTransform } from './geometry-transform.ts';

const shift: PositionTransform = ([x, y]) => [x + 10, y - 5];

describe('transformGeometry', () => {
  it('when a Point, a LineString and a Polygon are transformed, then every position moves and is counted', () => {
    expect(transformGeometry({ type: 'Point', coordinates: [1, 2] }, shift)).toEqual({
      geometry: { type: 'Point', coordinates: [11, -3] },
      positions: 1,
    });
    expect(
      transformGeometry(
        {
          type: 'LineString',
          coordinates: [
            [0, 0],
            [3, 4, 7],
          ],
        },
        shift,
      ),
    ).toEqual({
      geometry: {
        type: 'LineString',
        coordinates: [
          [10, -5],
          [13, -1, 7],
        ],
      },
      positions: 2,
    });
    const ring = [
      [0, 0],
      [1, 0],
      [1, 1],
      [0, 0],
    ];
    const polygon = transformGeometry({ type: 'Polygon', coordinates: [ring, ring] }, shift);
    expect(polygon.positions).toBe(8);
    expect((polygon.geometry as { coordinates: number[][][] }).coordinates[1]![2]).toEqual([11, -4]);
  });

  it('when a geometry is null or has no coordinates, then it is returned unchanged with no positions', () => {
    expect(transformGeometry(null, shift)).toEqual({ geometry: null, positions: 0 });
    const collection = { type: 'GeometryCollection', geometries: [] };
    expect(transformGeometry(collection, shift)).toEqual({ geometry: collection, positions: 0 });
  });

  it('when the transform gives a non-finite result, then the position is refused', () => {
    expect(() => transformGeometry({ type: 'Point', coordinates: [1, 2] }, () => [Number.NaN, 0])).toThrow(
      /position 1, 2 cannot be transformed/,
    );
  });
});

describe('lineLength', () => {
  it('when a LineString is measured, then it is the sum of its planar segments; other types have none', () => {
    expect(
      lineLength({
        type: 'LineString',
        coordinates: [
          [0, 0],
          [3, 4],
          [3, 10],
        ],
      }),
    ).toBe(11);
    expect(lineLength({ type: 'Point', coordinates: [0, 0] })).toBeUndefined();
    expect(roundLength(195.40049)).toBe(195.4);
  });
});
