import { insertNotification } from '../db/queries/notifications.ts';
import type { ActivityDeps, BusinessActivityInput } from './context.ts';

export interface NotifyInput {
  /** `customer`, `pm`, or a user id / e-mail address. */
  to: string;
  subject: string;
  body?: string;
}

export function createNotifyActivities({ pool }: ActivityDeps) {
  return {
    /** Queues a notification in the outbox, once per engagement step and iteration. */
    async 'notify.send'({
      input,
      engagement,
    }: BusinessActivityInput<NotifyInput>): Promise<{ notificationId: number }> {
      const notificationId = await insertNotification(pool, {
        idempotencyKey: engagement.idempotencyKey,
        engagementId: engagement.id,
        recipient: input.to,
        subject: input.subject,
        body: input.body ?? '',
      });
      return { notificationId };
    },
  };
}
