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

function numbered(features: Iterable<FeatureRow>): { feature: FeatureRow; raw: string; folded: string }[] {
  const list = [];
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
    const byFolded = new Map<string, (typeof all)[number][]>();
    for (const entry of all) {
      const list = byFolded.get(entry.folded);
      if (list) list.push(entry);
      else byFolded.set(entry.folded, [entry]);
    }
    const findings: ContentFinding[] = [];
    for (const entry of all) {
      const { deletions, transpositions } = oneEditVariants(entry.folded);
      const partners = [
        ...[...deletions].map((v) => ({ v, edit: 'one character more' })),
        ...[...transpositions].map((v) => ({ v, edit: 'two characters swapped' })),
      ];
      for (const { v, edit } of partners) {
        for (const other of byFolded.get(v) ?? []) {
          if (other.feature.layer !== entry.feature.layer) continue;
          const [earlier, later] = other.feature.id < entry.feature.id ? [other, entry] : [entry, other];
          if (context.explained(later.feature.id, 'inventory_number')) continue;
          const a = anchorOf(entry.feature.geometry);
          const b = anchorOf(other.feature.geometry);
          if (!a || !b) continue;
          const apart = distance(a, b);
          if (apart > inventoryNeighbourM) continue;
          findings.push(
            context.finding(this, {
              id: later.feature.id,
              layer: later.feature.layer,
              attribute: 'inventory_number',
              value: later.raw,
              expected: null,
              location: anchorOf(later.feature.geometry),
              message: `inventory number ${later.raw} is ${edit === 'two characters swapped' ? edit : later === entry ? edit : 'one character less'} than ${earlier.raw} of ${earlier.feature.id}, ${figure(apart)} m away`,
              evidence: { similarTo: earlier.feature.id, numberOfOther: earlier.raw, distanceM: figure(apart) },
            }),
          );
        }
      }
    }
    return findings;
  },
};
