import { finding, type AuditRule } from './rule.ts';

/**
 * Sections whose end nodes do not exist: a from/to node that is empty or names no node. The section
 * hangs in the graph: no connectivity, no hydraulics through it. Typical after a partial delete or
 * an import that lost the node layer's ids.
 */
export const missingEndNode: AuditRule = {
  id: 'missing-end-node',
  severity: 'critical',
  title: 'Section end node does not exist',
  check(context) {
    const findings = [];
    for (const section of context.sections) {
      const missing = (['fromNode', 'toNode'] as const).filter((end) => {
        const id = section[end];
        return id === null || !context.nodes.has(id);
      });
      if (missing.length === 0) continue;
      const names = missing.map((end) => `${end === 'fromNode' ? 'from' : 'to'} node ${section[end] ?? '(empty)'}`);
      findings.push(
        finding(
          this,
          context.layerOf(section.id, 'sections'),
          section.id,
          context.sectionLocation(section),
          `${names.join(' and ')} does not exist`,
        ),
      );
    }
    return findings;
  },
};
