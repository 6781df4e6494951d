import proj4 from 'proj4';
import { AppError } from '../../lib/errors.ts';
import { CRS_REGISTRY, crsKey, getCrs } from './crs-registry.ts';
import type { AreaOfUse, CrsEntry } from './crs-registry.ts';
import { baseToLocal, describeMunicipalArea, inMunicipalArea, localToBase } from './municipal-crs.ts';
import { findMunicipalCrs } from './municipal-registry.ts';

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
  const convert = municipalTransformer(from, to) ?? proj4Transformer(from, to);
  converters.set(key, convert);
  return convert;
}

/**
 * Through a municipal system's fitted model (local → its base CRS, or back) and the registry from
 * there; undefined when neither side is municipal. Municipal entries never change, so caching is safe.
 */
function municipalTransformer(from: string | number, to: string | number): Convert | undefined {
  const source = findMunicipalCrs(from);
  const target = findMunicipalCrs(to);
  if (!source && !target) return undefined;
  const first: Convert = source ? localToBase(source) : (p) => p;
  const last: Convert = target ? baseToLocal(target) : (p) => p;
  const [fromBase, toBase] = [source?.baseCrs ?? crsKey(from), target?.baseCrs ?? crsKey(to)];
  const between: Convert = fromBase === toBase ? (p) => p : createTransformer(fromBase, toBase);
  return (position) => last(between(first(position)));
}

function proj4Transformer(from: string | number, to: string | number): Convert {
  const source = getCrs(from);
  const target = getCrs(to);
  const converter = proj4(source.proj4, target.proj4);
  const convert: Convert = (position) => {
    const [x, y] = converter.forward([position[0], position[1]]);
    return [x ?? Number.NaN, y ?? Number.NaN];
  };
  return convert;
}

/**
 * Transforms positions between two registry CRSs; throws `request-invalid` for a position outside the
 * source CRS's area of use (exchanged axes included, see `assertInAreaOfUse`) or a result that is not
 * finite.
 */
export function transformPoints(from: string | number, to: string | number, points: readonly Position[]): Position[] {
  assertInAreaOfUse(from, points);
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
   * and SK-63 X zones (FE k·10⁶ + 300 000) and 3° zones 7–13 share prefix digits with 6° zones 4–7.
   */
  readonly candidates: readonly string[];
}

