import { finding, type AuditRule } from './rule.ts';

/**
 * Hydraulic plausibility — pipes have diameter and roughness: a section without a diameter or
 * without a roughness (empty or zero) cannot enter a hydraulic calculation.
 */
export const pipeParametersMissing: AuditRule = {
  id: 'pipe-parameters-missing',
  severity: 'major',
  title: 'Pipe without diameter or roughness',
  check(context) {
    const findings = [];
    for (const section of context.sections) {
      const missing = [];
      if (!section.diameterMm) missing.push('diameter');
      if (!section.roughnessMm) missing.push('roughness');
      if (missing.length === 0) continue;
      findings.push(
        finding(
          this,
          context.layerOf(section.id, 'sections'),
          section.id,
          context.sectionLocation(section),
          `no ${missing.join(' and no ')}`,
        ),
      );
    }
    return findings;
  },
};
