import { TERMINAL_NODE_KINDS } from '../network-context.ts';
import { finding, type AuditRule } from './rule.ts';

/**
 * Dangles: a section end at a node that connects to nothing else and is not a kind that may end a
 * line (source, consumer, hydrant, plug, outlet), with nothing within tolerance either (that would
 * be a gap). Usually an unfinished edit or a deleted neighbour. Ends of isolated sections are
 * reported as the isolated section, not as dangles.
 */
export const dangle: AuditRule = {
  id: 'dangle',
  severity: 'minor',
  title: 'Dangling section end',
  check(context) {
    const findings = [];
    for (const [id, position] of context.nodePositions) {
      if (context.degree.get(id) !== 1 || context.gaps.has(id)) continue;
      const kind = context.nodes.get(id)!.kind;
      if (TERMINAL_NODE_KINDS.has(kind)) continue;
      const section = context.sectionById(context.sectionsAt.get(id)![0]!)!;
      if (context.isIsolated(section)) continue;
      findings.push(
        finding(
          this,
          context.layerOf(id, 'nodes'),
          id,
          position,
          `${kind} node ends section ${section.id} and touches nothing`,
        ),
      );
    }
    return findings;
  },
};
