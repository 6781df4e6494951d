/**
 * The X-AUDIT deliverables as text: the audit report by rule and severity, and the recovery report
 * (what was restored, what was not and why, checksums, the re-audit). Pure — the activity gathers
 * the stored reports and writes the artifacts — so the same inputs give byte-identical files.
 */
import type { MergeDecision } from './merge-plan.ts';
import { SEVERITIES, type AuditReport, type Finding, type Point, type Severity } from './model.ts';
import { AUDIT_RULES } from './rules/index.ts';

/** Findings listed per rule; the rest are counted. */
export const TOP_FINDINGS_PER_RULE = 10;

export interface AuditSection {
  schema: string;
  report: AuditReport;
}

/** What the audit report says besides the findings. */
export interface AuditContext {
  engagementId: string;
  projectId: string | null;
  analysis: { cause?: string; sources?: string[]; snapshot?: string } | null;
  lead: { recoveryFeasible?: boolean; recoveryHours?: number; summary?: string } | null;
  /** Why no recovery was done; null when it was. */
  noRecovery: string | null;
}

export interface RecoveryFacts {
  backup: { schema: string; sha256: string } | null;
  restore: { schema: string; sha256: string; verified: boolean } | null;
  diff: { missing: number; added: number; changed: number; counts: Record<string, Record<string, number>> } | null;
  merge: { schema: string; sha256: string; decisions: MergeDecision[]; written: Record<string, number> };
  reAudit: AuditSection | null;
  postAudit: AuditSection | null;
}

const RULE_TITLES = new Map(AUDIT_RULES.map((r) => [r.id, r.title]));

function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

/** A Markdown table; cells are escaped. */
export function table(header: string[], rows: string[][]): string[] {
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ];
}

export function formatLocation(location: Point | null): string {
  return location ? `${location[0].toFixed(2)}, ${location[1].toFixed(2)}` : '—';
}

function objectName(f: Finding): string {
  return f.object.id === null ? `${f.object.layer} (layer)` : `${f.object.layer}/${f.object.id}`;
}

function severityTable(report: AuditReport): string[] {
  const s = report.summary.bySeverity;
  return table([...SEVERITIES, 'total'], [[...SEVERITIES.map((sev) => String(s[sev])), String(report.summary.total)]]);
}

/** Rules with findings, in report order, each with its findings. */
function findingsByRule(report: AuditReport): { rule: string; severity: Severity; findings: Finding[] }[] {
  const groups = new Map<string, Finding[]>();
  for (const f of report.findings) groups.set(f.rule, [...(groups.get(f.rule) ?? []), f]);
  const order = AUDIT_RULES.map((r) => r.id);
  return [...groups.entries()]
    .sort(([a], [b]) => order.indexOf(a) - order.indexOf(b))
    .map(([rule, findings]) => ({
      rule,
      severity: findings.reduce<Severity>(
        (worst, f) => (SEVERITIES.indexOf(f.severity) < SEVERITIES.indexOf(worst) ? f.severity : worst),
        'info',
      ),
      findings,
    }));
}

function countsTable(report: AuditReport): string[] {
  const previous = report.options.previousCounts;
  const now = report.summary.counts;
  if (!previous) return ['No snapshot counts were given: object counts are not compared.'];
  const layers = [...new Set([...Object.keys(previous), ...Object.keys(now)])].sort();
  return table(
    ['Layer', 'Snapshot', 'Now', 'Difference'],
    layers.map((layer) => {
      const before = previous[layer] ?? 0;
      const after = now[layer] ?? 0;
      const diff = after - before;
      return [layer, String(before), String(after), diff > 0 ? `+${diff}` : String(diff)];
    }),
  );
}

/** The audit report as Markdown. */
export function renderAuditReport(audit: AuditSection, context: AuditContext): string {
  const { report } = audit;
  const lines = [
    `# Audit report`,
    '',
    `Engagement ${context.engagementId}${context.projectId ? `, project ${context.projectId}` : ''}. ` +
      `Audited copy: \`${audit.schema}\`; tolerance ${report.options.tolerance} m.`,
    '',
    '## Findings by severity',
    '',
    ...severityTable(report),
    '',
    '## Findings by rule',
    '',
  ];
  const groups = findingsByRule(report);
  if (groups.length === 0) lines.push('No rule found anything.', '');
  else {
    lines.push(
      ...table(
        ['Rule', 'Severity', 'What it checks', 'Findings'],
        groups.map((g) => [g.rule, g.severity, RULE_TITLES.get(g.rule) ?? '', String(g.findings.length)]),
      ),
      '',
    );
  }
  for (const group of groups) {
    lines.push(`### ${group.rule} — ${RULE_TITLES.get(group.rule) ?? group.rule} (${group.findings.length})`, '');
    const top = group.findings.slice(0, TOP_FINDINGS_PER_RULE);
    lines.push(
      ...table(
        ['Severity', 'Object', 'Location (E, N)', 'Finding'],
        top.map((f) => [f.severity, objectName(f), formatLocation(f.location), f.message]),
      ),
    );
    if (group.findings.length > top.length) lines.push('', `… and ${group.findings.length - top.length} more.`);
    lines.push('');
  }
  lines.push('## Object counts against the last good snapshot', '', ...countsTable(report), '');
  lines.push('## Analysis', '');
  if (context.analysis?.cause) lines.push(`- Cause: ${context.analysis.cause}`);
  if (context.analysis?.sources?.length) lines.push(`- Recovery sources: ${context.analysis.sources.join('; ')}`);
  if (context.lead) {
    lines.push(`- Recovery feasible: ${context.lead.recoveryFeasible ? 'yes' : 'no'}`);
    if (context.lead.summary) lines.push(`- Lead engineer: ${context.lead.summary}`);
  }
  lines.push('', '## Recovery', '');
  lines.push(
    context.noRecovery === null
      ? 'Recovery was performed: see the recovery report.'
      : `No recovery was performed: ${context.noRecovery}. This report is the deliverable.`,
  );
  return `${lines.join('\n')}\n`;
}

