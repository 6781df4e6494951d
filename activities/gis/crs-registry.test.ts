import proj4 from 'proj4';
import { describe, expect, it } from 'vitest';
import { CRS_REGISTRY, getCrs } from './crs-registry.ts';
import type { CrsEntry } from './crs-registry.ts';

// Independent re-derivation of every verification point: own geodetic↔geocentric conversion, own
// Helmert with the EPSG-published (coordinate-frame) signs, own Transverse Mercator (Krüger series,
// Karney 2011 eq. 35, to n⁴ — truncation error ~1e-7 m within 3° of the meridian). The expected
// parameters below are typed in from the EPSG conversions, not read from the proj strings.

const ARCSEC = Math.PI / 180 / 3600;
const DEG = Math.PI / 180;

interface Ellipsoid {
  readonly a: number;
  readonly f: number;
}
const KRASSOWSKY: Ellipsoid = { a: 6378245, f: 1 / 298.3 };
const WGS84: Ellipsoid = { a: 6378137, f: 1 / 298.257223563 };

type Vec3 = [number, number, number];

function toGeocentric(ell: Ellipsoid, lonDeg: number, latDeg: number, h = 0): Vec3 {
  const e2 = ell.f * (2 - ell.f);
  const lat = latDeg * DEG;
  const lon = lonDeg * DEG;
  const n = ell.a / Math.sqrt(1 - e2 * Math.sin(lat) ** 2);
  return [
    (n + h) * Math.cos(lat) * Math.cos(lon),
    (n + h) * Math.cos(lat) * Math.sin(lon),
    (n * (1 - e2) + h) * Math.sin(lat),
  ];
}

function toGeodetic(ell: Ellipsoid, [x, y, z]: Vec3): [number, number] {
  const e2 = ell.f * (2 - ell.f);
  const p = Math.hypot(x, y);
  let lat = Math.atan2(z, p * (1 - e2));
  for (let i = 0; i < 10; i += 1) {
    const n = ell.a / Math.sqrt(1 - e2 * Math.sin(lat) ** 2);
    const h = p / Math.cos(lat) - n;
    lat = Math.atan2(z, p * (1 - (e2 * n) / (n + h)));
  }
  return [Math.atan2(y, x) / DEG, lat / DEG];
}

interface Helmert {
  readonly t: Vec3;
  /** Coordinate-frame rotations in arc-seconds, as EPSG publishes them (method 9607). */
  readonly rCoordinateFrame: Vec3;
}
/** EPSG:5840 UCS-2000 to WGS 84 (2). */
const UCS2000_TO_WGS84: Helmert = { t: [24, -121, -76], rCoordinateFrame: [0, 0, 0] };
/** EPSG:15865 Pulkovo 1942 to WGS 84 (16). */
const SK42_TO_WGS84: Helmert = { t: [25, -141, -78.5], rCoordinateFrame: [0, -0.35, -0.736] };

/** WGS 84 → local datum: solves X_wgs = T + R_cf·X_local exactly (Cramer), R_cf the EPSG 9607 matrix. */
function wgs84ToLocal(helmert: Helmert, wgs: Vec3): Vec3 {
  const [rx, ry, rz] = helmert.rCoordinateFrame.map((r) => r * ARCSEC) as Vec3;
  const m = [
    [1, rz, -ry],
    [-rz, 1, rx],
    [ry, -rx, 1],
  ];
  const b: Vec3 = [wgs[0] - helmert.t[0], wgs[1] - helmert.t[1], wgs[2] - helmert.t[2]];
  const det = (q: number[][]): number =>
    q[0]![0]! * (q[1]![1]! * q[2]![2]! - q[1]![2]! * q[2]![1]!) -
    q[0]![1]! * (q[1]![0]! * q[2]![2]! - q[1]![2]! * q[2]![0]!) +
    q[0]![2]! * (q[1]![0]! * q[2]![1]! - q[1]![1]! * q[2]![0]!);
  const d = det(m);
  const column = (c: number): number => det(m.map((row, i) => row.map((v, j) => (j === c ? b[i]! : v))));
  return [column(0) / d, column(1) / d, column(2) / d];
}

interface TmParams {
  readonly lat0: number;
  readonly lon0: number;
  readonly falseEasting: number;
  readonly k?: number;
}

