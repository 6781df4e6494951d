import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatNormHours,
  formatUah,
  lineAmount,
  normHoursFromNumber,
  parseNormHours,
  parseUah,
  priceLine,
  priceNormLine,
  sumLines,
  sumNormHours,
  toKopecks,
  vatOf,
} from './money.ts';

const NBSP = '\u00A0';

describe('lineAmount: norm-hours × rate, half away from zero to the kopeck', () => {
  it.each([
    [1250, 123456, 1543200], // 12,50 h × 1 234,56 UAH = 15 432,00 UAH
    [1600, 85000, 1360000], // 16 h × 850 UAH
    [33, 100001, 33000], // 0,33 h × 1 000,01 = 330,0033 → 330,00
    [1, 50, 1], // 0,005 UAH → 0,01: half goes away from zero
    [1, 49, 0],
    [1, 150, 2],
    [-1, 50, -1], // a reversing line rounds symmetrically
    [-1, 150, -2],
    [0, 99999, 0],
  ])('%i hundredths × %i kopecks = %i kopecks', (hours, rate, expected) => {
    expect(lineAmount(hours, rate)).toBe(expected);
  });

  it('refuses fractional inputs and results beyond safe integers', () => {
    expect(() => lineAmount(12.5, 100)).toThrow(expect.objectContaining({ code: 'request-invalid' }));
    expect(() => lineAmount(100, 0.5)).toThrow();
    expect(() => lineAmount(Number.MAX_SAFE_INTEGER, 1000)).toThrow(/too large/);
  });

  it('agrees with exact decimal arithmetic for any positive line', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 0, max: 100_000_000 }), (hours, rate) => {
        const product = BigInt(hours) * BigInt(rate);
        const expected = Number((product + 50n) / 100n);
        expect(lineAmount(hours, rate)).toBe(expected);
      }),
    );
  });
});

describe('VAT, once per line', () => {
  it.each([
    [100000, 20, 20000],
    [1, 20, 0], // 0,2 kopeck
    [3, 20, 1], // 0,6 kopeck
    [4, 20, 1], // 0,8 kopeck
    [-3, 20, -1],
    [50, 7, 4], // 3,5 → 4
    [-50, 7, -4],
    [12345, 0, 0],
  ])('VAT of %i kopecks at %i %% = %i', (amount, rate, expected) => {
    expect(vatOf(amount, rate)).toBe(expected);
  });

  it('is 20 % by default and absent for a vendor that does not pay VAT', () => {
    expect(priceLine(1543200, true)).toEqual({
      amountExclVat: 1543200,
      vatRatePercent: 20,
      vat: 308640,
      amountInclVat: 1851840,
    });
    expect(priceLine(1543200, false)).toEqual({
      amountExclVat: 1543200,
      vatRatePercent: 0,
      vat: 0,
      amountInclVat: 1543200,
    });
    expect(priceNormLine(1, 50, true)).toEqual({ amountExclVat: 1, vatRatePercent: 20, vat: 0, amountInclVat: 1 });
    expect(() => vatOf(100, 120)).toThrow();
  });
});

describe('totals', () => {
  const line = fc.record({
    hours: fc.integer({ min: -100_000, max: 1_000_000 }),
    rate: fc.integer({ min: 0, max: 10_000_000 }),
  });

  it('equal the sum of the lines to the kopeck, and incl. VAT = excl. VAT + VAT', () => {
    fc.assert(
      fc.property(fc.array(line, { maxLength: 60 }), fc.boolean(), (raw, vatPayer) => {
        const lines = raw.map(({ hours, rate }) => priceNormLine(hours, rate, vatPayer));
        const totals = sumLines(lines);
        const sum = (pick: (l: (typeof lines)[number]) => number) =>
          lines.reduce((acc, l) => acc + BigInt(pick(l)), 0n);
        expect(BigInt(totals.amountExclVat)).toBe(sum((l) => l.amountExclVat));
        expect(BigInt(totals.vat)).toBe(sum((l) => l.vat));
        expect(BigInt(totals.amountInclVat)).toBe(sum((l) => l.amountInclVat));
        expect(totals.amountInclVat).toBe(totals.amountExclVat + totals.vat);
        for (const [i, l] of lines.entries()) {
          const exact = BigInt(raw[i]!.hours) * BigInt(raw[i]!.rate);
          const error = BigInt(l.amountExclVat) * 100n - exact;
          expect(error >= -50n && error <= 50n).toBe(true); // each line is off by at most half a kopeck
        }
      }),
    );
  });

  it('of no lines are zero; norm-hours add exactly', () => {
    expect(sumLines([])).toEqual({ amountExclVat: 0, vat: 0, amountInclVat: 0 });
    expect(sumNormHours([10, 20, 1250])).toBe(1280); // 0,1 + 0,2 + 12,5 without float error
  });
});

