/**
 * A customer's CityCom project as a PostgreSQL schema `project_<id>` (docs/project-schema.md): the
 * tables, and the operations the audit and recovery work needs — create, drop, copy to a staging or
 * backup schema, load and read rows in batches, a canonical dump for checksums, a row diff.
 *
 * Schema names are checked against SCHEMA_NAME and quoted; table and column names come from the
 * constants below only. No user text is ever spliced into SQL.
 */
import pg from 'pg';
import type { Queryable } from './pool.ts';
import { migrateProjectSchema } from './project-migrations.ts';
import { quoteSchema, SCHEMA_NAME } from './schema-name.ts';

export { quoteSchema, SCHEMA_NAME } from './schema-name.ts';

export type NetworkKind = 'water' | 'heat' | 'sewer';
export type LayerKind = 'node' | 'section' | 'area' | 'point';
export type GeometryType = 'Point' | 'LineString' | 'Polygon';

export interface CrsRow {
  epsg: number;
  name: string;
}

/** An object class of the project. */
export interface LayerRow {
  code: string;
  name: string;
  geometryType: GeometryType;
  kind: LayerKind;
  /** Whether every object of the class must have a passport (attribute record). */
  passportRequired: boolean;
}

/** A geometric object of any layer. Geometry is a GeoJSON geometry in the project's CRS, or null. */
export interface FeatureRow {
  id: string;
  layer: string;
  geometry: unknown;
  attributes: Record<string, unknown>;
  inventoryNumber: string | null;
  passportRef: string | null;
}

/** A network node; its id is the id of its feature (the point). */
export interface NodeRow {
  id: string;
  /** source | consumer | junction | valve | hydrant | plug | well | pump | … */
  kind: string;
  /** Consumer demand: m³/h for water and sewer, Gcal/h for heat. */
  load: number | null;
  /** Ground elevation, m above sea level (project migration 0001); null or absent where unsurveyed. */
  elevationM?: number | null;
}

/** A network section (pipe) between two nodes; its id is the id of its feature (the line). */
export interface SectionRow {
  id: string;
  network: NetworkKind;
  fromNode: string | null;
  toNode: string | null;
  diameterMm: number | null;
  /** A code of the `material` dictionary. */
  material: string | null;
  lengthM: number | null;
  /** Equivalent (absolute) roughness, mm. */
  roughnessMm: number | null;
  installYear: number | null;
}

/** One entry of a code list: `diameter` (value = nominal mm) or `material` (networks it is allowed in). */
export interface DictionaryEntryRow {
  dictionary: string;
  code: string;
  name: string;
  value: number | null;
  networks: NetworkKind[] | null;
}

/** An attribute record (паспорт) of an object; features point at it by `passportRef`. */
export interface PassportRow {
  id: string;
  attributes: Record<string, unknown>;
}

/** Everything in a project schema, as the fixtures and the audit engine hold it in memory. */
export interface ProjectData {
  crs: CrsRow | null;
  layers: LayerRow[];
  dictionaries: DictionaryEntryRow[];
  features: FeatureRow[];
  nodes: NodeRow[];
  sections: SectionRow[];
  passports: PassportRow[];
}

/** The tables of a project schema in dump order, with their primary keys. */
export const PROJECT_TABLES = [
  { name: 'crs', key: ['id'] },
  { name: 'layers', key: ['code'] },
  { name: 'dictionaries', key: ['dictionary', 'code'] },
  { name: 'features', key: ['id'] },
  { name: 'nodes', key: ['id'] },
  { name: 'sections', key: ['id'] },
  { name: 'passports', key: ['id'] },
] as const;

export type ProjectTable = (typeof PROJECT_TABLES)[number]['name'];

/**
 * The schema of a project: `project_` + the project id in lower case with `-` as `_`. Project ids
 * differing only by `-`/`_` share a schema; the vendor's project ids never do.
 */
export function projectSchemaName(projectId: string): string {
  const name = `project_${projectId.toLowerCase().replaceAll('-', '_')}`;
  if (!SCHEMA_NAME.test(name)) throw new Error(`project id ${JSON.stringify(projectId)} gives no valid schema name`);
  return name;
}

