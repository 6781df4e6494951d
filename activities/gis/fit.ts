import { AppError } from '../../lib/errors.ts';
import { normalInverse, solveLeastSquares } from './least-squares.ts';

/**
 * Empirical planar transformations fitted to tie points by least squares (X-REPROJ).
 *
 * Conventions: x is the easting and y the northing (proj4 order, not the Ukrainian X/Y; see
 * `toUkrainianXY`). Rotation is positive counter-clockwise (from east towards north). A residual is
 * v = model(source) − target, per point |v| = √(vx² + vy²), and v² below means vx² + vy², so
 * RMS = √(Σv²/n) over the n fit points and σ₀ = √(Σv²/(2n − u)) for a model of u parameters.
 */

export type ModelKind = 'shift' | 'helmert' | 'affine' | 'polynomial2';

/** Simplest first: the order `chooseModel` walks. */
export const MODEL_KINDS: readonly ModelKind[] = ['shift', 'helmert', 'affine', 'polynomial2'];

export const PARAMETER_COUNT: Readonly<Record<ModelKind, number>> = {
  shift: 2,
  helmert: 4,
  affine: 6,
  polynomial2: 12,
};

export interface PlanarPoint {
  readonly x: number;
  readonly y: number;
}

export interface TiePoint {
  readonly id: string;
  readonly source: PlanarPoint;
  readonly target: PlanarPoint;
  /** A check point is kept out of the fit and only measured against it. */
  readonly check?: boolean;
  /** Why the point was dropped (outliers leave the fit only with a reason); reported, not fitted. */
  readonly dropReason?: string;
  /** Why the outlier screening doubts the point (robust-fit.ts); reported, not fitted. */
  readonly doubt?: string;
}

/** Everything needed to apply a fitted model; coefficients act in the centred, scaled frame. */
export interface FittedModel {
  readonly kind: ModelKind;
  readonly sourceOrigin: PlanarPoint;
  readonly targetOrigin: PlanarPoint;
  /** Length unit of the normalised frame, metres: u = (x − sourceOrigin.x) / unit. */
  readonly unit: number;
  readonly coefficients: readonly number[];
}

export interface PointResidual {
  readonly id: string;
  readonly role: 'fit' | 'check' | 'dropped' | 'doubted';
  readonly vx: number;
  readonly vy: number;
  readonly v: number;
  /**
   * E[v²] = σ²·f for this point under the model: its redundancy number for a fit point (the share of
   * its own error the fit leaves in its residual), 1 + its prediction variance for any other point.
   */
  readonly varianceFactor: number;
  /** |v| > 3σ₀ (fit and check points alike). */
  readonly outlier: boolean;
  readonly dropReason?: string;
}

export interface ModelFit {
  readonly kind: ModelKind;
  readonly parameterCount: number;
  readonly model: FittedModel;
  /**
   * Readable parameters. shift: tx, ty. helmert: a, b, tx, ty with x' = a·x − b·y + tx,
   * y' = b·x + a·y + ty. affine: a0, a1, a2, b0, b1, b2 with x' = a0 + a1·x + a2·y,
   * y' = b0 + b1·x + b2·y, plus scaleXPpm, scaleYPpm, skewArcsec. polynomial2: cIJ / dIJ, the
   * coefficients of Δxᴵ·Δyᴶ in metres about sourceOrigin (x' = targetOrigin.x + Σ cIJ·Δxᴵ·Δyᴶ).
   */
  readonly parameters: Readonly<Record<string, number>>;
  /** Standard deviations of the linear `parameters` (σ₀-scaled); absent where no redundancy. */
  readonly standardErrors: Readonly<Record<string, number>>;
  readonly fitPointCount: number;
  readonly checkPointCount: number;
  readonly rms: number;
  /** Undefined when 2n = u: an exact fit has no redundancy to estimate from. */
  readonly sigma0: number | undefined;
  readonly maxResidual: number;
  /** (scale − 1)·10⁶; for affine and polynomial the similarity part of the linear terms. */
  readonly scalePpm: number;
  readonly rotationArcsec: number;
  readonly checkRms: number | undefined;
  readonly checkMax: number | undefined;
  readonly residuals: readonly PointResidual[];
  readonly outliers: readonly string[];
}

const RAD_TO_ARCSEC = (180 / Math.PI) * 3600;

/** Polynomial terms uⁱvʲ, total degree ≤ 2. */
const POLY_TERMS: readonly (readonly [number, number])[] = [
  [0, 0],
  [1, 0],
  [0, 1],
  [2, 0],
  [1, 1],
  [0, 2],
];

