import proj4 from 'proj4';
import { AppError } from '../../lib/errors.ts';
import { CRS_REGISTRY, crsKey, getCrs } from './crs-registry.ts';
import type { AreaOfUse, CrsEntry } from './crs-registry.ts';

/** A planar or geographic position in proj4 order: [easting, northing] metres or [longitude, latitude] degrees. */
export type Position = readonly [number, number];

/** Ukrainian/Soviet surveying naming: X is the northing, Y the easting. */
export interface UkrainianXY {
  readonly x: number;
  readonly y: number;
}

export function fromUkrainianXY(point: UkrainianXY): Position {
  return [point.y, point.x];
}

export function toUkrainianXY(position: Position): UkrainianXY {
  return { x: position[1], y: position[0] };
}

type Convert = (position: Position) => Position;

// proj4 parses the definition strings on every converter construction; a re-coordination pushes
// every vertex of a project through the same pair, so keep one converter per pair.
const converters = new Map<string, Convert>();

/** A cached function transforming single positions from one registry CRS to another. */
export function createTransformer(from: string | number, to: string | number): Convert {
  const key = `${crsKey(from)}>${crsKey(to)}`;
  const cached = converters.get(key);
  if (cached) return cached;
  const source = getCrs(from);
  const target = getCrs(to);
  const converter = proj4(source.proj4, target.proj4);
  const convert: Convert = (position) => {
    const [x, y] = converter.forward([position[0], position[1]]);
    return [x ?? Number.NaN, y ?? Number.NaN];
  };
  converters.set(key, convert);
  return convert;
}

/** Transforms positions between two registry CRSs; throws `request-invalid` where a result is not finite. */
export function transformPoints(from: string | number, to: string | number, points: readonly Position[]): Position[] {
  const convert = createTransformer(from, to);
  return points.map((point, index) => {
    const refuse = (cause?: unknown): AppError =>
      new AppError(
        'request-invalid',
        `Point ${index} (${point.join(', ')}) cannot be transformed from ${crsKey(from)} to ${crsKey(to)}`,
        { from: crsKey(from), to: crsKey(to), index },
        { cause },
      );
    let result: Position;
    try {
      result = convert(point);
    } catch (error) {
      // proj4 throws plain errors for coordinates outside a projection's domain.
      throw refuse(error);
    }
    if (!Number.isFinite(result[0]) || !Number.isFinite(result[1])) throw refuse();
    return result;
  });
}

export function transformPoint(from: string | number, to: string | number, point: Position): Position {
  return transformPoints(from, to, [point])[0]!;
}

/** What the millions of a Gauss-Krüger style easting say about its zone. */
export interface ZoneGuess {
  readonly zone: number;
  /** Easting without the zone prefix (the false easting 500 000 or 300 000 still in it). */
  readonly offset: number;
  /**
   * Registry CRSs consistent with the easting. The prefix cannot tell the datum (USK-2000 vs SK-42),
   * and SK-63 X zones (FE k·10⁶ + 300 000) share the prefix digits with 6° zones 4–7.
   */
  readonly candidates: readonly string[];
}

// Half-widths generous enough for Ukraine: the far edge of a 6° zone there is < 3.2° (≈ 250 km) from
// its meridian, of a 3° CS63 zone < 1.6° (≈ 120 km).
const GK_HALF_WIDTH_M = 350_000;
const X_HALF_WIDTH_M = 200_000;

/** Reads the zone number from a Gauss-Krüger easting (7 301 526 → zone 7); undefined if no registry CRS fits. */
export function detectGkZone(easting: number): ZoneGuess | undefined {
  if (!Number.isFinite(easting) || easting < 0) return undefined;
  const zone = Math.floor(easting / 1e6);
  const offset = easting - zone * 1e6;
  const candidates = CRS_REGISTRY.filter((entry) => {
    if (entry.zone !== zone) return false;
    const isX = entry.name.startsWith('SK-63');
    return Math.abs(offset - (isX ? 300_000 : 500_000)) <= (isX ? X_HALF_WIDTH_M : GK_HALF_WIDTH_M);
  }).map((entry) => entry.code);
  return candidates.length > 0 ? { zone, offset, candidates } : undefined;
}

export interface AxisOrderVerdict {
  readonly verdict: 'as-given' | 'swapped' | 'ambiguous' | 'outside';
  /** Share of the sampled points inside the CRS's area of use as given. */
  readonly inAreaAsGiven: number;
  /** Share inside the area of use with the two coordinates exchanged. */
  readonly inAreaSwapped: number;
  readonly sampled: number;
}

const AREA_MARGIN_DEG = 0.1;
const MAX_SAMPLE = 500;

function inArea(area: AreaOfUse, lonLat: Position): boolean {
  const [lon, lat] = lonLat;
  return (
    Number.isFinite(lon) &&
    Number.isFinite(lat) &&
    lat >= area.south - AREA_MARGIN_DEG &&
    lat <= area.north + AREA_MARGIN_DEG &&
    lon >= area.west - AREA_MARGIN_DEG &&
    lon <= area.east + AREA_MARGIN_DEG
  );
}

function landsInArea(entry: CrsEntry, toWgs84: Convert, position: Position): boolean {
  try {
    return inArea(entry.areaOfUse, toWgs84(position));
  } catch {
    // proj4 throws for some inputs far outside the projection's domain: that is simply "not here".
    return false;
  }
}

/**
 * Detects exchanged axes in a batch claimed to be in `crs` (proj4 order expected) by checking which
 * ordering lands in the CRS's area of use. A majority decides; a batch that fits both ways (possible
 * only for areas straddling the diagonal) or neither is reported as such, never guessed.
 */
export function detectAxisOrder(points: readonly Position[], crs: string | number): AxisOrderVerdict {
  const entry = getCrs(crs);
  const toWgs84 = createTransformer(entry.code, 'EPSG:4326');
  const step = Math.max(1, Math.ceil(points.length / MAX_SAMPLE));
  let sampled = 0;
  let asGiven = 0;
  let swapped = 0;
  for (let i = 0; i < points.length; i += step) {
    const [a, b] = points[i]!;
    sampled += 1;
    if (landsInArea(entry, toWgs84, [a, b])) asGiven += 1;
    if (landsInArea(entry, toWgs84, [b, a])) swapped += 1;
  }
  const inAreaAsGiven = sampled === 0 ? 0 : asGiven / sampled;
  const inAreaSwapped = sampled === 0 ? 0 : swapped / sampled;
  let verdict: AxisOrderVerdict['verdict'] = 'outside';
  if (inAreaAsGiven >= 0.5 || inAreaSwapped >= 0.5) {
    if (inAreaAsGiven > inAreaSwapped) verdict = 'as-given';
    else if (inAreaSwapped > inAreaAsGiven) verdict = 'swapped';
    else verdict = 'ambiguous';
  }
  return { verdict, inAreaAsGiven, inAreaSwapped, sampled };
}
