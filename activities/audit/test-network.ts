/**
 * A small clean network for the rule tests: a 100 m square loop fed from a source on two sides, a
 * consumer and a hydrant on branches. Coordinates in LCS-63 Kharkiv around (300000, 5540000).
 */
import { runAudit } from './engine.ts';
import type { AuditOptions, Finding, Point } from './model.ts';
import { NetworkBuilder } from './network-builder.ts';
import type { AuditRule } from './rules/rule.ts';

export const X0 = 300_000;
export const Y0 = 5_540_000;
export const p = (dx: number, dy: number): Point => [X0 + dx, Y0 + dy];

export function squareNetwork(): NetworkBuilder {
  const b = new NetworkBuilder();
  b.node('J1', 'junction', p(0, 0));
  b.node('J2', 'junction', p(100, 0));
  b.node('J3', 'junction', p(100, 100));
  b.node('J4', 'junction', p(0, 100));
  b.node('SRC', 'source', p(-50, 50));
  b.node('C1', 'consumer', p(130, 20), { load: 2 });
  b.node('H1', 'hydrant', p(100, 130));
  b.section('S1', 'J1', 'J2');
  b.section('S2', 'J2', 'J3');
  b.section('S3', 'J3', 'J4');
  b.section('S4', 'J4', 'J1');
  b.section('S5', 'SRC', 'J1');
  b.section('S6', 'SRC', 'J4');
  b.section('S7', 'J2', 'C1', { diameterMm: 50, material: 'PE' });
  b.section('S8', 'J3', 'H1', { diameterMm: 100 });
  return b;
}

export const OPTIONS: AuditOptions = { tolerance: 0.5, currentYear: 2026 };

/** The findings of one rule on the builder's network, as `rule layer/id` strings. */
export function findingsOf(b: NetworkBuilder, rule: AuditRule, options: Partial<AuditOptions> = {}): Finding[] {
  return runAudit(b.data, { ...OPTIONS, ...options }, { rules: [rule] }).findings;
}

export function objects(findings: readonly Finding[]): string[] {
  return findings.map((f) => `${f.rule} ${f.object.layer}/${f.object.id ?? '-'}`);
}
