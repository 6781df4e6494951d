/**
 * The semantic descriptions of a project's object classes (project migration 0002,
 * docs/schema-change.md): the attribute set of each class, the record of each change applied to
 * them, and the archive of the object values a change altered or removed. Schema names are checked
 * and quoted; table and column names are constants here; values travel as parameters.
 */
import pg from 'pg';
import type { Queryable } from './pool.ts';
import { projectMigrations } from './project-migrations.ts';
import { quoteSchema } from './schema-name.ts';
import { sha256Hex } from '../lib/hash.ts';

export type AttributeType = 'string' | 'integer' | 'number' | 'boolean' | 'date' | 'year';

/** One attribute of an object class. */
export interface ClassAttributeRow {
  layer: string;
  name: string;
  type: AttributeType;
  unit: string | null;
  required: boolean;
  /** The dictionary (`dictionaries.dictionary`) whose codes are the allowed values, or null. */
  dictionary: string | null;
  /** The value an object gets when it has none (JSON), or null. */
  defaultValue: unknown;
  position: number;
}

/** An object of a class: its feature id and its attribute values. */
export interface ObjectValuesRow {
  id: string;
  attributes: Record<string, unknown>;
}

/** One object value a change altered or removed. */
export interface ArchiveRow {
  layer: string;
  objectId: string;
  attribute: string;
  beforePresent: boolean;
  beforeValue: unknown;
  afterPresent: boolean;
  afterValue: unknown;
}

export interface SchemaChangeRow {
  changeId: string;
  changeSet: unknown;
  reverseChangeSet: unknown;
  classes: string[];
  attributesBefore: ClassAttributeRow[];
  attributesAfter: ClassAttributeRow[];
  reverses: string | null;
  reversedBy: string | null;
}

/** The tables of migration 0002, which a staging copy must carry besides the project tables. */
export const SCHEMA_CHANGE_TABLES = ['class_attributes', 'schema_changes', 'attribute_archive'] as const;

const table = (schema: string, name: (typeof SCHEMA_CHANGE_TABLES)[number] | 'features' | 'dictionaries') =>
  `${quoteSchema(schema)}.${pg.escapeIdentifier(name)}`;

const ATTRIBUTE_COLUMNS = `layer, name, type, unit, required, dictionary, default_value AS "defaultValue", position`;

/**
 * Makes sure the schema has the tables of migration 0002 and an attribute set for every class with
 * objects: the migration is idempotent and seeds only classes with no set, so this runs it again (a
 * project loaded after its schema was created has objects the migration never saw).
 */
export async function ensureClassAttributes(db: Queryable, schema: string): Promise<void> {
  const migration = projectMigrations().find((m) => m.version === 2);
  if (!migration) throw new Error('project migration 0002 is missing');
  await db.query(migration.sql.replaceAll('{schema}', quoteSchema(schema)));
}

/** The attribute sets of `layers` (every class when null), by class and position. */
export async function selectClassAttributes(
  db: Queryable,
  schema: string,
  layers: readonly string[] | null = null,
): Promise<ClassAttributeRow[]> {
  const { rows } = await db.query<ClassAttributeRow>(
    `SELECT ${ATTRIBUTE_COLUMNS} FROM ${table(schema, 'class_attributes')}
     WHERE $1::text[] IS NULL OR layer = ANY($1) ORDER BY layer, position, name`,
    [layers],
  );
  return rows;
}

/** Replaces the attribute set of each class in `layers` by `rows` (rows of other classes are refused). */
export async function replaceClassAttributes(
  db: Queryable,
  schema: string,
  layers: readonly string[],
  rows: readonly ClassAttributeRow[],
): Promise<void> {
  if (rows.some((row) => !layers.includes(row.layer))) throw new Error('an attribute row names a class not replaced');
  await db.query(`DELETE FROM ${table(schema, 'class_attributes')} WHERE layer = ANY($1)`, [layers]);
  if (rows.length === 0) return;
  await db.query(
    `INSERT INTO ${table(schema, 'class_attributes')} (layer, name, type, unit, required, dictionary, default_value, position)
     SELECT layer, name, type, unit, required, dictionary, "defaultValue", position
     FROM jsonb_to_recordset($1::jsonb) AS r(layer text, name text, type text, unit text, required boolean,
       dictionary text, "defaultValue" jsonb, position int)`,
    [JSON.stringify(rows.map((row) => ({ ...row, defaultValue: row.defaultValue ?? null })))],
  );
}

/** The codes of each named dictionary. */
export async function selectDictionaryCodes(
  db: Queryable,
  schema: string,
  dictionaries: readonly string[],
): Promise<Map<string, string[]>> {
  const { rows } = await db.query<{ dictionary: string; codes: string[] }>(
    `SELECT dictionary, array_agg(code ORDER BY code) AS codes FROM ${table(schema, 'dictionaries')}
     WHERE dictionary = ANY($1) GROUP BY dictionary`,
    [dictionaries],
  );
  return new Map(rows.map((r) => [r.dictionary, r.codes]));
}