function tmForward(ell: Ellipsoid, params: TmParams, lonDeg: number, latDeg: number): [number, number] {
  const n = ell.f / (2 - ell.f);
  const e = (2 * Math.sqrt(n)) / (1 + n);
  const bigA = (ell.a / (1 + n)) * (1 + n ** 2 / 4 + n ** 4 / 64);
  const alpha = [
    n / 2 - (2 * n ** 2) / 3 + (5 * n ** 3) / 16 + (41 * n ** 4) / 180,
    (13 * n ** 2) / 48 - (3 * n ** 3) / 5 + (557 * n ** 4) / 1440,
    (61 * n ** 3) / 240 - (103 * n ** 4) / 140,
    (49561 * n ** 4) / 161280,
  ];
  const xiEta = (lat: number, dLon: number): [number, number] => {
    const t = Math.sinh(Math.atanh(Math.sin(lat)) - e * Math.atanh(e * Math.sin(lat)));
    const xiP = Math.atan2(t, Math.cos(dLon));
    const etaP = Math.atanh(Math.sin(dLon) / Math.sqrt(1 + t * t));
    let xi = xiP;
    let eta = etaP;
    alpha.forEach((a, i) => {
      const j = 2 * (i + 1);
      xi += a * Math.sin(j * xiP) * Math.cosh(j * etaP);
      eta += a * Math.cos(j * xiP) * Math.sinh(j * etaP);
    });
    return [xi, eta];
  };
  const [xi, eta] = xiEta(latDeg * DEG, (lonDeg - params.lon0) * DEG);
  const [xi0] = xiEta(params.lat0 * DEG, 0);
  const k = params.k ?? 1;
  return [params.falseEasting + k * bigA * eta, k * bigA * (xi - xi0)];
}

/** lon_0 of the UCS-2000 local systems, EPSG conversions 9796–9820 (sexagesimal there: 28.4 = 28°40′). */
const LCS_LON0: Record<number, number> = {
  9821: 30.5,
  9831: 34.5,
  9832: 28 + 40 / 60,
  9833: 24 + 50 / 60,
  9834: 35,
  9835: 37.5,
  9836: 28.5,
  9837: 23.5,
  9838: 36,
  9839: 24.75,
  9840: 32,
  9841: 39,
  9851: 24,
  9852: 31 + 50 / 60,
  9853: 30,
  9854: 33 + 50 / 60,
  9855: 27,
  9856: 34.5,
  9857: 25.5,
  9858: 36.5,
  9859: 33.5,
  9860: 27,
  9861: 31.5,
  9862: 26,
  9863: 32,
  9864: 30.5,
  9865: 33,
};

const WGS84_IDENTITY: Helmert = { t: [0, 0, 0], rCoordinateFrame: [0, 0, 0] };

/**
 * Expected definitions typed in from EPSG (conversions 16204–16207, 16267–16273, 6374–6380,
 * 7818–7824, 9796–9820, 16034–16037; transformations 5840, 15865).
 */
function expected(entry: CrsEntry): { helmert: Helmert; ellipsoid: Ellipsoid; tm?: TmParams } {
  const e = entry.epsg;
  const sk42 = { helmert: SK42_TO_WGS84, ellipsoid: KRASSOWSKY };
  const ucs = { helmert: UCS2000_TO_WGS84, ellipsoid: KRASSOWSKY };
  const gk = (zone: number, lon0: number) => ({ lat0: 0, lon0, falseEasting: zone * 1e6 + 500000 });
  if (e === 4326) return { helmert: WGS84_IDENTITY, ellipsoid: WGS84 };
  if (e >= 32634 && e <= 32637) {
    const zone = e - 32600;
    return {
      helmert: WGS84_IDENTITY,
      ellipsoid: WGS84,
      tm: { lat0: 0, lon0: 6 * zone - 183, falseEasting: 500000, k: 0.9996 },
    };
  }
  if (e === 4284) return sk42;
  if (e === 5561) return ucs;
  if (e >= 5562 && e <= 5565) return { ...ucs, tm: gk(e - 5558, 6 * (e - 5558) - 3) };
  if (e >= 5570 && e <= 5576) return { ...ucs, tm: gk(e - 5563, 3 * (e - 5563)) };
  if (e >= 6381 && e <= 6387) return { ...ucs, tm: { lat0: 0, lon0: 3 * (e - 6374), falseEasting: 300000 } };
  if (LCS_LON0[e] !== undefined) return { ...ucs, tm: { lat0: 0, lon0: LCS_LON0[e]!, falseEasting: 300000 } };
  if (e >= 28404 && e <= 28407) return { ...sk42, tm: gk(e - 28400, 6 * (e - 28400) - 3) };
  if (e >= 2523 && e <= 2529) return { ...sk42, tm: gk(e - 2516, 3 * (e - 2516)) };
  if (e >= 7825 && e <= 7831) {
    const zone = e - 7824;
    return { ...sk42, tm: { lat0: 5 / 60, lon0: 23.5 + 3 * (zone - 1), falseEasting: zone * 1e6 + 300000 } };
  }
  throw new Error(`no independent definition for ${entry.code}`);
}

