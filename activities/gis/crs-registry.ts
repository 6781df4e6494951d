import { AppError } from '../../lib/errors.ts';

/**
 * The coordinate reference systems X-REPROJ and X-IMPORT work with, each with the source of its
 * parameters and verification points that the unit tests re-derive independently.
 *
 * Parameters are those of the EPSG dataset as shipped in PROJ (`data/sql/conversion.sql`,
 * `helmert_transformation.sql`, `extent.sql`). Two traps the strings below avoid:
 * - PROJ/proj4 `+towgs84` rotations are position-vector; EPSG:15865 (Pulkovo 1942 to WGS 84 (16),
 *   the FSU-wide set used for Ukraine) is published as coordinate-frame rotation with
 *   rY = −0.35″, rZ = −0.736″, so the proj string carries +0.35, +0.736.
 * - EPSG stores the CS63 and LCS longitudes in sexagesimal degrees (unit 9110): 35.3 means 35°30′.
 */

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
  /** 6° Gauss-Krüger zone number (4–7), or the SK-63 X zone number (1–7). */
  readonly zone?: number;
  readonly verification: readonly VerificationPoint[];
}

const KRASS_UCS2000 = '+ellps=krass +towgs84=24,-121,-76,0,0,0,0';
const KRASS_SK42 = '+ellps=krass +towgs84=25,-141,-78.5,0,0.35,0.736,0';

const SOURCE_UCS2000_DATUM = 'datum shift EPSG:5840 UCS-2000 to WGS 84 (2), geocentric translations, accuracy 1 m';
const SOURCE_SK42_DATUM =
  'datum shift EPSG:15865 Pulkovo 1942 to WGS 84 (16), coordinate frame rX 0, rY −0.35″, rZ −0.736″ ' +
  '→ position vector +0,+0.35,+0.736 in +towgs84; FSU-wide, accuracy 4.5 m';

const AXIS_GEOGRAPHIC = 'EPSG axis order latitude, longitude; proj4 and this registry use [longitude, latitude].';
const AXIS_PROJECTED =
  'Ukrainian/Soviet naming X = northing, Y = easting (EPSG CS 4530/4531 lists northing first); ' +
  'proj4 and this registry use [easting, northing], i.e. [Y, X].';

const UKRAINE: AreaOfUse = { name: 'Ukraine', epsgExtent: 1242, south: 43.18, north: 52.38, west: 22.15, east: 40.18 };

/** Ukraine within each 6° zone (EPSG extents 3895, 3898, 3903, 3905), used for USK-2000 and SK-42 alike. */
const GK_AREA: Record<number, AreaOfUse> = {
  4: { name: 'Ukraine - west of 24°E', epsgExtent: 3895, south: 47.95, north: 51.66, west: 22.15, east: 24.0 },
  5: { name: 'Ukraine - 24°E to 30°E', epsgExtent: 3898, south: 45.1, north: 51.96, west: 24.0, east: 30.0 },
  6: { name: 'Ukraine - 30°E to 36°E', epsgExtent: 3903, south: 43.18, north: 52.38, west: 30.0, east: 36.0 },
  7: { name: 'Ukraine - east of 36°E', epsgExtent: 3905, south: 43.43, north: 50.44, west: 36.0, east: 40.18 },
};

/** EPSG extents of CS63 zones X1–X7 (4435, 4429, 4430, 4431, 4432, 4433, 4434). */
const X_AREA: Record<number, AreaOfUse> = {
  1: { name: 'Ukraine - west of 25°E', epsgExtent: 4435, south: 47.71, north: 51.92, west: 22.15, east: 25.01 },
  2: { name: 'Ukraine - 25°E to 28°E', epsgExtent: 4429, south: 47.72, north: 51.96, west: 25.0, east: 28.01 },
  3: { name: 'Ukraine - 28°E to 31°E onshore', epsgExtent: 4430, south: 45.18, north: 52.09, west: 28.0, east: 31.01 },
  4: { name: 'Ukraine - 31°E to 34°E onshore', epsgExtent: 4431, south: 44.32, north: 52.38, west: 31.0, east: 34.01 },
  5: { name: 'Ukraine - 34°E to 37°E onshore', epsgExtent: 4432, south: 44.33, north: 52.25, west: 34.0, east: 37.01 },
  6: { name: 'Ukraine - 37°E to 40°E onshore', epsgExtent: 4433, south: 46.8, north: 50.44, west: 37.0, east: 40.01 },
  7: { name: 'Ukraine - east of 40°E', epsgExtent: 4434, south: 48.8, north: 49.62, west: 40.0, east: 40.18 },
};

