/**
 * Material against installation year: a pipe of a material laid before the material came into use
 * (polyethylene before about 1970) or after it went out of use. The eras are data
 * (thresholds.ts `materialEras`), each with its basis, which the finding quotes.
 */
import type { ContentFinding } from '../model.ts';
import type { ContentCheck } from './check.ts';

export const materialYear: ContentCheck = {
  id: 'material-year',
  severity: 'minor',
  title: 'Material implausible for the installation year',
  action: 'Check the material and the installation year of these pipes in the passports; one of the two is wrong.',
  check(context) {
    const eras = new Map(context.thresholds.materialEras.map((era) => [era.material, era]));
    const findings: ContentFinding[] = [];
    for (const section of context.net.sections) {
      const year = section.installYear;
      const era = section.material === null ? undefined : eras.get(section.material);
      if (year === null || !era || context.explained(section.id, 'install_year')) continue;
      const early = era.from !== undefined && year < era.from;
      const late = era.until !== undefined && year > era.until;
      if (!early && !late) continue;
      findings.push(
        context.finding(this, {
          id: section.id,
          attribute: 'install_year',
          value: year,
          expected: early ? `≥ ${era.from}` : `≤ ${era.until}`,
          location: context.net.sectionLocation(section),
          message: `${era.material} laid in ${year}: ${era.basis}`,
          evidence: { material: era.material, ...(early ? { from: era.from! } : { until: era.until! }) },
        }),
      );
    }
    return findings;
  },
};
