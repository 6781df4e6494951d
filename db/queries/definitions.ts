import type { CompiledDefinition, ProcessSnapshot } from '../../definitions/model.ts';
import type { Queryable } from '../pool.ts';

export interface DefinitionRow {
  id: string;
  version: number;
  title: string;
  service_code: string;
  source: string;
  snapshot: ProcessSnapshot;
  sha256: string;
  published_by: string;
  published_at: Date;
  /** Why the version is not offered yet (launching it is refused); null when it is offered. */
  not_offered_reason: string | null;
}

/**
 * Publishes a version. The same content under the same version is a no-op (`unchanged`); other
 * content under an existing version is refused (`conflict`), since published versions are immutable.
 */
export async function insertDefinition(
  db: Queryable,
  p: { source: string; compiled: CompiledDefinition; publishedBy: string; notOfferedReason?: string | null },
): Promise<{ outcome: 'published' | 'unchanged' | 'conflict'; row: DefinitionRow }> {
  const { snapshot, sha256 } = p.compiled;
  const inserted = await db.query<DefinitionRow>(
    `INSERT INTO definitions (id, version, title, service_code, source, snapshot, sha256, published_by, not_offered_reason)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (id, version) DO NOTHING
     RETURNING *`,
    [
      snapshot.id,
      snapshot.version,
      snapshot.title,
      snapshot.service,
      p.source,
      JSON.stringify(snapshot),
      sha256,
      p.publishedBy,
      p.notOfferedReason ?? null,
    ],
  );
  if (inserted.rows[0]) return { outcome: 'published', row: inserted.rows[0] };
  const existing = (await selectDefinition(db, snapshot.id, snapshot.version))!;
  return { outcome: existing.sha256 === sha256 ? 'unchanged' : 'conflict', row: existing };
}

/** A published version, or the latest when version is null. */
export async function selectDefinition(
  db: Queryable,
  id: string,
  version: number | null,
): Promise<DefinitionRow | null> {
  const { rows } = await db.query<DefinitionRow>(
    `SELECT * FROM definitions WHERE id = $1 AND ($2::int IS NULL OR version = $2) ORDER BY version DESC LIMIT 1`,
    [id, version],
  );
  return rows[0] ?? null;
}

export async function selectLatestDefinitions(db: Queryable): Promise<Omit<DefinitionRow, 'source' | 'snapshot'>[]> {
  const { rows } = await db.query<Omit<DefinitionRow, 'source' | 'snapshot'>>(
    `SELECT DISTINCT ON (id) id, version, title, service_code, sha256, published_by, published_at, not_offered_reason
     FROM definitions ORDER BY id, version DESC`,
  );
  return rows;
}

/** Whether each published version is offered: what subprocess checks look up. */
export async function selectDefinitionOffers(
  db: Queryable,
): Promise<Pick<DefinitionRow, 'id' | 'version' | 'not_offered_reason'>[]> {
  const { rows } = await db.query<Pick<DefinitionRow, 'id' | 'version' | 'not_offered_reason'>>(
    'SELECT id, version, not_offered_reason FROM definitions ORDER BY id, version',
  );
  return rows;
}

/** Published versions that are offered, with their sources: what a worker checks at start. */
export async function selectOfferedDefinitions(
  db: Queryable,
): Promise<Pick<DefinitionRow, 'id' | 'version' | 'source' | 'snapshot'>[]> {
  const { rows } = await db.query<Pick<DefinitionRow, 'id' | 'version' | 'source' | 'snapshot'>>(
    'SELECT id, version, source, snapshot FROM definitions WHERE not_offered_reason IS NULL ORDER BY id, version',
  );
  return rows;
}

/** Sets or clears (null) why a published version is not offered; true when that changed it. */
export async function updateDefinitionOffer(
  db: Queryable,
  p: { id: string; version: number; notOfferedReason: string | null },
): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE definitions SET not_offered_reason = $3
     WHERE id = $1 AND version = $2 AND not_offered_reason IS DISTINCT FROM $3`,
    [p.id, p.version, p.notOfferedReason],
  );
  return (rowCount ?? 0) > 0;
}
