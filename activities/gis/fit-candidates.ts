/**
 * The `gis.fitTransformation` step without its I/O: tie points as the definition's form collects them
 * ([easting, northing] pairs), validated, every requested model fitted, outliers flagged at the
 * requested multiple of σ₀, and the best model named. The output travels in the workflow history
 * and is what `gis.applyTransformation` reads the parameters from.
 */
import { ApplicationFailure } from '@temporalio/activity';
import { PARAMETER_COUNT, type FittedModel, type ModelFit, type ModelKind } from './fit.ts';
import { chooseRobust, type Doubt, type RobustChoice } from './robust-fit.ts';
import type { ModelSummary } from './report.ts';

/** Model names as definitions spell them. */
export const METHODS = ['shift', 'helmert2d', 'affine', 'polynomial2'] as const;
export type Method = (typeof METHODS)[number];

const KIND_OF: Readonly<Record<Method, ModelKind>> = {
  shift: 'shift',
  helmert2d: 'helmert',
  affine: 'affine',
  polynomial2: 'polynomial2',
};

export function methodOf(kind: ModelKind): Method {
  return METHODS.find((method) => KIND_OF[method] === kind)!;
}

export interface TiePointInput {
  id: string;
  /** [easting, northing] in the current system, metres. */
  source: number[];
  /** [easting, northing] on the new base, metres. */
  target: number[];
  check?: boolean;
  /** Why the point is left out of the fit (an outlier is dropped only with a reason). */
  dropReason?: string;
}

export interface FitInput {
  points: TiePointInput[];
  methods?: string[];
  /** Outliers are flagged at |v| > outlierSigma·σ₀ (default 3). */
  outlierSigma?: number;
  /** The RMS a model must keep within, metres (default 0.05: 0.1 mm at 1:500). */
  toleranceM?: number;
}

/** A point the outlier screening left out of a model's fit, and why. */
export interface DoubtView {
  id: string;
  role: 'fit' | 'check';
  residualM: number;
  w: number;
  reason: string;
}

export interface FittedMethod extends ModelSummary {
  method: Method;
  checkMaxM: number | null;
  /** Points doubted under this model by data snooping (left out of its fit). */
  doubted: DoubtView[];
  /** Standard deviations of the linear parameters. */
  standardErrors: Record<string, number>;
  /** What `gis.applyTransformation` applies. */
  model: FittedModel;
}

export interface FitResult {
  methods: Method[];
  toleranceM: number;
  outlierSigma: number;
  pointCount: { fit: number; check: number; dropped: number };
  models: FittedMethod[];
  /**
   * The simplest model within tolerance once each model's doubted points are left out; when none is,
   * the one with the lowest RMS (withinTolerance false). `doubted`: the points left out under it.
   */
  best: {
    method: Method;
    rmsM: number;
    checkRmsM: number | null;
    withinTolerance: boolean;
    reason: string;
    doubted: DoubtView[];
  };
  rejected: { method: Method; reason: string }[];
  /** Ids flagged as outliers by any model. */
  outliers: string[];
}

export const DEFAULT_TOLERANCE_M = 0.05;
export const DEFAULT_OUTLIER_SIGMA = 3;
/**
 * No residual under a millimetre is an outlier, whatever σ₀: with (near) exact tie points σ₀ is
 * rounding noise, and k·σ₀ would flag points that fit to a micron.
 */
export const OUTLIER_FLOOR_M = 0.001;

function refuse(message: string): never {
  throw ApplicationFailure.nonRetryable(message, 'fit-input-invalid');
}

function pair(value: unknown, what: string): { x: number; y: number } {
  if (!Array.isArray(value) || value.length !== 2 || !value.every((n) => typeof n === 'number' && Number.isFinite(n))) {
    refuse(`${what} must be [easting, northing] in metres, got ${JSON.stringify(value)}`);
  }
  return { x: value[0] as number, y: value[1] as number };
}

function readMethods(methods: readonly string[] | undefined): Method[] {
  const list = methods ?? [...METHODS];
  if (list.length === 0) refuse(`methods is empty; name at least one of ${METHODS.join(', ')}`);
  for (const method of list) {
    if (!(METHODS as readonly string[]).includes(method)) {
      refuse(`unknown method ${JSON.stringify(method)}; the methods are ${METHODS.join(', ')}`);
    }
  }
  return [...new Set(list)] as Method[];
}