function tableOf(schema: string, table: ProjectTable): string {
  return `${quoteSchema(schema)}.${pg.escapeIdentifier(table)}`;
}

function keyOf(table: ProjectTable): readonly string[] {
  return PROJECT_TABLES.find((t) => t.name === table)!.key;
}

/**
 * Creates the schema and its tables if missing, then applies the project migrations it lacks
 * (db/project-migrations). There are no foreign keys between the tables on purpose: a project
 * schema holds the customer's data as found, broken references included, and the audit reports them.
 */
export async function createProjectSchema(db: Queryable, schema: string): Promise<void> {
  const s = quoteSchema(schema);
  await db.query(`
    CREATE SCHEMA IF NOT EXISTS ${s};
    CREATE TABLE IF NOT EXISTS ${s}.crs (
      id    boolean PRIMARY KEY DEFAULT true CHECK (id),
      epsg  int NOT NULL,
      name  text NOT NULL
    );
    CREATE TABLE IF NOT EXISTS ${s}.layers (
      code               text PRIMARY KEY,
      name               text NOT NULL,
      geometry_type      text NOT NULL CHECK (geometry_type IN ('Point', 'LineString', 'Polygon')),
      kind               text NOT NULL CHECK (kind IN ('node', 'section', 'area', 'point')),
      passport_required  boolean NOT NULL DEFAULT true
    );
    CREATE TABLE IF NOT EXISTS ${s}.dictionaries (
      dictionary  text NOT NULL,
      code        text NOT NULL,
      name        text NOT NULL,
      value       double precision,
      networks    text[],
      PRIMARY KEY (dictionary, code)
    );
    CREATE TABLE IF NOT EXISTS ${s}.features (
      id                text PRIMARY KEY,
      layer             text NOT NULL,
      geometry          jsonb,
      attributes        jsonb NOT NULL DEFAULT '{}',
      inventory_number  text,
      passport_ref      text
    );
    CREATE INDEX IF NOT EXISTS features_layer_idx ON ${s}.features (layer);
    CREATE INDEX IF NOT EXISTS features_inventory_number_idx ON ${s}.features (inventory_number);
    CREATE TABLE IF NOT EXISTS ${s}.nodes (
      id    text PRIMARY KEY,
      kind  text NOT NULL,
      load  double precision
    );
    CREATE TABLE IF NOT EXISTS ${s}.sections (
      id            text PRIMARY KEY,
      network       text NOT NULL CHECK (network IN ('water', 'heat', 'sewer')),
      from_node     text,
      to_node       text,
      diameter_mm   double precision,
      material      text,
      length_m      double precision,
      roughness_mm  double precision,
      install_year  int
    );
    CREATE INDEX IF NOT EXISTS sections_from_node_idx ON ${s}.sections (from_node);
    CREATE INDEX IF NOT EXISTS sections_to_node_idx ON ${s}.sections (to_node);
    CREATE TABLE IF NOT EXISTS ${s}.passports (
      id          text PRIMARY KEY,
      attributes  jsonb NOT NULL DEFAULT '{}'
    );
  `);
  await migrateProjectSchema(db, schema);
}

export async function dropProjectSchema(db: Queryable, schema: string): Promise<void> {
  await db.query(`DROP SCHEMA IF EXISTS ${quoteSchema(schema)} CASCADE`);
}

export async function projectSchemaExists(db: Queryable, schema: string): Promise<boolean> {
  quoteSchema(schema);
  const { rowCount } = await db.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
  return (rowCount ?? 0) > 0;
}

/**
 * Replaces one table of `to` by a copy of the same table of `from` (structure, indexes, rows). Run
 * it in a transaction to make the copy of a table all-or-nothing; `to` must exist.
 */
