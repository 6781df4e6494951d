import type { Queryable } from '../pool.ts';

export interface InsertNotificationParams {
  idempotencyKey: string;
  engagementId: string | null;
  recipient: string;
  subject: string;
  body: string;
}

/** Queues a notification; the same key queues it once. Returns the outbox row id. */
export async function insertNotification(db: Queryable, p: InsertNotificationParams): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    `WITH inserted AS (
       INSERT INTO notifications (idempotency_key, engagement_id, recipient, subject, body)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (idempotency_key) DO NOTHING
       RETURNING id)
     SELECT id FROM inserted UNION ALL SELECT id FROM notifications WHERE idempotency_key = $1
     LIMIT 1`,
    [p.idempotencyKey, p.engagementId, p.recipient, p.subject, p.body],
  );
  if (rows[0]) return rows[0].id;
  // An overlapping attempt inserted the row after this statement's snapshot was taken: read it anew.
  const again = await db.query<{ id: number }>('SELECT id FROM notifications WHERE idempotency_key = $1', [
    p.idempotencyKey,
  ]);
  return again.rows[0]!.id;
}