function auditLine(label: string, section: AuditSection | null, first: AuditReport): string[] {
  if (!section) return [];
  const s = section.report.summary;
  const f = first.summary;
  return [
    [
      label,
      `\`${section.schema}\``,
      ...SEVERITIES.map((sev) => `${s.bySeverity[sev]} (was ${f.bySeverity[sev]})`),
      `${s.total} (was ${f.total})`,
    ].join(' | '),
  ];
}

/** The recovery report as Markdown. */
export function renderRecoveryReport(facts: RecoveryFacts, first: AuditReport, engagementId: string): string {
  const restored = facts.merge.decisions.filter((d) => d.status === 'restored');
  const notRestored = facts.merge.decisions.filter((d) => d.status !== 'restored');
  const lines = [
    '# Recovery report',
    '',
    `Engagement ${engagementId}. Restored ${restored.length} of ${facts.merge.decisions.length} lost objects and records; ` +
      `${notRestored.length} not restored.`,
    '',
    '## Copies and checksums (sha256 of the canonical dump)',
    '',
    ...table(
      ['Copy', 'Schema', 'sha256', 'Verified'],
      [
        ...(facts.backup
          ? [['Evidence backup of the damaged database', facts.backup.schema, facts.backup.sha256, '—']]
          : []),
        ...(facts.restore
          ? [
              [
                'Last good snapshot restored to staging',
                facts.restore.schema,
                facts.restore.sha256,
                facts.restore.verified ? 'yes' : 'no',
              ],
            ]
          : []),
        ['Recovered staging (damaged copy + restored objects)', facts.merge.schema, facts.merge.sha256, '—'],
      ],
    ),
    '',
  ];
  if (facts.diff) {
    lines.push('## Differences between the snapshot and the damaged copy', '');
    lines.push(
      ...table(
        ['Table', 'Missing', 'Added', 'Changed'],
        Object.entries(facts.diff.counts).map(([t, c]) => [t, String(c.missing), String(c.added), String(c.changed)]),
      ),
      '',
      'Added and changed rows are the customer’s edits since the snapshot; the recovered copy keeps them.',
      '',
    );
  }
  lines.push(`## Restored (${restored.length})`, '');
  lines.push(
    ...(restored.length === 0
      ? ['Nothing was restored.']
      : table(
          ['Object', 'Kind', 'Location (E, N)', 'Rows'],
          restored.map((d) => [`${d.layer}/${d.id}`, d.kind, formatLocation(d.location), d.rows.join(', ')]),
        )),
    '',
    `## Not restored (${notRestored.length})`,
    '',
    ...(notRestored.length === 0
      ? ['Everything lost was restored.']
      : table(
          ['Object', 'Kind', 'Location (E, N)', 'Why not'],
          notRestored.map((d) => [`${d.layer}/${d.id}`, d.kind, formatLocation(d.location), d.reason ?? '']),
        )),
    '',
  );
  const audits = [
    ...auditLine('Re-audit of recovered staging', facts.reAudit, first),
    ...auditLine('Post-switch audit', facts.postAudit, first),
  ];
  lines.push('## Re-audit', '');
  if (audits.length === 0) lines.push('No re-audit was run.');
  else {
    lines.push(`| Audit | Schema | ${SEVERITIES.join(' | ')} | Total |`);
    lines.push(`| --- | --- | ${SEVERITIES.map(() => '---').join(' | ')} | --- |`);
    for (const line of audits) lines.push(`| ${line} |`);
    const last = facts.postAudit ?? facts.reAudit;
    if (last) {
      const open = findingsByRule(last.report).map((g) => `${g.rule} ${g.findings.length}`);
      lines.push('', open.length ? `Findings left by rule: ${open.join(', ')}.` : 'The last audit found nothing.');
    }
  }
  return `${lines.join('\n')}\n`;
}
