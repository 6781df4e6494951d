import { finding, metres, type AuditRule } from './rule.ts';

/**
 * Gaps within tolerance: a dead-end node within the snapping tolerance of another node or section
 * it is not connected to — an undershoot that breaks the network's connectivity while looking
 * connected on the map.
 */
export const gap: AuditRule = {
  id: 'gap',
  severity: 'major',
  title: 'Gap within tolerance',
  check(context) {
    const findings = [];
    for (const [id, target] of context.gaps) {
      findings.push(
        finding(
          this,
          context.layerOf(id, 'nodes'),
          id,
          context.nodePositions.get(id)!,
          `dead end ${metres(target.distance)} from ${target.kind} ${target.id}, not connected`,
        ),
      );
    }
    return findings;
  },
};