function gkProj4(zone: number, datum: string): string {
  return `+proj=tmerc +lat_0=0 +lon_0=${6 * zone - 3} +k=1 +x_0=${zone * 1e6 + 500000} +y_0=0 ${datum} +units=m +no_defs`;
}

// Verification coordinates were computed once with proj4 2.22 from the stated WGS 84 point and rounded
// to 0.1 mm; crs-registry.test.ts re-derives the projection with its own Transverse Mercator and the
// datum shift with its own Helmert, so a wrong parameter in a string above fails there.
const V = {
  kharkiv: [36.23, 50.0],
  kyiv: [30.52, 50.45],
  lviv: [24.03, 49.84],
  uzhhorod: [22.29, 48.62],
  khmelnytskyi: [26.98, 49.42],
  cherkasy: [32.06, 49.44],
  luhansk: [39.31, 48.57],
  milove: [40.13, 49.37],
} as const satisfies Record<string, readonly [number, number]>;

function point(place: keyof typeof V, coordinates: readonly [number, number]): VerificationPoint {
  return { place: place[0]!.toUpperCase() + place.slice(1), wgs84: V[place], coordinates };
}

const GK_VERIFICATION_UCS2000: Record<number, VerificationPoint> = {
  4: point('uzhhorod', [4595228.7322, 5388299.3952]),
  5: point('lviv', [5286491.4934, 5527401.7186]),
  6: point('kyiv', [6323983.9922, 5593950.8157]),
  7: point('kharkiv', [7301524.828, 5544625.1994]),
};

const GK_VERIFICATION_SK42: Record<number, VerificationPoint> = {
  4: point('uzhhorod', [4595235.4966, 5388306.1609]),
  5: point('lviv', [5286499.0472, 5527407.3783]),
  6: point('kyiv', [6323991.5495, 5593954.2957]),
  7: point('kharkiv', [7301531.8392, 5544626.8243]),
};

const X_VERIFICATION: Record<number, VerificationPoint> = {
  1: point('lviv', [1338252.6363, 5514100.1324]),
  2: point('khmelnytskyi', [2334952.4174, 5467357.0203]),
  3: point('kyiv', [3372568.8997, 5582302.633]),
  4: point('cherkasy', [4268210.862, 5469552.6048]),
  5: point('kharkiv', [5352457.1789, 5531994.4758]),
  6: point('luhansk', [6359893.3366, 5373012.4478]),
  7: point('milove', [7200613.4384, 5462561.1572]),
};

const GK_ZONES = [4, 5, 6, 7] as const;
const X_ZONES = [1, 2, 3, 4, 5, 6, 7] as const;

