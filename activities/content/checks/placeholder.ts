/**
 * Placeholder values: one install year on a large share of a layer's pipes, or one load on a large
 * share of a consumer class — the value a form or an import filled in when nobody knew. Reported
 * once per layer or class (the rows are listed as evidence), and the rows' values count as
 * explained, so the other checks do not report each of them again.
 */
import type { ContentContext } from '../content-context.ts';
import type { ContentAttribute, ContentFinding } from '../model.ts';
import { shown, type ContentCheck } from './check.ts';

interface Row {
  id: string;
  value: number;
}

function placeholderOf(
  check: ContentCheck,
  context: ContentContext,
  group: string,
  attribute: ContentAttribute,
  rows: readonly Row[],
  what: string,
): ContentFinding | null {
  const { placeholderShare, placeholderDominance, placeholderMinRows } = context.thresholds;
  if (rows.length < placeholderMinRows) return null;
  const counts = new Map<number, number>();
  for (const row of rows) counts.set(row.value, (counts.get(row.value) ?? 0) + 1);
  const ranked = [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  const [value, count] = ranked[0]!;
  const next = ranked[1]?.[1] ?? 0;
  const share = count / rows.length;
  if (share < placeholderShare || count < placeholderDominance * next) return null;
  const holders = rows.filter((row) => row.value === value).map((row) => row.id);
  const found = context.finding(check, {
    id: null,
    layer: group,
    attribute,
    value,
    expected: null,
    location: null,
    message: `${what} ${shown(value)} on ${count} of ${rows.length} rows (${Math.round(share * 100)} %), the next most common value on ${next}`,
    evidence: {
      rows: count,
      share: Number(share.toFixed(3)),
      layerRows: rows.length,
      nextMostCommon: next,
      first: holders.slice(0, 10).join(' '),
    },
  });
  for (const id of holders) context.explain(id, attribute);
  return found;
}

export const placeholderValue: ContentCheck = {
  id: 'placeholder-value',
  severity: 'minor',
  title: 'One value on a large share of rows (a placeholder)',
  action:
    'Replace the placeholder with real values from the passports and archives, or clear it so it reads as unknown.',
  check(context) {
    const findings: ContentFinding[] = [];
    const years = new Map<string, Row[]>();
    for (const section of context.net.sections) {
      if (section.installYear === null) continue;
      const layer = context.net.layerOf(section.id, 'sections');
      const list = years.get(layer) ?? [];
      list.push({ id: section.id, value: section.installYear });
      years.set(layer, list);
    }
    for (const [layer, rows] of years) {
      const found = placeholderOf(this, context, layer, 'install_year', rows, 'install year');
      if (found) findings.push(found);
    }
    for (const [loadClass, nodes] of context.consumersByClass()) {
      const rows = nodes.map((node) => ({ id: node.id, value: node.load! }));
      const found = placeholderOf(this, context, loadClass, 'load', rows, 'load');
      if (found) findings.push(found);
    }
    return findings;
  },
};
