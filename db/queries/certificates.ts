/**
 * Training certificates (X-TRAIN) and what issuing them reads: the attendance recorded in the
 * engagement's delivery tasks. Numbers are gap-free per calendar year (see 0005_certificates.sql).
 */
import type { JsonValue } from '../../definitions/model.ts';
import type { Queryable } from '../pool.ts';

export interface CertificateRow {
  id: number;
  year: number;
  seq: number;
  number: string;
  engagementId: string;
  attendee: string;
  hours: number;
  share: number;
  issuedAt: Date;
  artifactId: number | null;
}

const COLUMNS = `id, year, seq, number, engagement_id AS "engagementId", attendee, hours, share,
  issued_at AS "issuedAt", artifact_id AS "artifactId"`;

/**
 * Locks the engagement row until the caller's transaction ends, so two attempts to issue the
 * certificates of one engagement queue instead of both taking numbers. False when there is none.
 */
export async function lockEngagementForCertificates(db: Queryable, engagementId: string): Promise<boolean> {
  const { rowCount } = await db.query('SELECT 1 FROM engagements WHERE id = $1 FOR UPDATE', [engagementId]);
  return (rowCount ?? 0) > 0;
}

/** A certificate before it is stored: no id yet, and its PDF is attached afterwards. */
export type InsertCertificateParams = Omit<CertificateRow, 'id' | 'artifactId'>;

export async function insertCertificate(db: Queryable, p: InsertCertificateParams): Promise<CertificateRow> {
  const { rows } = await db.query<CertificateRow>(
    `INSERT INTO certificates (year, seq, number, engagement_id, attendee, hours, share, issued_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     RETURNING ${COLUMNS}`,
    [p.year, p.seq, p.number, p.engagementId, p.attendee, p.hours, p.share, p.issuedAt],
  );
  return rows[0]!;
}

/** The engagement's certificates in number order. */
export async function selectCertificatesOfEngagement(db: Queryable, engagementId: string): Promise<CertificateRow[]> {
  const { rows } = await db.query<CertificateRow>(
    `SELECT ${COLUMNS} FROM certificates WHERE engagement_id = $1 ORDER BY year, seq`,
    [engagementId],
  );
  return rows;
}

/** Records the PDF of a certificate; a certificate keeps the first artifact it was given. */
export async function updateCertificateArtifact(db: Queryable, id: number, artifactId: number): Promise<void> {
  await db.query('UPDATE certificates SET artifact_id = $2 WHERE id = $1 AND artifact_id IS NULL', [id, artifactId]);
}

export interface CompletedTaskResult {
  iteration: string;
  completedBy: string | null;
  completedAt: Date;
  result: JsonValue;
}

/**
 * The results of the completed tasks of one step of an engagement (every iteration, e.g. each day
 * of a forEach), in the order they were opened.
 */
export async function selectCompletedTaskResults(
  db: Queryable,
  engagementId: string,
  stepId: string,
): Promise<CompletedTaskResult[]> {
  const { rows } = await db.query<CompletedTaskResult>(
    `SELECT iteration, completed_by AS "completedBy", completed_at AS "completedAt", result
     FROM tasks WHERE engagement_id = $1 AND step_id = $2 AND status = 'completed'
     ORDER BY created_at, id`,
    [engagementId, stepId],
  );
  return rows;
}
