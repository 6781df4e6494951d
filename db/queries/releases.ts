/** The release register: releases of a product and their files (B-RELEASE, docs/release.md). */
import type { Queryable } from '../pool.ts';

export interface ReleaseRow {
  id: number;
  product: string;
  version: string;
  notes: string;
  createdBy: string;
  createdAt: Date;
}

export interface ReleaseFileRow {
  releaseId: number;
  name: string;
  mediaType: string;
  sha256: string;
  size: number;
  createdAt: Date;
}

const RELEASE_COLUMNS = `id, product, version, notes, created_by AS "createdBy", created_at AS "createdAt"`;
const FILE_COLUMNS = `release_id AS "releaseId", name, media_type AS "mediaType", sha256, size, created_at AS "createdAt"`;

/** Registers a release; null when the product has this version registered already. */
export async function insertRelease(
  db: Queryable,
  p: { product: string; version: string; notes: string; createdBy: string },
): Promise<ReleaseRow | null> {
  const { rows } = await db.query<ReleaseRow>(
    `INSERT INTO releases (product, version, notes, created_by) VALUES ($1, $2, $3, $4)
     ON CONFLICT (product, version) DO NOTHING RETURNING ${RELEASE_COLUMNS}`,
    [p.product, p.version, p.notes, p.createdBy],
  );
  return rows[0] ?? null;
}

export async function selectRelease(db: Queryable, id: number): Promise<ReleaseRow | null> {
  const { rows } = await db.query<ReleaseRow>(`SELECT ${RELEASE_COLUMNS} FROM releases WHERE id = $1`, [id]);
  return rows[0] ?? null;
}

export async function selectReleaseByVersion(
  db: Queryable,
  product: string,
  version: string,
): Promise<ReleaseRow | null> {
  const { rows } = await db.query<ReleaseRow>(
    `SELECT ${RELEASE_COLUMNS} FROM releases WHERE product = $1 AND version = $2`,
    [product, version],
  );
  return rows[0] ?? null;
}

/** Every release, newest first (by registration). */
export async function selectReleases(db: Queryable): Promise<ReleaseRow[]> {
  const { rows } = await db.query<ReleaseRow>(
    `SELECT ${RELEASE_COLUMNS} FROM releases ORDER BY created_at DESC, id DESC`,
  );
  return rows;
}

/**
 * Stores a release file once: a second call with the same name returns the stored row
 * (`created` false) and leaves its content as it was.
 */
export async function insertReleaseFile(
  db: Queryable,
  p: { releaseId: number; name: string; mediaType: string; sha256: string; content: Buffer },
): Promise<{ row: ReleaseFileRow; created: boolean }> {
  const inserted = await db.query<ReleaseFileRow>(
    `INSERT INTO release_files (release_id, name, media_type, sha256, size, content) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (release_id, name) DO NOTHING RETURNING ${FILE_COLUMNS}`,
    [p.releaseId, p.name, p.mediaType, p.sha256, p.content.length, p.content],
  );
  if (inserted.rows[0]) return { row: inserted.rows[0], created: true };
  const { rows } = await db.query<ReleaseFileRow>(
    `SELECT ${FILE_COLUMNS} FROM release_files WHERE release_id = $1 AND name = $2`,
    [p.releaseId, p.name],
  );
  return { row: rows[0]!, created: false };
}

/** The files of releases, by name, without content. */
export async function selectReleaseFiles(db: Queryable, releaseIds: readonly number[]): Promise<ReleaseFileRow[]> {
  const { rows } = await db.query<ReleaseFileRow>(
    `SELECT ${FILE_COLUMNS} FROM release_files WHERE release_id = ANY($1::bigint[]) ORDER BY release_id, name`,
    [releaseIds],
  );
  return rows;
}

/** One file of a release with its bytes. */
export async function selectReleaseFileContent(
  db: Queryable,
  releaseId: number,
  name: string,
): Promise<{ row: ReleaseFileRow; content: Buffer } | null> {
  const { rows } = await db.query<ReleaseFileRow & { content: Buffer }>(
    `SELECT ${FILE_COLUMNS}, content FROM release_files WHERE release_id = $1 AND name = $2`,
    [releaseId, name],
  );
  const found = rows[0];
  if (!found) return null;
  const { content, ...row } = found;
  return { row, content };
}
