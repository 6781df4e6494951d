import { isDeepStrictEqual } from 'node:util';
import { Router } from 'express';
import { WorkflowUpdateFailedError, WorkflowNotFoundError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { JsonValue } from '../../definitions/model.ts';
import {
  claimTask,
  selectInbox,
  selectTaskPlaces,
  selectVisibleTask,
  type InboxFilter,
  type TaskPlaceRow,
  type TaskRow,
  type TaskSummaryRow,
  type Viewer,
} from '../../db/queries/tasks.ts';
import type { Queryable } from '../../db/pool.ts';
import { AppError } from '../../lib/errors.ts';
import { completeTaskUpdate, completeTaskUpdateId, type CompletionRecord } from '../../workflows/messages.ts';
import { callerOf, type Caller } from '../auth.ts';
import { decodeCursor, encodeCursor, pageLimit } from '../page.ts';
import { assertMatches } from '../validate.ts';
import { fourEyesRefusal } from '../four-eyes.ts';
import { completeScheduleTask, isScheduleTask } from '../schedule-tasks.ts';
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

/** The customer and project a task's engagement serves. */
function placeView(place: TaskPlaceRow | undefined) {
  return {
    customer: place ? { id: place.customer_id, name: place.customer_name } : null,
    project: place?.project_id ? { id: place.project_id, name: place.project_name ?? place.project_id } : null,
  };
}

export function taskView(t: TaskSummaryRow, place: TaskPlaceRow | undefined) {
  return {
    id: t.id,
    engagementId: t.engagement_id,
    ...placeView(place),
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
    notBefore: t.not_before,
    overdue: t.due_at !== null && t.due_at < new Date() && (t.status === 'open' || t.status === 'claimed'),
    claimedBy: t.claimed_by,
    completedBy: t.completed_by,
    completedAt: t.completed_at,
    decision: t.decision,
    result: t.result,
    hoursSpent: t.hours_spent,
    lastRejection: t.last_rejection,
    createdAt: t.created_at,
  };
}

/** A task as its own view shows it: the summary, the form, the engagement and the task's context. */
function taskDetail(t: TaskRow, place: TaskPlaceRow | undefined) {
  return {
    ...taskView({ ...t, last_rejection: t.context?.lastRejection ?? null }, place),
    form: t.form,
    engagement: place
      ? {
          id: place.engagement_id,
          definitionId: place.definition_id,
          serviceCode: place.service_code,
          status: place.engagement_status,
        }
      : null,
    context: t.context
      ? {
          item: t.context.item,
          dependsOn: t.context.dependsOn,
          underReview: t.context.underReview,
          lastRejection: t.context.lastRejection,
        }
      : null,
  };
}

async function placeOf(pool: Queryable, t: { engagement_id: string }): Promise<TaskPlaceRow | undefined> {
  return (await selectTaskPlaces(pool, [t.engagement_id])).get(t.engagement_id);
}

/** What the request asks to record that differs from what was recorded; empty when it is the same completion. */
function differences(recorded: CompletionRecord, body: CompleteTaskBody): string[] {
  const asked: CompletionRecord = {
    decision: body.decision ?? null,
    result: body.result ?? {},
    hoursSpent: body.hoursSpent,
    comment: body.comment ?? null,
  };
  return (Object.keys(asked) as (keyof CompletionRecord)[]).filter(
    (field) => !isDeepStrictEqual(asked[field], recorded[field]),
  );
}

function completedDifferently(taskId: string, at: string, recorded: CompletionRecord, fields: string[]): AppError {
  return new AppError(
    'task-not-open',
    `Task ${taskId} was already completed by you at ${at} with another ${fields.join(', ')}; ` +
      `a completion is recorded once. Recorded: ${JSON.stringify(recorded)}.`,
    { recorded, differs: fields },
  );
}

/** Maps the workflow validator's rejection types to the API's error codes. */
const REJECTIONS: Record<
  string,
  'task-not-open' | 'task-not-assigned' | 'four-eyes-violation' | 'task-result-invalid' | 'task-not-yet'
> = {
  'task-not-open': 'task-not-open',
  'task-not-assigned': 'task-not-assigned',
  'four-eyes-violation': 'four-eyes-violation',
  'task-result-invalid': 'task-result-invalid',
  'task-not-yet': 'task-not-yet',
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
    const places = await selectTaskPlaces(
      pool,
      page.map((t) => t.engagement_id),
    );
    res.json({
      items: page.map((t) => taskView(t, places.get(t.engagement_id))),
      nextCursor: rows.length > limit && last ? encodeCursor(last.cursor_at, last.id) : null,
    });
  });

  router.get('/:id', async (req, res) => {
    const task = await visibleTask(deps, callerOf(req), String(req.params.id));
    res.json(taskDetail(task, await placeOf(pool, task)));
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
    const claimed = (await selectVisibleTask(pool, viewerOf(caller), task.id))!;
    res.json(
      taskView({ ...claimed, last_rejection: claimed.context?.lastRejection ?? null }, await placeOf(pool, task)),
    );
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
      // The same request with other data is refused, saying what was recorded: nothing is dropped silently.
      const recorded: CompletionRecord = {
        decision: (task.decision as CompletionRecord['decision']) ?? null,
        result: (task.result ?? {}) as CompletionRecord['result'],
        hoursSpent: Number(task.hours_spent),
        comment: task.comment,
      };
      const differs = differences(recorded, body);
      if (differs.length > 0) throw completedDifferently(task.id, task.completed_at.toISOString(), recorded, differs);
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
      throw new AppError('task-result-invalid', 'An approval needs "decision": "approve" or "reject".', {
        errors: [{ path: '/decision', message: 'is required for an approval: "approve" or "reject"' }],
      });
    }
    if (task.kind === 'task' && body.decision !== undefined) {
      throw new AppError(
        'task-result-invalid',
        `Task ${task.id} is not an approval: send no "decision", only the result.`,
        { errors: [{ path: '/decision', message: 'is accepted only by approval tasks' }] },
      );
    }
    if (task.not_before && Date.now() < task.not_before.getTime()) {
      throw new AppError(
        'task-not-yet',
        `Task ${task.id} may not be completed before ${task.not_before.toISOString()}.`,
        { notBefore: task.not_before.toISOString() },
      );
    }
    if (isScheduleTask(task)) {
      res.json(await completeScheduleTask(pool, task, caller.id, { ...body, result }));
      return;
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
        const notBefore = (error.cause.details?.[0] as { notBefore?: string } | undefined)?.notBefore;
        throw new AppError(code, error.cause.message, notBefore ? { notBefore } : undefined);
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
    // The update id makes a repeat one completion: the workflow answers with what it recorded first.
    const differs = outcome.recorded ? differences(outcome.recorded, body) : [];
    if (outcome.recorded && differs.length > 0) {
      throw completedDifferently(task.id, outcome.completedAt, outcome.recorded, differs);
    }
    deps.metrics.tasksCompleted.inc({ kind: task.kind });
    res.json({
      taskId: outcome.taskId,
      stepId: outcome.stepId,
      completedBy: outcome.completedBy,
      completedAt: outcome.completedAt,
    });
  });

  return router;
}

async function visibleTask(deps: RouteDeps, caller: Caller, id: string): Promise<TaskRow> {
  const task = await selectVisibleTask(deps.pool, viewerOf(caller), id);
  if (!task) throw new AppError('not-found', `No task ${id} that you can see.`);
  return task;
}
