import type { AreaOfUse, CrsEntry, Datum, VerificationPoint } from './crs-registry.ts';
import { VERIFICATION } from './crs-verification.ts';

/**
 * The Ukrainian CRS family as the EPSG dataset shipped with PROJ 9 defines it (`data/sql/
 * projected_crs.sql`, `conversion.sql`, `extent.sql`, `helmert_transformation.sql`): WGS 84 and UTM
 * 34N–37N; Pulkovo 1942 (SK-42) geographic, 6° and 3° Gauss-Krüger zones, CS63 (SK-63) zones X1–X7;
 * UCS-2000 (USK-2000) geographic, 6° and 3° Gauss-Krüger zones, Ukraine TM zones 7–13, and the local
 * systems (LCS) of every oblast, Kyiv city and Sevastopol.
 *
 * Two traps the strings avoid:
 * - proj4 `+towgs84` rotations are position-vector; EPSG:15865 (Pulkovo 1942 to WGS 84 (16), the
 *   FSU-wide set that covers Ukraine) is published as coordinate-frame rotation with rY = −0.35″,
 *   rZ = −0.736″, so the proj string carries +0.35, +0.736. PROJ left to choose picks EPSG:5044
 *   (Russian Federation) in eastern Ukraine, ~2 m away: every entry names its operation.
 * - EPSG stores the CS63 and LCS longitudes in sexagesimal degrees (unit 9110): 28.4 means 28°40′.
 *
 * Verification points: WGS 84 → the CRS by `cs2cs` (PROJ 9.1.1) with the entry's datum shift named
 * (a BoundCRS carrying the EPSG operation, see test/helpers/cs2cs.ts), rounded to 0.1 mm or 1e-9°.
 */

const DATUMS: Readonly<Record<Datum, { proj4: string; shift: CrsEntry['datumShift']; note: string }>> = {
  wgs84: { proj4: '+datum=WGS84', shift: null, note: 'WGS 84 (EPSG:6326), no datum shift' },
  ucs2000: {
    proj4: '+ellps=krass +towgs84=24,-121,-76,0,0,0,0',
    shift: { epsg: 5840, name: 'UCS-2000 to WGS 84 (2)', accuracyM: 1 },
    note: 'UCS-2000 (EPSG:1077) on Krassowsky 1940; datum shift EPSG:5840, geocentric translations, accuracy 1 m',
  },
  pulkovo1942: {
    proj4: '+ellps=krass +towgs84=25,-141,-78.5,0,0.35,0.736,0',
    shift: { epsg: 15865, name: 'Pulkovo 1942 to WGS 84 (16)', accuracyM: 4.5 },
    note:
      'Pulkovo 1942 (EPSG:6284) on Krassowsky 1940; datum shift EPSG:15865, coordinate frame rY −0.35″, ' +
      'rZ −0.736″ → position vector +0.35, +0.736 in +towgs84; FSU-wide, accuracy 4.5 m',
  },
};

const AXIS_GEOGRAPHIC = 'EPSG axis order latitude, longitude; proj4 and this registry use [longitude, latitude].';
const AXIS_PROJECTED =
  'Ukrainian/Soviet naming X = northing, Y = easting (EPSG lists northing first); ' +
  'proj4 and this registry use [easting, northing], i.e. [Y, X].';
const AXIS_UTM = 'EPSG axis order easting, northing, as proj4 and this registry.';

function area(epsgExtent: number, name: string, south: number, north: number, west: number, east: number): AreaOfUse {
  return { name, epsgExtent, south, north, west, east };
}

const UKRAINE = area(1242, 'Ukraine', 43.18, 52.38, 22.15, 40.18);

/** Ukraine within each 6° zone (EPSG extents 3895, 3898, 3903, 3905): USK-2000 and SK-42 alike. */
const GK6_AREA: Record<number, AreaOfUse> = {
  4: area(3895, 'Ukraine - west of 24°E', 47.95, 51.66, 22.15, 24.0),
  5: area(3898, 'Ukraine - 24°E to 30°E', 45.1, 51.96, 24.0, 30.0),
  6: area(3903, 'Ukraine - 30°E to 36°E', 43.18, 52.38, 30.0, 36.0),
  7: area(3905, 'Ukraine - east of 36°E', 43.43, 50.44, 36.0, 40.18),
};

