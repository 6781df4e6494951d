/**
 * Converting an attribute value to another type when a change retypes it. A value converts only
 * when nothing is guessed: `1985` and `"1985"` are the year 1985, `"19б5"` is no year; `"2,5"` is
 * 2.5 (the decimal comma of Ukrainian data); `"так"`/`"ні"` are booleans. A value that does not
 * convert is reported, never dropped silently.
 */
import type { AttributeType } from '../../db/class-attributes.ts';

/** Years a `year` attribute accepts (network objects built before 1800 are not on record). */
export const YEAR_RANGE = { min: 1800, max: 2100 } as const;

const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DOTTED_DATE = /^(\d{2})\.(\d{2})\.(\d{4})$/;
const TRUE = new Set(['true', 'yes', 'так', 'да', '1', 't', 'y']);
const FALSE = new Set(['false', 'no', 'ні', 'нет', '0', 'f', 'n']);

/** The result of a conversion: the value, or `undefined` when it does not convert. */
export type Converted = { value: unknown } | undefined;

/** Converts a non-null JSON value to `type`; undefined when it cannot be done without guessing. */
export function convertValue(value: unknown, type: AttributeType): Converted {
  switch (type) {
    case 'string':
      if (typeof value === 'string') return { value };
      if (typeof value === 'number' || typeof value === 'boolean') return { value: String(value) };
      return undefined;
    case 'integer': {
      const n = toNumber(value, INTEGER);
      return n !== undefined && Number.isSafeInteger(n) ? { value: n } : undefined;
    }
    case 'number': {
      const n = toNumber(value, DECIMAL);
      return n !== undefined && Number.isFinite(n) ? { value: n } : undefined;
    }
    case 'year': {
      const n = toNumber(value, INTEGER);
      return n !== undefined && Number.isInteger(n) && n >= YEAR_RANGE.min && n <= YEAR_RANGE.max
        ? { value: n }
        : undefined;
    }
    case 'boolean': {
      if (typeof value === 'boolean') return { value };
      const text = String(value).trim().toLowerCase();
      if (typeof value !== 'string' && typeof value !== 'number') return undefined;
      if (TRUE.has(text)) return { value: true };
      if (FALSE.has(text)) return { value: false };
      return undefined;
    }
    case 'date':
      return typeof value === 'string' ? toIsoDate(value.trim()) : undefined;
  }
}

function toNumber(value: unknown, pattern: RegExp): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  return pattern.test(text) ? Number(text.replace(',', '.')) : undefined;
}

function toIsoDate(text: string): Converted {
  const iso = ISO_DATE.exec(text);
  const dotted = DOTTED_DATE.exec(text);
  const [year, month, day] = iso ? [iso[1], iso[2], iso[3]] : dotted ? [dotted[3], dotted[2], dotted[1]] : [];
  if (!year) return undefined;
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  const value = `${year}-${month}-${day}`;
  return date.toISOString().slice(0, 10) === value ? { value } : undefined;
}
