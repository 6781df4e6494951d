/**
 * Content analysis's vocabulary: what a check reports and what a run returns. A finding names the
 * object and the attribute it doubts, the stored value and the value that would be plausible, and
 * the evidence (class median, ratio, velocity, …) an engineer needs to judge it.
 */
import type { Point, Severity } from '../audit/model.ts';
import type { ContentThresholds } from './thresholds.ts';

/** The attribute a finding doubts, as the project schema names it (`velocity` is derived). */
export type ContentAttribute =
  'diameter_mm' | 'load' | 'length_m' | 'roughness_mm' | 'install_year' | 'inventory_number';

export interface ContentFinding {
  rule: string;
  severity: Severity;
  /** `id` is null for a layer-wide finding (a placeholder value). */
  object: { layer: string; id: string | null };
  attribute: ContentAttribute;
  /** The stored value. */
  value: number | string | null;
  /** A plausible value, where one can be named (the value in millimetres, the load ÷ 24, …). */
  expected: number | string | null;
  location: Point | null;
  message: string;
  /** The figures behind the finding, by name. */
  evidence: Record<string, number | string>;
}

/** What to do about one check's findings, ranked by severity and then by how many objects it concerns. */
export interface Recommendation {
  rank: number;
  rule: string;
  title: string;
  severity: Severity;
  count: number;
  action: string;
  /** Up to ten objects, as `layer/id`. */
  examples: string[];
}

export interface ContentSummary {
  total: number;
  bySeverity: Record<Severity, number>;
  byRule: Record<string, number>;
  /** Rows read: sections and nodes. */
  sections: number;
  nodes: number;
}

export interface ContentReport {
  summary: ContentSummary;
  recommendations: Recommendation[];
  /** Sorted by severity, rule, layer and id. */
  findings: ContentFinding[];
  thresholds: ContentThresholds;
  /** Milliseconds per check. */
  timings: Record<string, number>;
}
