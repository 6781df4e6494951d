/** The municipal coordinate systems (0016_municipal_crs.sql): stored once, read by code or listed. */
import type { MunicipalCrs } from '../../activities/gis/municipal-crs.ts';
import type { Queryable } from '../pool.ts';

const COLUMNS = `code, name, 'municipal' AS kind, base_crs AS "baseCrs", method, model, rms_m AS "rmsM", extent,
  margin_m AS "marginM", source, fit, tie_points AS "tiePoints", created_by AS "createdBy",
  to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "createdAt"`;

/** Stores a new system; false when the code is taken (entries never change). */
export async function insertMunicipalCrs(db: Queryable, s: MunicipalCrs): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO municipal_crs (code, name, base_crs, method, model, rms_m, extent, margin_m, source, fit, tie_points,
       created_by, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
     ON CONFLICT (code) DO NOTHING`,
    [
      s.code,
      s.name,
      s.baseCrs,
      s.method,
      JSON.stringify(s.model),
      s.rmsM,
      JSON.stringify(s.extent),
      s.marginM,
      s.source,
      JSON.stringify(s.fit),
      JSON.stringify(s.tiePoints),
      s.createdBy,
      s.createdAt,
    ],
  );
  return (rowCount ?? 0) > 0;
}

export async function selectMunicipalCrs(db: Queryable, code: string): Promise<MunicipalCrs | null> {
  const { rows } = await db.query<MunicipalCrs>(`SELECT ${COLUMNS} FROM municipal_crs WHERE code = $1`, [code]);
  return rows[0] ?? null;
}

/** Every system, by code. */
export async function selectMunicipalCrsList(db: Queryable): Promise<MunicipalCrs[]> {
  const { rows } = await db.query<MunicipalCrs>(`SELECT ${COLUMNS} FROM municipal_crs ORDER BY code`);
  return rows;
}
