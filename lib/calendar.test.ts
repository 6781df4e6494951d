import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addDays,
  addMonthsCivilCode,
  compareDates,
  isIsoDate,
  isWithin,
  isWorkingDay,
  isoWeekday,
  kyivDate,
  parseIsoDate,
  subtractWorkingDays,
} from './calendar.ts';
import { isAppError } from './errors.ts';

describe('kyivDate', () => {
  it.each([
    ['2026-02-28T22:30:00Z', '2026-03-01'], // winter, UTC+2: already the next day in Kyiv
    ['2026-02-28T21:59:59Z', '2026-02-28'],
    ['2026-02-28T22:00:00Z', '2026-03-01'],
    ['2026-07-15T20:59:59Z', '2026-07-15'], // summer, UTC+3
    ['2026-07-15T21:00:00Z', '2026-07-16'],
    ['2025-12-31T22:00:00Z', '2026-01-01'],
    ['2026-03-29T00:30:00Z', '2026-03-29'], // the night clocks go forward
  ])('when the instant is %s, then the Kyiv date is %s', (instant, expected) => {
    expect(kyivDate(instant)).toBe(expected);
    expect(kyivDate(new Date(instant))).toBe(expected);
    expect(kyivDate(Date.parse(instant))).toBe(expected);
  });

  it('when the instant is not a time, then it refuses with request-invalid', () => {
    expect(() => kyivDate('yesterday')).toThrow(expect.objectContaining({ code: 'request-invalid' }));
  });
});

describe('ISO dates', () => {
  it.each(['2024-02-29', '2026-12-31', '0999-01-01'])('accepts %s', (date) => expect(isIsoDate(date)).toBe(true));

  it.each(['2025-02-29', '2026-13-01', '2026-00-10', '2026-1-01', '2026-01-01T00:00', '', '20260101'])(
    'rejects %s',
    (date) => {
      expect(isIsoDate(date)).toBe(false);
      expect(() => parseIsoDate(date)).toThrow(expect.objectContaining({ code: 'request-invalid' }));
    },
  );

  it('compares and bounds dates, ends inclusive', () => {
    expect(compareDates('2026-01-31', '2026-02-01')).toBeLessThan(0);
    expect(compareDates('2026-02-01', '2026-02-01')).toBe(0);
    expect(isWithin('2026-02-01', '2026-02-01', '2026-02-01')).toBe(true);
    expect(isWithin('2026-02-02', '2026-02-01', '2026-02-01')).toBe(false);
    expect(isWithin('2026-01-31', '2026-02-01', null)).toBe(false);
    expect(isWithin('2099-01-01', null, null)).toBe(true);
    expect(() => compareDates('2026-02-30', '2026-02-01')).toThrow();
  });

  it('adds days across month, year and leap-day ends', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2025-02-28', 1)).toBe('2025-03-01');
    expect(addDays('2025-12-31', 1)).toBe('2026-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addDays('2026-03-29', 1)).toBe('2026-03-30'); // DST change in Kyiv does not matter to dates
  });
});

describe('addMonthsCivilCode (Civil Code of Ukraine art. 253–254)', () => {
  it.each([
    ['2025-08-31', 6, '2026-02-28'],
    ['2024-08-31', 6, '2025-02-28'],
    ['2023-08-29', 6, '2024-02-29'],
    ['2023-08-31', 6, '2024-02-29'],
    ['2025-08-28', 6, '2026-02-28'],
    ['2025-08-15', 6, '2026-02-15'],
    ['2025-07-31', 6, '2026-01-31'],
    ['2025-12-31', 6, '2026-06-30'],
    ['2025-03-31', 1, '2025-04-30'],
    ['2025-01-31', 1, '2025-02-28'],
    ['2025-01-31', 12, '2026-01-31'],
    ['2024-02-29', 12, '2025-02-28'],
    ['2025-05-10', 0, '2025-05-10'],
    ['2026-03-31', -1, '2026-02-28'],
  ])('when the event is on %s, then a %i-month term ends on %s', (start, months, end) => {
    expect(addMonthsCivilCode(start, months)).toBe(end);
  });

  it('refuses fractional months and malformed dates', () => {
    expect(() => addMonthsCivilCode('2025-08-31', 1.5)).toThrow();
    expect(() => addMonthsCivilCode('2025-08-32', 1)).toThrow();
  });

  it('never ends before the event, never past the same day-number, and keeps the month count', () => {
    const date = fc
      .date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2100-12-31T00:00:00Z'), noInvalidDate: true })
      .map((d) => d.toISOString().slice(0, 10));
    fc.assert(
      fc.property(date, fc.integer({ min: 0, max: 120 }), (start, months) => {
        const end = addMonthsCivilCode(start, months);
        const s = parseIsoDate(start);
        const e = parseIsoDate(end);
        expect(e.year * 12 + e.month - (s.year * 12 + s.month)).toBe(months);
        expect(e.day).toBeLessThanOrEqual(s.day);
        if (e.day < s.day) expect(addDays(end, 1).slice(8)).toBe('01'); // clamped only to a month's last day
        expect(compareDates(start, end)).toBeLessThanOrEqual(0);
      }),
    );
  });
});

describe('working days', () => {
  it('knows the weekday', () => {
    expect(isoWeekday('2026-03-16')).toBe(1);
    expect(isoWeekday('2026-03-15')).toBe(7);
    expect(isWorkingDay('2026-03-13')).toBe(true);
    expect(isWorkingDay('2026-03-14')).toBe(false);
  });

  it.each([
    ['2026-03-16', 5, '2026-03-09'], // Monday → previous Monday
    ['2026-03-20', 5, '2026-03-13'], // Friday → previous Friday
    ['2026-03-18', 2, '2026-03-16'], // Wednesday → Monday, no weekend crossed
    ['2026-03-18', 3, '2026-03-13'], // Wednesday → Friday before
    ['2026-03-15', 1, '2026-03-13'], // Sunday → Friday
    ['2026-03-14', 5, '2026-03-09'], // Saturday → Monday
    ['2026-01-05', 5, '2025-12-29'], // across the new year
    ['2026-03-16', 0, '2026-03-16'],
  ])('when training starts on %s, then %i working days before is %s', (date, count, expected) => {
    expect(subtractWorkingDays(date, count)).toBe(expected);
  });

  it('skips listed holidays', () => {
    expect(subtractWorkingDays('2026-03-16', 5, new Set(['2026-03-10']))).toBe('2026-03-06');
  });

  it('refuses a negative or fractional count', () => {
    const refuse = (count: number) => {
      try {
        subtractWorkingDays('2026-03-16', count);
        return false;
      } catch (error) {
        return isAppError(error, 'request-invalid');
      }
    };
    expect(refuse(-1)).toBe(true);
    expect(refuse(0.5)).toBe(true);
  });
});
