import { AppError } from '../../lib/errors.ts';

/**
 * Solves min ‖A·p − l‖₂ by Householder QR. Forming the normal equations AᵀA squares the condition
 * number; QR works on A itself, so with centred and scaled coordinates the solution keeps close to
 * full double precision even for Gauss-Krüger coordinates in the millions.
 *
 * `design` is m×n row-major with m ≥ n. Throws `request-invalid` when A is rank-deficient (too few
 * or collinear tie points for the model).
 */
export function solveLeastSquares(design: readonly (readonly number[])[], observations: readonly number[]): number[] {
  const m = design.length;
  const n = design[0]?.length ?? 0;
  if (m < n || n === 0 || observations.length !== m) {
    throw new AppError('request-invalid', `Least squares needs at least as many equations (${m}) as unknowns (${n})`);
  }
  // Column-major working copy: Householder reflections sweep columns.
  const cols = Array.from({ length: n }, (_, j) => design.map((row) => row[j]!));
  const rhs = [...observations];
  const diagonal: number[] = [];

  for (let k = 0; k < n; k += 1) {
    const col = cols[k]!;
    let norm = 0;
    for (let i = k; i < m; i += 1) norm = Math.hypot(norm, col[i]!);
    const alpha = col[k]! > 0 ? -norm : norm;
    diagonal.push(alpha);
    // v = x − alpha·e₁ (stored in place of the column), H = I − 2vvᵀ/vᵀv
    col[k] = col[k]! - alpha;
    let vv = 0;
    for (let i = k; i < m; i += 1) vv += col[i]! * col[i]!;
    if (vv === 0) continue;
    const reflect = (target: number[]): void => {
      let dot = 0;
      for (let i = k; i < m; i += 1) dot += col[i]! * target[i]!;
      const factor = (2 * dot) / vv;
      for (let i = k; i < m; i += 1) target[i] = target[i]! - factor * col[i]!;
    };
    for (let j = k + 1; j < n; j += 1) reflect(cols[j]!);
    reflect(rhs);
  }

  const largest = Math.max(...diagonal.map(Math.abs));
  const tolerance = largest * Math.max(m, n) * Number.EPSILON * 16;
  const solution = new Array<number>(n).fill(0);
  for (let k = n - 1; k >= 0; k -= 1) {
    const rkk = diagonal[k]!;
    if (!(Math.abs(rkk) > tolerance)) {
      throw new AppError('request-invalid', 'The tie points do not determine the model (too few, or collinear)', {
        unknown: k,
      });
    }
    let sum = rhs[k]!;
    for (let j = k + 1; j < n; j += 1) sum -= cols[j]![k]! * solution[j]!;
    solution[k] = sum / rkk;
  }
  return solution;
}

/**
 * (AᵀA)⁻¹, the cofactor matrix of the least-squares parameters, by Gauss-Jordan with partial
 * pivoting. Used on centred and scaled designs of at most 12 columns, where forming AᵀA is harmless;
 * the solution itself comes from `solveLeastSquares`.
 */
export function normalInverse(design: readonly (readonly number[])[]): number[][] {
  const n = design[0]?.length ?? 0;
  const normal = Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => design.reduce((sum, row) => sum + row[i]! * row[j]!, 0)),
  );
  const inverse = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
  for (let k = 0; k < n; k += 1) {
    let pivot = k;
    for (let i = k + 1; i < n; i += 1) if (Math.abs(normal[i]![k]!) > Math.abs(normal[pivot]![k]!)) pivot = i;
    [normal[k], normal[pivot]] = [normal[pivot]!, normal[k]!];
    [inverse[k], inverse[pivot]] = [inverse[pivot]!, inverse[k]!];
    const d = normal[k]![k]!;
    if (d === 0)
      throw new AppError('request-invalid', 'The tie points do not determine the model (too few, or collinear)');
    for (let j = 0; j < n; j += 1) {
      normal[k]![j]! /= d;
      inverse[k]![j]! /= d;
    }
    for (let i = 0; i < n; i += 1) {
      if (i === k) continue;
      const factor = normal[i]![k]!;
      if (factor === 0) continue;
      for (let j = 0; j < n; j += 1) {
        normal[i]![j]! -= factor * normal[k]![j]!;
        inverse[i]![j]! -= factor * inverse[k]![j]!;
      }
    }
  }
  return inverse;
}
