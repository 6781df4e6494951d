import { finding, type AuditRule } from './rule.ts';

/**
 * Hydraulic plausibility — consumers have loads: a consumer node without a positive load takes no
 * water or heat in the calculation, so the network looks better supplied than it is.
 */
export const consumerLoadMissing: AuditRule = {
  id: 'consumer-load-missing',
  severity: 'major',
  title: 'Consumer without a load',
  check(context) {
    const findings = [];
    for (const node of context.nodes.values()) {
      if (node.kind !== 'consumer' || (node.load !== null && node.load > 0)) continue;
      findings.push(
        finding(
          this,
          context.layerOf(node.id, 'nodes'),
          node.id,
          context.nodePositions.get(node.id) ?? null,
          node.load === null ? 'consumer has no load' : `consumer load ${node.load} is not positive`,
        ),
      );
    }
    return findings;
  },
};
