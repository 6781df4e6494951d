/**
 * Applying a change set to one schema inside the caller's transaction: the attribute sets of the
 * changed classes are replaced, every object of those classes is converted and validated against
 * its class's new JSON Schema, the values altered or removed are archived, and everything else is
 * checked to be byte for byte as it was. A change that meets values it cannot take over reports
 * them (object, attribute, value) with `applied: false`, and the caller rolls back.
 *
 * A reverse change set (`reverses`) does not convert anything back: it restores the recorded
 * attribute sets and the archived values exactly as they were stored.
 */
import type { Queryable } from '../../db/pool.ts';
import {
  checksumUntouched,
  ensureClassAttributes,
  insertArchiveRows,
  insertSchemaChange,
  markSchemaChangeReversed,
  replaceClassAttributes,
  restoreArchivedValues,
  selectArchiveConflicts,
  selectClassAttributes,
  selectClassCodes,
  selectClassObjects,
  selectDictionaryCodes,
  selectSchemaChange,
  updateObjectAttributes,
  type ClassAttributeRow,
  type ObjectValueChange,
} from '../../db/class-attributes.ts';
import { ChangeSetInvalid, planClass, reverseChangeSet, type ChangeSet, type ClassPlan } from './change-set.ts';
import { classSchema, compileClassSchema, violationsOf } from './class-schema.ts';
import { changeObjectValues, valueChangeOf, type UnconvertibleValue } from './object-values.ts';

/** Objects read and written per round trip. */
export const OBJECT_BATCH = 5_000;
/** Unconvertible values listed in full (all are counted). */
export const LISTED_PROBLEMS = 1_000;

export interface ClassOutcome {
  class: string;
  objects: number;
  changedObjects: number;
  archivedValues: number;
  attributesBefore: ClassAttributeRow[];
  attributesAfter: ClassAttributeRow[];
  /** The class's JSON Schema after the change: validates its objects, drives its forms. */
  jsonSchema: Record<string, unknown>;
}

export interface ChangeOutcome {
  changeId: string;
  schema: string;
  applied: boolean;
  classes: ClassOutcome[];
  unconvertibleCount: number;
  /** The first LISTED_PROBLEMS values the change could not take over. */
  unconvertible: UnconvertibleValue[];
  /** sha256 per untouched table before and after; equal, or the change is refused. */
  untouched: Record<string, string>;
  /** The change set that undoes this one exactly. */
  reverse: ChangeSet;
}

export type EngineProgress = (details: { phase: string; class?: string; rows?: number }) => void;

/** Applies `changeSet` to `schema` in the caller's transaction; the caller rolls back when `applied` is false. */
export async function applyChangeSet(
  db: Queryable,
  schema: string,
  changeSet: ChangeSet,
  changeId: string,
  progress: EngineProgress = () => undefined,
): Promise<ChangeOutcome> {
  await ensureClassAttributes(db, schema);
  const layers = changeSet.classes.map((c) => c.class);
  const known = new Set(await selectClassCodes(db, schema));
  changeSet.classes.forEach((c, i) => {
    if (!known.has(c.class))
      throw new ChangeSetInvalid(`changeSet.classes.${i}.class`, `the project has no class ${c.class}`);
  });
  const untouched = await checksumUntouched(db, schema, layers);
  const outcome = changeSet.reverses
    ? await reverseChange(db, schema, changeSet, changeId)
    : await forwardChange(db, schema, changeSet, changeId, progress);
  if (outcome.applied) {
    const after = await checksumUntouched(db, schema, layers);
    const changed = Object.keys(untouched).filter((name) => untouched[name] !== after[name]);
    if (changed.length > 0) throw new Error(`the change altered what it must not touch: ${changed.join(', ')}`);
  }
  return { ...outcome, schema, untouched };
}

type Partial = Omit<ChangeOutcome, 'schema' | 'untouched'>;

