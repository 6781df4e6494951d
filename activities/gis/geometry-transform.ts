/**
 * Re-coordinating GeoJSON geometries (X-REPROJ): every position of a Point, LineString or Polygon
 * (and their Multi- forms) goes through one position transform — a rigorous CRS → CRS conversion or
 * a fitted empirical model. Pure: the activity reads and writes the rows.
 */
import { applyModel, type FittedModel } from './fit.ts';
import { createTransformer, type Position } from './transform.ts';

export type PositionTransform = (position: Position) => Position;

/** A geometry position is an array of at least two numbers; a third (height) is carried over unchanged. */
function isPosition(value: unknown): value is number[] {
  return Array.isArray(value) && value.length >= 2 && typeof value[0] === 'number' && typeof value[1] === 'number';
}

/** Thrown for a position the transform cannot map (outside the projection's domain); the caller names the feature. */
export class PositionNotTransformable extends Error {
  constructor(readonly position: readonly number[]) {
    super(`position ${position.join(', ')} cannot be transformed`);
  }
}

function mapCoordinates(value: unknown, transform: PositionTransform, counter: { positions: number }): unknown {
  if (isPosition(value)) {
    let result: Position;
    try {
      result = transform([value[0]!, value[1]!]);
    } catch {
      throw new PositionNotTransformable(value);
    }
    if (!Number.isFinite(result[0]) || !Number.isFinite(result[1])) throw new PositionNotTransformable(value);
    counter.positions += 1;
    return [result[0], result[1], ...value.slice(2)];
  }
  if (Array.isArray(value)) return value.map((item) => mapCoordinates(item, transform, counter));
  return value;
}

/**
 * The geometry with every position transformed, and how many positions there were. A geometry
 * without coordinates (null, or a GeometryCollection) is returned as it is with 0 positions.
 */
export function transformGeometry(
  geometry: unknown,
  transform: PositionTransform,
): { geometry: unknown; positions: number } {
  if (typeof geometry !== 'object' || geometry === null || !('coordinates' in geometry)) {
    return { geometry, positions: 0 };
  }
  const counter = { positions: 0 };
  const coordinates = mapCoordinates((geometry as { coordinates: unknown }).coordinates, transform, counter);
  return { geometry: { ...geometry, coordinates }, positions: counter.positions };
}

/** Planar length of a LineString geometry in its CRS's units; undefined for anything else. */
export function lineLength(geometry: unknown): number | undefined {
  if (typeof geometry !== 'object' || geometry === null) return undefined;
  const { type, coordinates } = geometry as { type?: unknown; coordinates?: unknown };
  if (type !== 'LineString' || !Array.isArray(coordinates)) return undefined;
  let length = 0;
  for (let i = 1; i < coordinates.length; i += 1) {
    const [a, b] = [coordinates[i - 1], coordinates[i]];
    if (!isPosition(a) || !isPosition(b)) return undefined;
    length += Math.hypot(b[0]! - a[0]!, b[1]! - a[1]!);
  }
  return length;
}

/** Section lengths are kept to the millimetre, as surveyed lengths are. */
export function roundLength(metres: number): number {
  return Math.round(metres * 1000) / 1000;
}

/** Rigorous CRS → CRS by the registry's proj4 definitions. */
export function rigorousTransform(sourceCrs: string, targetCrs: string): PositionTransform {
  return createTransformer(sourceCrs, targetCrs);
}

/** A fitted empirical model as a position transform (x = easting, y = northing). */
export function modelTransform(model: FittedModel): PositionTransform {
  return ([x, y]) => {
    const [out] = applyModel(model, [{ x, y }]);
    return [out!.x, out!.y];
  };
}
