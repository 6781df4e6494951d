/**
 * The audit's vocabulary: what a rule reports and what a run returns. The network the rules read is
 * the project schema's rows (db/project-schema.ts) plus the options below.
 */
import type { ProjectData } from '../../db/project-schema.ts';

export type Severity = 'critical' | 'major' | 'minor' | 'info';

export const SEVERITIES: readonly Severity[] = ['critical', 'major', 'minor', 'info'];

/** A planar point [x, y] in the project's CRS, metres (proj4 order: easting, northing). */
export type Point = readonly [number, number];

export interface Finding {
  rule: string;
  severity: Severity;
  /** The object the finding is about; `id` is null for a layer-wide finding (object counts). */
  object: { layer: string; id: string | null };
  /** Where to look, in the project's CRS; null when the object has no usable geometry or is a layer. */
  location: Point | null;
  message: string;
}

export interface AuditOptions {
  /** Snapping tolerance, metres: gaps and near-coincident nodes are looked for within it. */
  tolerance: number;
  /** Object counts per layer at the last good snapshot; absent → the count rule is skipped. */
  previousCounts?: Record<string, number> | undefined;
  /** The year an install year may not exceed (the audit's current year). */
  currentYear: number;
}

export const DEFAULT_TOLERANCE_M = 0.5;

/** What the rules read: the project's rows. */
export type AuditNetwork = Omit<ProjectData, 'crs'>;

/** An audit's findings counted, as step outputs and reports carry them: in all, per severity, per rule. */
export type FindingCounts = { total: number; byRule: Record<string, number> } & Record<Severity, number>;

export interface AuditSummary {
  total: number;
  bySeverity: Record<Severity, number>;
  byRule: Record<string, number>;
  /** Object counts per layer now, for the next run's `previousCounts`. */
  counts: Record<string, number>;
}

export interface AuditReport {
  summary: AuditSummary;
  /** Sorted by severity, rule, layer and id. */
  findings: Finding[];
  options: AuditOptions;
  /** Milliseconds per rule, for the benchmark and slow-rule hunting. */
  timings: Record<string, number>;
}
