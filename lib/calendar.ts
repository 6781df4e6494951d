/**
 * Calendar dates as the business sees them: Europe/Kyiv civil dates written as ISO `YYYY-MM-DD`
 * strings. Entitlement windows, contract validity and act dates are dates, not instants, so they
 * never carry a time or an offset; the only place an instant becomes a date is `kyivDate`.
 *
 * ISO date strings compare correctly as strings, but the helpers below validate first so a
 * malformed date fails loudly instead of comparing wrongly.
 */
import { AppError } from './errors.ts';

/** A Europe/Kyiv calendar date, `YYYY-MM-DD`. */
export type IsoDate = string;

export const BUSINESS_TIME_ZONE = 'Europe/Kyiv';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

// Built once: constructing a DateTimeFormat is far slower than formatting with it.
const kyivParts = new Intl.DateTimeFormat('en-US', {
  timeZone: BUSINESS_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** The Europe/Kyiv calendar date of an instant (2026-02-28T22:30Z is already 2026-03-01 in Kyiv). */
export function kyivDate(instant: Date | number | string): IsoDate {
  const date = instant instanceof Date ? instant : new Date(instant);
  if (Number.isNaN(date.getTime())) {
    throw new AppError('request-invalid', `"${String(instant)}" is not a valid instant`);
  }
  let year = '';
  let month = '';
  let day = '';
  for (const part of kyivParts.formatToParts(date)) {
    if (part.type === 'year') year = part.value;
    else if (part.type === 'month') month = part.value;
    else if (part.type === 'day') day = part.value;
  }
  return `${year.padStart(4, '0')}-${month}-${day}`;
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export function isIsoDate(value: unknown): value is IsoDate {
  if (typeof value !== 'string') return false;
  const match = ISO_DATE.exec(value);
  if (!match) return false;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/** Splits a date into numbers (month 1–12); throws `request-invalid` on anything but a real `YYYY-MM-DD` date. */
export function parseIsoDate(date: IsoDate): { year: number; month: number; day: number } {
  if (!isIsoDate(date)) {
    throw new AppError('request-invalid', `"${date}" is not a calendar date in the form YYYY-MM-DD`);
  }
  return { year: Number(date.slice(0, 4)), month: Number(date.slice(5, 7)), day: Number(date.slice(8, 10)) };
}

function formatIsoDate(year: number, month: number, day: number): IsoDate {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Negative when `a` is earlier than `b`, zero when equal, positive when later. */
export function compareDates(a: IsoDate, b: IsoDate): number {
  parseIsoDate(a);
  parseIsoDate(b);
  return a < b ? -1 : a > b ? 1 : 0;
}

export function isBefore(a: IsoDate, b: IsoDate): boolean {
  return compareDates(a, b) < 0;
}

export function isAfter(a: IsoDate, b: IsoDate): boolean {
  return compareDates(a, b) > 0;
}

/** `from ≤ date ≤ to`, both ends inclusive; a null end is open. */
export function isWithin(date: IsoDate, from: IsoDate | null, to: IsoDate | null): boolean {
  return (from === null || compareDates(from, date) <= 0) && (to === null || compareDates(date, to) <= 0);
}

export function addDays(date: IsoDate, days: number): IsoDate {
  const { year, month, day } = parseIsoDate(date);
  // UTC has no DST, so whole days are exact multiples of 24 h.
  const shifted = new Date(Date.UTC(year, month - 1, day) + days * MS_PER_DAY);
  return formatIsoDate(shifted.getUTCFullYear(), shifted.getUTCMonth() + 1, shifted.getUTCDate());
}

/**
 * The last day of a term of `months` months that starts with the event on `date`, per the Civil
 * Code of Ukraine art. 253–254: counting starts the day after the event, and the term ends on the
 * same day-number in the last month of the term; if that month has no such day, on its last day.
 * 2025-08-31 + 6 → 2026-02-28; 2023-08-29 + 6 → 2024-02-29.
 *
 * Art. 254 part 5 (a term ending on a day off moves to the next working day) is deliberately not
 * applied: DOMAIN.md defines the entitlement tail without it, and it only ever lengthens the term.
 */
export function addMonthsCivilCode(date: IsoDate, months: number): IsoDate {
  if (!Number.isSafeInteger(months)) {
    throw new AppError('request-invalid', `a term in months must be a whole number, got ${months}`);
  }
  const { year, month, day } = parseIsoDate(date);
  const monthIndex = year * 12 + (month - 1) + months;
  const endYear = Math.floor(monthIndex / 12);
  const endMonth = monthIndex - endYear * 12 + 1;
  return formatIsoDate(endYear, endMonth, Math.min(day, daysInMonth(endYear, endMonth)));
}

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export function isoWeekday(date: IsoDate): number {
  const { year, month, day } = parseIsoDate(date);
  const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
  return weekday === 0 ? 7 : weekday;
}

/** Monday to Friday and not listed in `holidays` (Ukraine's holidays are not days off under martial law). */
export function isWorkingDay(date: IsoDate, holidays: ReadonlySet<IsoDate> = new Set()): boolean {
  return isoWeekday(date) <= 5 && !holidays.has(date);
}

/**
 * The working day that lies `count` working days before `date` (the date itself is not counted):
 * 5 working days before a training on Monday 2026-03-16 is Monday 2026-03-09.
 */
export function subtractWorkingDays(date: IsoDate, count: number, holidays: ReadonlySet<IsoDate> = new Set()): IsoDate {
  if (!Number.isSafeInteger(count) || count < 0) {
    throw new AppError('request-invalid', `a number of working days must be a whole number ≥ 0, got ${count}`);
  }
  let current = date;
  parseIsoDate(current);
  for (let left = count; left > 0;) {
    current = addDays(current, -1);
    if (isWorkingDay(current, holidays)) left -= 1;
  }
  return current;
}
