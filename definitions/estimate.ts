/**
 * Estimates what a definition will bill before it runs: norm-hours per qualification category
 * (norm-paths.ts: expected figure, min and max) and their cost at given rates (DOMAIN.md "Money"),
 * for quotes, the `estimate` command and the API.
 */
import { AppError } from '../lib/errors.ts';
import { formatUah, priceNormLine, sumLines, sumNormHours } from '../lib/money.ts';
import { CATEGORIES } from './model.ts';
import type { Category, JsonValue, ProcessSnapshot } from './model.ts';
import { NormPaths, withDefaults, zero } from './norm-paths.ts';

/** Kopecks as a reader sees hryvnias: 123456 → `1 234,56 грн`. */
export const hryvnias = (kopecks: number): string => `${formatUah(kopecks)} грн`;

/** One category of an estimate. Hours are decimal numbers (12.5); money is whole kopecks. */
export interface EstimateLine {
  category: Category;
  /** Expected norm-hours: the figure that is priced. */
  normHours: number;
  minHours: number;
  maxHours: number;
  rateKopecks: number;
  amountKopecks: number;
  vatKopecks: number;
  /** The same money in hryvnias as a reader sees it: `1 234,56 грн` (the group space is U+00A0). */
  amountUah: string;
  vatUah: string;
}

export interface Estimate {
  lines: EstimateLine[];
  /** Money in kopecks, and in hryvnias as text (`…Uah`: `1 234,56 грн`). */
  totals: {
    normHours: number;
    amountExclVat: number;
    vat: number;
    amountInclVat: number;
    amountExclVatUah: string;
    vatUah: string;
    amountInclVatUah: string;
  };
  /** What the figures take for granted, in words a PM can pass on to the customer. */
  assumptions: string[];
}

/**
 * Norm-hours and cost of a definition for given launch inputs. `rates` are kopecks per norm-hour by
 * category; every category the expected figure bills must have one. One rounding per line (lib/money).
 */
export function estimateDefinition(
  snapshot: ProcessSnapshot,
  inputs: Record<string, JsonValue>,
  rates: Partial<Record<Category, number>>,
  vatPayer: boolean,
): Estimate {
  const assumptions: string[] = [];
  const estimator = new NormPaths(snapshot, withDefaults(snapshot, inputs, assumptions));
  const range = estimator.sequence(snapshot.start);
  assumptions.push(...estimator.assumptions);
  if (snapshot.compensation !== null) assumptions.push('compensation (on cancel or failure) is not estimated');
  const min = range.min ?? zero();
  const lines: EstimateLine[] = [];
  for (const category of CATEGORIES) {
    if (range.max[category] === 0 && range.exp[category] === 0) continue;
    const rate = rates[category];
    if (rate === undefined && range.exp[category] > 0) {
      throw new AppError('request-invalid', `there is no rate for category ${category}`, { category });
    }
    const priced = priceNormLine(range.exp[category], rate ?? 0, vatPayer);
    lines.push({
      category,
      normHours: range.exp[category] / 100,
      minHours: min[category] / 100,
      maxHours: range.max[category] / 100,
      rateKopecks: rate ?? 0,
      amountKopecks: priced.amountExclVat,
      vatKopecks: priced.vat,
      amountUah: hryvnias(priced.amountExclVat),
      vatUah: hryvnias(priced.vat),
    });
  }
  const money = sumLines(
    lines.map((l) => ({
      amountExclVat: l.amountKopecks,
      vat: l.vatKopecks,
      amountInclVat: l.amountKopecks + l.vatKopecks,
    })),
  );
  return {
    lines,
    totals: {
      normHours: sumNormHours(CATEGORIES.map((c) => range.exp[c])) / 100,
      amountExclVat: money.amountExclVat,
      vat: money.vat,
      amountInclVat: money.amountInclVat,
      amountExclVatUah: hryvnias(money.amountExclVat),
      vatUah: hryvnias(money.vat),
      amountInclVatUah: hryvnias(money.amountInclVat),
    },
    assumptions,
  };
}