/** The classes that have objects or an attribute set. */
export async function selectClassCodes(db: Queryable, schema: string): Promise<string[]> {
  const { rows } = await db.query<{ layer: string }>(
    `SELECT layer FROM ${table(schema, 'features')} UNION SELECT code FROM ${quoteSchema(schema)}.layers
     UNION SELECT layer FROM ${table(schema, 'class_attributes')} ORDER BY 1`,
  );
  return rows.map((r) => r.layer);
}

/** One keyset batch of the objects of a class after the id `after` (null: from the start), in id order. */
export async function selectClassObjects(
  db: Queryable,
  schema: string,
  layer: string,
  after: string | null,
  limit: number,
): Promise<ObjectValuesRow[]> {
  const { rows } = await db.query<ObjectValuesRow>(
    `SELECT id, attributes FROM ${table(schema, 'features')}
     WHERE layer = $1 AND ($2::text IS NULL OR id > $2) ORDER BY id LIMIT $3`,
    [layer, after, limit],
  );
  return rows;
}

/** How a change alters one object's values: keys it removes and keys it sets (the rest is left as stored). */
export interface ObjectValueChange {
  id: string;
  remove: string[];
  set: Record<string, unknown>;
}

/** Alters the values of existing objects in place (one jsonb parameter per batch); untouched keys keep their stored JSON. */
export async function updateObjectAttributes(
  db: Queryable,
  schema: string,
  rows: readonly ObjectValueChange[],
): Promise<number> {
  if (rows.length === 0) return 0;
  const { rowCount } = await db.query(
    `UPDATE ${table(schema, 'features')} f
     SET attributes = (f.attributes - ARRAY(SELECT jsonb_array_elements_text(r.remove))) || r.set
     FROM jsonb_to_recordset($1::jsonb) AS r(id text, remove jsonb, set jsonb) WHERE f.id = r.id`,
    [JSON.stringify(rows)],
  );
  return rowCount ?? 0;
}

/**
 * Archives the values a change is about to alter or remove: the value before is read from the
 * stored object (so it is kept exactly as stored), the value after comes from the change. Run it
 * before `updateObjectAttributes`.
 */
export async function insertArchiveRows(
  db: Queryable,
  schema: string,
  changeId: string,
  rows: readonly Omit<ArchiveRow, 'beforePresent' | 'beforeValue'>[],
): Promise<void> {
  if (rows.length === 0) return;
  await db.query(
    `INSERT INTO ${table(schema, 'attribute_archive')}
       (change_id, layer, object_id, attribute, before_present, before_value, after_present, after_value)
     SELECT $1, r.layer, r."objectId", r.attribute, f.attributes ? r.attribute, f.attributes -> r.attribute,
       r."afterPresent", CASE WHEN r."afterPresent" THEN r."afterValue" END
     FROM jsonb_to_recordset($2::jsonb) AS r(layer text, "objectId" text, attribute text, "afterPresent" boolean,
       "afterValue" jsonb)
     JOIN ${table(schema, 'features')} f ON f.id = r."objectId"`,
    [changeId, JSON.stringify(rows.map((row) => ({ ...row, afterValue: row.afterValue ?? null })))],
  );
}

/**
 * Objects whose archived values no longer are what the change left (edited since): a reverse
 * would overwrite those edits, so it lists them instead.
 */
export async function selectArchiveConflicts(
  db: Queryable,
  schema: string,
  changeId: string,
  limit: number,
): Promise<{ objectId: string; attribute: string; expected: unknown; actual: unknown }[]> {
  const { rows } = await db.query<{ objectId: string; attribute: string; expected: unknown; actual: unknown }>(
    `SELECT a.object_id AS "objectId", a.attribute, a.after_value AS expected, f.attributes -> a.attribute AS actual
     FROM ${table(schema, 'attribute_archive')} a
     LEFT JOIN ${table(schema, 'features')} f ON f.id = a.object_id
     WHERE a.change_id = $1 AND (f.id IS NULL OR (f.attributes ? a.attribute) <> a.after_present
       OR (a.after_present AND f.attributes -> a.attribute IS DISTINCT FROM a.after_value))
     ORDER BY a.object_id, a.attribute LIMIT $2`,
    [changeId, limit],
  );
  return rows;
}

/** Puts back every value a change archived, exactly as it was stored (absent values removed again). */
export async function restoreArchivedValues(db: Queryable, schema: string, changeId: string): Promise<number> {
  const { rowCount } = await db.query(
    `UPDATE ${table(schema, 'features')} f SET attributes = (f.attributes - a.absent) || a.present
     FROM (
       SELECT object_id,
         coalesce(array_agg(attribute) FILTER (WHERE NOT before_present), '{}') AS absent,
         coalesce(jsonb_object_agg(attribute, before_value) FILTER (WHERE before_present), '{}') AS present
       FROM ${table(schema, 'attribute_archive')} WHERE change_id = $1 GROUP BY object_id
     ) a
     WHERE f.id = a.object_id`,
    [changeId],
  );
  return rowCount ?? 0;
}

