import { boxAround } from '../grid-index.ts';
import { distance } from '../geometry.ts';
import type { Finding } from '../model.ts';
import { finding, metres, type AuditRule } from './rule.ts';

/** Closer than this, two positions are the same (duplicate-geometry reports them). */
const SAME_POSITION_M = 0.001;

/**
 * Near-coincident nodes: two nodes closer than the tolerance (but not at the same position), not
 * joined by a section and neither a dead end (a dead end near a node is a gap). Usually one object
 * digitised twice, which splits the flow between two nodes that should be one. Reported on the node
 * later in id order.
 */
export const nearCoincidentNodes: AuditRule = {
  id: 'near-coincident-nodes',
  severity: 'minor',
  title: 'Nodes nearly coincide',
  check(context) {
    const findings: Finding[] = [];
    const tolerance = context.options.tolerance;
    for (const [id, position] of context.nodePositions) {
      if (context.degree.get(id) === 1) continue;
      const neighbours = new Set(
        (context.sectionsAt.get(id) ?? []).flatMap((sid) => {
          const s = context.sectionById(sid)!;
          return [s.fromNode, s.toNode];
        }),
      );
      for (const other of context.nodeGrid.query(boxAround(position[0], position[1], tolerance))) {
        if (other <= id || neighbours.has(other) || context.degree.get(other) === 1) continue;
        const d = distance(position, context.nodePositions.get(other)!);
        if (d < SAME_POSITION_M || d > tolerance) continue;
        findings.push(
          finding(
            this,
            context.layerOf(other, 'nodes'),
            other,
            context.nodePositions.get(other)!,
            `${metres(d)} from node ${id}`,
          ),
        );
      }
    }
    return findings;
  },
};