/** Ukraine within each 3° zone (EPSG extents 3906–3913): the 3° GK and Ukraine TM zones 7–13. */
const GK3_AREA: Record<number, AreaOfUse> = {
  7: area(3906, 'Ukraine - west of 22.5°E', 48.24, 48.98, 22.15, 22.5),
  8: area(3907, 'Ukraine - 22.5°E to 25.5°E', 47.71, 51.96, 22.5, 25.5),
  9: area(3908, 'Ukraine - 25.5°E to 28.5°E', 45.26, 51.94, 25.5, 28.5),
  10: area(3909, 'Ukraine - 28.5°E to 31.5°E', 43.42, 52.12, 28.5, 31.5),
  11: area(3910, 'Ukraine - 31.5°E to 34.5°E', 43.18, 52.38, 31.5, 34.5),
  12: area(3912, 'Ukraine - 34.5°E to 37.5°E', 43.24, 51.25, 34.5, 37.5),
  13: area(3913, 'Ukraine - east of 37.5°E', 46.77, 50.39, 37.5, 40.18),
};

/** EPSG extents of CS63 zones X1–X7 (4435, 4429–4434). */
const X_AREA: Record<number, AreaOfUse> = {
  1: area(4435, 'Ukraine - west of 25°E', 47.71, 51.92, 22.15, 25.01),
  2: area(4429, 'Ukraine - 25°E to 28°E', 47.72, 51.96, 25.0, 28.01),
  3: area(4430, 'Ukraine - 28°E to 31°E onshore', 45.18, 52.09, 28.0, 31.01),
  4: area(4431, 'Ukraine - 31°E to 34°E onshore', 44.32, 52.38, 31.0, 34.01),
  5: area(4432, 'Ukraine - 34°E to 37°E onshore', 44.33, 52.25, 34.0, 37.01),
  6: area(4433, 'Ukraine - 37°E to 40°E onshore', 46.8, 50.44, 37.0, 40.01),
  7: area(4434, 'Ukraine - east of 40°E', 48.8, 49.62, 40.0, 40.18),
};

/** WGS 84 / UTM zone 34N–37N (EPSG extents 2066–2072, northern hemisphere bands). */
const UTM_AREA: Record<number, AreaOfUse> = {
  34: area(2066, 'World - N hemisphere - 18°E to 24°E', 0, 84, 18, 24),
  35: area(2068, 'World - N hemisphere - 24°E to 30°E', 0, 84, 24, 30),
  36: area(2070, 'World - N hemisphere - 30°E to 36°E', 0, 84, 30, 36),
  37: area(2072, 'World - N hemisphere - 36°E to 42°E', 0, 84, 36, 42),
};

const dms = (degrees: number, minutes = 0): number => degrees + minutes / 60;

type LcsRow = readonly [epsg: number, name: string, conversion: number, lon0: number, place: Place, area: AreaOfUse];

/**
 * The local coordinate systems of UCS-2000 (EPSG:9821, 9831–9841, 9851–9865): transverse Mercator,
 * k = 1, FE 300 000, FN 0; lon_0 from conversions 9796–9820 (sexagesimal in EPSG); extents 4623–4649.
 * EPSG gives Khmelnytskyi the Rivne conversion (9812) and Kyiv city the Kyiv region one (9796).
 */
