/**
 * What the recovery merge restores: given the objects a damaged project lost since the last good
 * snapshot, the rows of the damaged copy they could collide with, and the engineer's choice, decide
 * per object whether it comes back and why not. Pure — the activity reads the rows, this decides,
 * the activity writes — so a retry plans exactly the same merge.
 *
 * An object is a feature with its node or section row and its passport. Rows lost while their
 * feature survived (a deleted passport, a node row) are records: they come back when their object
 * still refers to them.
 */
import type { FeatureRow, NodeRow, PassportRow, SectionRow } from '../../db/project-schema.ts';
import { fail } from '../project-schemas.ts';
import type { Point } from './model.ts';

/** What the engineer chose to merge (the `choose` task's form). */
export interface MergeChoice {
  /** all: every lost object; selected: those named in `ids` or `layers`; none: nothing. `leftOut` excludes from either. */
  restore: 'all' | 'selected' | 'none';
  /** Object ids (feature ids, or passport ids of lost passports) to restore. */
  ids?: string[];
  /** Layers whose lost objects are all restored. */
  layers?: string[];
  /** Why objects were left out, by object id or by layer. */
  leftOut?: { id?: string; layer?: string; reason: string }[];
  /** Why anything else not chosen was left out. */
  reason?: string;
}

export type MergeTable = 'features' | 'nodes' | 'sections' | 'passports';

export interface MergeDecision {
  /** The feature id (an object), or the id of the lost row (a record). */
  id: string;
  /** The object's layer; `passports` for a passport record. */
  layer: string;
  kind: 'object' | 'record';
  status: 'restored' | 'not-restored';
  /** Why it was not restored; null when it was. */
  reason: string | null;
  /** The rows restored (or that would have been), as `table/key`. */
  rows: string[];
  /** Where the object is, in the project's CRS; null without geometry. */
  location: Point | null;
}

/** What the activity read: the lost rows of the snapshot and the damaged rows they may collide with. */
export interface MergeSources {
  /** Rows of the snapshot whose key the damaged copy lacks. */
  lost: { features: FeatureRow[]; nodes: NodeRow[]; sections: SectionRow[]; passports: PassportRow[] };
  /** Snapshot features whose id the damaged copy gave to an object of another layer. */
  reused: { feature: FeatureRow; layer: string }[];
  /** Snapshot rows the lost objects and records refer to (node/section rows, passports, passport owners). */
  snapshot: { nodes: NodeRow[]; sections: SectionRow[]; features: FeatureRow[] };
  /**
   * Damaged rows that share an id, inventory number or passport reference with a lost row, and the
   * damaged nodes the lost sections end at.
   */
  damaged: { features: FeatureRow[]; nodes: NodeRow[]; sections: SectionRow[] };
}

export interface MergePlan {
  decisions: MergeDecision[];
  /** The rows to write into the recovered copy. */
  rows: { features: FeatureRow[]; nodes: NodeRow[]; sections: SectionRow[]; passports: PassportRow[] };
}

/** Refuses a choice the merge cannot act on, naming what to fix. */
export function checkChoice(choice: unknown): MergeChoice {
  const c = choice as MergeChoice | null | undefined;
  if (!c || !['all', 'selected', 'none'].includes(c.restore)) {
    fail(
      `choice.restore must be 'all', 'selected' or 'none', got ${JSON.stringify(c?.restore)}`,
      'audit-input-invalid',
    );
  }
  if (c.restore === 'selected' && !c.ids?.length && !c.layers?.length) {
    fail("choice.restore is 'selected' but names no ids or layers: name them, or choose 'none'", 'audit-input-invalid');
  }
  return c;
}

function locationOf(geometry: unknown): Point | null {
  const g = geometry as { type?: string; coordinates?: unknown } | null;
  const first = g?.type === 'Point' ? g.coordinates : g?.type === 'LineString' ? (g.coordinates as unknown[])[0] : null;
  const p = first as unknown[] | null | undefined;
  return Array.isArray(p) && typeof p[0] === 'number' && typeof p[1] === 'number' ? [p[0], p[1]] : null;
}

