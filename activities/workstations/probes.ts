/**
 * Verifying a function matrix by trying it: under `SET ROLE` to each function's role (a role that
 * owns no table and is no superuser, so row-level security applies), every table is read, written
 * and deleted from, each granted column on its own, and rows of another district are read, inserted
 * and moved to. Each probe runs in a savepoint that is rolled back, and the whole verification in a
 * transaction that is rolled back: the project is left as it was. The result is the access matrix,
 * expected against actual; `denied` means SQLSTATE 42501.
 */
import pg from 'pg';
import type { PoolClient } from '../../db/pool.ts';
import { ACCESS_TABLES, DISTRICT_TABLES, touches, type AccessTable, type WorkstationFunction } from './functions.ts';

export type Access = 'allowed' | 'denied' | 'hidden';

export interface ProbeResult {
  function: string;
  role: string;
  table: string;
  column?: string;
  action: string;
  expected: Access;
  actual: Access | `error ${string}`;
  ok: boolean;
}

const INSUFFICIENT_PRIVILEGE = '42501';
/** A district no function is given, for the probes of rows of another district. */
export const FOREIGN_DISTRICT = 'probe-foreign-district';

const id = (name: string) => pg.escapeIdentifier(name);

/** Runs the probes of every function against the schema's tables. */
export async function probeAccess(
  client: PoolClient,
  schema: string,
  functions: readonly WorkstationFunction[],
  roles: Record<string, string>,
  columns: ReadonlyMap<string, readonly string[]>,
): Promise<ProbeResult[]> {
  const results: ProbeResult[] = [];
  const s = id(schema);
  await client.query('BEGIN');
  try {
    // Rows of every district the probes need, whatever the project holds: rolled back with the rest.
    const districts = [FOREIGN_DISTRICT, ...new Set(functions.flatMap((f) => f.districts ?? []))];
    await client.query(
      `INSERT INTO ${s}.features (id, layer, attributes)
       SELECT 'ws-probe-' || d, 'ws_probe', jsonb_build_object('district', d) FROM unnest($1::text[]) AS d
       ON CONFLICT (id) DO NOTHING`,
      [districts],
    );
    for (const f of functions) {
      const role = roles[f.name]!;
      const probe = async (
        table: string,
        action: string,
        expected: Access,
        sql: string,
        column?: string,
        hidden?: (rows: number) => boolean,
      ) => {
        let actual: ProbeResult['actual'];
        await client.query('SAVEPOINT probe');
        try {
          await client.query(`SET LOCAL ROLE ${id(role)}`);
          const result = await client.query<{ n?: number }>(sql);
          const rows = Number(result.rows[0]?.n ?? result.rowCount ?? 0);
          actual = hidden && hidden(rows) ? 'hidden' : 'allowed';
        } catch (error) {
          const code = (error as { code?: string }).code ?? 'unknown';
          actual = code === INSUFFICIENT_PRIVILEGE ? 'denied' : `error ${code}`;
        } finally {
          await client.query('ROLLBACK TO SAVEPOINT probe');
        }
        results.push({
          function: f.name,
          role,
          table,
          ...(column ? { column } : {}),
          action,
          expected,
          actual,
          ok: actual === expected,
        });
      };
      for (const table of ACCESS_TABLES) {
        const cols = columns.get(table);
        if (!cols || cols.length === 0) continue;
        const t = `${s}.${id(table)}`;
        const granted = new Set(f.tables?.[table] ?? []);
        const is = (p: 'select' | 'insert' | 'update' | 'delete'): Access => (granted.has(p) ? 'allowed' : 'denied');
        await probe(table, 'select', is('select'), `SELECT * FROM ${t} LIMIT 1`);
        await probe(table, 'insert', is('insert'), `INSERT INTO ${t} (${id(cols[0]!)}) SELECT NULL WHERE false`);
        await probe(table, 'update', is('update'), `UPDATE ${t} SET ${id(cols.at(-1)!)} = NULL WHERE false`);
        await probe(table, 'delete', is('delete'), `DELETE FROM ${t} WHERE false`);
        for (const privilege of ['select', 'update'] as const) {
          const byColumn = f.columns?.[table]?.[privilege] ?? [];
          if (byColumn.length === 0 || granted.has(privilege)) continue;
          const other = cols.find((c) => !byColumn.includes(c));
          for (const column of other ? [...byColumn, other] : byColumn) {
            const sql =
              privilege === 'select'
                ? `SELECT ${id(column)} FROM ${t} LIMIT 1`
                : `UPDATE ${t} SET ${id(column)} = NULL WHERE false`;
            await probe(table, `${privilege} column`, byColumn.includes(column) ? 'allowed' : 'denied', sql, column);
          }
        }
        if (f.districts && DISTRICT_TABLES.includes(table) && touches(f, table)) {
          await probeDistricts(f, table as AccessTable, t, granted, probe);
        }
      }
    }
  } finally {
    await client.query('ROLLBACK');
  }
  return results;
}

type Probe = (
  table: string,
  action: string,
  expected: Access,
  sql: string,
  column?: string,
  hidden?: (rows: number) => boolean,
) => Promise<void>;

/** Rows of another district: never seen, never written (a write is refused with 42501 by the policy's check). */
async function probeDistricts(
  f: WorkstationFunction,
  table: AccessTable,
  t: string,
  granted: ReadonlySet<string>,
  probe: Probe,
): Promise<void> {
  const foreign = pg.escapeLiteral(FOREIGN_DISTRICT);
  const own = f.districts!.map((d) => pg.escapeLiteral(d)).join(', ');
  if (table !== 'features') return;
  const notOwn = `coalesce(attributes ->> 'district', '') <> ALL (ARRAY[${own}]::text[])`;
  if (granted.has('select')) {
    // Rows of other districts exist (the verification inserts one for each) but are not visible.
    await probe(
      table,
      'select rows of another district',
      'hidden',
      `SELECT count(*)::int AS n FROM ${t} WHERE ${notOwn}`,
      undefined,
      (rows) => rows === 0,
    );
  }
  if (granted.has('insert')) {
    await probe(
      table,
      'insert a row of another district',
      'denied',
      `INSERT INTO ${t} (id, layer, attributes) VALUES ('ws-probe', 'ws_probe', jsonb_build_object('district', ${foreign}))`,
    );
    await probe(
      table,
      'insert a row of its district',
      'allowed',
      `INSERT INTO ${t} (id, layer, attributes) VALUES ('ws-probe', 'ws_probe', jsonb_build_object('district', ${pg.escapeLiteral(f.districts![0]!)}))`,
    );
  }
  if (granted.has('update') && granted.has('select')) {
    await probe(
      table,
      'move a row to another district',
      'denied',
      `UPDATE ${t} SET attributes = attributes || jsonb_build_object('district', ${foreign})
       WHERE id = (SELECT id FROM ${t} ORDER BY id LIMIT 1)`,
    );
  }
}
