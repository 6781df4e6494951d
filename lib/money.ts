/**
 * Money and norm-hours, exactly (DOMAIN.md "Money").
 *
 * - Amounts are whole kopecks held in a `number` that must be a safe integer (|x| ≤ 2^53 − 1, about
 *   90 trillion UAH). A number, not a bigint, because amounts travel as JSON in workflow payloads,
 *   API bodies and logs, where bigint does not serialise. Every function checks its inputs and
 *   result, and products are computed in bigint so no intermediate value loses precision.
 * - Norm-hours are whole hundredths of an hour (1,25 h = 125): the catalog's norms have at most two
 *   decimals, and integers add up without float error.
 * - One rounding rule, half away from zero to the kopeck, applied once per line: the line amount
 *   (norm-hours × rate), then the line's VAT. Totals are plain sums of rounded lines, so an act's
 *   total always equals the sum of its printed lines.
 */
import { AppError } from './errors.ts';

/** Whole kopecks (1 UAH = 100). */
export type Kopecks = number;
/** Norm-hours in hundredths of an hour. */
export type NormHundredths = number;

/** VAT on software services for a VAT-paying vendor (taxable since 2023-01-01). */
export const VAT_RATE_PERCENT = 20;

const NBSP = '\u00A0';

function invalid(message: string): AppError {
  return new AppError('request-invalid', message);
}

function checkInteger(value: number, what: string): bigint {
  if (!Number.isSafeInteger(value)) throw invalid(`${what} must be a whole number within ±2^53, got ${value}`);
  return BigInt(value);
}

function toSafeNumber(value: bigint, what: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < -BigInt(Number.MAX_SAFE_INTEGER)) {
    throw invalid(`${what} is too large: ${value}`);
  }
  return Number(value);
}

/** numerator / denominator (denominator > 0), rounded half away from zero. */
function divideRounded(numerator: bigint, denominator: bigint): bigint {
  const magnitude = numerator < 0n ? -numerator : numerator;
  const quotient = (magnitude * 2n + denominator) / (denominator * 2n);
  return numerator < 0n ? -quotient : quotient;
}

/** Kopecks from a database value (`pg` returns int8 as a string), checked to be a safe integer. */
export function toKopecks(value: string | number | bigint): Kopecks {
  if (typeof value === 'number') return toSafeNumber(checkInteger(value, 'an amount in kopecks'), 'an amount');
  if (typeof value === 'string' && !/^-?\d+$/.test(value)) throw invalid(`"${value}" is not a whole number of kopecks`);
  return toSafeNumber(BigInt(value), 'an amount');
}

/** Hundredths from a decimal number of hours (a YAML norm of 1.25 → 125); more than two decimals is refused. */
export function normHoursFromNumber(hours: number): NormHundredths {
  const hundredths = Math.round(hours * 100);
  if (!Number.isFinite(hours) || Math.abs(hours * 100 - hundredths) > 1e-6 || !Number.isSafeInteger(hundredths)) {
    throw invalid(`norm-hours must have at most two decimals, got ${hours}`);
  }
  return hundredths === 0 ? 0 : hundredths; // never -0
}

/** norm-hours × rate per hour, rounded half away from zero to the kopeck. */
export function lineAmount(normHours: NormHundredths, rateKopecksPerHour: Kopecks): Kopecks {
  const product = checkInteger(normHours, 'norm-hours') * checkInteger(rateKopecksPerHour, 'a rate');
  return toSafeNumber(divideRounded(product, 100n), 'a line amount');
}

/** VAT of one line, rounded half away from zero to the kopeck. */
export function vatOf(amountExclVat: Kopecks, ratePercent: number = VAT_RATE_PERCENT): Kopecks {
  const rate = checkInteger(ratePercent, 'a VAT rate');
  if (rate < 0n || rate > 100n) throw invalid(`a VAT rate must be 0–100 %, got ${ratePercent}`);
  return toSafeNumber(divideRounded(checkInteger(amountExclVat, 'an amount') * rate, 100n), 'VAT');
}

export interface MoneyTotals {
  amountExclVat: Kopecks;
  vat: Kopecks;
  amountInclVat: Kopecks;
}

export interface PricedLine extends MoneyTotals {
  /** 0 when the vendor is not a VAT payer. */
  vatRatePercent: number;
}

/** A line with a given amount (travel, a fixed price): VAT added once, on this line. */
export function priceLine(amountExclVat: Kopecks, vatPayer: boolean): PricedLine {
  const vatRatePercent = vatPayer ? VAT_RATE_PERCENT : 0;
  const vat = vatOf(amountExclVat, vatRatePercent);
  const amountInclVat = toSafeNumber(BigInt(amountExclVat) + BigInt(vat), 'an amount incl. VAT');
  return { amountExclVat, vatRatePercent, vat, amountInclVat };
}