export async function copyProjectTable(db: Queryable, from: string, to: string, table: ProjectTable): Promise<number> {
  const source = tableOf(from, table);
  const target = tableOf(to, table);
  await db.query(`DROP TABLE IF EXISTS ${target}`);
  await db.query(`CREATE TABLE ${target} (LIKE ${source} INCLUDING ALL)`);
  const { rowCount } = await db.query(`INSERT INTO ${target} SELECT * FROM ${source}`);
  return rowCount ?? 0;
}

/** Creates schema `to` (empty) for copies of the tables of a project schema. */
export async function createEmptySchema(db: Queryable, schema: string): Promise<void> {
  await db.query(`CREATE SCHEMA IF NOT EXISTS ${quoteSchema(schema)}`);
}

/** Copies every table of `from` into `to` (created if missing), replacing what `to` held. */
export async function copyProjectSchema(db: Queryable, from: string, to: string): Promise<void> {
  await createEmptySchema(db, to);
  for (const { name } of PROJECT_TABLES) await copyProjectTable(db, from, to, name);
}

/** Writes the CRS metadata of the project (one row). */
export async function upsertCrs(db: Queryable, schema: string, crs: CrsRow): Promise<void> {
  await db.query(
    `INSERT INTO ${tableOf(schema, 'crs')} (id, epsg, name) VALUES (true, $1, $2)
     ON CONFLICT (id) DO UPDATE SET epsg = excluded.epsg, name = excluded.name`,
    [crs.epsg, crs.name],
  );
}

/**
 * Column lists of the batch loaders: SQL column, its type for jsonb_to_recordset, the row property.
 * Rows travel as one jsonb parameter per batch, so a batch of thousands is one round trip.
 */
const COLUMNS = {
  layers: [
    ['code', 'text', 'code'],
    ['name', 'text', 'name'],
    ['geometry_type', 'text', 'geometryType'],
    ['kind', 'text', 'kind'],
    ['passport_required', 'boolean', 'passportRequired'],
  ],
  dictionaries: [
    ['dictionary', 'text', 'dictionary'],
    ['code', 'text', 'code'],
    ['name', 'text', 'name'],
    ['value', 'double precision', 'value'],
    ['networks', 'text[]', 'networks'],
  ],
  features: [
    ['id', 'text', 'id'],
    ['layer', 'text', 'layer'],
    ['geometry', 'jsonb', 'geometry'],
    ['attributes', 'jsonb', 'attributes'],
    ['inventory_number', 'text', 'inventoryNumber'],
    ['passport_ref', 'text', 'passportRef'],
  ],
  nodes: [
    ['id', 'text', 'id'],
    ['kind', 'text', 'kind'],
    ['load', 'double precision', 'load'],
    ['elevation_m', 'double precision', 'elevationM'],
  ],
  sections: [
    ['id', 'text', 'id'],
    ['network', 'text', 'network'],
    ['from_node', 'text', 'fromNode'],
    ['to_node', 'text', 'toNode'],
    ['diameter_mm', 'double precision', 'diameterMm'],
    ['material', 'text', 'material'],
    ['length_m', 'double precision', 'lengthM'],
    ['roughness_mm', 'double precision', 'roughnessMm'],
    ['install_year', 'int', 'installYear'],
  ],
  passports: [
    ['id', 'text', 'id'],
    ['attributes', 'jsonb', 'attributes'],
  ],
} as const satisfies Record<Exclude<ProjectTable, 'crs'>, readonly (readonly [string, string, string])[]>;

type LoadableTable = keyof typeof COLUMNS;
interface RowOf {
  layers: LayerRow;
  dictionaries: DictionaryEntryRow;
  features: FeatureRow;
  nodes: NodeRow;
  sections: SectionRow;
  passports: PassportRow;
}

/** Rows per INSERT of the batch loaders. */
export const LOAD_BATCH_SIZE = 5_000;

/**
 * Inserts rows into a table of a project schema in batches; a row whose key exists is replaced, so a
 * retried load converges. Returns the number of rows written.
 */