function byId<T extends { id: string }>(rows: readonly T[]): Map<string, T> {
  return new Map(rows.map((row) => [row.id, row]));
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

export function planMerge(sources: MergeSources, choice: MergeChoice): MergePlan {
  const lost = {
    nodes: byId(sources.lost.nodes),
    sections: byId(sources.lost.sections),
    passports: byId(sources.lost.passports),
  };
  const snapshot = { nodes: byId(sources.snapshot.nodes), sections: byId(sources.snapshot.sections) };
  const damaged = {
    features: byId(sources.damaged.features),
    nodes: byId(sources.damaged.nodes),
    sections: byId(sources.damaged.sections),
  };
  const damagedByInventory = new Map<string, string>();
  const damagedByPassport = new Map<string, string>();
  for (const f of sources.damaged.features) {
    if (f.inventoryNumber) damagedByInventory.set(f.inventoryNumber, f.id);
    if (f.passportRef) damagedByPassport.set(f.passportRef, f.id);
  }

  // An object left out by id is out even under 'all'; left out by layer, unless its id is named.
  const chosen = (id: string, layer: string, owner?: string) => {
    const named = choice.ids?.includes(id) || (owner !== undefined && choice.ids?.includes(owner));
    if (choice.restore === 'none' || choice.leftOut?.some((e) => e.id === id || (owner && e.id === owner)))
      return false;
    if (!named && choice.leftOut?.some((e) => e.layer === layer)) return false;
    return choice.restore === 'all' || named || choice.layers?.includes(layer) === true;
  };
  const notChosen = (id: string, layer: string) => {
    const entry = choice.leftOut?.find((e) => e.id === id) ?? choice.leftOut?.find((e) => e.layer === layer);
    return `not chosen: ${entry?.reason ?? choice.reason ?? 'left out by the engineer'}`;
  };

  const plan: MergePlan = { decisions: [], rows: { features: [], nodes: [], sections: [], passports: [] } };
  const restoredNodes = new Set<string>();
  const objectIds = new Set<string>();
  const consumedPassports = new Set<string>();
  const decide = (
    base: Omit<MergeDecision, 'status' | 'reason'>,
    reason: string | null,
    write: () => void = () => undefined,
  ) => {
    plan.decisions.push({ ...base, status: reason === null ? 'restored' : 'not-restored', reason });
    if (reason === null) write();
  };

  // Objects whose id a newer object of another layer took.
  for (const { feature, layer } of sources.reused) {
    objectIds.add(feature.id);
    if (feature.passportRef) consumedPassports.add(feature.passportRef);
    const base = objectBase(feature);
    decide(
      base,
      chosen(feature.id, feature.layer)
        ? `id reused by a newer object (${layer})`
        : notChosen(feature.id, feature.layer),
    );
  }

  // Lost objects and records, nodes before the sections that may end at them.
  for (const feature of sources.lost.features) objectIds.add(feature.id);
  const isSection = (feature: FeatureRow) => snapshot.sections.has(feature.id);
  for (const feature of sources.lost.features.filter((f) => !isSection(f))) restoreObject(feature);
  for (const node of sources.lost.nodes) {
    restoreRecord(
      node,
      'nodes',
      () => null,
      () => {
        plan.rows.nodes.push(node);
        restoredNodes.add(node.id);
      },
    );
  }
  for (const feature of sources.lost.features.filter(isSection)) restoreObject(feature);
  for (const section of sources.lost.sections) {
    restoreRecord(
      section,
      'sections',
      () => dependencyOf(section),
      () => plan.rows.sections.push(section),
    );
  }
  const snapshotOwners = new Map(sources.snapshot.features.map((f) => [f.passportRef, f]));
  for (const passport of sources.lost.passports) {
    if (consumedPassports.has(passport.id)) continue;
    const owner = snapshotOwners.get(passport.id);
    const now = owner && damaged.features.get(owner.id);
    const base = recordBase(passport.id, 'passports', 'passports', now?.geometry);
    const reason = !owner
      ? 'no object refers to it in the snapshot'
      : !now
        ? `its object ${owner.id} is missing in both`
        : now.passportRef !== passport.id
          ? `object ${owner.id} no longer refers to it (its passport reference was changed after the snapshot)`
          : chosen(passport.id, now.layer, owner.id)
            ? null
            : notChosen(passport.id, now.layer);
    decide(base, reason, () => plan.rows.passports.push(passport));
  }
  plan.decisions.sort((a, b) => a.layer.localeCompare(b.layer) || a.id.localeCompare(b.id));
  return plan;

  function restoreObject(feature: FeatureRow): void {
    if (feature.passportRef) consumedPassports.add(feature.passportRef);
    const node = snapshot.nodes.get(feature.id);
    const section = snapshot.sections.get(feature.id);
    const passport = feature.passportRef ? lost.passports.get(feature.passportRef) : undefined;
    const base = objectBase(feature, node, section, passport);
    const reason = !chosen(feature.id, feature.layer)
      ? notChosen(feature.id, feature.layer)
      : (conflictOf(feature, node, section) ?? (section ? dependencyOf(section) : null));
    decide(base, reason, () => {
      plan.rows.features.push(feature);
      if (node && lost.nodes.has(node.id)) plan.rows.nodes.push(node);
      if (node) restoredNodes.add(node.id);
      if (section && lost.sections.has(section.id)) plan.rows.sections.push(section);
      if (passport) plan.rows.passports.push(passport);
    });
  }

  /** A node or section row lost while its feature survived: restored when chosen and nothing blocks it. */
  function restoreRecord(
    row: { id: string },
    table: 'nodes' | 'sections',
    blocker: () => string | null,
    write: () => void,
  ): void {
    if (objectIds.has(row.id)) return;
    const owner = damaged.features.get(row.id);
    const base = recordBase(row.id, owner?.layer ?? table, table, owner?.geometry);
    const reason = !owner
      ? `its object ${row.id} is missing in both`
      : chosen(row.id, owner.layer)
        ? blocker()
        : notChosen(row.id, owner.layer);
    decide(base, reason, write);
  }

  function objectBase(
    feature: FeatureRow,
    node?: NodeRow,
    section?: SectionRow,
    passport?: PassportRow,
  ): Omit<MergeDecision, 'status' | 'reason'> {
    const rows = [`features/${feature.id}`];
    if (node) rows.push(`nodes/${node.id}`);
    if (section) rows.push(`sections/${section.id}`);
    if (passport) rows.push(`passports/${passport.id}`);
    return { id: feature.id, layer: feature.layer, kind: 'object', rows, location: locationOf(feature.geometry) };
  }

  function recordBase(id: string, layer: string, table: MergeTable, geometry: unknown) {
    return { id, layer, kind: 'record' as const, rows: [`${table}/${id}`], location: locationOf(geometry) };
  }

  /** Why restoring the object would overwrite or duplicate something newer; null when nothing does. */
  function conflictOf(feature: FeatureRow, node?: NodeRow, section?: SectionRow): string | null {
    const newerNode = damaged.nodes.get(feature.id);
    if (newerNode && !same(newerNode, node)) return `id reused by a newer object (node ${feature.id})`;
    const newerSection = damaged.sections.get(feature.id);
    if (newerSection && !same(newerSection, section)) return `id reused by a newer object (section ${feature.id})`;
    const ref = feature.passportRef;
    if (ref && !lost.passports.has(ref)) {
      const holder = damagedByPassport.get(ref);
      if (holder) return `passport ${ref} reused by newer object ${holder}`;
    }
    const inventoryHolder = feature.inventoryNumber ? damagedByInventory.get(feature.inventoryNumber) : undefined;
    if (inventoryHolder) return `inventory number ${feature.inventoryNumber} reused by newer object ${inventoryHolder}`;
    return null;
  }

  /** Why a section cannot come back without a node; null when both its ends will exist. */
  function dependencyOf(section: SectionRow): string | null {
    for (const end of [section.fromNode, section.toNode]) {
      if (end === null || damaged.nodes.has(end) || restoredNodes.has(end)) continue;
      if (objectIds.has(end) || lost.nodes.has(end)) return `depends on node ${end}, which is not restored`;
      return `depends on node ${end} that is missing in both`;
    }
    return null;
  }
}
