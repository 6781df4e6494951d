/**
 * Calibration: the roughness of each group of pipes (material × decade of installation, or a coarser
 * grouping) fitted to the readings by nonlinear least squares — Levenberg–Marquardt from
 * ml-levenberg-marquardt over ln(roughness), bounded per group, each iteration costing (free groups
 * + 1) solves of the EPANET model. After the fit, the Jacobian at the solution tells which groups the
 * readings identify (relative standard error, sensitivity) and which they cannot.
 */
import { levenbergMarquardt } from 'ml-levenberg-marquardt';
import { inverse, Matrix } from 'ml-matrix';
import { ModelInputError, type ModelPipe } from './network-model.ts';
import { predict, type Observation } from './observations.ts';
import type { HydraulicModel } from './solver.ts';

export const GROUPINGS = ['material-decade', 'material', 'decade', 'single'] as const;
export type Grouping = (typeof GROUPINGS)[number];

/** Roughness bounds when none are given, mm: from new plastic to heavily tuberculated cast iron. */
export const DEFAULT_BOUNDS_MM: readonly [number, number] = [0.001, 10];

export interface CalibrationOptions {
  groupBy?: Grouping;
  /** [min, max] roughness, mm, per group id; `default` for the groups not named. */
  bounds?: Record<string, readonly [number, number]>;
  /** Groups kept at their stored roughness (e.g. those the readings cannot identify). */
  fixed?: readonly string[];
  /** Start values, mm, per group id; default: the median stored roughness of the group. */
  start?: Record<string, number>;
  /** Levenberg–Marquardt iterations at most (default 40). */
  maxIterations?: number;
  /** Metres of head a 100 % flow deviation weighs in the fit (default 5: 10 % weighs as 0.5 m). */
  flowScaleM?: number;
}

export interface Identifiability {
  maxRelativeStdError: number;
  minSensitivityM: number;
}

export interface GroupResult {
  group: string;
  pipes: number;
  lengthKm: number;
  /** Median stored roughness, mm. */
  beforeMm: number;
  startMm: number;
  afterMm: number;
  boundsMm: readonly [number, number];
  fixed: boolean;
  atBound: boolean;
  /** Standard error of ln(roughness) ≈ relative standard error; null for fixed groups. */
  relativeStdError: number | null;
  /** Largest change at a reading, m, when the group's roughness changes by 10 %. */
  sensitivityM: number | null;
  identified: boolean;
  /** Why a free group is not identified. */
  reason: string | null;
}

export interface CalibrationResult {
  groupBy: Grouping;
  groups: GroupResult[];
  /** Calibrated roughness per pipe, mm, in the order of the network's pipes. */
  roughnessMm: number[];
  iterations: number;
  solves: number;
  /** Sum of squared weighted residuals at the start values and after the fit. */
  sumSquaresStart: number;
  sumSquaresAfter: number;
}

