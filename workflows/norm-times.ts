/**
 * A step's `normTimes`: how many times its norm is billed, read from the launch inputs (import norms
 * are per dataset, so `normTimes: ${inputs.datasets}`). Shared by the interpreter, which bills the
 * multiplied norm, and the estimate, which prices it, so both count the same hours.
 */
import type { Norm } from '../definitions/model.ts';

/** A usable multiplier: a whole number of repeats, zero or more. */
export function isNormMultiplier(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** The norm billed `times` times, to the hundredth of a norm-hour as the ledger keeps it. */
export function multiplyNorm(norm: Norm, times: number): Norm {
  const out: Norm = {};
  for (const [category, hours] of Object.entries(norm) as [keyof Norm, number][]) {
    out[category] = Math.round(hours * times * 100) / 100;
  }
  return out;
}
