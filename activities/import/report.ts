/**
 * The import report an engineer hands the customer: counts in and out per layer, the rejects
 * with their reasons, the mapping spec, what the inspection found, the integrity findings and the
 * backup to return to. Pure: data in, Markdown out.
 */
import type { FindingCounts } from '../audit/model.ts';
import type { Reject } from './convert.ts';

export interface ImportReportData {
  projectId: string;
  inspection: {
    files: string[];
    datasets: {
      name: string;
      format: string;
      encoding: string | null;
      layers: { name: string; features: number; crs: string | null; axes: string }[];
    }[];
    warnings: string[];
  } | null;
  conversion: {
    schema: string;
    targetCrs: string;
    toleranceM: number;
    layers: { source: string; target: string; in: number; out: number; rejected: number; junctions: number }[];
    totals: { in: number; out: number; rejected: number };
  } | null;
  rejects: Reject[];
  rejectsTotal: number;
  integrity: FindingCounts | null;
  spec: unknown;
  backup: { schema?: string; sha256?: string; source?: string } | null;
}

/** Rejects listed in the Markdown report; the JSON and rejects.csv carry them all. */
export const REJECTS_IN_MARKDOWN = 200;

const cell = (value: unknown) =>
  String(value ?? '')
    .replaceAll('|', '\\|')
    .replaceAll('\n', ' ');

function table(header: string[], rows: unknown[][]): string {
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ].join('\n');
}

export function importReportMarkdown(data: ImportReportData): string {
  const out: string[] = [`# Import report — project ${data.projectId}`, ''];
  const { conversion, inspection, integrity, backup } = data;
  if (conversion) {
    out.push(
      '## Conversion',
      '',
      `Converted into \`${conversion.schema}\`, CRS ${conversion.targetCrs}, snapping tolerance ${conversion.toleranceM} m: ` +
        `${conversion.totals.in} features in, ${conversion.totals.out} out, ${conversion.totals.rejected} rejected.`,
      '',
      table(
        ['Source layer', 'CityCom layer', 'In', 'Out', 'Rejected', 'Junctions created'],
        conversion.layers.map((l) => [l.source, l.target, l.in, l.out, l.rejected, l.junctions]),
      ),
      '',
    );
  }
  out.push('## Rejects', '');
  if (data.rejectsTotal === 0) out.push('None.', '');
  else {
    out.push(
      table(
        ['Feature', 'Source layer', 'CityCom layer', 'Reason'],
        data.rejects.slice(0, REJECTS_IN_MARKDOWN).map((r) => [r.feature, r.source, r.target, r.reason]),
      ),
      '',
    );
    if (data.rejectsTotal > REJECTS_IN_MARKDOWN)
      out.push(`… ${data.rejectsTotal - REJECTS_IN_MARKDOWN} more in rejects.csv.`, '');
  }
  if (integrity) {
    out.push(
      '## Integrity checks',
      '',
      `${integrity.total} findings: ${integrity.critical} critical, ${integrity.major} major, ${integrity.minor} minor, ${integrity.info} info.`,
      '',
      table(
        ['Rule', 'Findings'],
        Object.entries(integrity.byRule).sort(([a], [b]) => a.localeCompare(b)),
      ),
      '',
    );
  }
  if (inspection) {
    out.push(
      '## Source data as inspected',
      '',
      table(
        ['File', 'Format', 'Encoding', 'Layer', 'Features', 'CRS', 'Axes'],
        inspection.datasets.flatMap((d) =>
          d.layers.map((l) => [
            d.name,
            d.format,
            d.encoding ?? 'unknown',
            l.name,
            l.features,
            l.crs ?? 'unknown',
            l.axes,
          ]),
        ),
      ),
      '',
    );
    if (inspection.warnings.length > 0) out.push(...inspection.warnings.map((w) => `- ${w}`), '');
  }
  out.push('## Mapping spec', '', '```json', JSON.stringify(data.spec, null, 2), '```', '');
  out.push('## Backup of the pre-import state', '');
  out.push(
    backup?.schema
      ? `Schema \`${backup.schema}\` (copy of \`${backup.source ?? ''}\`), sha256 \`${backup.sha256 ?? ''}\`.`
      : 'No backup was made.',
    '',
  );
  return out.join('\n');
}