/**
 * Design rows for one point in the normalised frame: model(u, v) = identity + row·p, where the
 * identity part exists only for the shift (its observations are target − source).
 */
function designRows(kind: ModelKind, u: number, v: number): { rx: number[]; ry: number[]; ix: number; iy: number } {
  switch (kind) {
    case 'shift':
      return { rx: [1, 0], ry: [0, 1], ix: u, iy: v };
    case 'helmert':
      return { rx: [u, -v, 1, 0], ry: [v, u, 0, 1], ix: 0, iy: 0 };
    case 'affine':
      return { rx: [1, u, v, 0, 0, 0], ry: [0, 0, 0, 1, u, v], ix: 0, iy: 0 };
    case 'polynomial2': {
      const terms = POLY_TERMS.map(([i, j]) => u ** i * v ** j);
      const zeros = terms.map(() => 0);
      return { rx: [...terms, ...zeros], ry: [...zeros, ...terms], ix: 0, iy: 0 };
    }
  }
}

/** Applies a fitted model to points in the source CRS. */
export function applyModel(model: FittedModel, points: readonly PlanarPoint[]): PlanarPoint[] {
  return points.map((point) => {
    const u = (point.x - model.sourceOrigin.x) / model.unit;
    const v = (point.y - model.sourceOrigin.y) / model.unit;
    const { rx, ry, ix, iy } = designRows(model.kind, u, v);
    const dot = (row: number[]): number => row.reduce((sum, a, k) => sum + a * model.coefficients[k]!, 0);
    return {
      x: model.targetOrigin.x + model.unit * (ix + dot(rx)),
      y: model.targetOrigin.y + model.unit * (iy + dot(ry)),
    };
  });
}

function centroid(points: readonly PlanarPoint[]): PlanarPoint {
  const sum = points.reduce((acc, p) => ({ x: acc.x + p.x, y: acc.y + p.y }), { x: 0, y: 0 });
  return { x: sum.x / points.length, y: sum.y / points.length };
}

/** A point the fit uses: neither a check point, nor dropped, nor doubted. */
export function isFitPoint(point: TiePoint): boolean {
  return !point.check && point.dropReason === undefined && point.doubt === undefined;
}

function roleOf(point: TiePoint): PointResidual['role'] {
  if (point.dropReason !== undefined) return 'dropped';
  if (point.doubt !== undefined) return 'doubted';
  return point.check ? 'check' : 'fit';
}

/** Fits one model to the tie points that are neither check points nor dropped nor doubted. */
export function fitModel(kind: ModelKind, points: readonly TiePoint[]): ModelFit {
  const fitPoints = points.filter(isFitPoint);
  const u = PARAMETER_COUNT[kind];
  if (2 * fitPoints.length < u) {
    throw new AppError('request-invalid', `A ${kind} fit needs at least ${Math.ceil(u / 2)} tie points`, {
      kind,
      fitPoints: fitPoints.length,
    });
  }
  const sourceOrigin = centroid(fitPoints.map((p) => p.source));
  const targetOrigin = centroid(fitPoints.map((p) => p.target));
  const spread = Math.sqrt(
    fitPoints.reduce((s, p) => s + (p.source.x - sourceOrigin.x) ** 2 + (p.source.y - sourceOrigin.y) ** 2, 0) /
      fitPoints.length,
  );
  const unit = spread > 0 ? spread : 1;

  const design: number[][] = [];
  const observations: number[] = [];
  for (const p of fitPoints) {
    const rows = designRows(kind, (p.source.x - sourceOrigin.x) / unit, (p.source.y - sourceOrigin.y) / unit);
    design.push(rows.rx, rows.ry);
    observations.push((p.target.x - targetOrigin.x) / unit - rows.ix, (p.target.y - targetOrigin.y) / unit - rows.iy);
  }
  const model: FittedModel = {
    kind,
    sourceOrigin,
    targetOrigin,
    unit,
    coefficients: solveLeastSquares(design, observations),
  };
  const cofactor = normalInverse(design);
  const leverage = (p: TiePoint): number => {
    const rows = designRows(kind, (p.source.x - sourceOrigin.x) / unit, (p.source.y - sourceOrigin.y) / unit);
    return (quadratic(cofactor, rows.rx) + quadratic(cofactor, rows.ry)) / 2;
  };

  const predicted = applyModel(
    model,
    points.map((p) => p.source),
  );
  const raw = points.map((p, i) => {
    const vx = predicted[i]!.x - p.target.x;
    const vy = predicted[i]!.y - p.target.y;
    const role = roleOf(p);
    const h = leverage(p);
    const varianceFactor = role === 'fit' ? Math.max(1 - h, 0) : 1 + h;
    return { id: p.id, role, vx, vy, v: Math.hypot(vx, vy), varianceFactor, dropReason: p.dropReason };
  });
  const fitted = raw.filter((r) => r.role === 'fit');
  const checks = raw.filter((r) => r.role === 'check');
  const sumSq = fitted.reduce((s, r) => s + r.v * r.v, 0);
  const redundancy = 2 * fitted.length - u;
  const sigma0 = redundancy > 0 ? Math.sqrt(sumSq / redundancy) : undefined;
  const residuals: PointResidual[] = raw.map(({ dropReason, ...r }) => ({
    ...r,
    outlier: sigma0 !== undefined && r.role !== 'dropped' && r.role !== 'doubted' && r.v > 3 * sigma0,
    ...(dropReason !== undefined ? { dropReason } : {}),
  }));
  const { parameters, scalePpm, rotationArcsec } = readableParameters(model);
  return {
    kind,
    parameterCount: u,
    model,
    parameters,
    standardErrors: sigma0 === undefined ? {} : standardErrors(model, cofactor, sigma0 / unit),
    fitPointCount: fitted.length,
    checkPointCount: checks.length,
    rms: Math.sqrt(sumSq / fitted.length),
    sigma0,
    maxResidual: Math.max(...fitted.map((r) => r.v)),
    scalePpm,
    rotationArcsec,
    checkRms: checks.length > 0 ? Math.sqrt(checks.reduce((s, r) => s + r.v * r.v, 0) / checks.length) : undefined,
    checkMax: checks.length > 0 ? Math.max(...checks.map((r) => r.v)) : undefined,
    residuals,
    outliers: residuals.filter((r) => r.outlier).map((r) => r.id),
  };
}

