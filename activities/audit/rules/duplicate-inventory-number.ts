import { anchorOf } from '../geometry.ts';
import type { Finding } from '../model.ts';
import { finding, type AuditRule } from './rule.ts';

/**
 * Duplicate inventory numbers: two features with the same inventory number, which must identify one
 * asset in the utility's books. Reported on every holder after the first in id order.
 */
export const duplicateInventoryNumber: AuditRule = {
  id: 'duplicate-inventory-number',
  severity: 'major',
  title: 'Duplicate inventory number',
  check(context) {
    const first = new Map<string, string>();
    const findings: Finding[] = [];
    const features = [...context.features.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    for (const feature of features) {
      const number = feature.inventoryNumber?.trim();
      if (!number) continue;
      const holder = first.get(number);
      if (holder === undefined) first.set(number, feature.id);
      else {
        findings.push(
          finding(
            this,
            feature.layer,
            feature.id,
            anchorOf(feature.geometry),
            `inventory number ${number} also on ${holder}`,
          ),
        );
      }
    }
    return findings;
  },
};