/** Reads the zone from a Gauss-Krüger style easting (7 301 526 → zone 7); undefined if no registry CRS fits. */
export function detectGkZone(easting: number): ZoneGuess | undefined {
  if (!Number.isFinite(easting) || easting < 0) return undefined;
  const zone = Math.floor(easting / 1e6);
  const offset = easting - zone * 1e6;
  const candidates = CRS_REGISTRY.filter((entry) => {
    if (entry.zone !== zone || entry.zoneHalfWidthM === undefined) return false;
    const centre = (entry.falseEastingM ?? 0) - zone * 1e6;
    return Math.abs(offset - centre) <= entry.zoneHalfWidthM;
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

function inArea(area: AreaOfUse, lonLat: Position, margin = AREA_MARGIN_DEG): boolean {
  const [lon, lat] = lonLat;
  return (
    Number.isFinite(lon) &&
    Number.isFinite(lat) &&
    lat >= area.south - margin &&
    lat <= area.north + margin &&
    lon >= area.west - margin &&
    lon <= area.east + margin
  );
}

function toLonLat(toWgs84: Convert, position: Position): Position | null {
  try {
    return toWgs84(position);
  } catch {
    // proj4 throws for some inputs far outside the projection's domain: that is simply "not here".
    return null;
  }
}

function landsInArea(entry: CrsEntry, toWgs84: Convert, position: Position, margin = AREA_MARGIN_DEG): boolean {
  const lonLat = toLonLat(toWgs84, position);
  return lonLat !== null && inArea(entry.areaOfUse, lonLat, margin);
}

/**
 * How far outside its CRS's area of use a position may lie and still be taken (≈ 50 km): zones are
 * used a little past their edges, while exchanged axes land hundreds of kilometres away.
 */
export const AREA_TOLERANCE_DEG = 0.5;

const deg = (value: number): string => value.toFixed(2);

function describeArea(area: AreaOfUse): string {
  return `${area.name}: ${deg(area.south)}–${deg(area.north)}°N, ${deg(area.west)}–${deg(area.east)}°E`;
}

/**
 * Refuses positions (proj4 order) that do not lie in the area of use of `crs`, saying whether they
 * would with the axes exchanged (northing first, the Ukrainian X/Y order) — instead of transforming
 * them into a point hundreds of kilometres away. Throws `request-invalid` naming the first such
 * position.
 */
export type AreaVerdict = 'inside' | 'swapped' | 'outside';

/** Where a position claimed to be in `crs` lies: in its area of use (with tolerance), there only with the axes exchanged, or neither. */
export function createAreaCheck(crs: string | number): (position: Position) => AreaVerdict {
  const municipal = findMunicipalCrs(crs);
  if (municipal) {
    return (position) => {
      if (inMunicipalArea(municipal, position)) return 'inside';
      return inMunicipalArea(municipal, [position[1], position[0]]) ? 'swapped' : 'outside';
    };
  }
  const entry = getCrs(crs);
  const toWgs84 = createTransformer(entry.code, 'EPSG:4326');
  return (position) => {
    if (landsInArea(entry, toWgs84, position, AREA_TOLERANCE_DEG)) return 'inside';
    return landsInArea(entry, toWgs84, [position[1], position[0]], AREA_TOLERANCE_DEG) ? 'swapped' : 'outside';
  };
}

/** Why a position is not taken in `crs`, for a message naming the point (`Point 3 (…)`) or the feature. */
export function areaRefusal(crs: string | number, position: Position, verdict: AreaVerdict): string {
  const municipal = findMunicipalCrs(crs);
  const where = municipal
    ? `${municipal.code} ${municipal.name} (${describeMunicipalArea(municipal)})`
    : `${getCrs(crs).code} ${getCrs(crs).name} (area of use ${describeArea(getCrs(crs).areaOfUse)})`;
  if (verdict === 'swapped') {
    return (
      `(${position.join(', ')}) has its axes exchanged for ${where}: it lies there only as ` +
      `(${position[1]}, ${position[0]}). Give positions as [easting, northing] (Ukrainian [Y, X]) or [longitude, latitude]`
    );
  }
  if (municipal) return `(${position.join(', ')}) is outside ${where}; check the system the coordinates are in`;
  const at = toLonLat(createTransformer(crs, 'EPSG:4326'), position);
  const lands =
    at && Number.isFinite(at[0]) && Number.isFinite(at[1]) ? `: it lands at ${deg(at[1])}°N, ${deg(at[0])}°E` : '';
  return `(${position.join(', ')}) is outside ${where}${lands}; check the CRS the coordinates are in`;
}

/**
 * Refuses positions (proj4 order) that do not lie in the area of use of `crs`, saying whether they
 * would with the axes exchanged (northing first, the Ukrainian X/Y order) — instead of transforming
 * them into a point hundreds of kilometres away. Throws `request-invalid` naming the first such
 * position.
 */
export function assertInAreaOfUse(crs: string | number, points: readonly Position[]): void {
  const check = createAreaCheck(crs);
  points.forEach((point, index) => {
    const verdict = check(point);
    if (verdict === 'inside') return;
    const municipal = findMunicipalCrs(crs);
    const entry = municipal ?? getCrs(crs);
    throw new AppError('request-invalid', `Point ${index} ${areaRefusal(crs, point, verdict)}`, {
      crs: entry.code,
      index,
      position: [...point],
      verdict,
      ...(municipal ? { extent: municipal.extent, marginM: municipal.marginM } : { areaOfUse: getCrs(crs).areaOfUse }),
    });
  });
}

/**
 * Detects exchanged axes in a batch claimed to be in `crs` (proj4 order expected) by checking which
 * ordering lands in the CRS's area of use. A majority decides; a batch that fits both ways (possible
 * only for areas straddling the diagonal) or neither is reported as such, never guessed.
 */
export function detectAxisOrder(points: readonly Position[], crs: string | number): AxisOrderVerdict {
  const municipal = findMunicipalCrs(crs);
  let lands: (position: Position) => boolean;
  if (municipal) {
    lands = (position) => inMunicipalArea(municipal, position);
  } else {
    const entry = getCrs(crs);
    const toWgs84 = createTransformer(entry.code, 'EPSG:4326');
    lands = (position) => landsInArea(entry, toWgs84, position);
  }
  const step = Math.max(1, Math.ceil(points.length / MAX_SAMPLE));
  let sampled = 0;
  let asGiven = 0;
  let swapped = 0;
  for (let i = 0; i < points.length; i += step) {
    const [a, b] = points[i]!;
    sampled += 1;
    if (lands([a, b])) asGiven += 1;
    if (lands([b, a])) swapped += 1;
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