export async function insertProjectRows<T extends LoadableTable>(
  db: Queryable,
  schema: string,
  table: T,
  rows: readonly RowOf[T][],
): Promise<number> {
  const columns: readonly (readonly [string, string, string])[] = COLUMNS[table];
  const key = keyOf(table);
  const names = columns.map(([column]) => pg.escapeIdentifier(column));
  const record = columns.map(([column, type]) => `${pg.escapeIdentifier(column)} ${type}`).join(', ');
  const updates = columns
    .filter(([column]) => !key.includes(column))
    .map(([column]) => `${pg.escapeIdentifier(column)} = excluded.${pg.escapeIdentifier(column)}`)
    .join(', ');
  const sql = `INSERT INTO ${tableOf(schema, table)} (${names.join(', ')})
     SELECT ${names.join(', ')} FROM jsonb_to_recordset($1::jsonb) AS r(${record})
     ON CONFLICT (${key.map((k) => pg.escapeIdentifier(k)).join(', ')}) DO UPDATE SET ${updates}`;
  let written = 0;
  for (let start = 0; start < rows.length; start += LOAD_BATCH_SIZE) {
    const batch = rows.slice(start, start + LOAD_BATCH_SIZE).map((row) => {
      const out: Record<string, unknown> = {};
      for (const [column, , property] of columns) out[column] = (row as unknown as Record<string, unknown>)[property];
      return out;
    });
    const { rowCount } = await db.query(sql, [JSON.stringify(batch)]);
    written += rowCount ?? 0;
  }
  return written;
}

/** Creates the schema if needed and loads a whole project into it. */
export async function loadProjectData(db: Queryable, schema: string, data: ProjectData): Promise<void> {
  await createProjectSchema(db, schema);
  if (data.crs) await upsertCrs(db, schema, data.crs);
  await insertProjectRows(db, schema, 'layers', data.layers);
  await insertProjectRows(db, schema, 'dictionaries', data.dictionaries);
  await insertProjectRows(db, schema, 'features', data.features);
  await insertProjectRows(db, schema, 'nodes', data.nodes);
  await insertProjectRows(db, schema, 'sections', data.sections);
  await insertProjectRows(db, schema, 'passports', data.passports);
}

/** Rows per SELECT of the batch readers. */
export const READ_BATCH_SIZE = 10_000;

/**
 * Reads one batch of a table after the key `after` (keyset order; null = from the start), mapped
 * to row objects. An empty batch means the table is exhausted.
 */
export async function selectProjectRows<T extends LoadableTable>(
  db: Queryable,
  schema: string,
  table: T,
  after: readonly string[] | null,
  limit = READ_BATCH_SIZE,
): Promise<{ rows: RowOf[T][]; last: string[] | null }> {
  const columns: readonly (readonly [string, string, string])[] = COLUMNS[table];
  const key = keyOf(table).map((k) => pg.escapeIdentifier(k));
  const select = selectList(table);
  const where = after ? `WHERE (${key.join(', ')}) > (${key.map((_, i) => `$${i + 2}`).join(', ')})` : '';
  const { rows } = await db.query<Record<string, unknown>>(
    `SELECT ${select} FROM ${tableOf(schema, table)} ${where} ORDER BY ${key.join(', ')} LIMIT $1`,
    [limit, ...(after ?? [])],
  );
  const lastRow = rows.at(-1);
  const keyProps = keyOf(table).map((k) => columns.find(([column]) => column === k)![2]);
  return {
    rows: rows as unknown as RowOf[T][],
    last: lastRow ? keyProps.map((p) => String(lastRow[p])) : null,
  };
}

/** The columns of a table as row-object properties, optionally qualified by a table alias. */
function selectList(table: LoadableTable, alias?: string): string {
  const columns: readonly (readonly [string, string, string])[] = COLUMNS[table];
  const prefix = alias ? `${alias}.` : '';
  return columns.map(([column, , property]) => `${prefix}${pg.escapeIdentifier(column)} AS "${property}"`).join(', ');
}