// prettier-ignore
const LCS: readonly LcsRow[] = [
  [9821, 'LCS-32 Kyiv region', 9796, dms(30, 30), 'Bila Tserkva', area(4633, 'Ukraine - Kyiv oblast', 49.17, 51.55, 29.26, 32.16)],
  [9831, 'LCS-01 Crimea', 9797, dms(34, 30), 'Simferopol', area(4648, 'Ukraine - Crimea', 44.38, 46.24, 32.47, 36.65)],
  [9832, 'LCS-05 Vinnytsia', 9798, dms(28, 40), 'Vinnytsia', area(4643, 'Ukraine - Vinnytsia oblast', 48.06, 49.89, 27.37, 30.02)],
  [9833, 'LCS-07 Volyn', 9799, dms(24, 50), 'Lutsk', area(4644, 'Ukraine - Volyn oblast', 50.28, 51.97, 23.6, 26.11)],
  [9834, 'LCS-12 Dnipropetrovsk', 9800, dms(35), 'Dnipro', area(4627, 'Ukraine - Dnipropetrovsk oblast', 47.45, 49.19, 32.95, 36.94)],
  [9835, 'LCS-14 Donetsk', 9801, dms(37, 30), 'Donetsk', area(4628, 'Ukraine - Donetsk oblast', 46.86, 49.24, 36.54, 39.1)],
  [9836, 'LCS-18 Zhytomyr', 9802, dms(28, 30), 'Zhytomyr', area(4647, 'Ukraine - Zhytomyr oblast', 49.58, 51.68, 27.19, 29.74)],
  [9837, 'LCS-21 Zakarpattia', 9803, dms(23, 30), 'Uzhhorod', area(4645, 'Ukraine - Zakarpattia oblast', 47.89, 49.1, 22.13, 24.63)],
  [9838, 'LCS-23 Zaporizhzhia', 9804, dms(36), 'Zaporizhzhia', area(4646, 'Ukraine - Zaporizhzhia oblast', 46.07, 48.15, 34.17, 37.25)],
  [9839, 'LCS-26 Ivano-Frankivsk', 9805, dms(24, 45), 'Ivano-Frankivsk', area(4629, 'Ukraine - Ivano-Frankivsk oblast', 47.72, 49.56, 23.53, 25.66)],
  [9840, 'LCS-35 Kirovohrad', 9806, dms(32), 'Kropyvnytskyi', area(4634, 'Ukraine - Kirovohrad oblast', 47.74, 49.25, 29.74, 33.9)],
  [9841, 'LCS-44 Luhansk', 9807, dms(39), 'Luhansk', area(4635, 'Ukraine - Luhansk oblast', 47.82, 50.09, 37.83, 40.23)],
  [9851, 'LCS-46 Lviv', 9808, dms(24), 'Lviv', area(4636, 'Ukraine - Lviv oblast', 48.71, 50.65, 22.64, 25.43)],
  [9852, 'LCS-48 Mykolaiv', 9809, dms(31, 50), 'Mykolaiv', area(4637, 'Ukraine - Mykolaiv oblast', 46.36, 48.23, 30.2, 33.19)],
  [9853, 'LCS-51 Odessa', 9810, dms(30), 'Odesa', area(4638, 'Ukraine - Odessa oblast', 45.2, 48.24, 28.21, 31.3)],
  [9854, 'LCS-53 Poltava', 9811, dms(33, 50), 'Poltava', area(4639, 'Ukraine - Poltava oblast', 48.74, 50.55, 32.08, 35.49)],
  [9855, 'LCS-56 Rivne', 9812, dms(27), 'Rivne', area(4640, 'Ukraine - Rivne oblast', 50.0, 51.95, 25.08, 27.74)],
  [9856, 'LCS-59 Sumy', 9813, dms(34, 30), 'Sumy', area(4641, 'Ukraine - Sumy oblast', 50.1, 52.37, 32.93, 35.67)],
  [9857, 'LCS-61 Ternopil', 9814, dms(25, 30), 'Ternopil', area(4642, 'Ukraine - Ternopil oblast', 48.5, 50.27, 24.71, 26.45)],
  [9858, 'LCS-63 Kharkiv', 9815, dms(36, 30), 'Kharkiv', area(4630, 'Ukraine - Kharkiv oblast', 48.52, 50.46, 34.84, 38.1)],
  [9859, 'LCS-65 Kherson', 9816, dms(33, 30), 'Kherson', area(4631, 'Ukraine - Kherson oblast', 45.75, 47.6, 31.51, 35.11)],
  [9860, 'LCS-68 Khmelnytsky', 9812, dms(27), 'Khmelnytskyi', area(4632, 'Ukraine - Khmelnytskyi oblast', 48.45, 50.59, 26.13, 27.9)],
  [9861, 'LCS-71 Cherkasy', 9817, dms(31, 30), 'Cherkasy', area(4624, 'Ukraine - Cherkasy oblast', 48.45, 50.23, 29.6, 32.89)],
  [9862, 'LCS-73 Chernivtsi', 9818, dms(26), 'Chernivtsi', area(4626, 'Ukraine - Chernivtsi oblast', 47.72, 48.68, 24.9, 27.54)],
  [9863, 'LCS-74 Chernihiv', 9819, dms(32), 'Chernihiv', area(4625, 'Ukraine - Chernihiv oblast', 50.34, 52.38, 30.48, 33.51)],
  [9864, 'LCS-80 Kyiv city', 9796, dms(30, 30), 'Kyiv', area(4623, 'Ukraine - Kyiv city', 50.21, 50.59, 30.23, 30.83)],
  [9865, 'LCS-85 Sevastopol', 9820, dms(33), 'Sevastopol', area(4649, 'Ukraine - Sevastopol', 44.38, 44.85, 33.37, 33.93)],
];

