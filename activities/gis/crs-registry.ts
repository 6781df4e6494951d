/**
 * The coordinate reference systems X-REPROJ and X-IMPORT work with (crs-entries.ts), each with the
 * source of its parameters, its area of use and a verification point; crs-registry.test.ts re-derives
 * the points independently, and test/gis/cs2cs.test.ts compares a grid over every area of use with
 * PROJ's cs2cs, the EPSG datum shift named.
 */
import { AppError } from '../../lib/errors.ts';
import { CRS_ENTRIES } from './crs-entries.ts';

/** A lon/lat bounding box in degrees (WGS 84 ≈ the CRS's own datum at this precision). */
export interface AreaOfUse {
  readonly name: string;
  /** EPSG extent code the box comes from. */
  readonly epsgExtent: number;
  readonly south: number;
  readonly north: number;
  readonly west: number;
  readonly east: number;
}

/** A point known in both the CRS and WGS 84; `coordinates` are in proj4 order. */
export interface VerificationPoint {
  readonly place: string;
  /** [longitude, latitude] in WGS 84 degrees: the point that was chosen. */
  readonly wgs84: readonly [number, number];
  /** The same point in this CRS, proj4 order: [easting, northing] metres or [longitude, latitude]. */
  readonly coordinates: readonly [number, number];
}

export type Datum = 'wgs84' | 'ucs2000' | 'pulkovo1942';

export interface DatumShift {
  readonly epsg: number;
  readonly name: string;
  readonly accuracyM: number;
}

export interface CrsEntry {
  /** Registry key, `EPSG:<code>`. */
  readonly code: string;
  readonly epsg: number;
  readonly name: string;
  readonly kind: 'geographic' | 'projected';
  readonly proj4: string;
  readonly axisNote: string;
  readonly areaOfUse: AreaOfUse;
  /** Where the parameters come from. */
  readonly source: string;
  readonly datum: Datum;
  /** The EPSG operation the proj string's `+towgs84` encodes; null for WGS 84 itself. */
  readonly datumShift: DatumShift | null;
  /** The zone number the easting carries in its millions (GK 6° zones 4–7, 3° zones 7–13, SK-63 X1–X7). */
  readonly zone?: number;
  /** The false easting of a projected CRS, metres (zone prefix included). */
  readonly falseEastingM?: number;
  /** How far from the zone's false easting a coordinate of Ukraine can lie, metres. */
  readonly zoneHalfWidthM?: number;
  readonly verification: readonly VerificationPoint[];
}

export const CRS_REGISTRY: readonly CrsEntry[] = CRS_ENTRIES;

const BY_CODE: ReadonlyMap<string, CrsEntry> = new Map(CRS_REGISTRY.map((entry) => [entry.code, entry]));

/** Normalises `5563`, `'5563'`, `'epsg:5563'` to the registry key `EPSG:5563`. */
export function crsKey(code: string | number): string {
  const text = String(code).trim().toUpperCase();
  return /^\d+$/.test(text) ? `EPSG:${text}` : text;
}

/** The registry entry; throws `request-invalid` for a CRS the registry does not hold. */
export function getCrs(code: string | number): CrsEntry {
  const entry = BY_CODE.get(crsKey(code));
  if (!entry) {
    throw new AppError('request-invalid', `Unknown coordinate reference system ${String(code)}`, {
      code,
      known: [...BY_CODE.keys()],
    });
  }
  return entry;
}

export function findCrs(code: string | number): CrsEntry | undefined {
  return BY_CODE.get(crsKey(code));
}