/** Reads keyset batches until one comes back empty; `onBatch` sees the running count (for heartbeats). */
async function readAllBatches<R>(
  read: (after: string[] | null) => Promise<{ rows: R[]; last: string[] | null }>,
  onBatch: (read: number) => void,
): Promise<R[]> {
  const all: R[] = [];
  let after: string[] | null = null;
  for (;;) {
    const batch: { rows: R[]; last: string[] | null } = await read(after);
    for (const row of batch.rows) all.push(row);
    if (batch.rows.length === 0) return all;
    after = batch.last;
    onBatch(all.length);
  }
}

/** Reads a whole table batch by batch; `onBatch` sees the running count (for heartbeats). */
export async function selectAllProjectRows<T extends LoadableTable>(
  db: Queryable,
  schema: string,
  table: T,
  onBatch: (read: number) => void = () => undefined,
): Promise<RowOf[T][]> {
  return readAllBatches((after) => selectProjectRows(db, schema, table, after), onBatch);
}

/** Tables whose rows the recovery merge reads and writes one by one (single-column keys). */
export type ObjectTable = 'features' | 'nodes' | 'sections' | 'passports';

/**
 * Rows of `reference` (a restored snapshot) whose key `other` (the damaged copy) lacks, in key
 * order, in keyset batches after `after` — the rows the damage lost.
 */
export async function selectMissingRows<T extends LoadableTable>(
  db: Queryable,
  reference: string,
  other: string,
  table: T,
  after: readonly string[] | null,
  limit = READ_BATCH_SIZE,
): Promise<{ rows: RowOf[T][]; last: string[] | null }> {
  const keyColumns = keyOf(table);
  const key = keyColumns.map((k) => `r.${pg.escapeIdentifier(k)}`);
  const join = keyColumns.map((k) => `o.${pg.escapeIdentifier(k)} = r.${pg.escapeIdentifier(k)}`).join(' AND ');
  const keySelect = keyColumns.map((k, i) => `r.${pg.escapeIdentifier(k)}::text AS k${i}`).join(', ');
  const page = after ? `AND (${key.join(', ')}) > (${key.map((_, i) => `$${i + 2}`).join(', ')})` : '';
  const { rows } = await db.query<Record<string, unknown>>(
    `SELECT ${selectList(table, 'r')}, ${keySelect} FROM ${tableOf(reference, table)} r
     WHERE NOT EXISTS (SELECT 1 FROM ${tableOf(other, table)} o WHERE ${join}) ${page}
     ORDER BY ${key.join(', ')} LIMIT $1`,
    [limit, ...(after ?? [])],
  );
  const lastRow = rows.at(-1);
  const last = lastRow ? keyColumns.map((_, i) => String(lastRow[`k${i}`])) : null;
  for (const row of rows) for (let i = 0; i < keyColumns.length; i++) delete row[`k${i}`];
  return { rows: rows as unknown as RowOf[T][], last };
}

/** Every row `reference` has and `other` lacks, batch by batch. */
export async function selectAllMissingRows<T extends LoadableTable>(
  db: Queryable,
  reference: string,
  other: string,
  table: T,
  onBatch: (read: number) => void = () => undefined,
): Promise<RowOf[T][]> {
  return readAllBatches((after) => selectMissingRows(db, reference, other, table, after), onBatch);
}

/**
 * Features of `reference` whose id `other` holds as a feature of another layer: the id was given
 * to a newer object after the snapshot. `layer` is the newer object's layer.
 */
export async function selectReusedFeatureIds(
  db: Queryable,
  reference: string,
  other: string,
): Promise<{ feature: FeatureRow; layer: string }[]> {
  const { rows } = await db.query<FeatureRow & { newLayer: string }>(
    `SELECT ${selectList('features', 'r')}, o.layer AS "newLayer"
     FROM ${tableOf(reference, 'features')} r JOIN ${tableOf(other, 'features')} o ON o.id = r.id
     WHERE o.layer <> r.layer ORDER BY r.id`,
  );
  return rows.map(({ newLayer, ...feature }) => ({ feature, layer: newLayer }));
}

/** The columns a row of each object table can be looked up by. */
const LOOKUP_COLUMNS = {
  features: ['id', 'inventory_number', 'passport_ref'],
  nodes: ['id'],
  sections: ['id'],
  passports: ['id'],
} as const satisfies Record<ObjectTable, readonly string[]>;

