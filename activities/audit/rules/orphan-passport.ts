import { finding, type AuditRule } from './rule.ts';

/**
 * Orphan attribute records: a passport no feature refers to — the object was deleted and its
 * attributes stayed, or the link was lost (then missing-passport shows the other half).
 */
export const orphanPassport: AuditRule = {
  id: 'orphan-passport',
  severity: 'minor',
  title: 'Passport without a feature',
  check(context) {
    const referenced = new Set<string>();
    for (const feature of context.features.values())
      if (feature.passportRef !== null) referenced.add(feature.passportRef);
    return context.network.passports
      .filter((passport) => !referenced.has(passport.id))
      .map((passport) => finding(this, 'passports', passport.id, null, 'no feature refers to this passport'));
  },
};
