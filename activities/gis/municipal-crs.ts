/**
 * Old municipal coordinate systems: local systems with unpublished keys, known only through identical
 * (tie) points measured in them and in a published CRS. Such a system is a registry entry of its own
 * kind — `LOCAL:<NAME>` — defined by the fitted planar transformation to its base CRS (the same robust
 * fit as the re-coordination's `gis.fitTransformation`), stored with the fit's residual report, and
 * valid only over the extent of its tie points plus a margin: a fitted model says nothing about
 * coordinates beyond the points it was fitted to.
 */
import { ApplicationFailure } from '@temporalio/activity';
import { AppError } from '../../lib/errors.ts';
import { findCrs } from './crs-registry.ts';
import { applyModel, type FittedModel } from './fit.ts';
import { fitCandidates, type FitResult, type Method, type TiePointInput } from './fit-candidates.ts';

export const MUNICIPAL_CODE = /^LOCAL:[A-Z0-9][A-Z0-9_-]{1,62}$/;

/** A box in the system's own planar coordinates, metres ([easting, northing] order). */
export interface PlanarExtent {
  readonly minX: number;
  readonly minY: number;
  readonly maxX: number;
  readonly maxY: number;
}

export interface MunicipalCrs {
  /** Registry key, `LOCAL:<NAME>` in capitals. */
  readonly code: string;
  readonly name: string;
  readonly kind: 'municipal';
  /** The published CRS the system is tied to (a projected registry entry, `EPSG:<code>`). */
  readonly baseCrs: string;
  /** The model the fit recommended, applied local → base. */
  readonly method: Method;
  readonly model: FittedModel;
  readonly rmsM: number;
  /** The tie points' extent in the local system. */
  readonly extent: PlanarExtent;
  /** How far beyond the extent a coordinate is still taken, metres. */
  readonly marginM: number;
  /** Where the tie points come from (archive, survey), as the engineer wrote it. */
  readonly source: string | null;
  /** The whole fit: every candidate model with its residuals, the recommendation and why. */
  readonly fit: FitResult;
  readonly tiePoints: readonly TiePointInput[];
  readonly createdBy: string;
  readonly createdAt: string;
}

/** What an engineer gives to define a municipal system (`POST /v1/crs/municipal`, `potik crs define`). */
export interface MunicipalCrsInput {
  code: string;
  name: string;
  baseCrs: string;
  /** source = [easting, northing] in the municipal system, target = the same point in baseCrs. */
  points: TiePointInput[];
  toleranceM?: number;
  marginM?: number;
  source?: string;
}

/** Margin beyond the tie points: a quarter of the larger side, at least 500 m. */
export function defaultMarginM(extent: PlanarExtent): number {
  return Math.max(500, 0.25 * Math.max(extent.maxX - extent.minX, extent.maxY - extent.minY));
}

function refuse(path: string, message: string, details: Record<string, unknown> = {}): never {
  throw new AppError('request-invalid', `${path} ${message}`, { ...details, errors: [{ path, message }] });
}

const mm = (metres: number): string => `${(metres * 1000).toFixed(1)} mm`;

/** Normalises and checks a municipal code: `local:kharkiv-1960` → `LOCAL:KHARKIV-1960`. */
export function municipalCode(code: unknown): string {
  const text = typeof code === 'string' ? code.trim().toUpperCase() : '';
  if (!MUNICIPAL_CODE.test(text)) {
    refuse('/code', 'must be LOCAL: followed by 2–63 letters, digits, "-" or "_" (e.g. LOCAL:KHARKIV-1960)');
  }
  return text;
}

/**
 * Fits the system to its tie points and checks it can be used: the base is a projected registry
 * CRS, the targets lie in its area of use, the recommended model is within tolerance and no point is
 * in doubt (a blunder would be built into every coordinate taken in the system: measure the point
 * again, or give it a `dropReason`).
 */
