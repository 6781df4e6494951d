/**
 * The engagement workflow: one deterministic interpreter that runs every compiled definition.
 *
 * Semantics, step by step (the definition language is in definitions/model.ts):
 * - the entitlement gate runs first; `denied` ends the engagement as DENIED with the reason;
 * - `activity` runs a named business activity with the step's timeout, retry and heartbeat; a
 *   failure that is not retried any more goes to `onError` when given, else fails the engagement;
 * - `task` opens an inbox row and waits for the `completeTask` update — with no default timeout:
 *   reminders and escalation fire only where the definition sets them;
 * - `approval` opens one task per approver and decides by its rule; a rejection follows `onReject`
 *   (at most `maxRejections` times) or fails the engagement;
 * - `parallel` runs branches in cancellation scopes: `all` waits for every branch, `any` for the
 *   first and cancels the rest; a failing branch cancels its siblings;
 * - `switch` takes the first case that holds, each loop case at most `maxIterations` times;
 * - `forEach` runs its body per item, at most `concurrency` at a time;
 * - `wait` is a durable timer; `subprocess` runs a published definition as a child workflow;
 * - `fail` fails the engagement with a reason, `end` completes it.
 * Billing is recorded after every step that carries a norm, keyed by engagement + step + iteration.
 * On cancellation or failure the open tasks close and the compensation sequence runs, once, in a
 * non-cancellable scope.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  ChildWorkflowFailure,
  condition,
  ContinueAsNew,
  continueAsNew,
  executeChild,
  isCancellation,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  sleep,
  upsertSearchAttributes,
  uuid4,
  workflowInfo,
  allHandlersFinished,
} from '@temporalio/workflow';
import { defineSearchAttributeKey } from '@temporalio/common';
import type { Activities } from '../activities/index.ts';
import type {
  ActivityStep,
  ApprovalStep,
  Assignee,
  ForEachStep,
  JsonValue,
  Norm,
  ParallelStep,
  ProcessSnapshot,
  Reminder,
  Escalation,
  Step,
  StepBilling,
  SubprocessStep,
  Template,
  SwitchStep,
  TaskStep,
  WaitStep,
} from '../definitions/model.ts';
import {
  evaluateExpression,
  evaluateTemplate,
  ExpressionError,
  type ExpressionContext,
  type StepState,
} from './expression.ts';
import {
  approvalOutcome,
  describeAssignee,
  REJECTION,
  TaskRegistry,
  type Completion,
  type OpenTask,
} from './human-steps.ts';
import {
  completeTaskUpdate,
  stateQuery,
  stepActivityId,
  type EngagementInput,
  type EngagementResume,
  type EngagementState,
  type EngagementStatus,
  type EntitlementRecord,
  type StepRecord,
  type TaskContext,
} from './messages.ts';
import { isNormMultiplier, multiplyNorm } from './norm-times.ts';
import { approvalInstructions, taskContext } from './task-context.ts';
import { compileTemplateString, TemplateSyntaxError } from './template.ts';

export interface EngagementResult {
  status: EngagementStatus;
  reason?: string;
}

/** Platform activities retry until they succeed, backing off to a minute, unless they refuse the input. */
const PLATFORM_RETRY = {
  initialInterval: '1s',
  maximumInterval: '1 minute',
  backoffCoefficient: 2,
  nonRetryableErrorTypes: ['AppError'],
};
// Platform activities are short database writes: a lost attempt (a killed worker) is retried
// after 10 s rather than stalling the engagement for a minute.
const platform = proxyActivities<Activities>({ startToCloseTimeout: '10 seconds', retry: PLATFORM_RETRY });
const readModel = proxyLocalActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '500ms', maximumInterval: '30 seconds' },
});
/** Ledger entries: short idempotent writes, run by the worker that holds the workflow task. */
const localLedger = proxyLocalActivities<Activities>({ startToCloseTimeout: '10 seconds', retry: PLATFORM_RETRY });

const SA = {
  customerId: defineSearchAttributeKey('CustomerId', 'KEYWORD'),
  serviceCode: defineSearchAttributeKey('ServiceCode', 'KEYWORD'),
  status: defineSearchAttributeKey('EngagementStatus', 'KEYWORD'),
  currentStep: defineSearchAttributeKey('CurrentStep', 'KEYWORD'),
  slaDeadline: defineSearchAttributeKey('SlaDeadline', 'DATETIME'),
};

/** Interpreter changes that alter the command sequence, each behind `patched(id)`. */
const PATCHES = {
  currentStepAtWaits: 'current-step-at-waits',
  quotePath: 'quote-path',
  searchAttributesOnChange: 'search-attributes-on-change',
  localLedger: 'local-ledger',
  taskContext: 'task-context',
  runningActivities: 'running-activities',
  normTimes: 'norm-times',
} as const;