async function forwardChange(
  db: Queryable,
  schema: string,
  changeSet: ChangeSet,
  changeId: string,
  progress: EngineProgress,
): Promise<Partial> {
  const layers = changeSet.classes.map((c) => c.class);
  const current = await selectClassAttributes(db, schema, layers);
  const named = changeSet.classes.flatMap((c) =>
    c.operations.flatMap((o) => ('dictionary' in o && o.dictionary ? [o.dictionary] : [])),
  );
  const used = [...new Set([...named, ...current.flatMap((a) => (a.dictionary ? [a.dictionary] : []))])];
  const codes = await selectDictionaryCodes(db, schema, used);
  const plans = changeSet.classes.map((c, i) =>
    planClass(
      c,
      i,
      current.filter((a) => a.layer === c.class),
      new Set(codes.keys()),
    ),
  );
  const problems: UnconvertibleValue[] = [];
  let problemCount = 0;
  const classes: ClassOutcome[] = [];
  for (const plan of plans) {
    const jsonSchema = classSchema(plan.layer, plan.after, codes);
    const validate = compileClassSchema(jsonSchema);
    let objects = 0;
    let changedObjects = 0;
    let archivedValues = 0;
    for (let after: string | null = null; ;) {
      const batch = await selectClassObjects(db, schema, plan.layer, after, OBJECT_BATCH);
      if (batch.length === 0) break;
      after = batch.at(-1)!.id;
      const changes: ObjectValueChange[] = [];
      const archive: Parameters<typeof insertArchiveRows>[3][number][] = [];
      for (const object of batch) {
        const stored = isRecord(object.attributes) ? object.attributes : {};
        const result = changeObjectValues(plan.layer, object.id, stored, plan.operations);
        const found = [...result.problems];
        if (!validate(result.after)) {
          for (const violation of violationsOf(validate)) {
            if (found.some((p) => p.attribute === violation.attribute)) continue;
            found.push({
              object: object.id,
              class: plan.layer,
              attribute: violation.attribute,
              value: result.after[violation.attribute] ?? null,
              reason: violation.reason,
            });
          }
        }
        problemCount += found.length;
        for (const problem of found) if (problems.length < LISTED_PROBLEMS) problems.push(problem);
        const change = valueChangeOf(plan.layer, object.id, stored, result.after);
        if (change) {
          changes.push(change.change);
          archive.push(...change.archive);
        }
      }
      objects += batch.length;
      // Once a value blocks the change nothing will be kept: go on only to list every problem.
      if (problemCount === 0) {
        await insertArchiveRows(db, schema, changeId, archive);
        await updateObjectAttributes(db, schema, changes);
        changedObjects += changes.length;
        archivedValues += archive.length;
      }
      progress({ phase: 'objects', class: plan.layer, rows: objects });
    }
    classes.push({
      class: plan.layer,
      objects,
      changedObjects,
      archivedValues,
      attributesBefore: plan.before,
      attributesAfter: plan.after,
      jsonSchema,
    });
  }
  const reverse = reverseChangeSet(changeId, plans);
  const applied = problemCount === 0;
  if (applied) {
    await replaceClassAttributes(
      db,
      schema,
      layers,
      plans.flatMap((p: ClassPlan) => p.after),
    );
    await insertSchemaChange(db, schema, {
      changeId,
      changeSet,
      reverseChangeSet: reverse,
      classes: layers,
      attributesBefore: plans.flatMap((p) => p.before),
      attributesAfter: plans.flatMap((p) => p.after),
      reverses: null,
      reversedBy: null,
    });
  }
  return { changeId, applied, classes, unconvertibleCount: problemCount, unconvertible: problems, reverse };
}

async function reverseChange(db: Queryable, schema: string, changeSet: ChangeSet, changeId: string): Promise<Partial> {
  const reversed = changeSet.reverses!;
  const record = await selectSchemaChange(db, schema, reversed);
  if (!record) throw new ChangeSetInvalid('changeSet.reverses', `no change ${reversed} was applied to ${schema}`);
  if (record.reversedBy) {
    throw new ChangeSetInvalid('changeSet.reverses', `change ${reversed} was already reversed by ${record.reversedBy}`);
  }
  const layers = changeSet.classes.map((c) => c.class).sort();
  if (JSON.stringify(layers) !== JSON.stringify([...record.classes].sort())) {
    throw new ChangeSetInvalid(
      'changeSet.classes',
      `change ${reversed} changed the classes ${record.classes.join(', ')}`,
    );
  }
  // Values edited after the change would be overwritten: list them and restore nothing.
  const conflicts = await selectArchiveConflicts(db, schema, reversed, LISTED_PROBLEMS);
  const unconvertible = conflicts.map((c) => ({
    object: c.objectId,
    class: '',
    attribute: c.attribute,
    value: c.actual ?? null,
    reason: `edited after change ${reversed} (it left ${JSON.stringify(c.expected)})`,
  }));
  const classes = recordedClasses(record.classes, record.attributesAfter, record.attributesBefore);
  const outcome = { changeId, classes, unconvertible, reverse: record.changeSet as ChangeSet };
  if (conflicts.length > 0) return { ...outcome, applied: false, unconvertibleCount: conflicts.length };
  const restored = await restoreArchivedValues(db, schema, reversed);
  for (const c of classes) c.changedObjects = restored;
  await replaceClassAttributes(db, schema, record.classes, record.attributesBefore);
  if (!(await markSchemaChangeReversed(db, schema, reversed, changeId))) {
    throw new ChangeSetInvalid('changeSet.reverses', `change ${reversed} was already reversed`);
  }
  await insertSchemaChange(db, schema, {
    changeId,
    changeSet,
    reverseChangeSet: record.changeSet,
    classes: record.classes,
    attributesBefore: record.attributesAfter,
    attributesAfter: record.attributesBefore,
    reverses: reversed,
    reversedBy: null,
  });
  return { ...outcome, applied: true, unconvertibleCount: 0 };
}

/** Class outcomes of a recorded change (no object counts: the objects were not read). */
export function recordedClasses(
  layers: readonly string[],
  before: readonly ClassAttributeRow[],
  after: readonly ClassAttributeRow[],
): ClassOutcome[] {
  return layers.map((layer) => ({
    class: layer,
    objects: 0,
    changedObjects: 0,
    archivedValues: 0,
    attributesBefore: before.filter((a) => a.layer === layer),
    attributesAfter: after.filter((a) => a.layer === layer),
    jsonSchema: {},
  }));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