export async function insertSchemaChange(db: Queryable, schema: string, row: SchemaChangeRow): Promise<void> {
  await db.query(
    `INSERT INTO ${table(schema, 'schema_changes')}
       (change_id, change_set, reverse_change_set, classes, attributes_before, attributes_after, reverses, reversed_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      row.changeId,
      JSON.stringify(row.changeSet),
      JSON.stringify(row.reverseChangeSet),
      row.classes,
      JSON.stringify(row.attributesBefore),
      JSON.stringify(row.attributesAfter),
      row.reverses,
      row.reversedBy,
    ],
  );
}

export async function selectSchemaChange(
  db: Queryable,
  schema: string,
  changeId: string,
): Promise<SchemaChangeRow | null> {
  const { rows } = await db.query<SchemaChangeRow>(
    `SELECT change_id AS "changeId", change_set AS "changeSet", reverse_change_set AS "reverseChangeSet", classes,
       attributes_before AS "attributesBefore", attributes_after AS "attributesAfter", reverses, reversed_by AS "reversedBy"
     FROM ${table(schema, 'schema_changes')} WHERE change_id = $1`,
    [changeId],
  );
  return rows[0] ?? null;
}

/** Marks a change reversed; false when it was already (another reverse came first). */
export async function markSchemaChangeReversed(
  db: Queryable,
  schema: string,
  changeId: string,
  reversedBy: string,
): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE ${table(schema, 'schema_changes')} SET reversed_by = $2 WHERE change_id = $1 AND reversed_by IS NULL`,
    [changeId, reversedBy],
  );
  return (rowCount ?? 0) > 0;
}

/** Whether `schema` has the table `name` of migration 0002 (a schema not migrated since lacks it). */
async function hasTable(db: Queryable, schema: string, name: (typeof SCHEMA_CHANGE_TABLES)[number]): Promise<boolean> {
  const { rows } = await db.query<{ found: boolean }>('SELECT to_regclass($1) IS NOT NULL AS found', [
    table(schema, name),
  ]);
  return rows[0]!.found;
}

/** Whether `schema` records changes (has the tables of migration 0002). */
export function hasSchemaChanges(db: Queryable, schema: string): Promise<boolean> {
  return hasTable(db, schema, 'schema_changes');
}

/** Replaces the tables of migration 0002 in `to` by copies of those `from` has. */
export async function copySchemaChangeTables(db: Queryable, from: string, to: string): Promise<void> {
  for (const name of SCHEMA_CHANGE_TABLES) {
    if (!(await hasTable(db, from, name))) continue;
    await db.query(`DROP TABLE IF EXISTS ${table(to, name)}`);
    await db.query(`CREATE TABLE ${table(to, name)} (LIKE ${table(from, name)} INCLUDING ALL)`);
    await db.query(`INSERT INTO ${table(to, name)} SELECT * FROM ${table(from, name)}`);
  }
}

/**
 * sha256 of the canonical dump of the attribute sets: each row as jsonb text, by class and name
 * (the hash of nothing when the schema has no attribute sets yet).
 */
export async function checksumClassAttributes(db: Queryable, schema: string): Promise<string> {
  if (!(await hasTable(db, schema, 'class_attributes'))) return sha256Hex('');
  const { rows } = await db.query<{ sha256: string }>(
    `SELECT encode(sha256(convert_to(coalesce(string_agg(to_jsonb(c)::text, E'\\n' ORDER BY layer, name), ''), 'UTF8')), 'hex') AS sha256
     FROM ${table(schema, 'class_attributes')} c`,
  );
  return rows[0]!.sha256;
}

/**
 * sha256 per table of everything a change of `layers` must not touch: every project table but
 * `features` whole, and the features of the other classes. Rows as jsonb text in key order.
 */
export async function checksumUntouched(
  db: Queryable,
  schema: string,
  layers: readonly string[],
): Promise<Record<string, string>> {
  const s = quoteSchema(schema);
  const digest = (from: string, key: string) =>
    `SELECT encode(sha256(convert_to(coalesce(string_agg(to_jsonb(t)::text, E'\\n' ORDER BY ${key}), ''), 'UTF8')), 'hex') AS sha256 FROM ${from}`;
  const parts: [string, string][] = [
    ['crs', digest(`${s}.crs t`, 'id')],
    ['layers', digest(`${s}.layers t`, 'code')],
    ['dictionaries', digest(`${s}.dictionaries t`, 'dictionary, code')],
    ['features of other classes', digest(`${s}.features t WHERE NOT (layer = ANY($1))`, 'id')],
    ['nodes', digest(`${s}.nodes t`, 'id')],
    ['sections', digest(`${s}.sections t`, 'id')],
    ['passports', digest(`${s}.passports t`, 'id')],
    ['attribute sets of other classes', digest(`${s}.class_attributes t WHERE NOT (layer = ANY($1))`, 'layer, name')],
  ];
  const sums: Record<string, string> = {};
  for (const [name, sql] of parts) {
    const { rows } = await db.query<{ sha256: string }>(sql, sql.includes('$1') ? [layers] : []);
    sums[name] = rows[0]!.sha256;
  }
  return sums;
}
