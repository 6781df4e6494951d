import type { SectionRow } from '../../../db/project-schema.ts';
import { finding, type AuditRule } from './rule.ts';

/**
 * Attribute domain violations of sections: a diameter that is negative or not a nominal diameter of
 * the `diameter` dictionary, a material not allowed in the section's network (e.g. pre-insulated
 * heat pipe in a water network), a negative length, an install year in the future. Each one makes
 * reports and calculations quietly wrong. Missing values are hydraulic findings, not domain ones.
 */
export const attributeDomain: AuditRule = {
  id: 'attribute-domain',
  severity: 'major',
  title: 'Attribute outside its domain',
  check(context) {
    const dictionaries = context.network.dictionaries;
    const nominal = dictionaries.filter((d) => d.dictionary === 'diameter' && d.value !== null).map((d) => d.value!);
    const materials = new Map(dictionaries.filter((d) => d.dictionary === 'material').map((d) => [d.code, d]));
    const problems = (section: SectionRow): string[] => {
      const found: string[] = [];
      const diameter = section.diameterMm;
      if (diameter !== null && diameter < 0) found.push(`negative diameter ${diameter} mm`);
      else if (
        diameter !== null &&
        diameter > 0 &&
        nominal.length > 0 &&
        !nominal.some((n) => Math.abs(n - diameter) < 1e-6)
      ) {
        found.push(`unknown diameter ${diameter} mm`);
      }
      const material = section.material === null ? undefined : materials.get(section.material);
      if (material?.networks && !material.networks.includes(section.network)) {
        found.push(`material ${material.code} is not used in ${section.network} networks`);
      }
      if (section.lengthM !== null && section.lengthM < 0) found.push(`negative length ${section.lengthM} m`);
      if (section.installYear !== null && section.installYear > context.options.currentYear) {
        found.push(`install year ${section.installYear} is in the future`);
      }
      return found;
    };
    const findings = [];
    for (const section of context.sections) {
      const found = problems(section);
      if (found.length === 0) continue;
      findings.push(
        finding(
          this,
          context.layerOf(section.id, 'sections'),
          section.id,
          context.sectionLocation(section),
          found.join('; '),
        ),
      );
    }
    return findings;
  },
};
