import { anchorOf } from '../geometry.ts';
import { finding, type AuditRule } from './rule.ts';

/**
 * Objects without passport records: a feature of a layer that requires passports whose passport
 * reference is empty or points at no passport. The object is on the map but has no attributes for
 * inventory, maintenance or calculations.
 */
export const missingPassport: AuditRule = {
  id: 'missing-passport',
  severity: 'major',
  title: 'Object without a passport',
  check(context) {
    const passports = new Set(context.network.passports.map((p) => p.id));
    const findings = [];
    for (const feature of context.features.values()) {
      if (!context.layers.get(feature.layer)?.passportRequired) continue;
      if (feature.passportRef !== null && passports.has(feature.passportRef)) continue;
      const message =
        feature.passportRef === null ? 'object has no passport' : `passport ${feature.passportRef} does not exist`;
      findings.push(finding(this, feature.layer, feature.id, anchorOf(feature.geometry), message));
    }
    return findings;
  },
};