/** An estimate not approved within this (unless the definition says otherwise) cancels the engagement. */
const DEFAULT_QUOTE_VALIDITY_MS = 14 * 24 * 3600 * 1000;

const WAITING_KINDS: ReadonlySet<Step['kind']> = new Set(['task', 'approval', 'wait', 'subprocess']);

/** Thrown by an `end` step to complete the engagement from any depth. */
class EndOfEngagement extends Error {}

/** What a step tells the sequence runner: go to a step of the same sequence, or carry on with `next`. */
type Outcome = { goto: string } | null;

/** The view of step results an expression sees; forEach items get a scope of their own. */
interface Scope {
  /** Iteration prefix: empty at top level, `<index>.` per enclosing forEach item. */
  prefix: string;
  vars: Record<string, JsonValue>;
  parent: Scope | null;
  latest: Map<string, StepRecord>;
}

function rootScope(): Scope {
  return { prefix: '', vars: {}, parent: null, latest: new Map() };
}

/** Expression errors are business failures of the engagement, never workflow-task retries. */
function guarded<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof ExpressionError)
      throw ApplicationFailure.nonRetryable(`${error.message} (in ${error.source})`, error.code);
    throw error;
  }
}

function evaluate(source: string, context: ExpressionContext): JsonValue {
  return guarded(() => evaluateExpression(source, context));
}

function render(template: Template, context: ExpressionContext): JsonValue {
  return guarded(() => evaluateTemplate(template, context));
}

/**
 * A step title with `${…}` parts rendered (`Training day ${session.day}` → `Training day 2`). A title
 * that does not render stays as written: a title never fails an engagement.
 */
function renderTitle(title: string, context: ExpressionContext): string {
  try {
    const value = evaluateTemplate(compileTemplateString(title), context);
    return typeof value === 'string' ? value : JSON.stringify(value);
  } catch (error) {
    if (error instanceof ExpressionError || error instanceof TemplateSyntaxError) return title;
    throw error;
  }
}

/** What a human task opens with besides its assignee and form. */
interface Opening {
  title: string;
  instructions: string | null;
  context: TaskContext | null;
  notBefore: string | null;
}

function nowIso(): string {
  return new Date().toISOString();
}

function addNorm(total: Norm, norm: Norm): void {
  for (const [category, hours] of Object.entries(norm) as [keyof Norm, number][]) {
    total[category] = Math.round(((total[category] ?? 0) + hours) * 100) / 100;
  }
}

