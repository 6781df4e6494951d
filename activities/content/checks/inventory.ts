/**
 * Inventory numbers that should differ and do not quite: equal once Cyrillic/Latin look-alikes,
 * case and spaces are folded (exactly equal numbers are the audit's duplicate finding), or one
 * character more, one less or two neighbours swapped on an object of the same layer nearby — the
 * same asset entered twice with a typo.
 */
import type { FeatureRow } from '../../../db/project-schema.ts';
import { anchorOf, distance } from '../../audit/geometry.ts';
import { figure, type ContentContext } from '../content-context.ts';
import { foldInventoryNumber, oneEditApart } from '../inventory-numbers.ts';
import { GridIndex, boxAround, boxOf } from '../../audit/grid-index.ts';
import type { ContentFinding } from '../model.ts';
import type { ContentCheck } from './check.ts';

interface Entry {
  feature: FeatureRow;
  raw: string;
  folded: string;
}

/** Features with an inventory number, folded, in id order; built once per run for both checks. */
function numbered(context: ContentContext): readonly Entry[] {
  return context.shared('inventory-numbers', () => {
    const list: Entry[] = [];
    for (const feature of context.net.features.values()) {
      const raw = feature.inventoryNumber?.trim();
      if (raw) list.push({ feature, raw, folded: foldInventoryNumber(raw) });
    }
    return list.sort((a, b) => (a.feature.id < b.feature.id ? -1 : a.feature.id > b.feature.id ? 1 : 0));
  });
}

export const inventoryLookAlike: ContentCheck = {
  id: 'inventory-look-alike',
  severity: 'major',
  title: 'Inventory number equal to another after folding look-alike letters',
  action:
    'Decide which object owns the number and renumber the other; type inventory numbers in one alphabet (a keyboard layout rule for editors).',
  check(context) {
    const first = new Map<string, { feature: FeatureRow; raw: string }>();
    const findings: ContentFinding[] = [];
    for (const { feature, raw, folded } of numbered(context)) {
      const holder = first.get(folded);
      if (!holder) {
        first.set(folded, { feature, raw });
        continue;
      }
      if (holder.raw === raw) continue;
      findings.push(
        context.finding(this, {
          id: feature.id,
          layer: feature.layer,
          attribute: 'inventory_number',
          value: raw,
          expected: null,
          location: anchorOf(feature.geometry),
          message: `inventory number ${raw} reads as ${holder.raw} of ${holder.feature.id}`,
          evidence: { sameAs: holder.feature.id, numberOfOther: holder.raw, folded },
        }),
      );
    }
    return findings;
  },
};

export const inventoryOneEdit: ContentCheck = {
  id: 'inventory-one-edit',
  severity: 'minor',
  title: 'Inventory number one keystroke from a neighbour of the same layer',
  action: 'Check whether these are one asset entered twice; delete the copy or correct the number.',
  check(context) {
    const { inventoryNeighbourM } = context.thresholds;
    const located = numbered(context).flatMap((entry) => {
      const at = context.locationOf(entry.feature.id);
      return at ? [{ ...entry, at }] : [];
    });
    const grid = new GridIndex<(typeof located)[number]>(boxOf(located.map((entry) => entry.at)), inventoryNeighbourM);
    for (const entry of located) grid.insert(boxAround(entry.at[0], entry.at[1], 0), entry);
    const findings: ContentFinding[] = [];
    for (const entry of located) {
      for (const other of grid.query(boxAround(entry.at[0], entry.at[1], inventoryNeighbourM))) {
        // Each pair once, reported on the later id.
        if (!(other.feature.id > entry.feature.id) || other.feature.layer !== entry.feature.layer) continue;
        const apart = distance(entry.at, other.at);
        if (apart > inventoryNeighbourM) continue;
        const edit = oneEditApart(entry.folded, other.folded);
        if (!edit || context.explained(other.feature.id, 'inventory_number')) continue;
        findings.push(
          context.finding(this, {
            id: other.feature.id,
            layer: other.feature.layer,
            attribute: 'inventory_number',
            value: other.raw,
            expected: null,
            location: other.at,
            message: `inventory number ${other.raw}: ${edit} than ${entry.raw} of ${entry.feature.id}, ${figure(apart)} m away`,
            evidence: { similarTo: entry.feature.id, numberOfOther: entry.raw, distanceM: figure(apart) },
          }),
        );
      }
    }
    return findings;
  },
};
