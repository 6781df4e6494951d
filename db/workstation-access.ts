/**
 * What the PostgreSQL catalog says about the workstation roles of a project (X-WS,
 * docs/workstations.md): the roles, their schema usage, table and column privileges, row-level
 * security and its policies, and role membership. Read from information_schema, pg_policies and the
 * system catalogs; only roles whose names start with the project's prefix are read.
 */
import type { Queryable } from './pool.ts';

/** One grant as `role|table|privilege` or, on a column, `role|table|column|privilege` (privilege upper case). */
export interface AccessCatalog {
  roles: Set<string>;
  schemaUsage: Set<string>;
  tableGrants: Set<string>;
  columnGrants: Set<string>;
  rlsTables: Set<string>;
  /** `table|policy` of policies whose name starts with `ws_`, with their roles. */
  policies: Map<string, string[]>;
  /** `role|member`. */
  memberships: Set<string>;
  /** Column names per table of the schema. */
  columns: Map<string, string[]>;
}

export async function selectAccessCatalog(db: Queryable, schema: string, prefix: string): Promise<AccessCatalog> {
  const like = `${prefix.replaceAll('_', '\\_')}%`;
  const roles = await db.query<{ rolname: string }>('SELECT rolname FROM pg_roles WHERE rolname LIKE $1', [like]);
  const usage = await db.query<{ rolname: string }>(
    `SELECT r.rolname FROM pg_namespace n, aclexplode(n.nspacl) a JOIN pg_roles r ON r.oid = a.grantee
     WHERE n.nspname = $1 AND a.privilege_type = 'USAGE' AND r.rolname LIKE $2`,
    [schema, like],
  );
  const tables = await db.query<{ grantee: string; table_name: string; privilege_type: string }>(
    `SELECT grantee, table_name, privilege_type FROM information_schema.table_privileges
     WHERE table_schema = $1 AND grantee LIKE $2`,
    [schema, like],
  );
  // information_schema.column_privileges also lists every column of a table granted whole: read the column ACLs.
  const columns = await db.query<{ rolname: string; relname: string; attname: string; privilege_type: string }>(
    `SELECT r.rolname, c.relname, att.attname, a.privilege_type
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     JOIN pg_attribute att ON att.attrelid = c.oid AND att.attacl IS NOT NULL, aclexplode(att.attacl) a
     JOIN pg_roles r ON r.oid = a.grantee
     WHERE n.nspname = $1 AND r.rolname LIKE $2`,
    [schema, like],
  );
  const rls = await db.query<{ relname: string }>(
    `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = $1 AND c.relkind = 'r' AND c.relrowsecurity`,
    [schema],
  );
  const policies = await db.query<{ tablename: string; policyname: string; roles: string[] }>(
    `SELECT tablename, policyname, roles::text[] AS roles FROM pg_policies WHERE schemaname = $1 AND policyname LIKE 'ws\\_%'`,
    [schema],
  );
  const members = await db.query<{ role: string; member: string }>(
    `SELECT r.rolname AS role, m.rolname AS member FROM pg_auth_members am
     JOIN pg_roles r ON r.oid = am.roleid JOIN pg_roles m ON m.oid = am.member WHERE r.rolname LIKE $1`,
    [like],
  );
  const schemaColumns = await db.query<{ table_name: string; columns: string[] }>(
    `SELECT table_name, array_agg(column_name::text ORDER BY ordinal_position) AS columns
     FROM information_schema.columns WHERE table_schema = $1 GROUP BY table_name`,
    [schema],
  );
  return {
    roles: new Set(roles.rows.map((r) => r.rolname)),
    schemaUsage: new Set(usage.rows.map((r) => r.rolname)),
    tableGrants: new Set(tables.rows.map((r) => `${r.grantee}|${r.table_name}|${r.privilege_type}`)),
    columnGrants: new Set(columns.rows.map((r) => `${r.rolname}|${r.relname}|${r.attname}|${r.privilege_type}`)),
    rlsTables: new Set(rls.rows.map((r) => r.relname)),
    policies: new Map(policies.rows.map((r) => [`${r.tablename}|${r.policyname}`, r.roles])),
    memberships: new Set(members.rows.map((r) => `${r.role}|${r.member}`)),
    columns: new Map(schemaColumns.rows.map((r) => [r.table_name, r.columns])),
  };
}

/** Login roles among `names` that exist. */
export async function selectExistingRoles(db: Queryable, names: readonly string[]): Promise<Set<string>> {
  const { rows } = await db.query<{ rolname: string }>('SELECT rolname FROM pg_roles WHERE rolname = ANY($1)', [names]);
  return new Set(rows.map((r) => r.rolname));
}

/** Runs statements built from quoted identifiers and literals only (the plan), in order. */
export async function executeStatements(db: Queryable, statements: readonly string[]): Promise<void> {
  for (const statement of statements) await db.query(statement);
}

/** Roles of a prefix, for a teardown: their privileges and policies in this database go first. */
export async function dropRolesWithPrefix(db: Queryable, prefix: string): Promise<string[]> {
  const { rows } = await db.query<{ rolname: string }>('SELECT rolname FROM pg_roles WHERE rolname LIKE $1', [
    `${prefix.replaceAll('_', '\\_')}%`,
  ]);
  for (const { rolname } of rows) {
    const role = `"${rolname.replaceAll('"', '""')}"`;
    await db.query(`DROP OWNED BY ${role}`);
    await db.query(`DROP ROLE ${role}`);
  }
  return rows.map((r) => r.rolname);
}