/** Places the verification points are taken at, [longitude, latitude] WGS 84. */
const PLACES = {
  Kharkiv: [36.23, 50.0],
  Kyiv: [30.52, 50.45],
  Lviv: [24.03, 49.84],
  Uzhhorod: [22.29, 48.62],
  Khmelnytskyi: [26.98, 49.42],
  Cherkasy: [32.06, 49.44],
  Luhansk: [39.31, 48.57],
  Milove: [40.13, 49.37],
  'Bila Tserkva': [30.11, 49.8],
  Simferopol: [34.1, 44.95],
  Vinnytsia: [28.47, 49.23],
  Lutsk: [25.33, 50.75],
  Dnipro: [35.05, 48.46],
  Donetsk: [37.8, 48.0],
  Zhytomyr: [28.66, 50.25],
  Zaporizhzhia: [35.14, 47.84],
  'Ivano-Frankivsk': [24.71, 48.92],
  Kropyvnytskyi: [32.26, 48.51],
  Mykolaiv: [31.99, 46.97],
  Odesa: [30.73, 46.48],
  Poltava: [34.55, 49.59],
  Rivne: [26.25, 50.62],
  Sumy: [34.8, 50.91],
  Ternopil: [25.59, 49.55],
  Kherson: [32.62, 46.64],
  Chernivtsi: [25.94, 48.29],
  Chernihiv: [31.29, 51.49],
  Sevastopol: [33.52, 44.62],
} as const satisfies Record<string, readonly [number, number]>;

export type Place = keyof typeof PLACES;

const GK6_ZONES = [4, 5, 6, 7] as const;
const GK6_PLACE: Record<number, Place> = { 4: 'Uzhhorod', 5: 'Lviv', 6: 'Kyiv', 7: 'Kharkiv' };
const GK3_ZONES = [7, 8, 9, 10, 11, 12, 13] as const;
const GK3_PLACE: Record<number, Place> = {
  7: 'Uzhhorod',
  8: 'Lviv',
  9: 'Khmelnytskyi',
  10: 'Kyiv',
  11: 'Cherkasy',
  12: 'Kharkiv',
  13: 'Luhansk',
};
const X_ZONES = [1, 2, 3, 4, 5, 6, 7] as const;
const X_PLACE: Record<number, Place> = {
  1: 'Lviv',
  2: 'Khmelnytskyi',
  3: 'Kyiv',
  4: 'Cherkasy',
  5: 'Kharkiv',
  6: 'Luhansk',
  7: 'Milove',
};
const UTM_ZONES = [34, 35, 36, 37] as const;
const UTM_PLACE: Record<number, Place> = { 34: 'Uzhhorod', 35: 'Khmelnytskyi', 36: 'Kyiv', 37: 'Kharkiv' };

