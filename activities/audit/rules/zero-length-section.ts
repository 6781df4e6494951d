import { polylineLength } from '../geometry.ts';
import { finding, type AuditRule } from './rule.ts';

/** Shorter than this a section is a point: 1 mm. */
const MIN_LENGTH_M = 0.001;

/**
 * Zero-length pipes: a section whose line is shorter than a millimetre. It carries attributes and a
 * passport but no extent; hydraulic models divide by length, and editors cannot select it.
 */
export const zeroLengthSection: AuditRule = {
  id: 'zero-length-section',
  severity: 'major',
  title: 'Zero-length section',
  check(context) {
    const findings = [];
    for (const section of context.sections) {
      const line = context.sectionLines.get(section.id);
      if (line && polylineLength(line) < MIN_LENGTH_M) {
        findings.push(
          finding(this, context.layerOf(section.id, 'sections'), section.id, line[0]!, 'section has zero length'),
        );
      }
    }
    return findings;
  },
};
