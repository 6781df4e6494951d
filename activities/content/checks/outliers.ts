/**
 * Robust outliers per class: a roughness far from the others of its material in its network, a
 * load far from the others of its consumer class (on a log scale, as loads spread by factors). An
 * outlier has |modified z| = |0.6745·(x − median)/MAD| above 3.5 (Iglewicz–Hoaglin) and differs from
 * the median by more than half of it; classes smaller than the minimum class size are not judged.
 */
import { figure, loadUnit, type ContentContext } from '../content-context.ts';
import type { ContentAttribute, ContentFinding } from '../model.ts';
import { modifiedZ, robustScale } from '../robust.ts';
import { shown, type ContentCheck } from './check.ts';

interface Member {
  id: string;
  value: number;
}

function outliersOf(
  check: ContentCheck,
  context: ContentContext,
  attribute: ContentAttribute,
  className: string,
  members: readonly Member[],
  log: boolean,
  describe: (value: number, median: number) => string,
): ContentFinding[] {
  const { outlierZ, outlierMinRelativeDeviation, minClassSize } = context.thresholds;
  const open = members.filter((m) => !context.explained(m.id, attribute));
  if (open.length < minClassSize) return [];
  const scale = robustScale(open.map((m) => (log ? Math.log(m.value) : m.value)));
  const median = log ? Math.exp(scale.median) : scale.median;
  const findings: ContentFinding[] = [];
  for (const member of open) {
    const z = modifiedZ(log ? Math.log(member.value) : member.value, scale);
    if (!(Math.abs(z) > outlierZ)) continue;
    if (!(Math.abs(member.value - median) > outlierMinRelativeDeviation * median)) continue;
    const section = context.net.sectionById(member.id);
    findings.push(
      context.finding(check, {
        id: member.id,
        attribute,
        value: member.value,
        expected: figure(median),
        location: section ? context.net.sectionLocation(section) : context.nodeLocation(member.id),
        message: `${describe(member.value, median)} (modified z ${shown(z)})`,
        evidence: { class: className, classMedian: figure(median), classSize: open.length, modifiedZ: figure(z) },
      }),
    );
  }
  return findings;
}

export const classOutlier: ContentCheck = {
  id: 'class-outlier',
  severity: 'minor',
  title: 'Value far from the others of its class',
  action: 'Check these values against the passports; correct typing errors, and note real exceptions in the passport.',
  check(context) {
    const findings: ContentFinding[] = [];
    const roughness = new Map<string, Member[]>();
    for (const section of context.net.sections) {
      if (section.material === null || section.roughnessMm === null || !(section.roughnessMm > 0)) continue;
      const key = `${section.network} ${section.material}`;
      const list = roughness.get(key) ?? [];
      list.push({ id: section.id, value: section.roughnessMm });
      roughness.set(key, list);
    }
    for (const [key, members] of roughness) {
      findings.push(
        ...outliersOf(this, context, 'roughness_mm', key, members, false, (value, median) => {
          return `roughness ${shown(value)} mm, the ${key} pipes have ${shown(median)} mm`;
        }),
      );
    }
    for (const [loadClass, nodes] of context.consumersByClass()) {
      const members = nodes.map((node) => ({ id: node.id, value: context.loadOf(node)! }));
      findings.push(
        ...outliersOf(this, context, 'load', loadClass, members, true, (value, median) => {
          const unit = loadUnit(context.networkOf(members[0]!.id));
          return `load ${shown(value)} ${unit}, the median of ${loadClass} is ${shown(median)} ${unit}`;
        }),
      );
    }
    return findings;
  },
};
