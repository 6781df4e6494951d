/**
 * The statements that make the catalog equal a function matrix, and the drift: what the catalog
 * grants the project's workstation roles beyond the matrix (a GRANT made by hand, a function
 * dropped from the matrix). Pure: the catalog is read and the statements run elsewhere. An empty
 * plan means the catalog already is the matrix, so a repeated apply issues no statement.
 */
import pg from 'pg';
import type { AccessCatalog } from '../../db/workstation-access.ts';
import { sha256Hex } from '../../lib/hash.ts';
import { ACCESS_TABLES, DISTRICT_TABLES, touches, type AccessTable, type WorkstationFunction } from './functions.ts';

export interface AccessPlan {
  statements: string[];
  /** Grants, policies, members and roles the catalog has beyond the matrix, one line each. */
  drift: string[];
  /** The role of each function. */
  roles: Record<string, string>;
}

const id = (name: string) => pg.escapeIdentifier(name);

/** The row filter of a function on a district table (`true` for every district). */
export function districtFilter(
  schema: string,
  table: AccessTable,
  districts: readonly string[] | null | undefined,
): string {
  if (!districts) return 'true';
  const list = `ARRAY[${districts.map((d) => pg.escapeLiteral(d)).join(', ')}]::text[]`;
  if (table === 'features') return `(attributes ->> 'district') = ANY (${list})`;
  return `EXISTS (SELECT 1 FROM ${id(schema)}.features f WHERE f.id = ${id(table)}.id AND (f.attributes ->> 'district') = ANY (${list}))`;
}

/** A policy's name carries a hash of what it says, so a changed matrix gives a new policy, never a stale one. */
function policyName(fn: string, role: string, filter: string): string {
  return `ws_${fn}_${sha256Hex(`${role}\n${filter}`).slice(0, 8)}`;
}

export function planAccess(
  functions: readonly WorkstationFunction[],
  schema: string,
  prefix: string,
  catalog: AccessCatalog,
  options: { revokeDrift: boolean },
): AccessPlan {
  const s = id(schema);
  const statements: string[] = [];
  const drift: string[] = [];
  const roles: Record<string, string> = {};
  const wanted = {
    tableGrants: new Set<string>(),
    columnGrants: new Set<string>(),
    policies: new Set<string>(),
    memberships: new Set<string>(),
  };
  const rlsTables = new Set<string>();

  for (const f of functions) {
    const role = `${prefix}${f.name}`;
    roles[f.name] = role;
    if (!catalog.roles.has(role)) statements.push(`CREATE ROLE ${id(role)} NOLOGIN`);
    if (!catalog.schemaUsage.has(role)) statements.push(`GRANT USAGE ON SCHEMA ${s} TO ${id(role)}`);
    for (const table of ACCESS_TABLES) {
      for (const privilege of f.tables?.[table] ?? []) {
        const key = `${role}|${table}|${privilege.toUpperCase()}`;
        wanted.tableGrants.add(key);
        if (!catalog.tableGrants.has(key)) {
          statements.push(`GRANT ${privilege.toUpperCase()} ON ${s}.${id(table)} TO ${id(role)}`);
        }
      }
      for (const privilege of ['select', 'update'] as const) {
        for (const column of f.columns?.[table]?.[privilege] ?? []) {
          if (!(catalog.columns.get(table) ?? []).includes(column)) {
            throw new Error(`functions: ${f.name}: table ${table} has no column ${column}`);
          }
          const key = `${role}|${table}|${column}|${privilege.toUpperCase()}`;
          wanted.columnGrants.add(key);
          if (!catalog.columnGrants.has(key)) {
            statements.push(`GRANT ${privilege.toUpperCase()} (${id(column)}) ON ${s}.${id(table)} TO ${id(role)}`);
          }
        }
      }
      if (DISTRICT_TABLES.includes(table) && touches(f, table)) {
        rlsTables.add(table);
        const filter = districtFilter(schema, table, f.districts);
        const name = policyName(f.name, role, filter);
        wanted.policies.add(`${table}|${name}`);
        if (!catalog.policies.has(`${table}|${name}`)) {
          statements.push(
            `CREATE POLICY ${id(name)} ON ${s}.${id(table)} FOR ALL TO ${id(role)} USING (${filter}) WITH CHECK (${filter})`,
          );
        }
      }
    }
    for (const member of f.members ?? []) {
      wanted.memberships.add(`${role}|${member}`);
      if (!catalog.memberships.has(`${role}|${member}`)) statements.push(`GRANT ${id(role)} TO ${id(member)}`);
    }
  }
  for (const table of rlsTables) {
    if (!catalog.rlsTables.has(table)) statements.push(`ALTER TABLE ${s}.${id(table)} ENABLE ROW LEVEL SECURITY`);
  }

  // What the catalog has beyond the matrix: reported, and revoked unless the matrix says to leave it.
  const ours = new Set(Object.values(roles));
  const undo: string[] = [];
  for (const key of catalog.tableGrants) {
    if (wanted.tableGrants.has(key)) continue;
    const [role, table, privilege] = key.split('|') as [string, string, string];
    drift.push(`${privilege} on ${table} granted to ${role}`);
    undo.push(`REVOKE ${privilege} ON ${s}.${id(table)} FROM ${id(role)}`);
  }
  for (const key of catalog.columnGrants) {
    if (wanted.columnGrants.has(key)) continue;
    const [role, table, column, privilege] = key.split('|') as [string, string, string, string];
    // A grant of a whole table is not a column grant: only columns granted one by one are read here.
    drift.push(`${privilege} (${column}) on ${table} granted to ${role}`);
    undo.push(`REVOKE ${privilege} (${id(column)}) ON ${s}.${id(table)} FROM ${id(role)}`);
  }
  for (const [key, policyRoles] of catalog.policies) {
    if (wanted.policies.has(key) || !policyRoles.some((r) => r.startsWith(prefix))) continue;
    const [table, name] = key.split('|') as [string, string];
    drift.push(`policy ${name} on ${table} for ${policyRoles.join(', ')}`);
    undo.push(`DROP POLICY ${id(name)} ON ${s}.${id(table)}`);
  }
  for (const key of catalog.memberships) {
    if (wanted.memberships.has(key)) continue;
    const [role, member] = key.split('|') as [string, string];
    drift.push(`${member} is a member of ${role}`);
    undo.push(`REVOKE ${id(role)} FROM ${id(member)}`);
  }
  for (const role of catalog.roles) {
    if (ours.has(role)) continue;
    drift.push(`role ${role} is no function of the matrix`);
    if (catalog.schemaUsage.has(role)) undo.push(`REVOKE USAGE ON SCHEMA ${s} FROM ${id(role)}`);
  }
  if (options.revokeDrift) statements.push(...undo);
  return { statements, drift, roles };
}
