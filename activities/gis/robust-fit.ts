/**
 * Outlier screening before a model is chosen (X-REPROJ). A blunder among tie points is found under
 * each model by iterated data snooping (Baarda): the point whose residual is largest relative to
 * what the model leaves of a point's error, w = |v| / (σ̂·√f), is doubted when w exceeds the critical
 * value, the model is refitted without it, and the search repeats. σ̂ is robust — from the median
 * of |v|/√f over the fit points — so a blunder cannot inflate the scale it is judged by (σ₀ would).
 * Then the simplest model that is adequate without its doubted points is recommended: within
 * tolerance on the fit and check points, with n ≥ 2u (`chooseModel`).
 */
import {
  chooseModel,
  fitModel,
  isFitPoint,
  PARAMETER_COUNT,
  type ModelChoice,
  type ModelFit,
  type ModelKind,
  type TiePoint,
} from './fit.ts';

/**
 * w above which a point is doubted: for an isotropic 2D error, w follows a Rayleigh distribution,
 * and P(w > 3.72) = exp(−3.72²/2) ≈ 0.001 — one good point in a thousand is doubted.
 */
export const SNOOPING_CRITICAL = 3.72;
/** Median of a Rayleigh(σ) variable = σ·√(2 ln 2). */
const RAYLEIGH_MEDIAN = Math.sqrt(2 * Math.LN2);
/** No residual under a millimetre is a blunder, whatever σ̂ (exact tie points have σ̂ ≈ 0). */
export const DOUBT_FLOOR_M = 0.001;

export interface Doubt {
  readonly id: string;
  /** The point's role before it was doubted. */
  readonly role: 'fit' | 'check';
  readonly kind: ModelKind;
  readonly residualM: number;
  /** The test statistic w = |v| / (σ̂·√f). */
  readonly w: number;
  /** The robust σ̂ it was judged by, metres. */
  readonly sigmaM: number;
  readonly reason: string;
}

export interface ScreenedFit {
  /** The fit without the doubted points (they are reported with role `doubted`). */
  readonly fit: ModelFit;
  readonly doubted: readonly Doubt[];
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const mm = (metres: number): string => `${(metres * 1000).toFixed(1)} mm`;

/**
 * Fits `kind` and doubts, one at a time, the points that fail the data-snooping test, at most
 * `maxDoubts` (default: a fifth of the points) and never below the n ≥ 2u the model needs.
 */
export function screenModel(
  kind: ModelKind,
  points: readonly TiePoint[],
  options: { critical?: number; maxDoubts?: number } = {},
): ScreenedFit {
  const critical = options.critical ?? SNOOPING_CRITICAL;
  const maxDoubts = options.maxDoubts ?? Math.max(1, Math.floor(points.length / 5));
  const u = PARAMETER_COUNT[kind];
  let current = [...points];
  const doubted: Doubt[] = [];
  for (;;) {
    const fit = fitModel(kind, current);
    if (fit.sigma0 === undefined || doubted.length >= maxDoubts) return { fit, doubted };
    const fitted = fit.residuals.filter((r) => r.role === 'fit' && r.varianceFactor > 1e-9);
    const sigma = Math.max(
      median(fitted.map((r) => r.v / Math.sqrt(r.varianceFactor))) / RAYLEIGH_MEDIAN,
      DOUBT_FLOOR_M / critical,
    );
    const fitCount = current.filter(isFitPoint).length;
    const worst = fit.residuals
      .filter((r) => (r.role === 'fit' && fitCount - 1 >= 2 * u) || r.role === 'check')
      .filter((r) => r.v > DOUBT_FLOOR_M && r.varianceFactor > 1e-9)
      .map((r) => ({ r, w: r.v / (sigma * Math.sqrt(r.varianceFactor)) }))
      .filter(({ w }) => w > critical)
      .sort((a, b) => b.w - a.w)[0];
    if (!worst) return { fit, doubted };
    const { r, w } = worst;
    const role = r.role as 'fit' | 'check';
    const reason =
      `${role === 'check' ? 'check point ' : ''}residual ${mm(r.v)} under ${kind} is ${w.toFixed(1)}·σ̂√f ` +
      `(σ̂ ${mm(sigma)} robust, f ${r.varianceFactor.toFixed(2)}) > ${critical}: a blunder at the 0.1 % level`;
    doubted.push({ id: r.id, role, kind, residualM: r.v, w, sigmaM: sigma, reason });
    current = current.map((p) => (p.id === r.id ? { ...p, doubt: reason } : p));
  }
}

export interface RobustChoice extends ModelChoice {
  /** Every requested model, screened. */
  readonly screened: readonly ScreenedFit[];
  /** The points doubted under the chosen model (empty when none is chosen). */
  readonly doubted: readonly Doubt[];
}

/** Screens every model for outliers, then chooses the simplest adequate one without its doubted points. */
export function chooseRobust(
  kinds: readonly ModelKind[],
  points: readonly TiePoint[],
  toleranceM: number,
): RobustChoice {
  const screened = kinds.map((kind) => screenModel(kind, points));
  const choice = chooseModel(
    screened.map((s) => s.fit),
    toleranceM,
  );
  const chosen = screened.find((s) => s.fit === choice.chosen);
  if (!chosen || chosen.doubted.length === 0) return { ...choice, screened, doubted: chosen?.doubted ?? [] };
  const ids = chosen.doubted.map((d) => d.id).join(', ');
  return {
    ...choice,
    reason: `${choice.reason}; without ${ids}, doubted under ${chosen.fit.kind} by data snooping`,
    screened,
    doubted: chosen.doubted,
  };
}