export const CRS_REGISTRY: readonly CrsEntry[] = [
  {
    code: 'EPSG:4326',
    epsg: 4326,
    name: 'WGS 84',
    kind: 'geographic',
    proj4: '+proj=longlat +datum=WGS84 +no_defs',
    axisNote: AXIS_GEOGRAPHIC,
    areaOfUse: { name: 'World', epsgExtent: 1262, south: -90, north: 90, west: -180, east: 180 },
    source: 'EPSG:4326; the pivot of every datum shift in this registry',
    verification: [point('kharkiv', [36.23, 50.0])],
  },
  {
    code: 'EPSG:5561',
    epsg: 5561,
    name: 'USK-2000',
    kind: 'geographic',
    proj4: `+proj=longlat ${KRASS_UCS2000} +no_defs`,
    axisNote: AXIS_GEOGRAPHIC,
    areaOfUse: UKRAINE,
    source: `EPSG:5561 UCS-2000 on Krassowsky 1940 (EPSG:7024, a = 6378245, 1/f = 298.3); ${SOURCE_UCS2000_DATUM}`,
    verification: [point('kharkiv', [36.2315592, 50.000056034])],
  },
  ...GK_ZONES.map((zone): CrsEntry => ({
    code: `EPSG:${5561 + zone - 3}`,
    epsg: 5561 + zone - 3,
    name: `USK-2000 / Gauss-Krüger zone ${zone}`,
    kind: 'projected',
    proj4: gkProj4(zone, KRASS_UCS2000),
    axisNote: AXIS_PROJECTED,
    areaOfUse: GK_AREA[zone]!,
    source: `EPSG:${5561 + zone - 3}, conversion EPSG:${16200 + zone} (6-degree Gauss-Kruger zone ${zone}: lon_0 ${6 * zone - 3}°, FE ${zone * 1e6 + 500000}); ${SOURCE_UCS2000_DATUM}`,
    zone,
    verification: [GK_VERIFICATION_UCS2000[zone]!],
  })),
  {
    code: 'EPSG:9858',
    epsg: 9858,
    name: 'USK-2000 / LCS-63 Kharkiv',
    kind: 'projected',
    proj4: `+proj=tmerc +lat_0=0 +lon_0=36.5 +k=1 +x_0=300000 +y_0=0 ${KRASS_UCS2000} +units=m +no_defs`,
    axisNote: AXIS_PROJECTED,
    areaOfUse: {
      name: 'Ukraine - Kharkiv oblast',
      epsgExtent: 4630,
      south: 48.52,
      north: 50.46,
      west: 34.84,
      east: 38.1,
    },
    source: `EPSG:9858, conversion EPSG:9815 (Local coordinate system of Kharkiv region: lon_0 36°30′, FE 300000); ${SOURCE_UCS2000_DATUM}`,
    verification: [point('kharkiv', [280753.6486, 5540985.2386])],
  },
  ...GK_ZONES.map((zone): CrsEntry => ({
    code: `EPSG:${28400 + zone}`,
    epsg: 28400 + zone,
    name: `SK-42 / Gauss-Krüger zone ${zone}`,
    kind: 'projected',
    proj4: gkProj4(zone, KRASS_SK42),
    axisNote: AXIS_PROJECTED,
    // EPSG's own extent is the FSU band; the Ukrainian part is what matters for the swap heuristic.
    areaOfUse: GK_AREA[zone]!,
    source: `EPSG:${28400 + zone}, conversion EPSG:${16200 + zone} (lon_0 ${6 * zone - 3}°, FE ${zone * 1e6 + 500000}); ${SOURCE_SK42_DATUM}`,
    zone,
    verification: [GK_VERIFICATION_SK42[zone]!],
  })),
  // All seven CS63 X zones: EPSG conversions 7818–7824 give lat_0 0°05′, lon_0 23°30′ + 3°·(k−1),
  // FE k·10⁶ + 300000, FN 0, k = 1 (EPSG notes the equivalent lat_0 0, FN −9214.692 m).
  ...X_ZONES.map((zone): CrsEntry => ({
    code: `EPSG:${7824 + zone}`,
    epsg: 7824 + zone,
    name: `SK-63 zone X${zone}`,
    kind: 'projected',
    proj4:
      `+proj=tmerc +lat_0=0.0833333333333333 +lon_0=${20.5 + 3 * zone} +k=1 +x_0=${zone * 1e6 + 300000} +y_0=0 ` +
      `${KRASS_SK42} +units=m +no_defs`,
    axisNote: AXIS_PROJECTED,
    areaOfUse: X_AREA[zone]!,
    source: `EPSG:${7824 + zone}, conversion EPSG:${7817 + zone} (CS63 zone X${zone}); ${SOURCE_SK42_DATUM}`,
    zone,
    verification: [X_VERIFICATION[zone]!],
  })),
];

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
