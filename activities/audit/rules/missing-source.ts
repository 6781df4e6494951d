import { SOURCE_NODE_KIND } from '../network-context.ts';
import { finding, type AuditRule } from './rule.ts';

/**
 * Hydraulic plausibility — every sub-network has a source: a connected part of a water or heat
 * network with no source node (for sewers: no outlet) cannot be calculated; every consumer in it
 * shows zero pressure. Single isolated sections are left to isolated-section.
 */
export const missingSource: AuditRule = {
  id: 'missing-source',
  severity: 'critical',
  title: 'Sub-network without a source',
  check(context) {
    const findings = [];
    for (const component of context.components) {
      if (component.sections.length < 2) continue;
      const kind = SOURCE_NODE_KIND[component.network];
      if ([...component.nodes].some((id) => context.nodes.get(id)?.kind === kind)) continue;
      const first = context.sectionById(component.sections[0]!)!;
      findings.push(
        finding(
          this,
          context.layerOf(first.id, 'sections'),
          first.id,
          context.sectionLocation(first),
          `${component.network} sub-network of ${component.sections.length} sections has no ${kind}`,
        ),
      );
    }
    return findings;
  },
};
