import { finding, type AuditRule } from './rule.ts';

/** A layer that lost at least this share of its objects since the snapshot is critical. */
const CRITICAL_SHARE = 0.05;

/**
 * Object counts vs the last good snapshot: a layer with fewer objects than the snapshot had (critical
 * when it lost 5 % or more, or everything). The plainest sign of data loss; growth is ordinary
 * editing and is not reported. Skipped when no snapshot counts are given.
 */
export const objectCountDrop: AuditRule = {
  id: 'object-count-drop',
  severity: 'major',
  title: 'Fewer objects than at the last snapshot',
  check(context) {
    const previous = context.options.previousCounts;
    if (!previous) return [];
    const counts = new Map<string, number>();
    for (const feature of context.features.values()) counts.set(feature.layer, (counts.get(feature.layer) ?? 0) + 1);
    const findings = [];
    for (const [layer, before] of Object.entries(previous).sort(([a], [b]) => a.localeCompare(b))) {
      const now = counts.get(layer) ?? 0;
      if (now >= before) continue;
      const lost = before - now;
      findings.push(
        finding(
          this,
          layer,
          null,
          null,
          `${now} objects, ${before} at the last snapshot: ${lost} missing`,
          lost >= before * CRITICAL_SHARE || now === 0 ? 'critical' : 'major',
        ),
      );
    }
    return findings;
  },
};
