/**
 * The audit engine: runs every rule over a network held in memory and sorts the findings. Pure — no
 * I/O, no clock (the current year comes in the options) — so the same rows give the same report.
 */
import { SEVERITIES } from './model.ts';
import type { AuditNetwork, AuditOptions, AuditReport, AuditSummary, Finding, Severity } from './model.ts';
import { NetworkContext } from './network-context.ts';
import { AUDIT_RULES, type AuditRule } from './rules/index.ts';

const SEVERITY_RANK: Record<Severity, number> = { critical: 0, major: 1, minor: 2, info: 3 };

function compareFindings(a: Finding, b: Finding): number {
  return (
    SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
    a.rule.localeCompare(b.rule) ||
    a.object.layer.localeCompare(b.object.layer) ||
    (a.object.id ?? '').localeCompare(b.object.id ?? '')
  );
}

/** Object counts per layer. */
export function countObjects(network: AuditNetwork): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const feature of network.features) counts[feature.layer] = (counts[feature.layer] ?? 0) + 1;
  return counts;
}

export function summarize(findings: readonly Finding[], counts: Record<string, number>): AuditSummary {
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  const byRule: Record<string, number> = {};
  for (const f of findings) {
    bySeverity[f.severity]++;
    byRule[f.rule] = (byRule[f.rule] ?? 0) + 1;
  }
  return { total: findings.length, bySeverity, byRule, counts };
}

/**
 * Audits a network. `onRule` is called after each rule (the activity heartbeats there).
 * `rules` narrows the run to some rules (by id); the default is all.
 */
export function runAudit(
  network: AuditNetwork,
  options: AuditOptions,
  {
    rules = AUDIT_RULES,
    onRule,
  }: { rules?: readonly AuditRule[]; onRule?: (ruleId: string, done: number) => void } = {},
): AuditReport {
  const context = new NetworkContext(network, options);
  const findings: Finding[] = [];
  const timings: Record<string, number> = {};
  rules.forEach((rule, index) => {
    const started = performance.now();
    for (const found of rule.check(context)) findings.push(found);
    timings[rule.id] = Math.round((performance.now() - started) * 10) / 10;
    onRule?.(rule.id, index + 1);
  });
  findings.sort(compareFindings);
  return { summary: summarize(findings, countObjects(network)), findings, options, timings };
}