/**
 * Rows of a table whose `column` is one of `values` (one jsonb parameter per batch of 5,000
 * values), in key order.
 */
export async function selectRowsWhereIn<T extends ObjectTable>(
  db: Queryable,
  schema: string,
  table: T,
  column: (typeof LOOKUP_COLUMNS)[T][number],
  values: readonly string[],
): Promise<RowOf[T][]> {
  if (!(LOOKUP_COLUMNS[table] as readonly string[]).includes(column)) throw new Error(`no lookup by ${column}`);
  const unique = [...new Set(values)];
  const found: RowOf[T][] = [];
  for (let start = 0; start < unique.length; start += LOAD_BATCH_SIZE) {
    const batch = unique.slice(start, start + LOAD_BATCH_SIZE);
    const { rows } = await db.query<RowOf[T]>(
      `SELECT ${selectList(table)} FROM ${tableOf(schema, table)}
       WHERE ${pg.escapeIdentifier(column)} IN (SELECT jsonb_array_elements_text($1::jsonb)) ORDER BY id`,
      [JSON.stringify(batch)],
    );
    for (const row of rows) found.push(row);
  }
  return found;
}

export async function selectCrs(db: Queryable, schema: string): Promise<CrsRow | null> {
  const { rows } = await db.query<CrsRow>(`SELECT epsg, name FROM ${tableOf(schema, 'crs')}`);
  return rows[0] ?? null;
}

/** Number of features per layer code. */
export async function countFeaturesByLayer(db: Queryable, schema: string): Promise<Record<string, number>> {
  const { rows } = await db.query<{ layer: string; count: number }>(
    `SELECT layer, count(*) AS count FROM ${tableOf(schema, 'features')} GROUP BY layer ORDER BY layer`,
  );
  return Object.fromEntries(rows.map((r) => [r.layer, r.count]));
}

/**
 * One batch of the canonical dump of a table: each row as jsonb text (keys in jsonb's fixed order),
 * in key order. The same rows give the same text on any PostgreSQL ≥ 12.
 */
export async function selectCanonicalRows(
  db: Queryable,
  schema: string,
  table: ProjectTable,
  after: readonly string[] | null,
  limit = READ_BATCH_SIZE,
): Promise<{ lines: string[]; last: string[] | null }> {
  const keyColumns = keyOf(table);
  const key = keyColumns.map((k) => pg.escapeIdentifier(k));
  const where = after ? `WHERE (${key.join(', ')}) > (${key.map((_, i) => `$${i + 2}`).join(', ')})` : '';
  const keySelect = keyColumns.map((k, i) => `${pg.escapeIdentifier(k)}::text AS k${i}`).join(', ');
  const { rows } = await db.query<Record<string, string>>(
    `SELECT to_jsonb(t)::text AS line, ${keySelect} FROM ${tableOf(schema, table)} t ${where}
     ORDER BY ${key.join(', ')} LIMIT $1`,
    [limit, ...(after ?? [])],
  );
  const lastRow = rows.at(-1);
  return {
    lines: rows.map((r) => r.line!),
    last: lastRow ? keyColumns.map((_, i) => lastRow[`k${i}`]!) : null,
  };
}

export interface RowDifference {
  table: ProjectTable;
  /** The primary key, columns joined by `/`. */
  key: string;
  /** missing: in the reference, not in the other; added: the reverse; changed: both, different. */
  change: 'missing' | 'added' | 'changed';
}

/**
 * Rows that differ between a reference schema (a restored backup) and another copy (the damaged
 * database), at most `limit` per table, plus the full counts.
 */
