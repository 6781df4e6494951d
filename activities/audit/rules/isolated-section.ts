import { finding, type AuditRule } from './rule.ts';

/**
 * Isolated segments: a section that shares no node with any other section — a pipe floating alone,
 * typically a copy-paste leftover or a piece cut off by deleted neighbours.
 */
export const isolatedSection: AuditRule = {
  id: 'isolated-section',
  severity: 'major',
  title: 'Isolated section',
  check(context) {
    return context.sections
      .filter((section) => context.isIsolated(section))
      .map((section) =>
        finding(
          this,
          context.layerOf(section.id, 'sections'),
          section.id,
          context.sectionLocation(section),
          'section is connected to no other section',
        ),
      );
  },
};
