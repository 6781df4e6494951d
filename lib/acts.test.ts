import { describe, expect, it } from 'vitest';
import { assertActTransition, BillingConflict, buildActLines, formatActNumber, type UnbilledEntry } from './acts.ts';

const entry = (
  id: number,
  category: UnbilledEntry['category'],
  normHours: number,
  rateKopecks: number,
): UnbilledEntry => ({
  id,
  category,
  normHours,
  rateKopecks,
});

describe('buildActLines', () => {
  it('when entries share a category and rate, then they make one line priced once, in category order', () => {
    const draft = buildActLines(
      [
        entry(1, 'TECH', 200, 50000),
        entry(2, 'ENG_I', 100, 95000),
        entry(3, 'ENG_I', 250, 95000),
        entry(4, 'LEAD', 50, 120000),
      ],
      true,
    );
    expect(draft.lines.map((l) => [l.lineNo, l.category, l.normHours, l.amountExclVat, l.vat, l.entryIds])).toEqual([
      [1, 'LEAD', 50, 60000, 12000, [4]],
      [2, 'ENG_I', 350, 332500, 66500, [2, 3]],
      [3, 'TECH', 200, 100000, 20000, [1]],
    ]);
    expect(draft).toMatchObject({ vatRatePercent: 20, amountExclVat: 492500, vat: 98500, amountInclVat: 591000 });
  });

  it('when a line is priced, then it is rounded once on the summed hours, not per entry', () => {
    // 0,33 h × 333,33 UAH = 109,9989 → 110,00; per entry it would be 3 × 0,11 × 333,33 = 3 × 36,67 = 110,01.
    const draft = buildActLines(
      [entry(1, 'ENG', 11, 33333), entry(2, 'ENG', 11, 33333), entry(3, 'ENG', 11, 33333)],
      true,
    );
    expect(draft.lines[0]).toMatchObject({ normHours: 33, amountExclVat: 11000, vat: 2200, amountInclVat: 13200 });
  });

  it('when the rate changed during the work, then each rate gets its own line', () => {
    const draft = buildActLines([entry(1, 'ENG_I', 100, 95000), entry(2, 'ENG_I', 100, 99000)], false);
    expect(draft.lines.map((l) => [l.rateKopecks, l.amountExclVat, l.vat])).toEqual([
      [95000, 95000, 0],
      [99000, 99000, 0],
    ]);
    expect(draft.vatRatePercent).toBe(0);
  });

  it('when an entry and its reversal meet on one act, then they net to no line but are both billed', () => {
    const draft = buildActLines(
      [entry(1, 'ENG_I', 100, 95000), entry(2, 'ENG_I', -100, 95000), entry(3, 'LEAD', 100, 120000)],
      true,
    );
    expect(draft.lines.map((l) => l.category)).toEqual(['LEAD']);
    expect(draft.nettedEntryIds).toEqual([1, 2]);
    expect(draft.amountExclVat).toBe(120000);
  });

  it('when entries name act lines, then each line, category and rate is a line, in the order asked', () => {
    const named = (id: number, line: string | null, normHours: number): UnbilledEntry => ({
      ...entry(id, 'ENG_I', normHours, 95000),
      line,
    });
    const draft = buildActLines(
      [
        named(1, 'preparation', 200),
        named(2, 'preparation', 600),
        named(3, 'training-hours', 600),
        named(4, 'travel', 300),
        named(5, 'training-hours', 550),
        named(6, 'travel', 300),
        named(7, 'extra', 100),
        named(8, null, 100),
      ],
      true,
      ['training-hours', 'preparation', 'travel'],
    );
    expect(draft.lines.map((l) => [l.lineNo, l.line, l.category, l.normHours, l.entryIds])).toEqual([
      [1, null, 'ENG_I', 100, [8]],
      [2, 'training-hours', 'ENG_I', 1150, [3, 5]],
      [3, 'preparation', 'ENG_I', 800, [1, 2]],
      [4, 'travel', 'ENG_I', 600, [4, 6]],
      [5, 'extra', 'ENG_I', 100, [7]],
    ]);
  });

  it('when only a reversal is unbilled, then the act line is negative (a corrective act)', () => {
    const draft = buildActLines([entry(7, 'ENG_II', -150, 80000)], true);
    expect(draft.lines[0]).toMatchObject({
      normHours: -150,
      amountExclVat: -120000,
      vat: -24000,
      amountInclVat: -144000,
    });
  });
});

describe('act status', () => {
  it('when an act moves draft → issued → signed, then each step is accepted', () => {
    expect(() => assertActTransition('2026-0001', 'draft', 'issued')).not.toThrow();
    expect(() => assertActTransition('2026-0001', 'issued', 'signed')).not.toThrow();
  });

  it.each([
    ['draft', 'signed'],
    ['issued', 'issued'],
    ['signed', 'issued'],
    ['signed', 'signed'],
  ] as const)('when an act is %s and asked to be %s, then it is a conflict', (from, to) => {
    expect(() => assertActTransition('2026-0001', from, to)).toThrow(BillingConflict);
  });

  it('when a number is printed, then it carries the year and four digits', () => {
    expect(formatActNumber(2026, 7)).toBe('2026-0007');
    expect(formatActNumber(2026, 12345)).toBe('2026-12345');
  });
});
