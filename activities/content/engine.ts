/**
 * The content analysis engine: runs every check over a network held in memory, sorts the findings
 * and ranks what to do about them. Pure — no I/O, no clock — so the same rows give the same report.
 */
import { SEVERITIES, type AuditNetwork, type Severity } from '../audit/model.ts';
import { CONTENT_CHECKS, type ContentCheck } from './checks/index.ts';
import { ContentContext } from './content-context.ts';
import type { ContentFinding, ContentReport, ContentSummary, Recommendation } from './model.ts';
import { DEFAULT_THRESHOLDS, type ContentThresholds } from './thresholds.ts';

const SEVERITY_RANK: Record<Severity, number> = { critical: 0, major: 1, minor: 2, info: 3 };
const EXAMPLES = 10;

function compareFindings(a: ContentFinding, b: ContentFinding): number {
  return (
    SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
    a.rule.localeCompare(b.rule) ||
    a.object.layer.localeCompare(b.object.layer) ||
    (a.object.id ?? '').localeCompare(b.object.id ?? '')
  );
}

/** One recommendation per check that found something: most severe first, then the most objects. */
export function rankRecommendations(
  findings: readonly ContentFinding[],
  checks: readonly ContentCheck[] = CONTENT_CHECKS,
): Recommendation[] {
  const ranked = checks
    .map((check, order) => ({ check, order, found: findings.filter((f) => f.rule === check.id) }))
    .filter(({ found }) => found.length > 0)
    .sort(
      (a, b) =>
        SEVERITY_RANK[a.check.severity] - SEVERITY_RANK[b.check.severity] ||
        b.found.length - a.found.length ||
        a.order - b.order,
    );
  return ranked.map(({ check, found }, index) => ({
    rank: index + 1,
    rule: check.id,
    title: check.title,
    severity: check.severity,
    count: found.length,
    action: check.action,
    examples: found.slice(0, EXAMPLES).map((f) => `${f.object.layer}/${f.object.id ?? '-'}`),
  }));
}

function summarize(findings: readonly ContentFinding[], network: AuditNetwork): ContentSummary {
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  const byRule: Record<string, number> = {};
  for (const f of findings) {
    bySeverity[f.severity]++;
    byRule[f.rule] = (byRule[f.rule] ?? 0) + 1;
  }
  return {
    total: findings.length,
    bySeverity,
    byRule,
    sections: network.sections.length,
    nodes: network.nodes.length,
  };
}

/**
 * Analyses a network's content. `checks` narrows the run (the unit-slip property test runs those
 * alone); `onCheck` is called after each check (the activity heartbeats there).
 */
export function runContentAnalysis(
  network: AuditNetwork,
  thresholds: ContentThresholds = DEFAULT_THRESHOLDS,
  {
    checks = CONTENT_CHECKS,
    onCheck,
  }: { checks?: readonly ContentCheck[]; onCheck?: (checkId: string, done: number) => void } = {},
): ContentReport {
  const context = new ContentContext(network, thresholds);
  const findings: ContentFinding[] = [];
  const timings: Record<string, number> = {};
  checks.forEach((check, index) => {
    const started = performance.now();
    for (const found of check.check(context)) findings.push(found);
    timings[check.id] = Math.round((performance.now() - started) * 10) / 10;
    onCheck?.(check.id, index + 1);
  });
  findings.sort(compareFindings);
  const recommendations = rankRecommendations(findings, checks);
  return { summary: summarize(findings, network), recommendations, findings, thresholds, timings };
}
