import { describe, expect, it } from 'vitest';
import { formatEstimate, formatIssueLines } from './definition-output.ts';

describe('formatIssueLines', () => {
  it('when an issue has a hint, then it follows the file:line:column line, indented', () => {
    const lines = formatIssueLines({
      file: 'import.yaml',
      line: 13,
      column: 5,
      path: 'steps[0].timout',
      message: "step 'a': unknown field 'timout'",
      hint: "did you mean 'timeout'?",
    });
    expect(lines).toEqual(["import.yaml:13:5: step 'a': unknown field 'timout'", "    hint: did you mean 'timeout'?"]);
  });

  it('when an issue has no hint, then it is one line', () => {
    expect(formatIssueLines({ file: 'a.yaml', line: 1, column: 1, path: '', message: 'empty' })).toEqual([
      'a.yaml:1:1: empty',
    ]);
  });
});

describe('formatEstimate', () => {
  it('when an estimate is printed, then hours and UAH use a decimal comma and the columns line up', () => {
    const text = formatEstimate(
      { id: 'demo', version: 2, title: 'Demo', service: 'X-CUSTOM', rates: 'given' },
      {
        lines: [
          {
            category: 'LEAD',
            normHours: 4,
            minHours: 4,
            maxHours: 20,
            rateKopecks: 115_000,
            amountKopecks: 460_000,
            vatKopecks: 92_000,
            amountUah: '4 600,00 грн',
            vatUah: '920,00 грн',
          },
          {
            category: 'TECH',
            normHours: 0.5,
            minHours: 0,
            maxHours: 1.25,
            rateKopecks: 33_333,
            amountKopecks: 16_667,
            vatKopecks: 3_333,
            amountUah: '166,67 грн',
            vatUah: '33,33 грн',
          },
        ],
        totals: {
          normHours: 4.5,
          amountExclVat: 476_667,
          vat: 95_333,
          amountInclVat: 572_000,
          amountExclVatUah: '4 766,67 грн',
          vatUah: '953,33 грн',
          amountInclVatUah: '5 720,00 грн',
        },
        assumptions: ['compensation (on cancel or failure) is not estimated'],
      },
    );
    expect(text).toBe(
      [
        'demo v2 — Demo (X-CUSTOM)',
        'rates: given',
        '',
        'Category  Hours     Min–max  Rate, UAH/h  Amount, UAH  VAT, UAH',
        'LEAD       4,00  4,00–20,00     1 150,00     4 600,00    920,00',
        'TECH       0,50   0,00–1,25       333,33       166,67     33,33',
        'Total      4,50                              4 766,67    953,33',
        '',
        'Amount incl. VAT: 5 720,00 UAH',
        '',
        'Assumptions:',
        '  - compensation (on cancel or failure) is not estimated',
        '',
      ].join('\n'),
    );
  });
});
