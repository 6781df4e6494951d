import { boxOf } from '../grid-index.ts';
import { properCrossing } from '../geometry.ts';
import type { Finding } from '../model.ts';
import { finding, type AuditRule } from './rule.ts';

/**
 * Un-noded crossings: two sections of the same network whose lines cross without a node. Either a
 * missing junction (the model routes no flow through it) or two pipes at different depths that
 * need confirming. Sections of different networks cross freely. Reported once per pair, on the
 * section that comes later in id order.
 */
export const unnodedCrossing: AuditRule = {
  id: 'unnoded-crossing',
  severity: 'major',
  title: 'Sections cross without a node',
  check(context) {
    const findings: Finding[] = [];
    const reported = new Set<string>();
    const grid = context.segmentGrid;
    for (const segment of context.sections.flatMap((section, order) => {
      const line = context.sectionLines.get(section.id);
      return line ? line.slice(1).map((b, i) => ({ section, order, a: line[i]!, b })) : [];
    })) {
      for (const other of grid.query(boxOf([segment.a, segment.b]))) {
        if (other.order <= segment.order || other.section.network !== segment.section.network) continue;
        const at = properCrossing(segment.a, segment.b, other.a, other.b);
        if (!at) continue;
        const [first, second] = [segment.section.id, other.section.id].sort() as [string, string];
        const pair = `${first}\u0000${second}`;
        if (reported.has(pair)) continue;
        reported.add(pair);
        findings.push(
          finding(this, context.layerOf(second, 'sections'), second, at, `crosses section ${first} without a node`),
        );
      }
    }
    return findings;
  },
};
