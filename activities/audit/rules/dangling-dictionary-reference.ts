import { finding, type AuditRule } from './rule.ts';

/**
 * Dangling dictionary references: a section's material code that is not in the `material`
 * dictionary — the code list entry was deleted or the code was typed by hand. Reports, maps and
 * roughness defaults keyed on the material lose the section.
 */
export const danglingDictionaryReference: AuditRule = {
  id: 'dangling-dictionary-reference',
  severity: 'major',
  title: 'Code missing from its dictionary',
  check(context) {
    const materials = new Set(
      context.network.dictionaries.filter((d) => d.dictionary === 'material').map((d) => d.code),
    );
    return context.sections
      .filter((section) => section.material !== null && !materials.has(section.material))
      .map((section) =>
        finding(
          this,
          context.layerOf(section.id, 'sections'),
          section.id,
          context.sectionLocation(section),
          `material code ${section.material} is not in the material dictionary`,
        ),
      );
  },
};
