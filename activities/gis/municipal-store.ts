/**
 * Defining a municipal system and finding the stored ones: what `POST /v1/crs/municipal` and
 * `potik crs define` do, through the same checks (municipal-crs.ts) and queries.
 */
import type { Queryable } from '../../db/pool.ts';
import { insertMunicipalCrs, selectMunicipalCrs, selectMunicipalCrsList } from '../../db/queries/municipal-crs.ts';
import { AppError, isAppError } from '../../lib/errors.ts';
import { defineMunicipalCrs, municipalCode, type MunicipalCrs, type MunicipalCrsInput } from './municipal-crs.ts';
import { registerMunicipalCrs } from './municipal-registry.ts';
import { assertInAreaOfUse } from './transform.ts';

/** Tie-point targets must lie in the base CRS's area of use (exchanged axes are named as such). */
function assertTargetsInArea(baseCrs: string, targets: [number, number][]): void {
  try {
    assertInAreaOfUse(baseCrs, targets);
  } catch (error) {
    if (!isAppError(error, 'request-invalid')) throw error;
    const index = (error.details as { index?: number } | undefined)?.index ?? 0;
    const path = `/points/${index}/target`;
    throw new AppError('request-invalid', `${path}: ${error.message}`, {
      ...error.details,
      errors: [{ path, message: error.message }],
    });
  }
}

/** Fits, checks and stores a new municipal system; `crs-exists` when its code is taken. */
export async function createMunicipalCrs(
  db: Queryable,
  input: MunicipalCrsInput,
  createdBy: string,
  now = new Date(),
): Promise<MunicipalCrs> {
  const system = defineMunicipalCrs(input, createdBy, now, assertTargetsInArea);
  if (!(await insertMunicipalCrs(db, system))) {
    throw new AppError(
      'crs-exists',
      `${system.code} exists already; a stored system never changes: choose a new code`,
      {
        code: system.code,
        errors: [{ path: '/code', message: 'exists already' }],
      },
    );
  }
  registerMunicipalCrs(system);
  return system;
}

/** The stored system of a code; `not-found` when there is none. */
export async function getMunicipalCrs(db: Queryable, code: string): Promise<MunicipalCrs> {
  const key = code.trim().toUpperCase();
  const system = /^LOCAL:/.test(key) ? await selectMunicipalCrs(db, municipalCode(key)) : null;
  if (!system) throw new AppError('not-found', `No municipal coordinate system ${code}`);
  return system;
}

export async function listMunicipalCrs(db: Queryable): Promise<MunicipalCrs[]> {
  return selectMunicipalCrsList(db);
}
