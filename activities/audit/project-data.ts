/**
 * Reading a project schema for the audit, and the canonical checksum of a schema's rows — the I/O
 * half of the audit, kept apart from the pure engine.
 */
import { createHash } from 'node:crypto';
import type { Queryable } from '../../db/pool.ts';
import {
  PROJECT_TABLES,
  selectAllProjectRows,
  selectCanonicalRows,
  type ProjectTable,
} from '../../db/project-schema.ts';
import type { AuditNetwork } from './model.ts';

export type Progress = (details: { phase: string; table?: string; rows?: number }) => void;

/** Reads every table the rules need, batch by batch, reporting progress after each batch. */
export async function readNetwork(db: Queryable, schema: string, progress: Progress): Promise<AuditNetwork> {
  const read = <T extends 'layers' | 'dictionaries' | 'features' | 'nodes' | 'sections' | 'passports'>(table: T) =>
    selectAllProjectRows(db, schema, table, (rows) => progress({ phase: 'read', table, rows }));
  return {
    layers: await read('layers'),
    dictionaries: await read('dictionaries'),
    features: await read('features'),
    nodes: await read('nodes'),
    sections: await read('sections'),
    passports: await read('passports'),
  };
}

/**
 * sha256 over the canonical dump of a schema: for each table in fixed order, its name and then every
 * row as jsonb text in key order, one per line. Equal rows give an equal checksum wherever the
 * schema lives, so a restored copy can be checked against its backup.
 */
export async function checksumSchema(
  db: Queryable,
  schema: string,
  progress: Progress,
): Promise<{ sha256: string; rows: Record<ProjectTable, number> }> {
  const hash = createHash('sha256');
  const rows = {} as Record<ProjectTable, number>;
  for (const { name } of PROJECT_TABLES) {
    hash.update(`-- ${name}\n`);
    rows[name] = 0;
    let after: string[] | null = null;
    for (;;) {
      const batch: { lines: string[]; last: string[] | null } = await selectCanonicalRows(db, schema, name, after);
      if (batch.lines.length === 0) break;
      for (const line of batch.lines) hash.update(`${line}\n`);
      rows[name] += batch.lines.length;
      after = batch.last;
      progress({ phase: 'checksum', table: name, rows: rows[name] });
    }
  }
  return { sha256: hash.digest('hex'), rows };
}