/** A line of norm-hours of one category at its rate. */
export function priceNormLine(normHours: NormHundredths, rateKopecksPerHour: Kopecks, vatPayer: boolean): PricedLine {
  return priceLine(lineAmount(normHours, rateKopecksPerHour), vatPayer);
}

/** Sums of already-rounded lines: nothing is rounded again. */
export function sumLines(lines: Iterable<MoneyTotals>): MoneyTotals {
  let amountExclVat = 0n;
  let vat = 0n;
  let amountInclVat = 0n;
  for (const line of lines) {
    amountExclVat += checkInteger(line.amountExclVat, 'an amount');
    vat += checkInteger(line.vat, 'VAT');
    amountInclVat += checkInteger(line.amountInclVat, 'an amount incl. VAT');
  }
  return {
    amountExclVat: toSafeNumber(amountExclVat, 'a total'),
    vat: toSafeNumber(vat, 'a VAT total'),
    amountInclVat: toSafeNumber(amountInclVat, 'a total incl. VAT'),
  };
}

/** Sums norm-hours exactly. */
export function sumNormHours(values: Iterable<NormHundredths>): NormHundredths {
  let total = 0n;
  for (const value of values) total += checkInteger(value, 'norm-hours');
  return toSafeNumber(total, 'a norm-hours total');
}

export interface DecimalFormat {
  /** Between groups of three digits; '' for none (CSV). Default: no-break space, as Intl's uk-UA. */
  group?: string;
}

/** A scaled integer as a decimal with a decimal comma: (123456, 2) → '1 234,56' (no-break space). */
export function formatDecimal(scaled: number | bigint, scale: number, format: DecimalFormat = {}): string {
  if (!Number.isInteger(scale) || scale < 0 || scale > 18) throw invalid(`a decimal scale must be 0–18, got ${scale}`);
  if (typeof scaled === 'number' && Number.isSafeInteger(scaled) && scale <= 15) {
    // The common case (exports format millions of cells): exact in double arithmetic, no BigInt.
    const magnitude = Math.abs(scaled);
    const unit = 10 ** scale;
    const fractionDigits = magnitude % unit;
    let whole = String((magnitude - fractionDigits) / unit);
    if ((format.group ?? NBSP) !== '') whole = whole.replace(/\B(?=(\d{3})+$)/g, format.group ?? NBSP);
    const fraction = scale > 0 ? `,${String(fractionDigits).padStart(scale, '0')}` : '';
    return `${scaled < 0 ? '-' : ''}${whole}${fraction}`;
  }
  const value = typeof scaled === 'bigint' ? scaled : checkInteger(scaled, 'a value');
  const group = format.group ?? NBSP;
  const magnitude = value < 0n ? -value : value;
  const unit = 10n ** BigInt(scale);
  const whole = String(magnitude / unit).replace(/\B(?=(\d{3})+$)/g, group);
  const fraction = scale > 0 ? `,${String(magnitude % unit).padStart(scale, '0')}` : '';
  return `${value < 0n ? '-' : ''}${whole}${fraction}`;
}

/** Kopecks as UAH for Ukrainian documents: 123456 → '1 234,56' (the space is U+00A0, so it never wraps). */
export function formatUah(kopecks: Kopecks, format: DecimalFormat = {}): string {
  return formatDecimal(kopecks, 2, format);
}

/** 1250 → '12,50'. */
export function formatNormHours(hundredths: NormHundredths, format: DecimalFormat = {}): string {
  return formatDecimal(hundredths, 2, format);
}

const DECIMAL = /^([-+\u2212]?)(\d{1,3}(?:[ \u00A0\u202F]\d{3})+|\d+)(?:[.,](\d+))?$/;

/**
 * Reads a decimal typed by a person or exported by Excel — '1 234,56', '1234.5', '-12' — into an
 * integer scaled by 10^scale. Refuses more decimals than `scale` rather than rounding silently.
 */
export function parseDecimal(text: string, scale: number): number {
  const match = DECIMAL.exec(text.trim());
  const sign = match?.[1] ?? '';
  const whole = match?.[2];
  const fraction = match?.[3] ?? '';
  if (whole === undefined || fraction.length > scale) {
    throw invalid(`"${text}" is not a number with at most ${scale} decimals`);
  }
  const magnitude = BigInt(whole.replace(/\D/g, '') + fraction.padEnd(scale, '0'));
  const value = toSafeNumber(sign === '-' || sign === '\u2212' ? -magnitude : magnitude, `"${text}"`);
  return value === 0 ? 0 : value;
}

/** '1 234,56' → 123456 kopecks. */
export function parseUah(text: string): Kopecks {
  return parseDecimal(text, 2);
}

/** '12,5' → 1250 hundredths. */
export function parseNormHours(text: string): NormHundredths {
  return parseDecimal(text, 2);
}