export function defineMunicipalCrs(
  input: MunicipalCrsInput,
  createdBy: string,
  now: Date,
  assertTargetsInArea: (baseCrs: string, targets: [number, number][]) => void,
): MunicipalCrs {
  const code = municipalCode(input.code);
  const name = typeof input.name === 'string' ? input.name.trim() : '';
  if (name === '') refuse('/name', 'must name the system (e.g. "Kharkiv city system 1960")');
  const base = typeof input.baseCrs === 'string' ? findCrs(input.baseCrs) : undefined;
  if (!base || base.kind !== 'projected') {
    refuse('/baseCrs', 'must be a projected CRS of the registry (e.g. EPSG:9858, USK-2000 / LCS-63 Kharkiv)');
  }
  const marginM = input.marginM;
  if (marginM !== undefined && !(typeof marginM === 'number' && marginM >= 0)) {
    refuse('/marginM', 'must be a number of metres ≥ 0');
  }
  let fit: FitResult;
  try {
    fit = fitCandidates({ points: input.points, toleranceM: input.toleranceM });
  } catch (error) {
    if (error instanceof ApplicationFailure) refuse('/points', error.message);
    throw error;
  }
  const kept = input.points.filter((p) => !(typeof p.dropReason === 'string' && p.dropReason.trim() !== ''));
  assertTargetsInArea(
    base.code,
    kept.map((p) => [p.target[0]!, p.target[1]!]),
  );
  const best = fit.best;
  if (!best.withinTolerance) {
    refuse('/points', `are fitted by no model within ${mm(fit.toleranceM)}: ${best.reason}`, { fit });
  }
  if (best.doubted.length > 0) {
    const doubts = best.doubted.map((d) => `${d.id} (${d.reason})`).join('; ');
    refuse('/points', `hold points in doubt under ${best.method}: ${doubts}; measure them again or give a dropReason`, {
      fit,
    });
  }
  const chosen = fit.models.find((m) => m.method === best.method)!;
  const xs = kept.map((p) => p.source[0]!);
  const ys = kept.map((p) => p.source[1]!);
  const extent = { minX: Math.min(...xs), minY: Math.min(...ys), maxX: Math.max(...xs), maxY: Math.max(...ys) };
  return {
    code,
    name,
    kind: 'municipal',
    baseCrs: base.code,
    method: best.method,
    model: chosen.model,
    rmsM: best.rmsM,
    extent,
    marginM: marginM ?? defaultMarginM(extent),
    source: input.source?.trim() || null,
    fit,
    tiePoints: input.points,
    createdBy,
    createdAt: now.toISOString(),
  };
}

type Planar = readonly [number, number];

/** Local → base CRS by the fitted model. */
export function localToBase(system: Pick<MunicipalCrs, 'model'>): (position: Planar) => [number, number] {
  return ([x, y]) => {
    const [out] = applyModel(system.model, [{ x, y }]);
    return [out!.x, out!.y];
  };
}

/**
 * Base CRS → local: the model inverted by Newton's method (exact in one step for the linear models;
 * the second-order polynomial converges in a few, its Jacobian being near the identity over a city).
 */
export function baseToLocal(system: Pick<MunicipalCrs, 'model'>): (position: Planar) => [number, number] {
  const forward = localToBase(system);
  const step = 1; // metres: the models are polynomial, a finite difference over a metre is exact enough
  return (target) => {
    let [x, y] = [system.model.sourceOrigin.x, system.model.sourceOrigin.y];
    for (let i = 0; i < 20; i += 1) {
      const [fx, fy] = forward([x, y]);
      const [rx, ry] = [fx - target[0], fy - target[1]];
      if (Math.hypot(rx, ry) < 1e-7) break;
      const [ax, ay] = forward([x + step, y]);
      const [bx, by] = forward([x, y + step]);
      const [j11, j21, j12, j22] = [(ax - fx) / step, (ay - fy) / step, (bx - fx) / step, (by - fy) / step];
      const det = j11 * j22 - j12 * j21;
      x -= (j22 * rx - j12 * ry) / det;
      y -= (-j21 * rx + j11 * ry) / det;
    }
    return [x, y];
  };
}

/** Whether a position (local, [easting, northing]) lies within the tie points' extent plus the margin. */
export function inMunicipalArea(system: Pick<MunicipalCrs, 'extent' | 'marginM'>, [x, y]: Planar): boolean {
  const { extent: e, marginM: m } = system;
  return x >= e.minX - m && x <= e.maxX + m && y >= e.minY - m && y <= e.maxY + m;
}

const metres = (value: number): string => value.toFixed(0);

/** `tie points' extent 7500–12500 E, 7400–12600 N, margin 1250 m` */
export function describeMunicipalArea(system: Pick<MunicipalCrs, 'extent' | 'marginM'>): string {
  const e = system.extent;
  return (
    `tie points' extent ${metres(e.minX)}–${metres(e.maxX)} E, ${metres(e.minY)}–${metres(e.maxY)} N, ` +
    `margin ${metres(system.marginM)} m`
  );
}
