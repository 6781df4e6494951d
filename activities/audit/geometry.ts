/**
 * Planar geometry for the audit: GeoJSON validation, lengths, distances and segment crossings in
 * the project's projected CRS (metres). No geodesy: a city network spans kilometres.
 */
import type { GeometryType } from '../../db/project-schema.ts';
import type { Point } from './model.ts';

function isPosition(value: unknown): value is [number, number] {
  return (
    Array.isArray(value) &&
    value.length >= 2 &&
    typeof value[0] === 'number' &&
    typeof value[1] === 'number' &&
    Number.isFinite(value[0]) &&
    Number.isFinite(value[1])
  );
}

function isRing(value: unknown): boolean {
  if (!Array.isArray(value) || value.length < 4 || !value.every(isPosition)) return false;
  const first = value[0] as Point;
  const last = value.at(-1) as Point;
  return first[0] === last[0] && first[1] === last[1];
}

/**
 * Why a GeoJSON geometry is unusable as the given type, or null when it is fine. Empty means no
 * geometry or no coordinates; invalid means malformed (wrong type, non-finite numbers, a line of
 * fewer than two positions, an unclosed ring).
 */
export function geometryProblem(geometry: unknown, expected: GeometryType): string | null {
  if (geometry === null || geometry === undefined) return 'empty geometry';
  if (typeof geometry !== 'object') return 'geometry is not a GeoJSON object';
  const { type, coordinates } = geometry as { type?: unknown; coordinates?: unknown };
  if (Array.isArray(coordinates) && coordinates.length === 0) return 'empty geometry';
  if (type !== expected) return `geometry type ${String(type)}, expected ${expected}`;
  switch (expected) {
    case 'Point':
      return isPosition(coordinates) ? null : 'point coordinates are not two finite numbers';
    case 'LineString':
      if (!Array.isArray(coordinates) || !coordinates.every(isPosition))
        return 'line coordinates are not finite positions';
      return coordinates.length >= 2 ? null : 'line has fewer than two positions';
    case 'Polygon':
      return Array.isArray(coordinates) && coordinates.every(isRing) ? null : 'polygon rings are not closed rings';
  }
}

/** The positions of a valid LineString, or null. */
export function linePoints(geometry: unknown): Point[] | null {
  return geometryProblem(geometry, 'LineString') === null
    ? (geometry as { coordinates: [number, number][] }).coordinates.map((p) => [p[0], p[1]] as const)
    : null;
}

/** The position of a valid Point, or null. */
export function pointOf(geometry: unknown): Point | null {
  if (geometryProblem(geometry, 'Point') !== null) return null;
  const [x, y] = (geometry as { coordinates: [number, number] }).coordinates;
  return [x, y];
}

/** A representative point of any geometry: the first position found, or null. */
export function anchorOf(geometry: unknown): Point | null {
  let value: unknown = (geometry as { coordinates?: unknown } | null)?.coordinates;
  while (Array.isArray(value) && Array.isArray(value[0])) value = value[0];
  return isPosition(value) ? [value[0], value[1]] : null;
}

export function distance(a: Point, b: Point): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1]);
}

export function polylineLength(points: readonly Point[]): number {
  let length = 0;
  for (let i = 1; i < points.length; i++) length += distance(points[i - 1]!, points[i]!);
  return length;
}

/** The point halfway along a polyline. */
export function midpoint(points: readonly Point[]): Point {
  const half = polylineLength(points) / 2;
  let walked = 0;
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1]!;
    const b = points[i]!;
    const step = distance(a, b);
    if (walked + step >= half && step > 0) {
      const t = (half - walked) / step;
      return [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])];
    }
    walked += step;
  }
  return points[0]!;
}

export function distanceToSegment(p: Point, a: Point, b: Point): number {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const lengthSquared = dx * dx + dy * dy;
  const t =
    lengthSquared === 0 ? 0 : Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / lengthSquared));
  return Math.hypot(p[0] - (a[0] + t * dx), p[1] - (a[1] + t * dy));
}

export function distanceToPolyline(p: Point, points: readonly Point[]): number {
  let best = Infinity;
  for (let i = 1; i < points.length; i++) best = Math.min(best, distanceToSegment(p, points[i - 1]!, points[i]!));
  return best;
}

function orientation(a: Point, b: Point, c: Point): number {
  return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]);
}

/**
 * Where segments ab and cd cross properly — each passes strictly through the other's interior — or
 * null. Touching at an end and collinear overlap are not crossings (overlaps are duplicates, ends
 * are topology).
 */
export function properCrossing(a: Point, b: Point, c: Point, d: Point): Point | null {
  const o1 = orientation(a, b, c);
  const o2 = orientation(a, b, d);
  const o3 = orientation(c, d, a);
  const o4 = orientation(c, d, b);
  if (o1 === 0 || o2 === 0 || o3 === 0 || o4 === 0) return null;
  if (o1 > 0 === o2 > 0 || o3 > 0 === o4 > 0) return null;
  const t = o3 / (o3 - o4);
  return [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])];
}
