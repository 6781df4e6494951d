/**
 * How the console writes values: dates and times on the Kyiv clock, money as `1 234,56 грн`,
 * norm-hours with a decimal comma — the same in both languages, as Ukrainian documents write them.
 */
import { formatNormHours, formatUah } from '../lib/money.ts';
import type { Lang } from './i18n.ts';

const ZONE = 'Europe/Kyiv';
const LOCALES: Record<Lang, string> = { uk: 'uk-UA', en: 'en-GB' };
const dateTimes = new Map<Lang, Intl.DateTimeFormat>();
const dates = new Map<Lang, Intl.DateTimeFormat>();

function formatter(cache: Map<Lang, Intl.DateTimeFormat>, lang: Lang, time: boolean): Intl.DateTimeFormat {
  let f = cache.get(lang);
  if (!f) {
    f = new Intl.DateTimeFormat(LOCALES[lang], {
      timeZone: ZONE,
      dateStyle: 'medium',
      ...(time ? { timeStyle: 'short' } : {}),
    });
    cache.set(lang, f);
  }
  return f;
}

/** A moment on the Kyiv clock ('3 груд. 2026 р., 22:15'); '—' for none. */
export function dateTime(value: string | Date | null | undefined, lang: Lang): string {
  if (value === null || value === undefined || value === '') return '—';
  return formatter(dateTimes, lang, true).format(new Date(value));
}

/** A calendar day on the Kyiv clock. */
export function date(value: string | Date | null | undefined, lang: Lang): string {
  if (value === null || value === undefined || value === '') return '—';
  return formatter(dates, lang, false).format(new Date(value));
}

/** Kopecks as `1 234,56 грн`. */
export function money(kopecks: number | string | null | undefined): string {
  if (kopecks === null || kopecks === undefined) return '—';
  return `${formatUah(Number(kopecks))}\u00a0грн`;
}

/** Norm-hours given as a decimal number or string of hours ('2.5' → '2,50'). */
export function hours(value: number | string | null | undefined): string {
  if (value === null || value === undefined || value === '') return '—';
  return formatNormHours(Math.round(Number(value) * 100));
}

/** Where a due time stands: overdue, due within a day, or later. */
export type DueState = 'overdue' | 'soon' | 'later' | 'none';

export function dueState(due: string | Date | null | undefined, now = Date.now()): DueState {
  if (!due) return 'none';
  const left = new Date(due).getTime() - now;
  if (left < 0) return 'overdue';
  return left < 24 * 3600_000 ? 'soon' : 'later';
}
