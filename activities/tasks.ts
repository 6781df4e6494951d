import type { Assignee, JsonValue } from '../definitions/model.ts';
import {
  insertTask,
  markTaskCompleted,
  markTasksCancelled,
  updateTaskAssignee,
  type InsertTaskParams,
} from '../db/queries/tasks.ts';
import { insertNotification } from '../db/queries/notifications.ts';
import type { ActivityDeps } from './context.ts';

/** An inbox row to open: the row's fields, with its id named as the workflow names it. */
export type OpenTaskInput = Omit<InsertTaskParams, 'id'> & { taskId: string };

export interface CompleteTaskRowInput {
  taskId: string;
  by: string;
  at: string;
  decision: 'approve' | 'reject' | null;
  result: { [key: string]: JsonValue };
  hoursSpent: number;
  comment: string | null;
}

function recipientOf(assignee: Assignee): string {
  if (assignee.user) return `user:${assignee.user}`;
  if (assignee.group) return `group:${assignee.group}`;
  if (assignee.category) return `category:${assignee.category}`;
  return `role:${assignee.role ?? 'pm'}`;
}

/** The task inbox in PostgreSQL: every write is idempotent, so retries and replays change nothing twice. */
export function createTaskActivities({ pool }: ActivityDeps) {
  return {
    async openTask(input: OpenTaskInput): Promise<void> {
      await insertTask(pool, { id: input.taskId, ...input });
    },

    async completeTaskRow(input: CompleteTaskRowInput): Promise<void> {
      await markTaskCompleted(pool, {
        id: input.taskId,
        completedBy: input.by,
        completedAt: input.at,
        decision: input.decision,
        result: input.result,
        hoursSpent: input.hoursSpent,
        comment: input.comment,
      });
    },

    async cancelTasks(input: { engagementId: string; taskIds: string[] | null }): Promise<number> {
      return markTasksCancelled(pool, input.engagementId, input.taskIds);
    },

    async reassignTask(input: {
      engagementId: string;
      taskId: string;
      assignee: Assignee;
      reason: string;
    }): Promise<void> {
      await updateTaskAssignee(pool, input.taskId, input.assignee);
    },

    /** Queues a reminder; keyed by task and occasion so a retry sends it once. */
    async sendTaskReminder(input: {
      engagementId: string;
      taskId: string;
      /** `reminder-<n>` or `escalation`. */
      occasion: string;
      title: string;
      assignee: Assignee;
      dueAt: string | null;
    }): Promise<void> {
      const recipient = recipientOf(input.assignee);
      await insertNotification(pool, {
        idempotencyKey: `${input.occasion}:${input.taskId}`,
        engagementId: input.engagementId,
        recipient,
        subject: `Reminder: ${input.title}`,
        body: input.dueAt ? `Due ${input.dueAt}. Task ${input.taskId}.` : `Task ${input.taskId}.`,
      });
    },
  };
}