/** Half-widths generous enough for Ukraine's part of a zone: < 3.2° (≈ 250 km) from a 6° meridian, < 1.6° from a 3° one. */
const HALF_WIDTH_6 = 350_000;
const HALF_WIDTH_3 = 200_000;

interface Tm {
  lat0?: number;
  lon0: number;
  k?: number;
  falseEasting: number;
}

function tmProj4(tm: Tm, datum: Datum): string {
  return (
    `+proj=tmerc +lat_0=${tm.lat0 ?? 0} +lon_0=${tm.lon0} +k=${tm.k ?? 1} +x_0=${tm.falseEasting} +y_0=0 ` +
    `${DATUMS[datum].proj4} +units=m +no_defs`
  );
}

function verify(place: Place, epsg: number): VerificationPoint[] {
  const coordinates = VERIFICATION[epsg];
  return coordinates ? [{ place, wgs84: PLACES[place], coordinates }] : [];
}

interface Spec {
  epsg: number;
  name: string;
  datum: Datum;
  area: AreaOfUse;
  place: Place;
  source: string;
  tm?: Tm;
  zone?: { zone: number; halfWidthM: number };
  axisNote?: string;
}

function entry(spec: Spec): CrsEntry {
  const { epsg, name, datum, area, place, tm, zone } = spec;
  return {
    code: `EPSG:${epsg}`,
    epsg,
    name,
    kind: tm ? 'projected' : 'geographic',
    datum,
    datumShift: DATUMS[datum].shift,
    proj4: tm ? tmProj4(tm, datum) : `+proj=longlat ${DATUMS[datum].proj4} +no_defs`,
    axisNote: spec.axisNote ?? (tm ? AXIS_PROJECTED : AXIS_GEOGRAPHIC),
    areaOfUse: area,
    source: `EPSG:${epsg}, ${spec.source}; ${DATUMS[datum].note}`,
    ...(tm ? { falseEastingM: tm.falseEasting } : {}),
    ...(zone ? { zone: zone.zone, zoneHalfWidthM: zone.halfWidthM } : {}),
    verification: verify(place, epsg),
  };
}

/** The 6° zones 4–7 or 3° zones 7–13 of a datum, EPSG code = base + zone (conversions 16204–16207, 16267–16273). */
function gkZones(width: 3 | 6, datum: Datum, prefix: string, base: number, note = ''): Spec[] {
  return (width === 6 ? GK6_ZONES : GK3_ZONES).map((zone) => {
    const tm = gk(zone, width);
    return {
      epsg: base + zone,
      name: `${prefix} / ${width === 3 ? '3-degree ' : ''}Gauss-Krüger zone ${zone}`,
      datum,
      area: (width === 6 ? GK6_AREA : GK3_AREA)[zone]!,
      place: (width === 6 ? GK6_PLACE : GK3_PLACE)[zone]!,
      source: `${note}conversion EPSG:${(width === 6 ? 16200 : 16260) + zone} (${width}-degree Gauss-Kruger zone ${zone}: lon_0 ${tm.lon0}°, FE ${tm.falseEasting})`,
      tm,
      zone: { zone, halfWidthM: width === 6 ? HALF_WIDTH_6 : HALF_WIDTH_3 },
    };
  });
}

const gk = (zone: number, width: 3 | 6): Tm => ({
  lon0: width * zone - (width === 6 ? 3 : 0),
  falseEasting: zone * 1e6 + 500000,
});

