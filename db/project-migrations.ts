/**
 * Numbered migrations of project schemas (docs/project-schema.md): `db/project-migrations/NNNN_*.sql`,
 * applied in order to every project schema and every copy of one (backup, staging, working copies),
 * and recorded per schema in its own `project_migrations` table. `createProjectSchema` applies them
 * to a schema it creates; the migrate step applies them to every schema that already exists.
 *
 * A migration refers to its schema as `{schema}` (replaced by the quoted, validated name) and must be
 * idempotent (`IF NOT EXISTS`): a copy made table by table carries the columns but not the record,
 * so the next migrate step runs the migration on it again.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { Queryable } from './pool.ts';
import { quoteSchema } from './schema-name.ts';

export const PROJECT_MIGRATIONS_DIR = fileURLToPath(new URL('./project-migrations', import.meta.url));

export interface ProjectMigration {
  version: number;
  /** File name without `.sql`, e.g. `0001_node_elevation`. */
  name: string;
  sql: string;
}

let loaded: readonly ProjectMigration[] | undefined;

/** The migrations in version order (read once, on first use). */
export function projectMigrations(): readonly ProjectMigration[] {
  loaded ??= readdirSync(PROJECT_MIGRATIONS_DIR)
    .filter((file) => /^\d{4}_[a-z0-9_]+\.sql$/.test(file))
    .sort()
    .map((file) => ({
      version: Number(file.slice(0, 4)),
      name: file.slice(0, -4),
      sql: readFileSync(`${PROJECT_MIGRATIONS_DIR}/${file}`, 'utf8'),
    }));
  return loaded;
}

/**
 * Applies the migrations `schema` has not recorded, each with its record in one implicit transaction
 * (a multi-statement query), and returns the names applied.
 */
export async function migrateProjectSchema(db: Queryable, schema: string): Promise<string[]> {
  const s = quoteSchema(schema);
  await db.query(`CREATE TABLE IF NOT EXISTS ${s}.project_migrations (
      version     int PRIMARY KEY,
      name        text NOT NULL,
      applied_at  timestamptz NOT NULL DEFAULT now()
    )`);
  const { rows } = await db.query<{ version: number }>(`SELECT version FROM ${s}.project_migrations`);
  const done = new Set(rows.map((r) => r.version));
  const applied: string[] = [];
  for (const migration of projectMigrations()) {
    if (done.has(migration.version)) continue;
    await db.query(
      `${migration.sql.replaceAll('{schema}', s)};
       INSERT INTO ${s}.project_migrations (version, name) VALUES (${migration.version}, ${pg.escapeLiteral(migration.name)})
       ON CONFLICT (version) DO NOTHING`,
    );
    applied.push(migration.name);
  }
  return applied;
}

/** Schemas laid out as a project (they hold `nodes` and `sections`): projects and their copies. */
export async function selectProjectLikeSchemas(db: Queryable): Promise<string[]> {
  const { rows } = await db.query<{ schema: string }>(
    `SELECT table_schema AS schema FROM information_schema.tables
     WHERE table_name IN ('nodes', 'sections') AND table_schema NOT IN ('pg_catalog', 'information_schema')
     GROUP BY table_schema HAVING count(DISTINCT table_name) = 2 ORDER BY table_schema`,
  );
  return rows.map((r) => r.schema);
}

/** Brings every existing project schema up to date; returns `schema: migration` per migration applied. */
export async function migrateProjectSchemas(db: Queryable): Promise<string[]> {
  const applied: string[] = [];
  for (const schema of await selectProjectLikeSchemas(db)) {
    for (const name of await migrateProjectSchema(db, schema)) applied.push(`${schema}: ${name}`);
  }
  return applied;
}