function failureMessage(error: unknown): string {
  if (error instanceof ActivityFailure || error instanceof ChildWorkflowFailure) {
    return error.cause?.message ?? error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

class EngagementRun {
  private readonly snapshot: ProcessSnapshot;
  private readonly tasks = new TaskRegistry();
  private readonly records: StepRecord[];
  private readonly visits: Record<string, number>;
  private readonly running = new Set<string>();
  private readonly root = rootScope();
  private status: EngagementStatus = 'RUNNING';
  private entitlement: EntitlementRecord | null;
  private hours: { norm: Norm; actual: number };
  private slaDeadline: string | null;
  private failure: string | null = null;
  private syncSeq: number;
  private compensated = false;
  /** The status and SLA deadline last published as search attributes. */
  private published: { status: EngagementStatus; slaDeadline: string | null } = {
    status: 'RUNNING',
    slaDeadline: null,
  };

  constructor(private readonly input: EngagementInput) {
    this.snapshot = input.definition.snapshot;
    const resume = input.resume;
    this.records = resume?.steps ?? [];
    this.visits = resume?.visits ?? {};
    this.entitlement = resume?.entitlement ?? input.inheritedEntitlement ?? null;
    this.hours = resume?.hours ?? { norm: {}, actual: 0 };
    this.slaDeadline = resume?.slaDeadline ?? null;
    this.syncSeq = resume?.syncSeq ?? 0;
    for (const record of this.records) this.root.latest.set(record.stepId, record);
  }

  async execute(): Promise<EngagementResult> {
    setHandler(stateQuery, () => this.view());
    setHandler(
      completeTaskUpdate,
      (update) => {
        const completion = this.tasks.complete(update, nowIso());
        const task = this.tasks.get(update.taskId)!;
        const { decision, result, hoursSpent, comment } = completion;
        return {
          taskId: task.taskId,
          stepId: task.stepId,
          completedBy: completion.by,
          completedAt: completion.at,
          recorded: { decision, result, hoursSpent, comment },
        };
      },
      { validator: (update) => this.tasks.validate(update) },
    );
    try {
      const start = this.input.resume ? this.input.resume.next : await this.gate();
      if (this.status === 'DENIED' || this.status === 'CANCELLED') {
        return { status: this.status, reason: this.failure ?? this.entitlement?.reason ?? 'not entitled' };
      }
      await this.runMain(start);
      this.status = 'COMPLETED';
    } catch (error) {
      if (error instanceof ContinueAsNew) throw error;
      if (error instanceof EndOfEngagement) {
        this.status = 'COMPLETED';
      } else if (isCancellation(error)) {
        await this.close('CANCELLED', 'Cancelled by request.');
        throw error;
      } else {
        await this.close('FAILED', failureMessage(error));
        if (error instanceof ApplicationFailure) throw error;
        throw ApplicationFailure.nonRetryable(failureMessage(error), 'engagement-failed');
      }
    }
    await this.sync({ closed: true });
    return { status: 'COMPLETED' };
  }

  // ── the gate and the main sequence ────────────────────────────────────────────────────────────

  private async gate(): Promise<string | null> {
    const { snapshot, input } = this;
    if (snapshot.sla) this.slaDeadline = new Date(Date.now() + snapshot.sla.dueMs).toISOString();
    if (!this.entitlement) {
      this.entitlement = await platform.checkEntitlement({
        engagementId: input.engagementId,
        customerId: input.customerId,
        projectId: input.projectId,
        service: snapshot.service,
        at: nowIso(),
      });
    }
    if (this.entitlement.outcome === 'denied') {
      this.status = 'DENIED';
      this.failure = this.entitlement.reason;
      await this.sync({ closed: true });
      return null;
    }
    // Before the `quote-path` patch a quote outcome went straight to the work.
    if (this.entitlement.outcome === 'quote' && patched(PATCHES.quotePath) && !(await this.quote())) return null;
    await this.sync({});
    return snapshot.start;
  }

  /**
   * The quote path: the norm-hours are priced, the PM approves the estimate and then the customer
   * (recorded by a PM), both before the estimate expires. Approved, the engagement goes on with a
   * one-off contract as its basis; rejected or expired, it ends CANCELLED with the reason.
   * Returns whether the engagement goes on.
   */
  private async quote(): Promise<boolean> {
    const { input, snapshot } = this;
    this.status = 'AWAITING_QUOTE';
    const validForMs = snapshot.quote?.validForMs ?? DEFAULT_QUOTE_VALIDITY_MS;
    const quote = await platform.prepareQuote({
      estimateId: uuid4(),
      engagementId: input.engagementId,
      snapshot,
      params: input.params,
      validUntil: new Date(Date.now() + validForMs).toISOString(),
      createdBy: input.launchedBy,
    });
    await this.sync({});
    const approval = (id: string, title: string, approver: Assignee): ApprovalStep => ({
      kind: 'approval',
      id,
      title,
      next: null,
      approvers: [approver],
      rule: { kind: 'all' },
      fourEyes: [],
      onReject: null,
      maxRejections: 0,
      reminders: [],
    });
    let decidedBy: string | null = null;
    try {
      await CancellationScope.withTimeout(validForMs, async () => {
        for (const step of [
          approval('quote-pm', `Approve the estimate of ${quote.summary} for the customer`, { role: 'pm' }),
          approval('quote-customer', `Customer approves the estimate of ${quote.summary}`, { role: 'customer' }),
        ]) {
          await this.runStep(step, this.root);
          decidedBy = this.records.at(-1)?.by ?? null;
        }
      });
    } catch (error) {
      const expired = isCancellation(error) && !CancellationScope.current().consideredCancelled;
      const rejected = error instanceof ApplicationFailure && error.type === 'approval-rejected';
      if (!expired && !rejected) throw error;
      await platform.closeQuote({ estimateId: quote.estimateId, status: expired ? 'expired' : 'rejected', decidedBy });
      this.status = 'CANCELLED';
      this.failure = expired
        ? `The estimate of ${quote.summary} was not approved within ${Math.round(validForMs / 1000)} s; the engagement is cancelled.`
        : `The estimate of ${quote.summary} was rejected; the engagement is cancelled.`;
      await this.sync({ closed: true });
      return false;
    }
    this.entitlement = await platform.acceptQuote({
      estimateId: quote.estimateId,
      engagementId: input.engagementId,
      customerId: input.customerId,
      service: snapshot.service,
      decidedBy: decidedBy ?? input.launchedBy,
    });
    this.status = 'RUNNING';
    return true;
  }

  /** The top-level sequence; between its steps the history may be handed to a new run. */
  private async runMain(start: string | null): Promise<void> {
    let id = start;
    while (id !== null) {
      if (workflowInfo().continueAsNewSuggested) await this.continueAsNew(id);
      const step = this.step(id);
      const outcome = await this.runStep(step, this.root);
      id = outcome ? outcome.goto : step.next;
    }
  }

  private async runSequence(start: string | null, scope: Scope): Promise<void> {
    let id = start;
    while (id !== null) {
      const step = this.step(id);
      const outcome = await this.runStep(step, scope);
      id = outcome ? outcome.goto : step.next;
    }
  }

  private async continueAsNew(next: string): Promise<never> {
    await condition(allHandlersFinished);
    const resume: EngagementResume = {
      next,
      steps: this.records,
      visits: this.visits,
      entitlement: this.entitlement,
      hours: this.hours,
      slaDeadline: this.slaDeadline,
      syncSeq: this.syncSeq,
    };
    return continueAsNew<typeof engagementWorkflow>({ ...this.input, resume });
  }

  private step(id: string): Step {
    const step = this.snapshot.steps[id];
    if (!step) throw ApplicationFailure.nonRetryable(`The definition has no step "${id}".`, 'definition-invalid');
    return step;
  }

  private async runStep(step: Step, scope: Scope): Promise<Outcome> {
    const key = scope.prefix + step.id;
    const visit = (this.visits[key] ?? 0) + 1;
    this.visits[key] = visit;
    const record: StepRecord = {
      stepId: step.id,
      iteration: `${scope.prefix}${visit}`,
      kind: step.kind,
      status: 'running',
      startedAt: nowIso(),
    };
    this.records.push(record);
    scope.latest.set(step.id, record);
    this.running.add(step.id);
    const publish = this.publishesCurrentStep(step);
    if (publish) this.setCurrentStep();
    try {
      const outcome = await this.dispatch(step, record, scope);
      if (record.status === 'running' || record.status === 'waiting') record.status = 'completed';
      record.endedAt = nowIso();
      return outcome;
    } catch (error) {
      record.endedAt = nowIso();
      if (error instanceof EndOfEngagement) {
        record.status = 'completed';
      } else {
        record.status = isCancellation(error) ? 'cancelled' : 'failed';
        record.summary ??= failureMessage(error);
      }
      throw error;
    } finally {
      this.running.delete(step.id);
      if (publish) this.setCurrentStep();
    }
  }

  private dispatch(step: Step, record: StepRecord, scope: Scope): Promise<Outcome> {
    switch (step.kind) {
      case 'activity':
        return this.runActivity(step, record, scope);
      case 'task':
        return this.runTask(step, record, scope);
      case 'approval':
        return this.runApproval(step, record, scope);
      case 'parallel':
        return this.runParallel(step, scope);
      case 'switch':
        return Promise.resolve(this.runSwitch(step, record, scope));
      case 'forEach':
        return this.runForEach(step, record, scope);
      case 'wait':
        return this.runWait(step, scope);
      case 'subprocess':
        return this.runSubprocess(step, record, scope);
      case 'fail':
        throw ApplicationFailure.nonRetryable(String(render(step.reason, this.context(scope))), 'engagement-failed');
      case 'end':
        throw new EndOfEngagement();
    }
  }

  // ── step kinds ─────────────────────────────────────────────────────────────────────────────────

  private async runActivity(step: ActivityStep, record: StepRecord, scope: Scope): Promise<Outcome> {
    // Since the `running-activities` patch the read model lists the step while it runs (a step that
    // keeps failing is visible), and the activity id names the step, so Temporal's pending activity
    // info can be traced back to it.
    const tracked = patched(PATCHES.runningActivities);
    if (tracked) await this.sync({});
    const activities = proxyActivities<Record<string, (input: unknown) => Promise<JsonValue>>>({
      ...(tracked ? { activityId: stepActivityId(step.id, record.iteration) } : {}),
      startToCloseTimeout: step.timeoutMs,
      heartbeatTimeout: step.heartbeatMs,
      retry: {
        maximumAttempts: step.retry.maximumAttempts,
        initialInterval: step.retry.initialIntervalMs,
        backoffCoefficient: step.retry.backoffCoefficient,
        maximumInterval: step.retry.maximumIntervalMs,
        nonRetryableErrorTypes: step.retry.nonRetryable,
      },
    });
    const input = render(step.input, this.context(scope));
    try {
      record.output = await activities[step.activity]!({
        input,
        engagement: this.engagementRef(step.id, record.iteration),
      });
    } catch (error) {
      if (isCancellation(error) || !step.onError) throw error;
      record.status = 'failed';
      record.summary = failureMessage(error);
      return { goto: step.onError.goto };
    }
    await this.bill(step, record, null);
    return null;
  }

  private async runTask(step: TaskStep, record: StepRecord, scope: Scope): Promise<Outcome> {
    const completion = await this.humanTask({
      step,
      record,
      suffix: '',
      kind: 'task',
      assignee: step.assignee,
      form: step.form,
      opening: this.opening(step, scope),
      excludedUsers: [],
    });
    record.by = completion.by;
    record.result = completion.result;
    record.actualHours = completion.hoursSpent;
    await this.bill(step, record, completion);
    return null;
  }

  private async runApproval(step: ApprovalStep, record: StepRecord, scope: Scope): Promise<Outcome> {
    const opening = this.opening(step, scope);
    // Shared by every approver slot: whoever decided in one slot may not decide in another
    // (the update handler adds each completer to it).
    const excludedUsers = this.records.filter((r) => step.fourEyes.includes(r.stepId) && r.by).map((r) => r.by!);
    const decided: Completion[] = [];
    const slots = new CancellationScope();
    const pending: Promise<unknown>[] = [];
    const outcome = await slots.run(
      () =>
        new Promise<'approved' | 'rejected'>((resolve, reject) => {
          let settled = false;
          step.approvers.forEach((assignee, index) => {
            const slot = this.humanTask({
              step,
              record,
              suffix: step.approvers.length > 1 ? `:a${index + 1}` : '',
              kind: 'approval',
              assignee,
              form: null,
              opening,
              excludedUsers,
            }).then(
              (completion) => {
                decided.push(completion);
                const approvals = decided.filter((d) => d.decision === 'approve').length;
                const verdict = approvalOutcome(
                  step.rule,
                  step.approvers.length,
                  approvals,
                  decided.length - approvals,
                );
                if (verdict && !settled) {
                  settled = true;
                  resolve(verdict);
                }
              },
              (error: unknown) => {
                if (!settled) {
                  settled = true;
                  reject(error);
                }
              },
            );
            pending.push(slot);
          });
        }),
    );
    // Approver slots still open once the rule has decided are closed as cancelled.
    slots.cancel();
    await Promise.allSettled(pending);
    record.by = decided.map((d) => d.by).join(', ');
    record.result = {
      decision: outcome,
      decisions: decided.map((d) => ({ by: d.by, decision: d.decision, comment: d.comment })),
    };
    record.actualHours = decided.reduce((sum, d) => sum + d.hoursSpent, 0);
    await this.bill(step, record, decided[0] ?? null);
    if (outcome === 'approved') return null;
    record.status = 'rejected';
    const rejections = this.records.filter((r) => r.stepId === step.id && r.status === 'rejected').length;
    if (step.onReject === null || rejections > step.maxRejections) {
      throw ApplicationFailure.nonRetryable(
        step.onReject === null
          ? `"${step.title}" was rejected.`
          : `"${step.title}" was rejected ${rejections} times, more than the ${step.maxRejections} the process allows.`,
        'approval-rejected',
      );
    }
    return { goto: step.onReject };
  }

  /**
   * The title, instructions, context and not-before time a human step opens with. Before the
   * `task-context` patch the title stayed as written and the task carried no context.
   */
  private opening(step: TaskStep | ApprovalStep, scope: Scope): Opening {
    const context = this.context(scope);
    const given = step.instructions === undefined ? null : String(render(step.instructions, context));
    if (!patched(PATCHES.taskContext))
      return { title: step.title, instructions: given, context: null, notBefore: null };
    const task = taskContext({
      snapshot: this.snapshot,
      step,
      visible: this.visible(scope),
      records: this.records,
      scopePrefix: scope.prefix,
      locals: scope.vars,
    });
    return {
      title: renderTitle(step.title, context),
      instructions: given ?? (step.kind === 'approval' ? approvalInstructions(this.snapshot, step, task) : null),
      context: task,
      notBefore: step.notBefore === undefined ? null : this.notBefore(step, context),
    };
  }

  private notBefore(step: TaskStep | ApprovalStep, context: ExpressionContext): string {
    const value = evaluate(step.notBefore!, context);
    const at = typeof value === 'string' ? Date.parse(value) : NaN;
    if (Number.isNaN(at)) {
      throw ApplicationFailure.nonRetryable(
        `"${step.title}": notBefore must be an ISO date-time, got ${JSON.stringify(value)}.`,
        'expression-type',
      );
    }
    return new Date(at).toISOString();
  }

  /**
   * Opens one inbox task and waits for its completion, firing reminders and escalation at their
   * times. A cancelled wait closes the task as cancelled before the cancellation travels on.
   */
  private async humanTask(spec: {
    step: TaskStep | ApprovalStep;
    record: StepRecord;
    suffix: string;
    kind: 'task' | 'approval';
    assignee: Assignee;
    form: TaskStep['form'];
    opening: Opening;
    excludedUsers: string[];
  }): Promise<Completion> {
    const { step, record, opening } = spec;
    const taskId = `${this.input.engagementId}:${step.id}:${record.iteration}${spec.suffix}`;
    const openedAt = Date.now();
    const task: OpenTask = {
      taskId,
      stepId: step.id,
      iteration: record.iteration,
      kind: spec.kind,
      title: opening.title,
      assignee: spec.assignee,
      dueAt: step.dueMs === undefined ? null : new Date(openedAt + step.dueMs).toISOString(),
      notBefore: opening.notBefore,
      escalated: false,
      form: spec.form,
      excludedUsers: spec.excludedUsers,
      completion: null,
    };
    this.tasks.register(task);
    record.status = 'waiting';
    try {
      await platform.openTask({
        taskId,
        engagementId: this.input.engagementId,
        stepId: step.id,
        iteration: record.iteration,
        kind: spec.kind,
        title: opening.title,
        instructions: opening.instructions,
        assignee: spec.assignee,
        form: spec.form,
        dueAt: task.dueAt,
        ...(opening.context ? { context: opening.context, notBefore: opening.notBefore } : {}),
      });
      await this.sync({});
      await this.awaitCompletion(task, openedAt, step.reminders, step.escalation);
      const completion = task.completion!;
      await platform.completeTaskRow({ taskId, ...completion });
      this.hours.actual = Math.round((this.hours.actual + completion.hoursSpent) * 100) / 100;
      return completion;
    } catch (error) {
      if (isCancellation(error)) {
        await CancellationScope.nonCancellable(() =>
          platform.cancelTasks({ engagementId: this.input.engagementId, taskIds: [taskId] }),
        );
      }
      throw error;
    } finally {
      this.tasks.remove(taskId);
    }
  }

  private async awaitCompletion(
    task: OpenTask,
    openedAt: number,
    reminders: Reminder[],
    escalation?: Escalation,
  ): Promise<void> {
    const events: { at: number; fire: () => Promise<void> }[] = reminders.map((reminder, index) => ({
      at: openedAt + reminder.afterMs,
      fire: () => this.remind(task, `reminder-${index + 1}`, task.title),
    }));
    if (escalation) events.push({ at: openedAt + escalation.afterMs, fire: () => this.escalate(task, escalation.to) });
    events.sort((a, b) => a.at - b.at);
    for (const event of events) {
      const done = await condition(() => task.completion !== null, Math.max(1, event.at - Date.now()));
      if (done) return;
      await event.fire();
    }
    await condition(() => task.completion !== null);
  }

  private async remind(task: OpenTask, occasion: string, title: string): Promise<void> {
    await platform.sendTaskReminder({
      engagementId: this.input.engagementId,
      taskId: task.taskId,
      occasion,
      title,
      assignee: task.assignee,
      dueAt: task.dueAt,
    });
  }

  private async escalate(task: OpenTask, to: Assignee): Promise<void> {
    task.assignee = to;
    task.escalated = true;
    await platform.reassignTask({
      engagementId: this.input.engagementId,
      taskId: task.taskId,
      assignee: to,
      reason: 'escalated',
    });
    await this.remind(task, 'escalation', `Escalated to ${describeAssignee(to)}: ${task.title}`);
  }

  private async runParallel(step: ParallelStep, scope: Scope): Promise<Outcome> {
    const scopes = step.branches.map(() => new CancellationScope());
    const runs = step.branches.map((branch, index) => scopes[index]!.run(() => this.runSequence(branch.start, scope)));
    try {
      if (step.join === 'all') await Promise.all(runs);
      else await Promise.any(runs);
    } catch (error) {
      for (const branchScope of scopes) branchScope.cancel();
      await Promise.allSettled(runs);
      throw error instanceof AggregateError ? (error.errors[0] as Error) : error;
    }
    // join any: the first branch is done, the others stop.
    for (const branchScope of scopes) branchScope.cancel();
    await Promise.allSettled(runs);
    return null;
  }

  private runSwitch(step: SwitchStep, record: StepRecord, scope: Scope): Outcome {
    const context = this.context(scope);
    for (const [index, option] of step.cases.entries()) {
      if (option.maxIterations !== undefined) {
        const key = `${scope.prefix}${step.id}#case${index}`;
        if ((this.visits[key] ?? 0) >= option.maxIterations) continue;
        if (evaluate(option.when, context) !== true) continue;
        this.visits[key] = (this.visits[key] ?? 0) + 1;
      } else if (evaluate(option.when, context) !== true) {
        continue;
      }
      record.output = { case: index, goto: option.goto };
      return { goto: option.goto };
    }
    record.output = { case: null, goto: step.default };
    return step.default === null ? null : { goto: step.default };
  }

  private async runForEach(step: ForEachStep, record: StepRecord, scope: Scope): Promise<Outcome> {
    const items = evaluate(step.items, this.context(scope));
    if (!Array.isArray(items)) {
      throw ApplicationFailure.nonRetryable(
        `"${step.title}": items must be a list, got ${typeof items}.`,
        'expression-type',
      );
    }
    if (items.length > step.maxItems) {
      throw ApplicationFailure.nonRetryable(
        `"${step.title}": ${items.length} items, more than the ${step.maxItems} the process allows.`,
        'too-many-items',
      );
    }
    const results: JsonValue[] = new Array<JsonValue>(items.length).fill(null);
    let nextIndex = 0;
    const lane = async (): Promise<void> => {
      while (nextIndex < items.length) {
        const index = nextIndex++;
        const itemScope: Scope = {
          prefix: `${scope.prefix}${record.iteration}-${index + 1}.`,
          vars: { ...scope.vars, [step.as]: items[index] as JsonValue, [`${step.as}Index`]: index },
          parent: scope,
          latest: new Map(),
        };
        await this.runSequence(step.start, itemScope);
        const steps: Record<string, JsonValue> = {};
        for (const [id, r] of itemScope.latest)
          steps[id] = { status: r.status, result: r.result ?? null, output: r.output ?? null };
        results[index] = { item: items[index] as JsonValue, steps };
      }
    };
    await Promise.all(Array.from({ length: Math.min(step.concurrency, items.length) }, lane));
    record.output = results;
    return null;
  }

  private async runWait(step: WaitStep, scope: Scope): Promise<Outcome> {
    // Like an activity (`running-activities` patch): the read model lists the wait, not the step before it.
    if (patched(PATCHES.runningActivities)) await this.sync({});
    if (step.durationMs !== undefined) {
      await sleep(step.durationMs);
    } else if (step.until !== undefined) {
      const until = evaluate(step.until, this.context(scope));
      const at = typeof until === 'string' ? Date.parse(until) : NaN;
      if (Number.isNaN(at)) {
        throw ApplicationFailure.nonRetryable(
          `"${step.title}": until must be an ISO date-time, got ${JSON.stringify(until)}.`,
          'expression-type',
        );
      }
      if (at > Date.now()) await sleep(at - Date.now());
    }
    return null;
  }

  private async runSubprocess(step: SubprocessStep, record: StepRecord, scope: Scope): Promise<Outcome> {
    if (patched(PATCHES.runningActivities)) await this.sync({});
    const definition = await platform.loadDefinition({ id: step.definition, version: step.version ?? null });
    const params = render(step.input, this.context(scope)) as Record<string, JsonValue>;
    const childId = uuid4();
    await platform.registerChildEngagement({
      engagementId: childId,
      parentEngagementId: this.input.engagementId,
      definitionId: definition.snapshot.id,
      definitionVersion: definition.snapshot.version,
      service: definition.snapshot.service,
      customerId: this.input.customerId,
      projectId: this.input.projectId,
      params,
      launchedBy: this.input.launchedBy,
    });
    const result = await executeChild(engagementWorkflow, {
      workflowId: childId,
      typedSearchAttributes: [
        { key: SA.customerId, value: this.input.customerId },
        { key: SA.serviceCode, value: definition.snapshot.service },
        { key: SA.status, value: 'RUNNING' },
      ],
      args: [
        {
          engagementId: childId,
          definition,
          customerId: this.input.customerId,
          projectId: this.input.projectId,
          params,
          launchedBy: this.input.launchedBy,
          inheritedEntitlement: this.entitlement ?? undefined,
        },
      ],
    });
    record.output = { engagementId: childId, status: result.status };
    return null;
  }

  // ── billing, read model, observability ─────────────────────────────────────────────────────────

  /**
   * Records the step's billed work. A step whose definition names act lines (`billing`) passes them
   * with the task result, and the ledger reports the norm-hours it wrote; histories recorded before
   * `billing` existed have neither, so the activity call and its input are unchanged for them.
   */
  private async bill(
    step: { norm?: Norm; normTimes?: string; billing?: StepBilling },
    record: StepRecord,
    completion: Completion | null,
  ): Promise<void> {
    const { billing } = step;
    if (!step.norm || Object.keys(step.norm).length === 0) return;
    const norm =
      step.normTimes !== undefined && patched(PATCHES.normTimes)
        ? this.multiplied(step.norm, step.normTimes)
        : step.norm;
    const recorded = await this.ledger().recordBillableTime({
      idempotencyKey: `${this.input.engagementId}:${record.stepId}:${record.iteration}`,
      engagementId: this.input.engagementId,
      stepId: record.stepId,
      iteration: record.iteration,
      norm,
      actualHours: completion?.hoursSpent ?? null,
      performedBy: completion?.by ?? null,
      entitlement: this.entitlement,
      ...(billing ? { billing, result: completion?.result ?? null } : {}),
    });
    addNorm(this.hours.norm, billing && recorded.norm ? recorded.norm : norm);
  }

  /** The norm times its `normTimes`, read from the launch inputs as the estimate reads them. */
  private multiplied(norm: Norm, normTimes: string): Norm {
    const times = evaluate(normTimes, { inputs: this.input.params, steps: {} });
    if (!isNormMultiplier(times)) {
      throw ApplicationFailure.nonRetryable(
        `normTimes ${normTimes} gives ${JSON.stringify(times)}, not a whole number of repeats`,
        'expression-failed',
      );
    }
    return multiplyNorm(norm, times);
  }

  /**
   * Who writes ledger entries. Before the `local-ledger` patch an activity, a round trip through
   * the Temporal server and a workflow task of its own; since, a local activity of the worker that
   * holds the workflow task. The entry is keyed by engagement, step and iteration, all fixed by
   * history, so a write repeated after a crash returns the entries of the first (the ledger is
   * exactly-once either way).
   *
   * Task rows stay activities: the inbox shows a task, or shows it completed or cancelled, only
   * after the workflow task that decided it is in history. A row written ahead of it, by a worker
   * that then died, would offer a task the workflow has not registered yet, or close one whose
   * completion Temporal never recorded.
   */
  private ledger(): typeof platform {
    return patched(PATCHES.localLedger) ? localLedger : platform;
  }

  private engagementRef(stepId: string, iteration: string) {
    return {
      id: this.input.engagementId,
      customerId: this.input.customerId,
      projectId: this.input.projectId,
      launchedBy: this.input.launchedBy,
      stepId,
      iteration,
      idempotencyKey: `${this.input.engagementId}:${stepId}:${iteration}`,
    };
  }

  /** The latest record of every step as a scope sees it: its own, else its enclosing scopes'. */
  private visible(scope: Scope): Map<string, StepRecord> {
    const chain: Scope[] = [];
    for (let s: Scope | null = scope; s; s = s.parent) chain.unshift(s);
    const latest = new Map<string, StepRecord>();
    for (const s of chain) for (const [id, r] of s.latest) latest.set(id, r);
    return latest;
  }

  private context(scope: Scope): ExpressionContext {
    const steps: Record<string, StepState> = {};
    for (const [id, r] of this.visible(scope)) {
      steps[id] = { status: r.status, result: r.result ?? null, output: r.output ?? null };
    }
    return {
      inputs: this.input.params,
      steps,
      entitlement: (this.entitlement as unknown as JsonValue) ?? null,
      engagement: {
        id: this.input.engagementId,
        customerId: this.input.customerId,
        projectId: this.input.projectId,
        service: this.snapshot.service,
        launchedBy: this.input.launchedBy,
      },
      locals: scope.vars,
    };
  }

  /**
   * Whether a step's start and end update the CurrentStep search attribute. Since the
   * `current-step-at-waits` patch only steps that wait (human work, timers, subprocesses) do: an
   * automated step is over in moments, and a visibility write per step cost a tenth of throughput.
   */
  private publishesCurrentStep(step: Step): boolean {
    if (!patched(PATCHES.currentStepAtWaits)) return true;
    return WAITING_KINDS.has(step.kind);
  }

  private setCurrentStep(): void {
    upsertSearchAttributes([{ key: SA.currentStep, value: [...this.running].join(',') || null }]);
  }

  /** Closes the engagement on cancellation or failure: open tasks cancelled, compensation run once. */
  private async close(status: 'CANCELLED' | 'FAILED', reason: string): Promise<void> {
    this.status = status;
    this.failure = reason;
    await CancellationScope.nonCancellable(async () => {
      await platform.cancelTasks({ engagementId: this.input.engagementId, taskIds: null });
      if (this.snapshot.compensation !== null && !this.compensated) {
        this.compensated = true;
        try {
          await this.runSequence(this.snapshot.compensation, rootScope());
        } catch (error) {
          this.failure = `${reason} Compensation failed too: ${failureMessage(error)}`;
        }
      }
      await this.sync({ closed: true });
    });
  }

  private async sync({ closed = false }: { closed?: boolean }): Promise<void> {
    this.syncSeq += 1;
    // Since the `search-attributes-on-change` patch, status and SLA deadline are upserted only when
    // they differ from what is published (the start request publishes RUNNING).
    const changed = this.status !== this.published.status || this.slaDeadline !== this.published.slaDeadline;
    if (changed || !patched(PATCHES.searchAttributesOnChange)) {
      upsertSearchAttributes([
        { key: SA.status, value: this.status },
        ...(this.slaDeadline ? [{ key: SA.slaDeadline, value: new Date(this.slaDeadline) }] : []),
      ]);
      this.published = { status: this.status, slaDeadline: this.slaDeadline };
    }
    await readModel.syncEngagement({
      engagementId: this.input.engagementId,
      seq: this.syncSeq,
      status: this.status,
      currentSteps: [...this.running],
      entitlement: this.entitlement,
      failure: this.failure,
      closed,
    });
  }

  private view(): EngagementState {
    return {
      engagementId: this.input.engagementId,
      definitionId: this.snapshot.id,
      definitionVersion: this.snapshot.version,
      service: this.snapshot.service,
      status: this.status,
      current: [...this.running],
      steps: this.records,
      openTasks: this.tasks.views(),
      entitlement: this.entitlement,
      hours: this.hours,
      slaDeadline: this.slaDeadline,
      failure: this.failure,
    };
  }
}

/** Runs one engagement of a compiled definition. Never rename: it is the Temporal workflow type. */
export async function engagementWorkflow(input: EngagementInput): Promise<EngagementResult> {
  return new EngagementRun(input).execute();
}

export { REJECTION };
