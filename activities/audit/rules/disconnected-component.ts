import { SOURCE_NODE_KIND, type Component } from '../network-context.ts';
import type { Finding } from '../model.ts';
import { finding, type AuditRule } from './rule.ts';

/**
 * Disconnected components: per network (water, heat, sewer), every connected part other than the
 * largest. A part with its own source may be a separate supply zone (info: confirm it); one without
 * is cut off from supply (major, and missing-source says so too). Single sections are reported as
 * isolated sections instead.
 */
export const disconnectedComponent: AuditRule = {
  id: 'disconnected-component',
  severity: 'major',
  title: 'Part of a network disconnected from the rest',
  check(context) {
    const findings: Finding[] = [];
    const byNetwork = new Map<string, Component[]>();
    for (const component of context.components) {
      byNetwork.set(component.network, [...(byNetwork.get(component.network) ?? []), component]);
    }
    for (const [network, components] of byNetwork) {
      const sorted = [...components].sort(
        (a, b) => b.sections.length - a.sections.length || a.sections[0]!.localeCompare(b.sections[0]!),
      );
      for (const component of sorted.slice(1)) {
        if (component.sections.length < 2) continue;
        const hasSource = [...component.nodes].some(
          (id) => context.nodes.get(id)?.kind === SOURCE_NODE_KIND[component.network],
        );
        const first = context.sectionById(component.sections[0]!)!;
        findings.push(
          finding(
            this,
            context.layerOf(first.id, 'sections'),
            first.id,
            context.sectionLocation(first),
            `${network} network part of ${component.sections.length} sections is not connected to the main part` +
              (hasSource ? ' (it has its own source)' : ''),
            hasSource ? 'info' : 'major',
          ),
        );
      }
    }
    return findings;
  },
};