/** Fits every model the points can determine (2n ≥ u), simplest first. */
export function fitModels(points: readonly TiePoint[], kinds: readonly ModelKind[] = MODEL_KINDS): ModelFit[] {
  const n = points.filter((p) => !p.check && p.dropReason === undefined).length;
  return kinds.filter((kind) => 2 * n >= PARAMETER_COUNT[kind]).map((kind) => fitModel(kind, points));
}

/** xᵀ·Q·x */
function quadratic(q: readonly (readonly number[])[], x: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < x.length; i += 1) for (let j = 0; j < x.length; j += 1) sum += x[i]! * q[i]![j]! * x[j]!;
  return sum;
}

/** The parameters that are linear in the coefficients, whose standard errors propagate exactly. */
const DERIVED = new Set(['scaleXPpm', 'scaleYPpm', 'skewArcsec']);

/**
 * Standard deviations of the readable parameters: Cov = J·(σ²·Q)·Jᵀ with J the Jacobian of
 * `readableParameters` in the coefficients (those parameters are linear in them, so a finite
 * difference gives J exactly up to rounding). `sigma` is σ₀ in the normalised frame.
 */
function standardErrors(model: FittedModel, cofactor: number[][], sigma: number): Record<string, number> {
  const base = readableParameters(model).parameters;
  const names = Object.keys(base).filter((name) => !DERIVED.has(name));
  const step = 1e-6;
  const jacobian = model.coefficients.map((_, k) => {
    const coefficients = model.coefficients.map((c, i) => (i === k ? c + step : c));
    const moved = readableParameters({ ...model, coefficients }).parameters;
    return names.map((name) => (moved[name]! - base[name]!) / step);
  });
  return Object.fromEntries(
    names.map((name, p) => [
      name,
      sigma *
        Math.sqrt(
          quadratic(
            cofactor,
            jacobian.map((row) => row[p]!),
          ),
        ),
    ]),
  );
}

function similarity(a: number, b: number): { scalePpm: number; rotationArcsec: number } {
  return { scalePpm: (Math.hypot(a, b) - 1) * 1e6, rotationArcsec: Math.atan2(b, a) * RAD_TO_ARCSEC };
}