/** Fits the requested models; refuses bad input (non-retryable `fit-input-invalid`). */
export function fitCandidates(input: FitInput): FitResult {
  const methods = readMethods(input.methods);
  const outlierSigma = input.outlierSigma ?? DEFAULT_OUTLIER_SIGMA;
  const toleranceM = input.toleranceM ?? DEFAULT_TOLERANCE_M;
  if (!(outlierSigma > 0)) refuse(`outlierSigma must be a positive number, got ${outlierSigma}`);
  if (!(toleranceM > 0)) refuse(`toleranceM must be a positive number of metres, got ${toleranceM}`);
  if (!Array.isArray(input.points)) refuse('points must be a list of tie points');
  const seen = new Set<string>();
  const points = input.points.map((p, index) => {
    if (typeof p?.id !== 'string' || p.id === '') refuse(`tie point ${index + 1} has no id`);
    if (seen.has(p.id)) refuse(`tie point ${p.id} is listed twice`);
    seen.add(p.id);
    return {
      id: p.id,
      source: pair(p.source, `source of tie point ${p.id}`),
      target: pair(p.target, `target of tie point ${p.id}`),
      check: p.check === true,
      ...(typeof p.dropReason === 'string' && p.dropReason.trim() !== '' ? { dropReason: p.dropReason } : {}),
    };
  });
  const fitCount = points.filter((p) => !p.check && p.dropReason === undefined).length;
  for (const method of methods) {
    const needed = Math.ceil(PARAMETER_COUNT[KIND_OF[method]] / 2);
    if (fitCount < needed) {
      refuse(
        `${method} needs at least ${needed} fit points (not check points, not dropped); ${fitCount} given — collect more tie points or fit fewer methods`,
      );
    }
  }
  let choice: RobustChoice;
  try {
    choice = chooseRobust(
      methods.map((method) => KIND_OF[method]),
      points,
      toleranceM,
    );
  } catch (error) {
    return refuse((error as Error).message);
  }
  const fits = choice.screened.map((s) => s.fit);
  const models = choice.screened.map((s) => summarize(s.fit, outlierSigma, s.doubted));
  const chosen = choice.chosen ?? lowestRms(fits);
  const doubted = choice.chosen ? choice.doubted : (choice.screened.find((s) => s.fit === chosen)?.doubted ?? []);
  return {
    methods,
    toleranceM,
    outlierSigma,
    pointCount: {
      fit: fitCount,
      check: points.filter((p) => p.check && p.dropReason === undefined).length,
      dropped: points.filter((p) => p.dropReason !== undefined).length,
    },
    models,
    best: {
      method: methodOf(chosen.kind),
      rmsM: chosen.rms,
      checkRmsM: chosen.checkRms ?? null,
      withinTolerance: choice.chosen !== undefined,
      reason: choice.chosen ? choice.reason : `${choice.reason}; lowest RMS: ${methodOf(chosen.kind)}`,
      doubted: doubted.map(doubtView),
    },
    rejected: choice.rejected.map((r) => ({ method: methodOf(r.kind), reason: r.reason })),
    outliers: [...new Set(models.flatMap((m) => m.outliers))].sort(),
  };
}

/** Lowest RMS among fits with redundancy (an exact fit's RMS of 0 proves nothing), else among all. */
function lowestRms(fits: readonly ModelFit[]): ModelFit {
  const redundant = fits.filter((f) => f.sigma0 !== undefined);
  const pool = redundant.length > 0 ? redundant : fits;
  return pool.reduce((best, f) => (f.rms < best.rms ? f : best));
}

function doubtView(doubt: Doubt): DoubtView {
  return { id: doubt.id, role: doubt.role, residualM: doubt.residualM, w: doubt.w, reason: doubt.reason };
}

function summarize(fit: ModelFit, outlierSigma: number, doubted: readonly Doubt[]): FittedMethod {
  const sigma0 = fit.sigma0;
  const residuals = fit.residuals.map((r) => ({
    ...r,
    outlier:
      r.role === 'doubted' ||
      (sigma0 !== undefined && r.role !== 'dropped' && r.v > Math.max(outlierSigma * sigma0, OUTLIER_FLOOR_M)),
  }));
  return {
    method: methodOf(fit.kind),
    kind: fit.kind,
    parameterCount: fit.parameterCount,
    fitPointCount: fit.fitPointCount,
    checkPointCount: fit.checkPointCount,
    rmsM: fit.rms,
    sigma0M: sigma0 ?? null,
    maxResidualM: fit.maxResidual,
    checkRmsM: fit.checkRms ?? null,
    checkMaxM: fit.checkMax ?? null,
    scalePpm: fit.scalePpm,
    rotationArcsec: fit.rotationArcsec,
    parameters: fit.parameters,
    standardErrors: { ...fit.standardErrors },
    doubted: doubted.map(doubtView),
    outliers: residuals.filter((r) => r.outlier).map((r) => r.id),
    residuals,
    model: fit.model,
  };
}
