/**
 * PROJ's own command-line tools as the reference the CRS registry is checked against: `projinfo`
 * for the EPSG definitions PROJ ships, `cs2cs` for the transformation. A datum shift is never left
 * to PROJ's choice (for Pulkovo 1942 in eastern Ukraine it picks EPSG:5044, ~2 m off the
 * Ukraine-wide EPSG:15865): the target is a BoundCRS that carries the named EPSG operation.
 * Positions go in and come out in proj4 order ([easting, northing] or [longitude, latitude]); the
 * CRS's EPSG axis order is applied here.
 */
import { execFileSync } from 'node:child_process';
import type { CrsEntry } from '../../activities/gis/crs-registry.ts';
import type { Position } from '../../activities/gis/transform.ts';

type Json = Record<string, unknown>;

const cache = new Map<string, Json>();

function projinfo(args: string[]): Json {
  const key = args.join(' ');
  let found = cache.get(key);
  if (!found) {
    found = JSON.parse(execFileSync('projinfo', [...args, '-o', 'PROJJSON', '-q'], { encoding: 'utf8' })) as Json;
    cache.set(key, found);
  }
  return found;
}

/** The EPSG definition of a CRS, as PROJ's database holds it. */
export function epsgCrs(epsg: number): Json {
  return projinfo([`EPSG:${epsg}`]);
}

/** The CRS bound to WGS 84 by its named EPSG operation (the CRS itself when it is on WGS 84). */
function boundToWgs84(entry: CrsEntry): Json {
  const crs = epsgCrs(entry.epsg);
  if (!entry.datumShift) return crs;
  const operation = projinfo(['-k', 'operation', `EPSG:${entry.datumShift.epsg}`]);
  return {
    type: 'BoundCRS',
    source_crs: crs,
    target_crs: epsgCrs(4326),
    transformation: {
      name: operation.name,
      method: operation.method,
      parameters: operation.parameters,
      id: operation.id,
    },
  };
}

/** Whether the CRS lists its northing (latitude) axis first. */
function northFirst(crs: Json): boolean {
  const source = crs.type === 'BoundCRS' ? (crs.source_crs as Json) : crs;
  const axes = (source.coordinate_system as { axis: { direction: string }[] }).axis;
  return axes[0]!.direction === 'north';
}

function run(source: Json, target: Json, points: readonly Position[]): Position[] {
  const input = points
    .map(([a, b]) => (northFirst(source) ? `${b} ${a}` : `${a} ${b}`))
    .join('\n')
    .concat('\n');
  const output = execFileSync('cs2cs', ['-d', '10', JSON.stringify(source), JSON.stringify(target)], {
    input,
    encoding: 'utf8',
  });
  return output
    .trim()
    .split('\n')
    .map((line) => {
      const [a, b] = line.trim().split(/\s+/).map(Number) as [number, number];
      return northFirst(target) ? [b, a] : [a, b];
    });
}

/** WGS 84 [lon, lat] → the entry's CRS by cs2cs, with the entry's datum shift named. */
export function cs2csFromWgs84(entry: CrsEntry, points: readonly Position[]): Position[] {
  return run(epsgCrs(4326), boundToWgs84(entry), points);
}

/** The projection alone: [lon, lat] on the entry's own geographic CRS → the entry, by cs2cs. */
export function cs2csProjection(entry: CrsEntry, geographicEpsg: number, points: readonly Position[]): Position[] {
  return run(epsgCrs(geographicEpsg), epsgCrs(entry.epsg), points);
}
