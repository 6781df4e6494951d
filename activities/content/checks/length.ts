/**
 * Stored length against the length of the drawn line: a section whose `length_m` differs from its
 * geometry by more than 10 % and more than 2 m (both thresholds are data). A ratio near 1000 or
 * 1/1000 says kilometres or millimetres, near 100 or 1/100 centimetres.
 */
import { polylineLength } from '../../audit/geometry.ts';
import { figure } from '../content-context.ts';
import type { ContentFinding } from '../model.ts';
import { shown, type ContentCheck } from './check.ts';

const UNIT_HINTS: readonly { ratio: number; hint: string }[] = [
  { ratio: 1000, hint: 'millimetres?' },
  { ratio: 100, hint: 'centimetres?' },
  { ratio: 0.001, hint: 'kilometres?' },
];

export const lengthMismatch: ContentCheck = {
  id: 'length-mismatch',
  severity: 'minor',
  title: 'Stored length differs from the drawn line',
  action: 'Recompute these lengths from the geometry, or redraw the line where the stored length comes from a survey.',
  check(context) {
    const { lengthRelativeTolerance, lengthAbsoluteToleranceM } = context.thresholds;
    const findings: ContentFinding[] = [];
    for (const section of context.net.sections) {
      const stored = section.lengthM;
      const line = context.net.sectionLines.get(section.id);
      if (stored === null || !(stored > 0) || !line) continue;
      const drawn = polylineLength(line);
      if (!(drawn > 0)) continue;
      const difference = Math.abs(stored - drawn);
      if (difference <= lengthRelativeTolerance * drawn || difference <= lengthAbsoluteToleranceM) continue;
      const ratio = stored / drawn;
      const hint = UNIT_HINTS.find((u) => Math.abs(Math.log(ratio / u.ratio)) < Math.log(1.1))?.hint;
      findings.push(
        context.finding(this, {
          id: section.id,
          attribute: 'length_m',
          value: stored,
          expected: figure(drawn),
          location: context.net.sectionLocation(section),
          message: `stored length ${shown(stored)} m, drawn ${shown(drawn)} m (${shown(ratio)}×)${hint ? `: ${hint}` : ''}`,
          evidence: { drawnM: figure(drawn), ratio: figure(ratio), differenceM: figure(difference) },
        }),
      );
    }
    return findings;
  },
};