/** Converts normalised-frame coefficients to parameters in metres (see `ModelFit.parameters`). */
function readableParameters(model: FittedModel): {
  parameters: Record<string, number>;
  scalePpm: number;
  rotationArcsec: number;
} {
  const { sourceOrigin: s0, targetOrigin: t0, unit, coefficients: c } = model;
  const k = (i: number): number => c[i]!;
  switch (model.kind) {
    case 'shift':
      return {
        parameters: { tx: t0.x + unit * k(0) - s0.x, ty: t0.y + unit * k(1) - s0.y },
        scalePpm: 0,
        rotationArcsec: 0,
      };
    case 'helmert': {
      const [a, b] = [k(0), k(1)];
      const tx = t0.x + unit * k(2) - (a * s0.x - b * s0.y);
      const ty = t0.y + unit * k(3) - (b * s0.x + a * s0.y);
      return { parameters: { a, b, tx, ty }, ...similarity(a, b) };
    }
    case 'affine': {
      const [a1, a2, b1, b2] = [k(1), k(2), k(4), k(5)];
      const a0 = t0.x + unit * k(0) - (a1 * s0.x + a2 * s0.y);
      const b0 = t0.y + unit * k(3) - (b1 * s0.x + b2 * s0.y);
      const parameters = {
        a0,
        a1,
        a2,
        b0,
        b1,
        b2,
        scaleXPpm: (Math.hypot(a1, b1) - 1) * 1e6,
        scaleYPpm: (Math.hypot(a2, b2) - 1) * 1e6,
        skewArcsec: (Math.atan2(-a2, b2) - Math.atan2(b1, a1)) * RAD_TO_ARCSEC,
      };
      return { parameters, ...similarity((a1 + b2) / 2, (b1 - a2) / 2) };
    }
    case 'polynomial2': {
      const parameters: Record<string, number> = {};
      POLY_TERMS.forEach(([i, j], t) => {
        const toMetres = unit ** (1 - i - j);
        parameters[`c${i}${j}`] = k(t) * toMetres;
        parameters[`d${i}${j}`] = k(t + POLY_TERMS.length) * toMetres;
      });
      const [a1, a2, b1, b2] = [parameters.c10!, parameters.c01!, parameters.d10!, parameters.d01!];
      return { parameters, ...similarity((a1 + b2) / 2, (b1 - a2) / 2) };
    }
  }
}

export interface ModelChoice {
  /** The simplest model within tolerance, or undefined when none is. */
  readonly chosen: ModelFit | undefined;
  readonly toleranceM: number;
  readonly reason: string;
  /** Why each simpler model was passed over. */
  readonly rejected: readonly { readonly kind: ModelKind; readonly reason: string }[];
}

const mm = (metres: number): string => `${(metres * 1000).toFixed(1)} mm`;

/**
 * Picks the simplest model whose RMS is within tolerance. A model also needs redundancy (2n > u: an
 * exact fit proves nothing), at least twice as many fit points as parameters (n ≥ 2u: with fewer,
 * a flexible model absorbs a blunder instead of showing it) and, where check points exist, their
 * RMS within tolerance too — the polynomial otherwise wins by bending to fit the noise.
 */
export function chooseModel(fits: readonly ModelFit[], toleranceM: number): ModelChoice {
  const rejected: { kind: ModelKind; reason: string }[] = [];
  const ordered = [...fits].sort((a, b) => a.parameterCount - b.parameterCount);
  for (const fit of ordered) {
    if (fit.sigma0 === undefined) {
      rejected.push({
        kind: fit.kind,
        reason: `no redundancy: ${fit.fitPointCount} points for ${fit.parameterCount} parameters`,
      });
    } else if (fit.fitPointCount < 2 * fit.parameterCount) {
      rejected.push({
        kind: fit.kind,
        reason: `too few points to trust: ${fit.fitPointCount} fit points for ${fit.parameterCount} parameters (n ≥ 2u = ${2 * fit.parameterCount})`,
      });
    } else if (fit.rms > toleranceM) {
      rejected.push({ kind: fit.kind, reason: `RMS ${mm(fit.rms)} exceeds the tolerance ${mm(toleranceM)}` });
    } else if (fit.checkRms !== undefined && fit.checkRms > toleranceM) {
      rejected.push({
        kind: fit.kind,
        reason: `check-point RMS ${mm(fit.checkRms)} exceeds the tolerance ${mm(toleranceM)} (fit RMS ${mm(fit.rms)})`,
      });
    } else {
      const checks = fit.checkRms !== undefined ? `, check-point RMS ${mm(fit.checkRms)}` : ', no check points';
      const simpler = rejected.length > 0 ? `; simpler models failed` : '; it is the simplest candidate';
      return {
        chosen: fit,
        toleranceM,
        reason: `${fit.kind} (${fit.parameterCount} parameters): RMS ${mm(fit.rms)} within ${mm(toleranceM)}${checks}${simpler}`,
        rejected,
      };
    }
  }
  return { chosen: undefined, toleranceM, reason: `no model is within ${mm(toleranceM)}`, rejected };
}
