/**
 * `audit.buildReport`: the deliverables of an X-AUDIT engagement — the audit report by rule and
 * severity and, when data was recovered, the recovery report — as Markdown and JSON artifacts of the
 * step. Reads the reports the earlier steps stored (by artifact id); the text is a pure function of
 * them, so a retry stores nothing twice and returns the same references.
 */
import { selectArtifactContent } from '../../db/queries/artifacts.ts';
import { artifactRef, storeFile, storeJson, type ArtifactRef } from '../artifacts.ts';
import type { ActivityDeps, BusinessActivityInput } from '../context.ts';
import { fail } from '../project-schemas.ts';
import type { MergeReport } from './merge.ts';
import type { AuditReport } from './model.ts';
import {
  renderAuditReport,
  renderRecoveryReport,
  TOP_FINDINGS_PER_RULE,
  type AuditContext,
  type AuditSection,
} from './report.ts';

/** An earlier step's output that names its stored report. */
interface WithReport {
  report: { id: number };
}

export interface BuildReportInput {
  /** The first audit run (`audit.run` output). */
  audit: WithReport;
  analysis?: AuditContext['analysis'];
  /** The lead's feasibility decision (the `lead-review` result). */
  lead?: AuditContext['lead'];
  /** The customer's recovery approval (decision and comments). */
  recoveryDecision?: { decision?: string; decisions?: { comment?: string | null }[] } | null;
  backup?: { schema: string; sha256: string } | null;
  restore?: { schema: string; sha256: string; verified: boolean } | null;
  diff?: { missing: number; added: number; changed: number; counts: Record<string, Record<string, number>> } | null;
  merge?: WithReport | null;
  reAudit?: WithReport | null;
  postAudit?: WithReport | null;
  /** The post-switch audit as definitions before version 3 pass it. */
  recovered?: WithReport | null;
}

export interface BuildReportOutput {
  recovered: boolean;
  /** Why no recovery was done; null when it was. */
  noRecovery: string | null;
  findings: number;
  restored: number;
  notRestored: number;
  auditReport: ArtifactRef;
  auditSummary: ArtifactRef;
  recoveryReport: ArtifactRef | null;
  recoverySummary: ArtifactRef | null;
}

function noRecoveryReason(input: BuildReportInput): string {
  if (input.lead && input.lead.recoveryFeasible === false) {
    return `the lead engineer judged recovery not feasible${input.lead.summary ? ` (${input.lead.summary})` : ''}`;
  }
  if (input.recoveryDecision?.decision === 'rejected') {
    const comment = input.recoveryDecision.decisions?.find((d) => d.comment)?.comment;
    return `the customer declined the recovery${comment ? ` (${comment})` : ''}`;
  }
  return 'no recovery step ran';
}

export function createReportActivities(deps: ActivityDeps) {
  const { pool } = deps;
  const readStored = async <T>(ref: WithReport | null | undefined, what: string): Promise<T | null> => {
    if (!ref) return null;
    const id = ref.report?.id;
    if (typeof id !== 'number') fail(`${what} names no stored report (report.id)`, 'audit-input-invalid');
    const content = await selectArtifactContent(pool, id);
    if (!content) fail(`the ${what} report (artifact ${id}) is not stored`, 'audit-input-invalid');
    return JSON.parse(content.toString('utf8')) as T;
  };

  return {
    /** Writes audit-report.md/audit-summary.json and, after a recovery, recovery-report.md/.json. */
    async 'audit.buildReport'({
      input,
      engagement,
    }: BusinessActivityInput<BuildReportInput>): Promise<BuildReportOutput> {
      const audit = await readStored<AuditSection>(input.audit, 'audit');
      if (!audit) fail('audit.buildReport needs the audit run (audit)', 'audit-input-invalid');
      const merge = await readStored<MergeReport>(input.merge, 'merge');
      const reAudit = await readStored<AuditSection>(input.reAudit, 're-audit');
      const postAudit = await readStored<AuditSection>(input.postAudit ?? input.recovered, 'post-switch audit');
      const noRecovery = merge ? null : noRecoveryReason(input);
      const context: AuditContext = {
        engagementId: engagement.id,
        projectId: engagement.projectId,
        analysis: input.analysis ?? null,
        lead: input.lead ?? null,
        noRecovery,
      };

      const markdown = (name: string, text: string) =>
        storeFile(pool, engagement, { kind: 'report', name, mediaType: 'text/markdown', content: Buffer.from(text) });
      const auditReport = await markdown('audit-report.md', renderAuditReport(audit, context));
      const auditSummary = await storeJson(pool, engagement, 'report', 'audit-summary.json', {
        ...context,
        schema: audit.schema,
        summary: audit.report.summary,
        previousCounts: audit.report.options.previousCounts ?? null,
        topFindings: topFindings(audit.report),
      });

      let recoveryReport = null;
      let recoverySummary = null;
      const decisions = merge?.decisions ?? [];
      if (merge) {
        const facts = {
          backup: input.backup ?? null,
          restore: input.restore ?? null,
          diff: input.diff ?? null,
          merge,
          reAudit,
          postAudit,
        };
        recoveryReport = await markdown('recovery-report.md', renderRecoveryReport(facts, audit.report, engagement.id));
        recoverySummary = await storeJson(pool, engagement, 'report', 'recovery-report.json', {
          engagementId: engagement.id,
          backup: facts.backup,
          restore: facts.restore,
          diff: facts.diff && { missing: facts.diff.missing, added: facts.diff.added, changed: facts.diff.changed },
          recovered: { schema: merge.schema, sha256: merge.sha256, written: merge.written },
          restored: decisions.filter((d) => d.status === 'restored'),
          notRestored: decisions.filter((d) => d.status !== 'restored'),
          reAudit: reAudit && { schema: reAudit.schema, summary: reAudit.report.summary },
          postAudit: postAudit && { schema: postAudit.schema, summary: postAudit.report.summary },
        });
      }
      const restored = decisions.filter((d) => d.status === 'restored').length;
      return {
        recovered: merge !== null,
        noRecovery,
        findings: audit.report.summary.total,
        restored,
        notRestored: decisions.length - restored,
        auditReport: artifactRef(auditReport),
        auditSummary: artifactRef(auditSummary),
        recoveryReport: recoveryReport && artifactRef(recoveryReport),
        recoverySummary: recoverySummary && artifactRef(recoverySummary),
      };
    },
  };
}

/** The first findings of each rule, as the Markdown lists them. */
function topFindings(report: AuditReport): Record<string, AuditReport['findings']> {
  const top: Record<string, AuditReport['findings']> = {};
  for (const f of report.findings) {
    const list = (top[f.rule] ??= []);
    if (list.length < TOP_FINDINGS_PER_RULE) list.push(f);
  }
  return top;
}
