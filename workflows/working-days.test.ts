import { describe, expect, it } from 'vitest';
import { kyivOffsetMs, shiftWorkingDays } from './working-days.ts';

const at = (iso: string) => new Date(iso);
const before = (iso: string, days: number) => shiftWorkingDays(at(iso), days, -1).toISOString();
const after = (iso: string, days: number) => shiftWorkingDays(at(iso), days, 1).toISOString();

describe('shiftWorkingDays', () => {
  it('when counting back over a weekend, then Saturday and Sunday are skipped', () => {
    // Tuesday 2025-02-11 09:00 Kyiv (07:00 UTC, winter time).
    expect(before('2025-02-11T07:00:00Z', 1)).toBe('2025-02-10T07:00:00.000Z');
    expect(before('2025-02-11T07:00:00Z', 2)).toBe('2025-02-07T07:00:00.000Z');
    expect(before('2025-02-11T07:00:00Z', 5)).toBe('2025-02-04T07:00:00.000Z');
    expect(before('2025-02-11T07:00:00Z', 7)).toBe('2025-01-31T07:00:00.000Z');
    expect(after('2025-02-07T07:00:00Z', 1)).toBe('2025-02-10T07:00:00.000Z');
    expect(after('2025-02-07T07:00:00Z', 6)).toBe('2025-02-17T07:00:00.000Z');
  });

  it('when the start falls on a weekend, then counting starts from there', () => {
    // Saturday and Sunday 2025-02-15/16: one working day before is Friday, five before is Monday.
    expect(before('2025-02-15T08:00:00Z', 1)).toBe('2025-02-14T08:00:00.000Z');
    expect(before('2025-02-16T08:00:00Z', 1)).toBe('2025-02-14T08:00:00.000Z');
    expect(before('2025-02-16T08:00:00Z', 5)).toBe('2025-02-10T08:00:00.000Z');
    expect(after('2025-02-15T08:00:00Z', 1)).toBe('2025-02-17T08:00:00.000Z');
  });

  it('when the weekend is decided in Kyiv, then a time late on Friday in UTC that is Saturday in Kyiv counts as Saturday', () => {
    // 2025-02-14T23:30Z is Saturday 01:30 in Kyiv; one working day before is Friday 01:30 Kyiv.
    expect(before('2025-02-14T23:30:00Z', 1)).toBe('2025-02-13T23:30:00.000Z');
  });

  it('when the span crosses the March change to summer time, then the Kyiv clock time is kept, not the UTC time', () => {
    // Monday 2025-03-31 09:00 Kyiv is 06:00 UTC (UTC+3); the Monday before, 09:00 Kyiv was 07:00 UTC (UTC+2).
    expect(before('2025-03-31T06:00:00Z', 5)).toBe('2025-03-24T07:00:00.000Z');
    expect(after('2025-03-24T07:00:00Z', 5)).toBe('2025-03-31T06:00:00.000Z');
  });

  it('when the span crosses the October change to winter time, then the Kyiv clock time is kept', () => {
    // Monday 2025-10-27 09:00 Kyiv is 07:00 UTC; Monday 2025-10-20 09:00 Kyiv was 06:00 UTC.
    expect(before('2025-10-27T07:00:00Z', 5)).toBe('2025-10-20T06:00:00.000Z');
    expect(after('2025-10-20T06:00:00Z', 5)).toBe('2025-10-27T07:00:00.000Z');
    // 00:30 Kyiv on a Monday after the change: the day before in UTC, in both seasons.
    expect(before('2025-10-26T22:30:00Z', 5)).toBe('2025-10-19T21:30:00.000Z');
  });

  it('when zero working days are asked for, then the instant itself comes back, even on a weekend', () => {
    expect(before('2025-03-30T00:30:00Z', 0)).toBe('2025-03-30T00:30:00.000Z');
    expect(after('2025-02-16T08:00:00Z', 0)).toBe('2025-02-16T08:00:00.000Z');
  });

  it('when many working days are asked for, then whole weeks are counted without walking them', () => {
    // 260 working days are 52 weeks; 2024 is a leap year, so the same weekday is 364 days earlier.
    expect(before('2025-02-11T07:00:00Z', 260)).toBe('2024-02-13T07:00:00.000Z');
    expect(() => shiftWorkingDays(at('2025-02-11T07:00:00Z'), 4_000_000, -1)).toThrow(/range of a timestamp/);
  });

  it('when the number of days is negative or not whole, then it says so and names the other function', () => {
    expect(() => shiftWorkingDays(at('2025-02-11T07:00:00Z'), -1, -1)).toThrow(
      'workdaysBefore counts 0 or more working days, not -1; for the other direction use workdaysAfter',
    );
    expect(() => shiftWorkingDays(at('2025-02-11T07:00:00Z'), 1.5, 1)).toThrow(/workdaysAfter needs a whole number/);
  });
});

describe('kyivOffsetMs', () => {
  it('when compared with the time-zone database hour by hour over 2020-2030, then it agrees', () => {
    const format = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Kyiv', timeZoneName: 'longOffset' });
    const mismatches: string[] = [];
    for (let t = Date.UTC(2020, 0, 1); t < Date.UTC(2031, 0, 1); t += 3_600_000) {
      const name = format.formatToParts(t).find((p) => p.type === 'timeZoneName')?.value;
      const expected = name === 'GMT+03:00' ? 3 : name === 'GMT+02:00' ? 2 : NaN;
      if (kyivOffsetMs(t) !== expected * 3_600_000) mismatches.push(new Date(t).toISOString());
    }
    expect(mismatches).toEqual([]);
  });
});
