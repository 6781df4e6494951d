/**
 * Human work inside the engagement workflow: the registry of open tasks that the `completeTask`
 * update validates against, and the rules that decide an approval.
 *
 * A task is registered *before* the activity that writes its inbox row runs, so an engineer who
 * completes it the moment the row appears is never refused as "unknown task".
 */
import { Validator } from '@cfworker/json-schema';
import { ApplicationFailure } from '@temporalio/workflow';
import type { ApprovalRule, Assignee, JsonSchema, JsonValue } from '../definitions/model.ts';
import type { CompleteTaskInput, OpenTaskView } from './messages.ts';

export interface Completion {
  by: string;
  at: string;
  decision: 'approve' | 'reject' | null;
  result: { [key: string]: JsonValue };
  hoursSpent: number;
  comment: string | null;
}

export interface OpenTask extends OpenTaskView {
  form: JsonSchema | null;
  /** Users who may not complete this task (four-eyes). */
  excludedUsers: string[];
  completion: Completion | null;
}

/** Error types the update validator rejects with; the API maps them to HTTP statuses. */
export const REJECTION = {
  notOpen: 'task-not-open',
  notAssigned: 'task-not-assigned',
  fourEyes: 'four-eyes-violation',
  invalidResult: 'task-result-invalid',
  notYet: 'task-not-yet',
} as const;

const validators = new Map<string, Validator>();

/** Form validation without code generation, so it runs inside the workflow sandbox. */
function formErrors(form: JsonSchema, result: JsonValue): string[] {
  const key = JSON.stringify(form);
  let validator = validators.get(key);
  if (!validator) {
    validator = new Validator(form as object, '2020-12', false);
    validators.set(key, validator);
  }
  const outcome = validator.validate(result);
  return outcome.valid
    ? []
    : outcome.errors.filter((e) => e.keyword !== 'properties').map((e) => `${e.instanceLocation}: ${e.error}`);
}

/** True when the user may act as the assignee. Roles: `customer` actions are recorded by a PM. */
export function mayAct(assignee: Assignee, user: CompleteTaskInput['user']): boolean {
  if (user.role === 'admin') return true;
  if (assignee.user) return assignee.user === user.id;
  if (assignee.role) {
    if (assignee.role === 'customer' || assignee.role === 'pm') return user.role === 'pm';
    if (assignee.role === 'lead') return user.category === 'LEAD';
  }
  if (assignee.group && user.groups.includes(assignee.group)) return true;
  if (assignee.category && user.category === assignee.category) return true;
  return false;
}

export class TaskRegistry {
  private readonly tasks = new Map<string, OpenTask>();

  register(task: OpenTask): void {
    this.tasks.set(task.taskId, task);
  }

  get(taskId: string): OpenTask | undefined {
    return this.tasks.get(taskId);
  }

  remove(taskId: string): void {
    this.tasks.delete(taskId);
  }

  views(): OpenTaskView[] {
    return [...this.tasks.values()].map(
      ({ taskId, stepId, iteration, kind, title, assignee, dueAt, notBefore, escalated }) => ({
        taskId,
        stepId,
        iteration,
        kind,
        title,
        assignee,
        dueAt,
        ...(notBefore ? { notBefore } : {}),
        escalated,
      }),
    );
  }

  /** Update validator: throws (rejecting the update, nothing written to history) when the completion is not acceptable. */
  validate(input: CompleteTaskInput): void {
    const task = this.tasks.get(input.taskId);
    if (!task || task.completion) {
      throw ApplicationFailure.nonRetryable(
        `Task ${input.taskId} is not open: it is completed, cancelled or unknown.`,
        REJECTION.notOpen,
      );
    }
    if (!mayAct(task.assignee, input.user)) {
      throw ApplicationFailure.nonRetryable(
        `Task ${input.taskId} is assigned to ${describeAssignee(task.assignee)}; user ${input.user.id} may not complete it.`,
        REJECTION.notAssigned,
      );
    }
    if (task.excludedUsers.includes(input.user.id)) {
      throw ApplicationFailure.nonRetryable(
        `Four-eyes rule: user ${input.user.id} did earlier work this step reviews, or already decided on it, and may not approve it.`,
        REJECTION.fourEyes,
        // Who else is excluded, so the API can name who may approve instead.
        { excludedUsers: [...task.excludedUsers] },
      );
    }
    if (task.kind === 'approval' && input.decision !== 'approve' && input.decision !== 'reject') {
      throw ApplicationFailure.nonRetryable(
        'An approval needs a decision: "approve" or "reject".',
        REJECTION.invalidResult,
      );
    }
    if (task.kind === 'task' && input.decision !== undefined) {
      throw ApplicationFailure.nonRetryable(
        `Task ${input.taskId} is not an approval: send no "decision", only the result.`,
        REJECTION.invalidResult,
      );
    }
    if (task.notBefore && Date.now() < Date.parse(task.notBefore)) {
      throw ApplicationFailure.nonRetryable(
        `Task ${input.taskId} may not be completed before ${task.notBefore}.`,
        REJECTION.notYet,
        { notBefore: task.notBefore },
      );
    }
    if (!Number.isFinite(input.hoursSpent) || input.hoursSpent < 0 || input.hoursSpent > 1000) {
      throw ApplicationFailure.nonRetryable(
        'hoursSpent must be a number of hours from 0 to 1000.',
        REJECTION.invalidResult,
      );
    }
    if (task.form !== null) {
      const errors = formErrors(task.form, input.result);
      if (errors.length > 0) {
        throw ApplicationFailure.nonRetryable(
          `The result does not match the task's form: ${errors.join('; ')}`,
          REJECTION.invalidResult,
          {
            errors,
          },
        );
      }
    }
  }

  /**
   * Update handler body: records the completion; the waiting step picks it up. The completer joins
   * the task's exclusions at once: approver slots share that list, so whoever decided in one slot is
   * refused in the others from this moment, not only after the inbox row is written.
   */
  complete(input: CompleteTaskInput, at: string): Completion {
    const task = this.tasks.get(input.taskId)!;
    task.excludedUsers.push(input.user.id);
    task.completion = {
      by: input.user.id,
      at,
      decision: input.decision ?? null,
      result: input.result,
      hoursSpent: input.hoursSpent,
      comment: input.comment ?? null,
    };
    return task.completion;
  }
}

export function describeAssignee(assignee: Assignee): string {
  const parts: string[] = [];
  if (assignee.user) parts.push(`user ${assignee.user}`);
  if (assignee.group) parts.push(`group ${assignee.group}`);
  if (assignee.category) parts.push(`category ${assignee.category}`);
  if (assignee.role) parts.push(`the ${assignee.role}`);
  return parts.join(' or ') || 'nobody';
}

/**
 * Decides an approval from the decisions so far: `approved`, `rejected`, or null while undecided.
 * all: every approver approves, one rejection rejects; any: one approval approves, all rejecting
 * rejects; nOf: n approvals approve, more rejections than can still leave n approvals reject.
 */
export function approvalOutcome(
  rule: ApprovalRule,
  total: number,
  approvals: number,
  rejections: number,
): 'approved' | 'rejected' | null {
  const needed = rule.kind === 'all' ? total : rule.kind === 'any' ? 1 : Math.min(rule.n, total);
  if (approvals >= needed) return 'approved';
  if (total - rejections < needed) return 'rejected';
  return null;
}
