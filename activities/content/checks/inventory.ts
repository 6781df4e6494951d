/**
 * Inventory numbers that should differ and do not quite: equal once Cyrillic/Latin look-alikes,
 * case and spaces are folded (exactly equal numbers are the audit's duplicate finding), or one
 * character more, one less or two neighbours swapped on an object of the same layer nearby — the
 * same asset entered twice with a typo.
 */
import type { FeatureRow } from '../../../db/project-schema.ts';
import { anchorOf, distance } from '../../audit/geometry.ts';
import { figure } from '../content-context.ts';
import { foldInventoryNumber, oneEditVariants } from '../inventory-numbers.ts';
import type { ContentFinding } from '../model.ts';
import type { ContentCheck } from './check.ts';

interface Entry {
  feature: FeatureRow;
  raw: string;
  folded: string;
}

function numbered(features: Iterable<FeatureRow>): Entry[] {
  const list: Entry[] = [];
  for (const feature of features) {
    const raw = feature.inventoryNumber?.trim();
    if (raw) list.push({ feature, raw, folded: foldInventoryNumber(raw) });
  }
  return list.sort((a, b) => (a.feature.id < b.feature.id ? -1 : a.feature.id > b.feature.id ? 1 : 0));
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
    for (const { feature, raw, folded } of numbered(context.net.features.values())) {
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
    const all = numbered(context.net.features.values());
    const byFolded = new Map<string, Entry[]>();
    for (const entry of all) {
      const list = byFolded.get(entry.folded);
      if (list) list.push(entry);
      else byFolded.set(entry.folded, [entry]);
    }
    const findings: ContentFinding[] = [];
    const report = (entry: Entry, other: Entry, edit: string): void => {
      if (other.feature.layer !== entry.feature.layer) return;
      const a = context.locationOf(entry.feature.id);
      const b = context.locationOf(other.feature.id);
      if (!a || !b) return;
      const apart = distance(a, b);
      if (apart > inventoryNeighbourM) return;
      const [earlier, later] = other.feature.id < entry.feature.id ? [other, entry] : [entry, other];
      if (context.explained(later.feature.id, 'inventory_number')) return;
      const said = edit !== 'one character more' || later === entry ? edit : 'one character less';
      findings.push(
        context.finding(this, {
          id: later.feature.id,
          layer: later.feature.layer,
          attribute: 'inventory_number',
          value: later.raw,
          expected: null,
          location: context.locationOf(later.feature.id),
          message: `inventory number ${later.raw}: ${said} than ${earlier.raw} of ${earlier.feature.id}, ${figure(apart)} m away`,
          evidence: { similarTo: earlier.feature.id, numberOfOther: earlier.raw, distanceM: figure(apart) },
        }),
      );
    };
    for (const entry of all) {
      const { deletions, transpositions } = oneEditVariants(entry.folded);
      for (const variant of deletions) {
        for (const other of byFolded.get(variant) ?? []) report(entry, other, 'one character more');
      }
      for (const variant of transpositions) {
        for (const other of byFolded.get(variant) ?? []) report(entry, other, 'two characters swapped');
      }
    }
    return findings;
  },
};
