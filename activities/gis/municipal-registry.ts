/**
 * The municipal systems a process has met, by code, beside the published registry (crs-registry.ts):
 * the coordinate functions (transform.ts) look codes up synchronously, so an activity loads the
 * systems its input names first (`loadMunicipalCrs`). An entry never changes once stored, so what
 * this process holds can never be stale.
 */
import type { Queryable } from '../../db/pool.ts';
import { selectMunicipalCrs } from '../../db/queries/municipal-crs.ts';
import { crsKey } from './crs-registry.ts';
import type { MunicipalCrs } from './municipal-crs.ts';

const SYSTEMS = new Map<string, MunicipalCrs>();

export function isMunicipalCode(code: unknown): code is string {
  return typeof code === 'string' && crsKey(code).startsWith('LOCAL:');
}

export function registerMunicipalCrs(system: MunicipalCrs): void {
  SYSTEMS.set(system.code, system);
}

/** The municipal system of a code this process has loaded, or undefined. */
export function findMunicipalCrs(code: string | number): MunicipalCrs | undefined {
  return SYSTEMS.get(crsKey(code));
}

/** Loads the municipal systems among `codes` from the database; an unknown code is left unknown. */
export async function loadMunicipalCrs(db: Queryable, codes: readonly unknown[]): Promise<void> {
  for (const code of new Set(codes.filter(isMunicipalCode).map((c) => crsKey(c)))) {
    if (SYSTEMS.has(code)) continue;
    const system = await selectMunicipalCrs(db, code);
    if (system) registerMunicipalCrs(system);
  }
}
