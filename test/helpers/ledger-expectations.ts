/**
 * What the ledger should hold, computed here without lib/money.ts: norm-hours × the demo rate card,
 * rounded half up to the kopeck per line, then 20 % VAT per line, also rounded half up.
 */
import type { Category, Norm } from '../../definitions/model.ts';
import type { Pool } from '../../db/pool.ts';
export { seededRandom } from '../../lib/seeded-random.ts';

export type Rates = Record<Category, bigint>;

/** The demo rate card ('rc-demo') as seeded, kopecks per norm-hour. */
export async function demoRates(pool: Pool): Promise<Rates> {
  const { rows } = await pool.query<{ category: Category; kopecks: string }>(
    `SELECT category, kopecks_per_norm_hour::text AS kopecks FROM rate_card_lines WHERE rate_card_id = 'rc-demo'`,
  );
  return Object.fromEntries(rows.map((row) => [row.category, BigInt(row.kopecks)])) as Rates;
}

/** Non-negative a / b rounded half up. */
function roundedDivision(a: bigint, b: bigint): bigint {
  return (2n * a + b) / (2n * b);
}

export interface ExpectedTotals {
  amount: bigint;
  vat: bigint;
  lines: number;
}

/** Amount and VAT of one step's norm, one line per category. */
export function priceNorm(norm: Norm, rates: Rates): ExpectedTotals {
  let amount = 0n;
  let vat = 0n;
  let lines = 0;
  for (const [category, hours] of Object.entries(norm) as [Category, number][]) {
    const hundredths = BigInt(Math.round(hours * 100));
    const line = roundedDivision(hundredths * rates[category], 100n);
    amount += line;
    vat += roundedDivision(line * 20n, 100n);
    lines += 1;
  }
  return { amount, vat, lines };
}

export function addTotals(a: ExpectedTotals, b: ExpectedTotals): ExpectedTotals {
  return { amount: a.amount + b.amount, vat: a.vat + b.vat, lines: a.lines + b.lines };
}

export const NO_TOTALS: ExpectedTotals = { amount: 0n, vat: 0n, lines: 0 };

/** A stable 32-bit hash (FNV-1a) of a string, to pick keys by seed rather than by launch order. */
export function hash32(text: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}