/** The group of a pipe: `CI-1970s`, `CI`, `1970s` or `all`; missing values read `unknown`. */
export function groupOf(pipe: Pick<ModelPipe, 'material' | 'installYear'>, by: Grouping): string {
  const material = pipe.material ?? 'unknown';
  const decade = pipe.installYear ? `${Math.floor(pipe.installYear / 10) * 10}s` : 'unknown';
  if (by === 'material') return material;
  if (by === 'decade') return decade;
  if (by === 'single') return 'all';
  return `${material}-${decade}`;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** Levenberg–Marquardt runs in rounds of this many iterations; the fit stops when a round gains nothing. */
const ROUND = 4;
const GRADIENT_STEP = 0.01;
const JACOBIAN_STEP = 0.05;

export function calibrate(
  model: HydraulicModel,
  observations: readonly Observation[],
  options: CalibrationOptions,
  identifiability: Identifiability,
): CalibrationResult {
  const by = options.groupBy ?? 'material-decade';
  if (!(GROUPINGS as readonly string[]).includes(by)) {
    throw new ModelInputError(
      `groupBy must be one of ${GROUPINGS.join(', ')}, got ${JSON.stringify(by)}`,
      'calibration-input-invalid',
    );
  }
  const pipes = model.network.pipes;
  const members = new Map<string, number[]>();
  pipes.forEach((pipe, i) => {
    const g = groupOf(pipe, by);
    members.set(g, [...(members.get(g) ?? []), i]);
  });
  const ids = [...members.keys()].sort();
  for (const named of [
    ...Object.keys(options.bounds ?? {}),
    ...Object.keys(options.start ?? {}),
    ...(options.fixed ?? []),
  ]) {
    if (named !== 'default' && !members.has(named)) {
      throw new ModelInputError(
        `group ${JSON.stringify(named)} does not exist when grouped by ${by}; groups: ${ids.join(', ')}`,
        'calibration-input-invalid',
      );
    }
  }
  const boundsOf = (g: string): readonly [number, number] => {
    const b = options.bounds?.[g] ?? options.bounds?.default ?? DEFAULT_BOUNDS_MM;
    if (!(b[0] > 0 && b[1] > b[0])) {
      throw new ModelInputError(
        `bounds of ${g} must be 0 < min < max (mm), got [${b.join(', ')}]`,
        'calibration-input-invalid',
      );
    }
    return b;
  };
  const base = pipes.map((p) => p.roughnessMm);
  const free = ids.filter((g) => !(options.fixed ?? []).includes(g));
  const freeBounds = free.map(boundsOf);
  const start = free.map((g, k) => {
    const value = options.start?.[g] ?? median(members.get(g)!.map((i) => base[i]!));
    return Math.min(Math.max(value, freeBounds[k]![0]), freeBounds[k]![1]);
  });

  const flowScale = options.flowScaleM ?? 5;
  const roughnessFor = (params: readonly number[]) => {
    const r = base.slice();
    free.forEach((g, k) => {
      const value = Math.exp(params[k]!);
      for (const i of members.get(g)!) r[i] = value;
    });
    return r;
  };
  const cache = new Map<string, Float64Array>();
  const residuals = (params: readonly number[]): Float64Array => {
    const key = params.join(',');
    let cached = cache.get(key);
    if (!cached) {
      if (cache.size > free.length + 4) cache.clear();
      model.setRoughness(roughnessFor(params));
      const solution = model.solve();
      cached = Float64Array.from(observations, (o) =>
        o.kind === 'flow' ? flowScale * (predict(solution, o) / Math.abs(o.value) - 1) : predict(solution, o) - o.value,
      );
      cache.set(key, cached);
    }
    return cached;
  };
  const sumSquares = (params: readonly number[]) => residuals(params).reduce((s, r) => s + r * r, 0);

  const solvesBefore = model.solves;
  let params = start.map(Math.log);
  const sumSquaresStart = sumSquares(params);
  let iterations = 0;
  const maxIterations = options.maxIterations ?? 40;
  if (free.length > 0) {
    const x = observations.map((_, i) => i);
    let best = sumSquaresStart;
    while (iterations < maxIterations) {
      const round = Math.min(ROUND, maxIterations - iterations);
      const fit = levenbergMarquardt({ x, y: new Float64Array(x.length) }, (p) => (i) => residuals(p)[i]!, {
        initialValues: params,
        minValues: freeBounds.map((b) => Math.log(b[0])),
        maxValues: freeBounds.map((b) => Math.log(b[1])),
        gradientDifference: GRADIENT_STEP,
        maxIterations: round,
        errorTolerance: 1e-12,
      });
      iterations += fit.iterations;
      const gained = best - fit.parameterError;
      if (fit.parameterError < best) {
        params = fit.parameterValues;
        best = fit.parameterError;
      }
      if (gained <= 1e-6 * Math.max(best, 1e-9)) break;
    }
  }
  const sumSquaresAfter = sumSquares(params);

  // Identifiability from the Jacobian at the solution.
  const r0 = residuals(params);
  const n = observations.length;
  const jacobian = new Matrix(n, free.length);
  free.forEach((_, k) => {
    const shifted = params.slice();
    shifted[k]! += JACOBIAN_STEP;
    const r = residuals(shifted);
    for (let i = 0; i < n; i++) jacobian.set(i, k, (r[i]! - r0[i]!) / JACOBIAN_STEP);
  });
  const jtj = jacobian.transpose().mmul(jacobian);
  const ridge = 1e-12 * Math.max(1e-12, ...free.map((_, k) => jtj.get(k, k)));
  for (let k = 0; k < free.length; k++) jtj.set(k, k, jtj.get(k, k) + ridge);
  const covariance = free.length > 0 ? inverse(jtj) : null;
  const dof = n - free.length;
  const variance = dof > 0 ? sumSquaresAfter / dof : null;

  const roughnessMm = roughnessFor(params);
  model.setRoughness(roughnessMm);
  const groups = ids.map((g): GroupResult => {
    const indices = members.get(g)!;
    const k = free.indexOf(g);
    const before = median(indices.map((i) => base[i]!));
    const lengthKm = Math.round(indices.reduce((s, i) => s + pipes[i]!.lengthM, 0)) / 1000;
    const common = { group: g, pipes: indices.length, lengthKm, beforeMm: before, boundsMm: boundsOf(g) };
    if (k < 0) {
      return {
        ...common,
        startMm: before,
        afterMm: before,
        fixed: true,
        atBound: false,
        relativeStdError: null,
        sensitivityM: null,
        identified: false,
        reason: 'fixed at its stored roughness',
      };
    }
    const after = Math.exp(params[k]!);
    let sensitivity = 0;
    for (let i = 0; i < n; i++) sensitivity = Math.max(sensitivity, Math.abs(jacobian.get(i, k)) * Math.log(1.1));
    const relativeStdError = variance === null ? null : Math.sqrt(variance * covariance!.get(k, k));
    const atBound =
      Math.abs(params[k]! - Math.log(freeBounds[k]![0])) < 1e-6 ||
      Math.abs(params[k]! - Math.log(freeBounds[k]![1])) < 1e-6;
    let reason: string | null = null;
    if (sensitivity < identifiability.minSensitivityM) {
      reason = `no reading moves by ${identifiability.minSensitivityM} m when its roughness changes by 10 %`;
    } else if (relativeStdError === null) reason = 'fewer readings than free groups';
    else if (relativeStdError > identifiability.maxRelativeStdError) {
      reason = `relative standard error ${relativeStdError.toFixed(2)} above ${identifiability.maxRelativeStdError}: the readings cannot tell it from other groups`;
    }
    return {
      ...common,
      startMm: start[k]!,
      afterMm: after,
      fixed: false,
      atBound,
      relativeStdError,
      sensitivityM: sensitivity,
      identified: reason === null,
      reason,
    };
  });
  return {
    groupBy: by,
    groups,
    roughnessMm,
    iterations,
    solves: model.solves - solvesBefore,
    sumSquaresStart,
    sumSquaresAfter,
  };
}
