/**
 * What the definition commands print: issues the way compilers print them, and an estimate as a
 * table with hours and UAH in Ukrainian notation (decimal comma). Pure functions, so the API and
 * tests can check the exact text.
 */
import type { DefinitionIssue } from '../definitions/definition-error.ts';
import type { Estimate } from '../definitions/estimate.ts';
import { formatNormHours, formatUah } from '../lib/money.ts';
import { formatTable } from './table.ts';

/** `file:line:column: message`, then the hint indented on its own line. */
export function formatIssueLines(issue: DefinitionIssue): string[] {
  const lines = [`${issue.file}:${issue.line}:${issue.column}: ${issue.message}`];
  if (issue.hint) lines.push(`    hint: ${issue.hint}`);
  return lines;
}

const hours = (value: number): string => formatNormHours(Math.round(value * 100), { group: ' ' });
const uah = (kopecks: number): string => formatUah(kopecks, { group: ' ' });

export interface EstimateHeading {
  id: string;
  version: number;
  title: string;
  service: string;
  /** Where the rates come from: `given`, or the rate card and its date. */
  rates: string;
}

/** The estimate as a PM reads it: a line per category, totals, then what it assumes. */
export function formatEstimate(heading: EstimateHeading, estimate: Estimate): string {
  const rows = [
    ['Category', 'Hours', 'Min–max', 'Rate, UAH/h', 'Amount, UAH', 'VAT, UAH'],
    ...estimate.lines.map((l) => [
      l.category,
      hours(l.normHours),
      `${hours(l.minHours)}–${hours(l.maxHours)}`,
      uah(l.rateKopecks),
      uah(l.amountKopecks),
      uah(l.vatKopecks),
    ]),
    ['Total', hours(estimate.totals.normHours), '', '', uah(estimate.totals.amountExclVat), uah(estimate.totals.vat)],
  ];
  const out = [
    `${heading.id} v${heading.version} — ${heading.title} (${heading.service})`,
    `rates: ${heading.rates}`,
    '',
    ...formatTable(rows, [false, true, true, true, true, true]),
    '',
    `Amount incl. VAT: ${uah(estimate.totals.amountInclVat)} UAH`,
  ];
  if (estimate.assumptions.length > 0) {
    out.push('', 'Assumptions:', ...estimate.assumptions.map((a) => `  - ${a}`));
  }
  return `${out.join('\n')}\n`;
}
