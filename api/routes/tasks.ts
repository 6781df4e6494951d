import { Router } from 'express';
import { WorkflowUpdateFailedError, WorkflowNotFoundError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { JsonValue } from '../../definitions/model.ts';
import {
  claimTask,
  selectInbox,
  selectVisibleTask,
  type InboxFilter,
  type TaskRow,
  type TaskSummaryRow,
  type Viewer,
} from '../../db/queries/tasks.ts';
import { AppError } from '../../lib/errors.ts';
import { completeTaskUpdate, completeTaskUpdateId } from '../../workflows/messages.ts';
import { callerOf, type Caller } from '../auth.ts';
import { decodeCursor, encodeCursor, pageLimit } from '../page.ts';
import { assertMatches } from '../validate.ts';
import { fourEyesRefusal } from '../four-eyes.ts';
import type { RouteDeps } from '../app.ts';

/** Body of `POST /v1/tasks/:id/complete` (schema: CompleteTaskBody in api/openapi.yaml). */
export interface CompleteTaskBody {
  result?: { [key: string]: JsonValue };
  hoursSpent: number;
  comment?: string;
  decision?: 'approve' | 'reject';
}

function viewerOf(caller: Caller): Viewer {
  return { id: caller.id, role: caller.role, category: caller.category, groups: caller.groups };
}

export function taskView(t: TaskSummaryRow) {
  return {
    id: t.id,
    engagementId: t.engagement_id,
    stepId: t.step_id,
    iteration: t.iteration,
    kind: t.kind,
    title: t.title,
    instructions: t.instructions,
    assignee: {
      category: t.assignee_category,
      group: t.assignee_group,
      user: t.assignee_user,
      role: t.assignee_role,
    },
    status: t.status,
    dueAt: t.due_at,
    overdue: t.due_at !== null && t.due_at < new Date() && (t.status === 'open' || t.status === 'claimed'),
    claimedBy: t.claimed_by,
    completedBy: t.completed_by,
    completedAt: t.completed_at,
    decision: t.decision,
    result: t.result,
    hoursSpent: t.hours_spent,
    createdAt: t.created_at,
  };
}

/** Maps the workflow validator's rejection types to the API's error codes. */
const REJECTIONS: Record<
  string,
  'task-not-open' | 'task-not-assigned' | 'four-eyes-violation' | 'task-result-invalid'
> = {
  'task-not-open': 'task-not-open',
  'task-not-assigned': 'task-not-assigned',
  'four-eyes-violation': 'four-eyes-violation',
  'task-result-invalid': 'task-result-invalid',
};

export function taskRoutes(deps: RouteDeps): Router {
  const router = Router();
  const { pool, temporal } = deps;

  router.get('/', async (req, res) => {
    const caller = callerOf(req);
    const query = req.query as Record<string, string | undefined>;
    const limit = pageLimit(query.limit);
    const rows = await selectInbox(pool, viewerOf(caller), {
      status: query.status === 'all' ? 'all' : 'open',
      overdue: query.overdue === 'true',
      assigned: query.assigned as InboxFilter['assigned'],
      category: query.category as InboxFilter['category'],
      limit: limit + 1,
      after: query.cursor === undefined ? undefined : decodeCursor(query.cursor),
    });
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    res.json({
      items: page.map(taskView),
      nextCursor: rows.length > limit && last ? encodeCursor(last.cursor_at, last.id) : null,
    });
  });

  router.get('/:id', async (req, res) => {
    const task = await visibleTask(deps, callerOf(req), String(req.params.id));
    res.json({ ...taskView(task), form: task.form });
  });

  router.post('/:id/claim', async (req, res) => {
    const caller = callerOf(req);
    const task = await visibleTask(deps, caller, String(req.params.id));
    if (!(await claimTask(pool, task.id, caller.id))) {
      throw new AppError(
        'task-not-open',
        `Task ${task.id} is ${task.status}${task.claimed_by ? ` by ${task.claimed_by}` : ''}.`,
      );
    }
    res.json(taskView((await selectVisibleTask(pool, viewerOf(caller), task.id))!));
  });

  /**
   * Completion is an Update to the engagement workflow with id `complete:<taskId>`: a repeated
   * click is one completion, and of two engineers racing the second learns who won (409).
   */
  router.post('/:id/complete', async (req, res) => {
    const caller = callerOf(req);
    const task = await visibleTask(deps, caller, String(req.params.id));
    const body = req.body as CompleteTaskBody;
    if (task.status === 'completed' && task.completed_by === caller.id && task.completed_at) {
      // A repeated request of the same completion (a double click, a client retry): same answer.
      res.json({
        taskId: task.id,
        stepId: task.step_id,
        completedBy: caller.id,
        completedAt: task.completed_at.toISOString(),
      });
      return;
    }
    if (task.status === 'completed' || task.status === 'cancelled') {
      throw new AppError(
        'task-not-open',
        `Task ${task.id} is already ${task.status}${task.completed_by ? ` by ${task.completed_by}` : ''}.`,
      );
    }
    if (task.status === 'claimed' && task.claimed_by !== caller.id && caller.role !== 'admin') {
      throw new AppError('task-not-open', `Task ${task.id} is claimed by ${task.claimed_by}.`);
    }
    const result = body.result ?? {};
    if (task.form !== null) {
      assertMatches(task.form, result, { code: 'task-result-invalid', what: 'The result', root: '/result' });
    }
    if (task.kind === 'approval' && !body.decision) {
      throw new AppError('task-result-invalid', 'An approval needs "decision": "approve" or "reject".');
    }
    let outcome;
    try {
      outcome = await temporal.client.workflow.getHandle(task.engagement_id).executeUpdate(completeTaskUpdate, {
        updateId: completeTaskUpdateId(task.id),
        args: [
          {
            taskId: task.id,
            user: { id: caller.id, role: caller.role, category: caller.category, groups: caller.groups },
            decision: body.decision,
            result,
            hoursSpent: body.hoursSpent,
            comment: body.comment,
          },
        ],
      });
    } catch (error) {
      if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure) {
        const code = REJECTIONS[error.cause.type ?? ''] ?? 'task-not-open';
        if (code === 'four-eyes-violation') {
          const details = error.cause.details?.[0] as { excludedUsers?: string[] } | undefined;
          throw await fourEyesRefusal(pool, task, caller.id, {
            message: error.cause.message,
            excludedUsers: details?.excludedUsers ?? [],
          });
        }
        throw new AppError(code, error.cause.message);
      }
      if (error instanceof WorkflowNotFoundError) {
        throw new AppError('task-not-open', `The engagement of task ${task.id} is no longer running.`);
      }
      throw error;
    }
    if (outcome.completedBy !== caller.id) {
      throw new AppError(
        'task-not-open',
        `Task ${task.id} was already completed by ${outcome.completedBy} at ${outcome.completedAt}.`,
      );
    }
    deps.metrics.tasksCompleted.inc({ kind: task.kind });
    res.json(outcome);
  });

  return router;
}

async function visibleTask(deps: RouteDeps, caller: Caller, id: string): Promise<TaskRow> {
  const task = await selectVisibleTask(deps.pool, viewerOf(caller), id);
  if (!task) throw new AppError('not-found', `No task ${id} that you can see.`);
  return task;
}