describe('norm-hours and kopecks from outside', () => {
  it.each([
    [1.25, 125],
    [0.1 + 0.2, 30],
    [16, 1600],
    [0, 0],
    [-0.5, -50],
  ])('norm %d → %i hundredths', (hours, expected) => expect(normHoursFromNumber(hours)).toBe(expected));

  it.each([1.255, Number.NaN, Number.POSITIVE_INFINITY, 1e300])('refuses norm %d', (hours) => {
    expect(() => normHoursFromNumber(hours)).toThrow(expect.objectContaining({ code: 'request-invalid' }));
  });

  it('reads int8 strings from the database as safe integers', () => {
    expect(toKopecks('123456')).toBe(123456);
    expect(toKopecks('-5')).toBe(-5);
    expect(toKopecks(7n)).toBe(7);
    expect(() => toKopecks('9007199254740992')).toThrow(/too large/);
    expect(() => toKopecks('12.5')).toThrow();
    expect(() => toKopecks(12.5)).toThrow();
  });
});

describe('formatting for Ukrainian documents', () => {
  it.each([
    [123456, `1${NBSP}234,56`],
    [0, '0,00'],
    [5, '0,05'],
    [99, '0,99'],
    [100, '1,00'],
    [-123456, `-1${NBSP}234,56`],
    [100000000, `1${NBSP}000${NBSP}000,00`],
    [Number.MAX_SAFE_INTEGER, `90${NBSP}071${NBSP}992${NBSP}547${NBSP}409,91`],
  ])('%i kopecks → %s', (kopecks, text) => {
    expect(formatUah(kopecks)).toBe(text);
  });

  it('groups with a chosen separator or none', () => {
    expect(formatUah(123456, { group: ' ' })).toBe('1 234,56');
    expect(formatUah(-123456789, { group: '' })).toBe('-1234567,89');
    expect(formatNormHours(1250)).toBe('12,50');
  });
});

describe('parsing amounts', () => {
  it.each([
    ['1 234,56', 123456],
    [`1${NBSP}234,56`, 123456],
    ['1\u202F234,56', 123456],
    ['1234.56', 123456],
    ['1234,5', 123450],
    ['12', 1200],
    ['-0,01', -1],
    ['\u22125,00', -500],
    ['+7', 700],
    ['  42,00 ', 4200],
    ['-0', 0],
  ])('"%s" → %i kopecks', (text, kopecks) => {
    expect(parseUah(text)).toBe(kopecks);
    expect(Object.is(parseUah(text), -0)).toBe(false);
  });

  it.each([
    '',
    'abc',
    '1,234',
    '1.234,56',
    '12,',
    ',5',
    '1 23,00',
    '1e3',
    '1,2,3',
    '--1',
    '12 UAH',
    '99999999999999999',
  ])('refuses "%s"', (text) => {
    expect(() => parseUah(text)).toThrow(expect.objectContaining({ code: 'request-invalid' }));
  });

  it('reads back whatever it formats', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
        fc.constantFrom(undefined, ' ', ''),
        (kopecks, group) => {
          expect(parseUah(formatUah(kopecks, group === undefined ? {} : { group }))).toBe(kopecks);
        },
      ),
    );
    expect(parseNormHours(formatNormHours(1250))).toBe(1250);
  });
});
