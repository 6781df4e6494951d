/** Deliveries of releases to registered users, and the downloads through their links. */
import type { RecipientCandidate } from '../../activities/release/recipients.ts';
import type { Queryable } from '../pool.ts';

export interface DeliveryRow {
  id: number;
  releaseId: number;
  registeredUserId: number;
  customerId: string;
  projectId: string;
  engagementId: string;
  recipient: string;
  installedVersion: string;
  linkExpiresAt: Date;
  deliveredAt: Date;
}

const DELIVERY_COLUMNS = `id, release_id AS "releaseId", registered_user_id AS "registeredUserId",
  customer_id AS "customerId", project_id AS "projectId", engagement_id AS "engagementId", recipient,
  installed_version AS "installedVersion", link_expires_at AS "linkExpiresAt", delivered_at AS "deliveredAt"`;

/**
 * The customer's registered users (of one project when given) with what their project runs of the
 * product and the engagement that delivered the release to them, if any.
 */
export async function selectRecipientCandidates(
  db: Queryable,
  p: { customerId: string; projectId: string | null; releaseId: number; product: string },
): Promise<RecipientCandidate[]> {
  const { rows } = await db.query<RecipientCandidate>(
    `SELECT r.id AS "registeredUserId", r.full_name AS "fullName", r.email, r.active,
            r.project_id AS "projectId", p.licensed, p.support_until AS "supportUntil",
            i.version AS "installedVersion", d.engagement_id::text AS "deliveredBy"
     FROM registered_users r
     JOIN projects p ON p.id = r.project_id
     LEFT JOIN project_installations i ON i.project_id = r.project_id AND i.product = $4
     LEFT JOIN release_deliveries d ON d.registered_user_id = r.id AND d.release_id = $3
     WHERE r.customer_id = $1 AND ($2::text IS NULL OR r.project_id = $2)
     ORDER BY r.id`,
    [p.customerId, p.projectId, p.releaseId, p.product],
  );
  return rows;
}

/**
 * Records the delivery of a release to a user once: when the user has it already, the stored row
 * comes back with `created` false, whoever delivered it.
 */
export async function insertDelivery(
  db: Queryable,
  p: Omit<DeliveryRow, 'id' | 'deliveredAt'>,
): Promise<{ row: DeliveryRow; created: boolean }> {
  const inserted = await db.query<DeliveryRow>(
    `INSERT INTO release_deliveries (release_id, registered_user_id, customer_id, project_id, engagement_id,
                                     recipient, installed_version, link_expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (release_id, registered_user_id) DO NOTHING RETURNING ${DELIVERY_COLUMNS}`,
    [
      p.releaseId,
      p.registeredUserId,
      p.customerId,
      p.projectId,
      p.engagementId,
      p.recipient,
      p.installedVersion,
      p.linkExpiresAt,
    ],
  );
  if (inserted.rows[0]) return { row: inserted.rows[0], created: true };
  const { rows } = await db.query<DeliveryRow>(
    `SELECT ${DELIVERY_COLUMNS} FROM release_deliveries WHERE release_id = $1 AND registered_user_id = $2`,
    [p.releaseId, p.registeredUserId],
  );
  return { row: rows[0]!, created: false };
}

export async function selectDelivery(db: Queryable, id: number): Promise<DeliveryRow | null> {
  const { rows } = await db.query<DeliveryRow>(`SELECT ${DELIVERY_COLUMNS} FROM release_deliveries WHERE id = $1`, [
    id,
  ]);
  return rows[0] ?? null;
}

/** How many users a release was delivered to, and how many downloads their links served. */
export async function selectDeliveryCounts(
  db: Queryable,
  releaseId: number,
): Promise<{ deliveries: number; downloads: number }> {
  const { rows } = await db.query<{ deliveries: number; downloads: number }>(
    `SELECT (SELECT count(*) FROM release_deliveries WHERE release_id = $1)::int AS deliveries,
            (SELECT count(*) FROM release_downloads w JOIN release_deliveries d ON d.id = w.delivery_id
             WHERE d.release_id = $1)::int AS downloads`,
    [releaseId],
  );
  return rows[0]!;
}

/** Records one download through a delivery's link. */
export async function insertDownload(
  db: Queryable,
  p: { deliveryId: number; fileName: string; sha256: string },
): Promise<void> {
  await db.query('INSERT INTO release_downloads (delivery_id, file_name, sha256) VALUES ($1, $2, $3)', [
    p.deliveryId,
    p.fileName,
    p.sha256,
  ]);
}
