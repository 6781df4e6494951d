/**
 * A layer declared in a municipal system (a `LOCAL:` hint or sourceCrs) is taken only when its
 * coordinates lie where the system is defined: within its tie points' extent plus the margin. A file
 * in another system (state coordinates, another city's) would otherwise be moved by a model fitted
 * kilometres away; the inspection refuses it, with the extent found beside the system's.
 */
import type { CoordinateHeuristics } from './crs-detect.ts';
import { describeMunicipalArea, inMunicipalArea } from '../gis/municipal-crs.ts';
import { findMunicipalCrs } from '../gis/municipal-registry.ts';
import type { Position } from '../gis/transform.ts';

export interface MunicipalRefusal {
  crs: string;
  /** Sampled positions outside the system's area. */
  outside: number;
  sampled: number;
  /** The layer's extent as found (minX, minY, maxX, maxY), as read. */
  extentFound: [number, number, number, number] | null;
  reason: string;
}

const fmt = (values: readonly number[]): string => values.map((v) => v.toFixed(2)).join(', ');

/** Why a layer cannot be in the municipal system `crs`, or null when it can (or `crs` is not municipal). */
export function municipalRefusal(
  crs: string,
  positions: readonly Position[],
  extent: [number, number, number, number] | null,
  axes: CoordinateHeuristics['axes'],
): MunicipalRefusal | null {
  const system = findMunicipalCrs(crs);
  if (!system) return null;
  const swapped = axes === 'swapped';
  const inside = (p: Position): boolean => inMunicipalArea(system, swapped ? [p[1], p[0]] : p);
  const outside = positions.filter((p) => !inside(p)).length;
  const corners: Position[] = extent
    ? [
        [extent[0], extent[1]],
        [extent[2], extent[3]],
      ]
    : [];
  if (outside === 0 && corners.every(inside)) return null;
  const found = extent ? fmt(extent) : 'none';
  return {
    crs: system.code,
    outside,
    sampled: positions.length,
    extentFound: extent,
    reason:
      `refused for ${system.code} ${system.name}: ${outside} of ${positions.length} sampled positions lie outside ` +
      `its ${describeMunicipalArea(system)}; extent found ${found} (minX, minY, maxX, maxY)` +
      `${swapped ? ', axes exchanged' : ''} — the data is in another system: name the one it is in`,
  };
}