export async function selectRowDifferences(
  db: Queryable,
  reference: string,
  other: string,
  table: ProjectTable,
  limit: number,
): Promise<{ differences: RowDifference[]; counts: Record<RowDifference['change'], number> }> {
  const key = keyOf(table).map((k) => pg.escapeIdentifier(k));
  const keyText = key.map((k) => `coalesce(r.${k}, o.${k})::text`).join(` || '/' || `);
  const join = key.map((k) => `r.${k} = o.${k}`).join(' AND ');
  const first = key[0]!;
  const from = `FROM ${tableOf(reference, table)} r FULL JOIN ${tableOf(other, table)} o ON ${join}
     WHERE to_jsonb(r) IS DISTINCT FROM to_jsonb(o)`;
  const change = `CASE WHEN o.${first} IS NULL THEN 'missing' WHEN r.${first} IS NULL THEN 'added' ELSE 'changed' END`;
  const { rows } = await db.query<{ key: string; change: RowDifference['change'] }>(
    `SELECT ${keyText} AS key, ${change} AS change ${from} ORDER BY 1 LIMIT $1`,
    [limit],
  );
  const totals = await db.query<{ change: RowDifference['change']; total: number }>(
    `SELECT ${change} AS change, count(*) AS total ${from} GROUP BY 1`,
  );
  const counts = { missing: 0, added: 0, changed: 0 };
  for (const row of totals.rows) counts[row.change] = row.total;
  return { differences: rows.map((r) => ({ table, key: r.key, change: r.change })), counts };
}

/** A feature's id and GeoJSON geometry, as the re-coordination reads and writes them. */
export interface FeatureGeometryRow {
  id: string;
  geometry: unknown;
}

/** One keyset batch of feature geometries after the id `after` (null = from the start), in id order. */
export async function selectFeatureGeometries(
  db: Queryable,
  schema: string,
  after: string | null,
  limit: number,
): Promise<FeatureGeometryRow[]> {
  const { rows } = await db.query<FeatureGeometryRow>(
    `SELECT id, geometry FROM ${tableOf(schema, 'features')} WHERE $2::text IS NULL OR id > $2 ORDER BY id LIMIT $1`,
    [limit, after],
  );
  return rows;
}

/** The geometries of the features with the given ids, in id order. */
export async function selectFeatureGeometriesById(
  db: Queryable,
  schema: string,
  ids: readonly string[],
): Promise<FeatureGeometryRow[]> {
  const { rows } = await db.query<FeatureGeometryRow>(
    `SELECT id, geometry FROM ${tableOf(schema, 'features')} WHERE id = ANY($1::text[]) ORDER BY id`,
    [ids],
  );
  return rows;
}

/** Up to `count` ids of features with geometry, spread evenly over the id order. */
export async function selectSpreadFeatureIds(db: Queryable, schema: string, count: number): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT id FROM (
       SELECT id, row_number() OVER (ORDER BY id) - 1 AS i, count(*) OVER () AS n
       FROM ${tableOf(schema, 'features')} WHERE geometry IS NOT NULL
     ) t WHERE i % greatest(n / $1, 1) = 0 ORDER BY id LIMIT $1`,
    [count],
  );
  return rows.map((r) => r.id);
}

/** Replaces the geometry of existing features (one jsonb parameter for the batch); returns rows updated. */
export async function updateFeatureGeometries(
  db: Queryable,
  schema: string,
  rows: readonly FeatureGeometryRow[],
): Promise<number> {
  if (rows.length === 0) return 0;
  const { rowCount } = await db.query(
    `UPDATE ${tableOf(schema, 'features')} f SET geometry = r.geometry
     FROM jsonb_to_recordset($1::jsonb) AS r(id text, geometry jsonb) WHERE f.id = r.id`,
    [JSON.stringify(rows)],
  );
  return rowCount ?? 0;
}

/** Sets `length_m` of existing sections (one jsonb parameter for the batch); returns rows updated. */
export async function updateSectionLengths(
  db: Queryable,
  schema: string,
  rows: readonly { id: string; lengthM: number }[],
): Promise<number> {
  if (rows.length === 0) return 0;
  const { rowCount } = await db.query(
    `UPDATE ${tableOf(schema, 'sections')} s SET length_m = r."lengthM"
     FROM jsonb_to_recordset($1::jsonb) AS r(id text, "lengthM" double precision) WHERE s.id = r.id`,
    [JSON.stringify(rows)],
  );
  return rowCount ?? 0;
}
