/**
 * What the source's coordinates are: the CRS its .prj or MIF CoordSys names (as GDAL's WKT1),
 * matched to the CRS registry by EPSG code or else by its projection parameters and datum; and,
 * from the coordinates themselves, the Gauss-Krüger zone in the easting's millions and whether X
 * and Y come swapped (gis/transform.ts).
 */
import { CRS_REGISTRY, findCrs, type CrsEntry } from '../gis/crs-registry.ts';
import { detectAxisOrder, detectGkZone, type Position } from '../gis/transform.ts';
import { findMunicipalCrs } from '../gis/municipal-registry.ts';

export interface CrsMatch {
  /** Registry code (EPSG:7829), or null when the WKT matches no registry entry. */
  code: string | null;
  name: string | null;
  /** How: the WKT's EPSG authority, its parameters, or nothing matched. */
  by: 'authority' | 'parameters' | 'none';
  /** The WKT's own name for the CRS. */
  wktName: string | null;
}

function proj4Params(proj4: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const token of proj4.split(/\s+/)) {
    const [key, value] = token.replace(/^\+/, '').split('=');
    if (key) out[key] = value ?? '';
  }
  return out;
}

function wktParameter(wkt: string, name: string): number | null {
  const match = wkt.match(new RegExp(`PARAMETER\\["${name}",\\s*(-?[\\d.eE+-]+)\\]`, 'i'));
  return match ? Number(match[1]) : null;
}

type DatumFamily = 'ucs2000' | 'pulkovo1942' | 'wgs84' | 'other';

function datumFamily(name: string): DatumFamily {
  const n = name.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (/ukraine2000|ucs2000|usk2000|ukraine_2000/.test(n)) return 'ucs2000';
  if (/pulkovo|1942|sk42|s42/.test(n)) return 'pulkovo1942';
  if (/wgs84|wgs1984/.test(n)) return 'wgs84';
  return 'other';
}

function entryFamily(entry: CrsEntry): DatumFamily {
  return entry.datum;
}

const close = (a: number | null, b: number, tolerance: number) => a !== null && Math.abs(a - b) <= tolerance;

/** Matches GDAL WKT1 (a layer's SRS) to the registry. */
export function matchWkt(wkt: string | null): CrsMatch {
  if (!wkt) return { code: null, name: null, by: 'none', wktName: null };
  const wktName = wkt.match(/^\w+\["([^"]*)"/)?.[1] ?? null;
  const authority = wkt.match(/AUTHORITY\["EPSG","(\d+)"\]\]$/)?.[1];
  const known = authority ? findCrs(authority) : undefined;
  if (known) return { code: known.code, name: known.name, by: 'authority', wktName };
  const family = datumFamily(wkt.match(/DATUM\["([^"]*)"/)?.[1] ?? '');
  const projected = wkt.startsWith('PROJCS');
  const candidates = CRS_REGISTRY.filter((entry) => {
    if (entryFamily(entry) !== family) return false;
    if (!projected) return entry.kind === 'geographic';
    const p = proj4Params(entry.proj4);
    return (
      entry.kind === 'projected' &&
      /Transverse_Mercator/i.test(wkt) &&
      close(wktParameter(wkt, 'central_meridian'), Number(p.lon_0), 1e-7) &&
      close(wktParameter(wkt, 'latitude_of_origin') ?? 0, Number(p.lat_0), 1e-7) &&
      close(wktParameter(wkt, 'false_easting'), Number(p.x_0), 1e-3) &&
      close(wktParameter(wkt, 'false_northing') ?? 0, Number(p.y_0), 1e-3) &&
      close(wktParameter(wkt, 'scale_factor') ?? 1, Number(p.k), 1e-9)
    );
  });
  const match = candidates[0];
  return match
    ? { code: match.code, name: match.name, by: 'parameters', wktName }
    : { code: null, name: null, by: 'none', wktName };
}

export interface CoordinateHeuristics {
  /** Positions looked at (first vertex of each sampled feature). */
  sampled: number;
  /** The Gauss-Krüger zone in the easting's millions, with the registry CRSs it fits. */
  zone: { zone: number; candidates: readonly string[]; fromSwapped: boolean } | null;
  /** Whether the first coordinate is the northing (X/Y in Ukrainian order where easting is expected). */
  axes: 'as-given' | 'swapped' | 'ambiguous' | 'unknown';
  /** The CRS the axis verdict was judged against (the detected one, else the zone's candidates). */
  judgedAgainst: string[];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/**
 * Zone and axis heuristics over sample positions as the source gives them ([x, y] as read). With
 * a known projected CRS the axis order is judged against its area of use; without one, against
 * every registry CRS the zone prefix allows, and only a unanimous verdict is taken.
 */
export function coordinateHeuristics(positions: readonly Position[], crs: string | null): CoordinateHeuristics {
  const none: CoordinateHeuristics = { sampled: positions.length, zone: null, axes: 'unknown', judgedAgainst: [] };
  if (positions.length === 0) return none;
  const first = median(positions.map((p) => p[0]));
  const second = median(positions.map((p) => p[1]));
  const asGiven = detectGkZone(first);
  const swapped = detectGkZone(second);
  const known = crs ? (findCrs(crs) ?? findMunicipalCrs(crs)) : undefined;
  if (known?.kind === 'geographic') return { ...none, axes: 'as-given', judgedAgainst: [known.code] };
  const judgedAgainst = known
    ? [known.code]
    : [...new Set([...(asGiven?.candidates ?? []), ...(swapped?.candidates ?? [])])];
  const verdicts = new Set(
    judgedAgainst.map((code) => detectAxisOrder(positions, code).verdict).filter((v) => v !== 'outside'),
  );
  const axes =
    verdicts.size === 1
      ? ([...verdicts][0] as CoordinateHeuristics['axes'])
      : verdicts.size > 1
        ? 'ambiguous'
        : 'unknown';
  const zoneGuess = axes === 'swapped' ? swapped : (asGiven ?? swapped);
  return {
    sampled: positions.length,
    zone: zoneGuess
      ? {
          zone: zoneGuess.zone,
          candidates: zoneGuess.candidates,
          fromSwapped: zoneGuess === swapped && zoneGuess !== asGiven,
        }
      : null,
    axes,
    judgedAgainst,
  };
}