const SPECS: readonly Spec[] = [
  {
    epsg: 4326,
    name: 'WGS 84',
    datum: 'wgs84',
    area: area(1262, 'World', -90, 90, -180, 180),
    place: 'Kharkiv',
    source: 'the pivot of every datum shift in this registry',
  },
  ...UTM_ZONES.map((zone): Spec => ({
    epsg: 32600 + zone,
    name: `WGS 84 / UTM zone ${zone}N`,
    datum: 'wgs84',
    area: UTM_AREA[zone]!,
    place: UTM_PLACE[zone]!,
    source: `conversion EPSG:${16000 + zone} (UTM zone ${zone}N: lon_0 ${6 * zone - 183}°, k 0.9996, FE 500000)`,
    tm: { lon0: 6 * zone - 183, k: 0.9996, falseEasting: 500000 },
    axisNote: AXIS_UTM,
  })),
  {
    epsg: 5561,
    name: 'USK-2000',
    datum: 'ucs2000',
    area: UKRAINE,
    place: 'Kharkiv',
    source: 'geographic 2D on Krassowsky 1940 (EPSG:7024, a = 6378245, 1/f = 298.3)',
  },
  ...gkZones(6, 'ucs2000', 'USK-2000', 5558),
  // Deprecated by EPSG in favour of the Ukraine TM zones below, but still what older files carry.
  ...gkZones(3, 'ucs2000', 'USK-2000', 5563, 'deprecated (superseded by Ukraine TM zone EPSG:6381–6387), '),
  ...GK3_ZONES.map((zone): Spec => ({
    epsg: 6374 + zone,
    name: `USK-2000 / Ukraine TM zone ${zone}`,
    datum: 'ucs2000',
    area: GK3_AREA[zone]!,
    place: GK3_PLACE[zone]!,
    source: `conversion EPSG:${6367 + zone} (Ukraine TM zone ${zone}: lon_0 ${3 * zone}°, FE 300000, no zone prefix)`,
    tm: { lon0: 3 * zone, falseEasting: 300000 },
  })),
  ...LCS.map(([epsg, name, conversion, lon0, place, lcsArea]): Spec => ({
    epsg,
    name: `USK-2000 / ${name}`,
    datum: 'ucs2000',
    area: lcsArea,
    place,
    source: `conversion EPSG:${conversion} (lon_0 ${sexagesimal(lon0)}, k 1, FE 300000)`,
    tm: { lon0, falseEasting: 300000 },
  })),
  {
    epsg: 4284,
    name: 'SK-42 (Pulkovo 1942)',
    datum: 'pulkovo1942',
    // EPSG's extent is the whole FSU; the Ukrainian part is what the axis check needs.
    area: UKRAINE,
    place: 'Kharkiv',
    source: 'geographic 2D on Krassowsky 1940 (EPSG:7024, a = 6378245, 1/f = 298.3)',
  },
  // EPSG's own extents are FSU bands; the Ukrainian part is what the axis check needs.
  ...gkZones(6, 'pulkovo1942', 'SK-42', 28400),
  ...gkZones(3, 'pulkovo1942', 'SK-42', 2516),
  // CS63 X zones: EPSG conversions 7818–7824 give lat_0 0°05′, lon_0 23°30′ + 3°·(k−1), FE k·10⁶ + 300000.
  ...X_ZONES.map((zone): Spec => ({
    epsg: 7824 + zone,
    name: `SK-63 zone X${zone}`,
    datum: 'pulkovo1942',
    area: X_AREA[zone]!,
    place: X_PLACE[zone]!,
    source: `conversion EPSG:${7817 + zone} (CS63 zone X${zone}: lat_0 0°05′, lon_0 ${20.5 + 3 * zone}°, FE ${zone * 1e6 + 300000})`,
    tm: { lat0: 0.0833333333333333, lon0: 20.5 + 3 * zone, falseEasting: zone * 1e6 + 300000 },
    zone: { zone, halfWidthM: HALF_WIDTH_3 },
  })),
];

export const CRS_ENTRIES: readonly CrsEntry[] = SPECS.map(entry);

/** Where each entry is verified, [longitude, latitude] WGS 84: the input of crs-verification.ts. */
export const VERIFICATION_PLACES: Readonly<Record<number, readonly [number, number]>> = Object.fromEntries(
  SPECS.map((spec) => [spec.epsg, PLACES[spec.place]]),
);

function sexagesimal(degrees: number): string {
  const whole = Math.floor(degrees);
  const minutes = Math.round((degrees - whole) * 60);
  return minutes === 0 ? `${whole}°` : `${whole}°${String(minutes).padStart(2, '0')}′`;
}
