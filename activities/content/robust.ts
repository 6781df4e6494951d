/**
 * Robust statistics of a class of values: the median, the median absolute deviation and the
 * Iglewicz–Hoaglin modified z-score, which one extreme value cannot drag along as it drags a mean
 * and a standard deviation.
 */

/** The median of values (sorted in place is avoided: a copy is sorted). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export interface RobustScale {
  median: number;
  /** Median absolute deviation from the median. */
  mad: number;
  /** Mean absolute deviation from the median, the scale when more than half the values are equal (MAD 0). */
  meanAd: number;
}

export function robustScale(values: readonly number[]): RobustScale {
  const m = median(values);
  const deviations = values.map((v) => Math.abs(v - m));
  const meanAd = deviations.reduce((sum, d) => sum + d, 0) / Math.max(values.length, 1);
  return { median: m, mad: median(deviations), meanAd };
}

/**
 * The modified z-score 0.6745·(x − median)/MAD (Iglewicz and Hoaglin, 1993). When MAD is 0 the
 * mean absolute deviation stands in as (x − median)/(1.253314·MeanAD); when that is 0 too every
 * value equals the median and the score is 0 for it, infinite for anything else.
 */
export function modifiedZ(x: number, scale: RobustScale): number {
  const deviation = x - scale.median;
  if (scale.mad > 0) return (0.6745 * deviation) / scale.mad;
  if (scale.meanAd > 0) return deviation / (1.253314 * scale.meanAd);
  return deviation === 0 ? 0 : Math.sign(deviation) * Number.POSITIVE_INFINITY;
}