const cases = CRS_REGISTRY.flatMap((entry) => entry.verification.map((point) => ({ entry, point })));

describe('CRS registry', () => {
  it('holds the CRSs of the domain, each with a source, an area of use and a verification point', () => {
    const codes = new Set(CRS_REGISTRY.map((entry) => entry.epsg));
    const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
    const family = [
      4326,
      ...range(32634, 32637), // WGS 84, UTM 34N–37N
      4284,
      ...range(28404, 28407),
      ...range(2523, 2529),
      ...range(7825, 7831), // SK-42 6°, 3°; SK-63 X1–X7
      ...range(5561, 5565),
      ...range(5570, 5576),
      ...range(6381, 6387), // USK-2000, GK 6°, GK 3°, TM 7–13
      9821,
      ...range(9831, 9841),
      ...range(9851, 9865), // every oblast's LCS, Kyiv city (9864), Sevastopol
    ];
    expect([...codes].sort((a, b) => a - b)).toEqual(family.sort((a, b) => a - b));
    expect(codes.size).toBe(CRS_REGISTRY.length);
    for (const entry of CRS_REGISTRY) {
      expect(entry.source).toMatch(/EPSG:\d+/);
      expect(entry.verification.length).toBeGreaterThan(0);
      expect(entry.datumShift?.epsg ?? null).toBe({ wgs84: null, ucs2000: 5840, pulkovo1942: 15865 }[entry.datum]);
      expect(entry.areaOfUse.south).toBeLessThan(entry.areaOfUse.north);
    }
  });

  it.each(cases)('$entry.code at $point.place round-trips through WGS 84 to under 1 mm', ({ entry, point }) => {
    const toWgs = proj4(entry.proj4, 'EPSG:4326');
    const wgs = toWgs.forward([...point.coordinates]);
    expect(Math.abs(wgs[0]! - point.wgs84[0])).toBeLessThan(1e-7);
    expect(Math.abs(wgs[1]! - point.wgs84[1])).toBeLessThan(1e-7);
    const back = toWgs.inverse(wgs);
    const tolerance = entry.kind === 'projected' ? 1e-3 : 1e-8; // 1e-8° ≈ 1 mm
    expect(Math.abs(back[0]! - point.coordinates[0])).toBeLessThan(tolerance);
    expect(Math.abs(back[1]! - point.coordinates[1])).toBeLessThan(tolerance);
  });

  it.each(cases)(
    '$entry.code at $point.place matches an independent datum shift and projection',
    ({ entry, point }) => {
      const { helmert, ellipsoid, tm } = expected(entry);
      const local = wgs84ToLocal(helmert, toGeocentric(WGS84, point.wgs84[0], point.wgs84[1]));
      const [lon, lat] = toGeodetic(ellipsoid, local);
      if (!tm) {
        expect(Math.abs(lon - point.coordinates[0])).toBeLessThan(1e-8);
        expect(Math.abs(lat - point.coordinates[1])).toBeLessThan(1e-8);
        return;
      }
      const [easting, northing] = tmForward(ellipsoid, tm, lon, lat);
      expect(Math.abs(easting - point.coordinates[0])).toBeLessThan(1e-3);
      expect(Math.abs(northing - point.coordinates[1])).toBeLessThan(1e-3);
    },
  );

  it('carries the zone number in the millions of every Gauss-Krüger and CS63 easting', () => {
    for (const entry of CRS_REGISTRY.filter((e) => e.zone !== undefined)) {
      for (const point of entry.verification) expect(Math.floor(point.coordinates[0] / 1e6)).toBe(entry.zone);
    }
  });

  it('would catch the EPSG coordinate-frame signs pasted into +towgs84 unflipped (tens of metres at Kharkiv)', () => {
    const entry = getCrs(28407);
    const wrong = entry.proj4.replace('0,0.35,0.736,0', '0,-0.35,-0.736,0');
    const [e, n] = proj4('EPSG:4326', wrong, [36.23, 50.0]);
    const [e0, n0] = entry.verification[0]!.coordinates;
    expect(Math.hypot(e! - e0, n! - n0)).toBeGreaterThan(20);
  });

  it('refuses an unknown CRS with request-invalid', () => {
    expect(() => getCrs(3857)).toThrowError(expect.objectContaining({ code: 'request-invalid' }));
    expect(getCrs('epsg:9858').name).toBe('USK-2000 / LCS-63 Kharkiv');
  });
});
