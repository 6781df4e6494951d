import type { Queryable } from '../pool.ts';

export interface ArtifactRow {
  id: number;
  engagementId: string;
  stepId: string;
  iteration: string;
  kind: string;
  name: string;
  mediaType: string;
  sha256: string;
  size: number;
  createdAt: Date;
}

export interface InsertArtifactParams {
  engagementId: string;
  stepId: string;
  iteration: string;
  kind: string;
  name: string;
  mediaType: string;
  sha256: string;
  content: Buffer;
}

const COLUMNS = `id, engagement_id AS "engagementId", step_id AS "stepId", iteration, kind, name,
  media_type AS "mediaType", sha256, size, created_at AS "createdAt"`;

/**
 * Stores an artifact once per engagement, step, iteration and name; a second call with the same
 * four returns the stored row (`created` false) and leaves its content as it was.
 */
export async function insertArtifact(
  db: Queryable,
  p: InsertArtifactParams,
): Promise<{ row: ArtifactRow; created: boolean }> {
  const inserted = await db.query<ArtifactRow>(
    `INSERT INTO artifacts (engagement_id, step_id, iteration, kind, name, media_type, sha256, size, content)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (engagement_id, step_id, iteration, name) DO NOTHING
     RETURNING ${COLUMNS}`,
    [p.engagementId, p.stepId, p.iteration, p.kind, p.name, p.mediaType, p.sha256, p.content.length, p.content],
  );
  if (inserted.rows[0]) return { row: inserted.rows[0], created: true };
  const existing = await selectArtifact(db, p);
  return { row: existing!, created: false };
}

/** The artifact of one engagement step and iteration by name, without its content. */
export async function selectArtifact(
  db: Queryable,
  key: { engagementId: string; stepId: string; iteration: string; name: string },
): Promise<ArtifactRow | null> {
  const { rows } = await db.query<ArtifactRow>(
    `SELECT ${COLUMNS} FROM artifacts WHERE engagement_id = $1 AND step_id = $2 AND iteration = $3 AND name = $4`,
    [key.engagementId, key.stepId, key.iteration, key.name],
  );
  return rows[0] ?? null;
}

/** An artifact's bytes. */
export async function selectArtifactContent(db: Queryable, id: number): Promise<Buffer | null> {
  const { rows } = await db.query<{ content: Buffer }>('SELECT content FROM artifacts WHERE id = $1', [id]);
  return rows[0]?.content ?? null;
}

/** Artifacts of an engagement, oldest first, without content. */
export async function selectArtifactsOfEngagement(db: Queryable, engagementId: string): Promise<ArtifactRow[]> {
  const { rows } = await db.query<ArtifactRow>(
    `SELECT ${COLUMNS} FROM artifacts WHERE engagement_id = $1 ORDER BY created_at, id`,
    [engagementId],
  );
  return rows;
}

/** Uploads are artifacts of no step: kind `upload`, empty step and iteration. */
export const UPLOAD_KIND = 'upload';

/**
 * Stores a file the customer uploaded to an engagement. Names are unique per engagement: a second
 * upload under a name returns the stored row (`created` false) and leaves its content as it was.
 */
export async function insertUpload(
  db: Queryable,
  p: Pick<InsertArtifactParams, 'engagementId' | 'name' | 'mediaType' | 'sha256' | 'content'>,
): Promise<{ row: ArtifactRow; created: boolean }> {
  return insertArtifact(db, { ...p, stepId: '', iteration: '', kind: UPLOAD_KIND });
}

/** The uploads of an engagement among `names`, with their content. */
export async function selectUploads(
  db: Queryable,
  engagementId: string,
  names: readonly string[],
): Promise<{ row: ArtifactRow; content: Buffer }[]> {
  const { rows } = await db.query<ArtifactRow & { content: Buffer }>(
    `SELECT ${COLUMNS}, content FROM artifacts
     WHERE engagement_id = $1 AND step_id = '' AND kind = '${UPLOAD_KIND}' AND name = ANY($2)`,
    [engagementId, names],
  );
  return rows.map(({ content, ...row }) => ({ row, content }));
}

/** One artifact of an engagement by id, with its content; null when the engagement has no such artifact. */
export async function selectArtifactOfEngagement(
  db: Queryable,
  engagementId: string,
  id: number,
): Promise<{ row: ArtifactRow; content: Buffer } | null> {
  const { rows } = await db.query<ArtifactRow & { content: Buffer }>(
    `SELECT ${COLUMNS}, content FROM artifacts WHERE engagement_id = $1 AND id = $2`,
    [engagementId, id],
  );
  const found = rows[0];
  if (!found) return null;
  const { content, ...row } = found;
  return { row, content };
}
