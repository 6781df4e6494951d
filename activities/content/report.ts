/**
 * Content analysis deliverables as text: the findings CSV in the finance export's conventions
 * (lib/csv.ts: UTF-8 with BOM, `;`, decimal comma, formula-looking text escaped) and the report in
 * Markdown — summary, ranked recommendations, findings per check, thresholds. Pure, so the same
 * report gives byte-identical files and a retried step stores nothing twice.
 */
import { csvBatchChunks, type CsvColumn } from '../../lib/csv.ts';
import { SEVERITIES } from '../audit/model.ts';
import { formatLocation, table } from '../audit/report.ts';
import { CONTENT_CHECKS } from './checks/index.ts';
import type { ContentFinding, ContentReport } from './model.ts';

/** Findings listed per check in the Markdown report; the CSV has them all. */
export const TOP_FINDINGS_PER_CHECK = 20;

const CHECKS = new Map(CONTENT_CHECKS.map((check) => [check.id, check]));

const evidenceText = (f: ContentFinding): string =>
  Object.entries(f.evidence)
    .map(([key, value]) => `${key}=${value}`)
    .join(', ');

export const CONTENT_CSV_COLUMNS: readonly CsvColumn<ContentFinding>[] = [
  { header: 'Severity', value: (f) => f.severity },
  { header: 'Check', value: (f) => f.rule },
  { header: 'Layer', value: (f) => f.object.layer },
  { header: 'Object', value: (f) => f.object.id },
  { header: 'Attribute', value: (f) => f.attribute },
  { header: 'Stored value', value: (f) => f.value },
  { header: 'Plausible value', value: (f) => f.expected },
  { header: 'X (easting)', value: (f) => f.location?.[0] },
  { header: 'Y (northing)', value: (f) => f.location?.[1] },
  { header: 'Finding', value: (f) => f.message },
  { header: 'Evidence', value: evidenceText },
  { header: 'What to do', value: (f) => CHECKS.get(f.rule)?.action },
];

/** The findings as one CSV text (BOM and header also when there are none). */
export async function renderFindingsCsv(findings: readonly ContentFinding[]): Promise<string> {
  let text = '';
  for await (const chunk of csvBatchChunks([findings], CONTENT_CSV_COLUMNS)) text += chunk;
  return text;
}

const valueText = (value: number | string | null): string => (value === null ? '—' : String(value));

/** The report as Markdown. */
export function renderContentReport(report: ContentReport, context: { schema: string; engagementId: string }): string {
  const { summary, recommendations, findings, thresholds } = report;
  const lines = [
    '# Content analysis report',
    '',
    `Engagement ${context.engagementId}, project schema \`${context.schema}\`: ${summary.sections} sections and ${summary.nodes} nodes read.`,
    '',
    '## Findings by severity',
    '',
    ...table(
      [...SEVERITIES, 'total'],
      [[...SEVERITIES.map((s) => String(summary.bySeverity[s])), String(summary.total)]],
    ),
    '',
    '## Recommendations',
    '',
  ];
  if (recommendations.length === 0) lines.push('None: every check passed.');
  for (const r of recommendations) {
    lines.push(
      `${r.rank}. **${r.title}** (${r.severity}, ${r.count}): ${r.action} For example ${r.examples.join(', ')}.`,
    );
  }
  for (const check of CONTENT_CHECKS) {
    const own = findings.filter((f) => f.rule === check.id);
    if (own.length === 0) continue;
    lines.push('', `## ${check.title} — \`${check.id}\`, ${check.severity} (${own.length})`, '');
    lines.push(
      ...table(
        ['Object', 'Attribute', 'Stored', 'Plausible', 'Finding', 'Location'],
        own
          .slice(0, TOP_FINDINGS_PER_CHECK)
          .map((f) => [
            f.object.id === null ? `${f.object.layer} (all)` : `${f.object.layer}/${f.object.id}`,
            f.attribute,
            valueText(f.value),
            valueText(f.expected),
            f.message,
            formatLocation(f.location),
          ]),
      ),
    );
    if (own.length > TOP_FINDINGS_PER_CHECK) {
      lines.push('', `… and ${own.length - TOP_FINDINGS_PER_CHECK} more in content-findings.csv.`);
    }
  }
  lines.push(
    '',
    '## Thresholds',
    '',
    ...table(
      ['Threshold', 'Value'],
      Object.entries(thresholds)
        .filter(([key]) => key !== 'materialEras')
        .map(([key, value]) => [key, JSON.stringify(value)]),
    ),
    '',
    ...table(
      ['Material', 'Plausible years', 'Basis'],
      thresholds.materialEras.map((era) => [era.material, `${era.from ?? '…'}–${era.until ?? '…'}`, era.basis]),
    ),
    '',
  );
  return lines.join('\n');
}
