/**
 * The compiled process definition ("snapshot"): what the loader produces from YAML and what the
 * engagement workflow interprets. It is plain JSON (no functions, no Dates) so it travels as
 * workflow input and is stored with the published version. Durations are milliseconds; expressions
 * are CEL source text, already checked by the loader.
 *
 * Flow model: every step of a definition, at any depth, lives in one flat map keyed by its unique
 * id. A sequence is a chain of `next` pointers; `next: null` ends the sequence that holds the step.
 * Blocks (parallel branches, forEach bodies) point at the first step of their own sequence.
 * A `goto` may only target a step of the same sequence.
 */

/** Qualification categories of engineers (Ukrainian grades), see DOMAIN.md "Money". */
export const CATEGORIES = ['LEAD', 'ENG_I', 'ENG_II', 'ENG', 'TECH'] as const;
export type Category = (typeof CATEGORIES)[number];

/** Norm-hours per qualification category that a step bills. */
export type Norm = Partial<Record<Category, number>>;

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonSchema = { [key: string]: JsonValue } | boolean;

/** A CEL expression evaluated to any JSON value. */
export interface ExprNode {
  $expr: string;
}
/** A string with `${…}` parts: literal text and expressions, joined as text. */
export interface ConcatNode {
  $concat: (string | ExprNode)[];
}
/** Input data whose leaves may be expressions. Keys starting with `$` are reserved. */
export type Template =
  null | boolean | number | string | ExprNode | ConcatNode | Template[] | { [key: string]: Template };

/** Who may act on a human step. At least one field is set. */
export interface Assignee {
  category?: Category;
  group?: string;
  /** A named user id. */
  user?: string;
  /** A role: `customer` means the customer's contact acts, recorded by a PM on their behalf. */
  role?: 'customer' | 'pm' | 'lead';
}

export interface RetrySpec {
  maximumAttempts: number;
  initialIntervalMs: number;
  backoffCoefficient: number;
  maximumIntervalMs: number;
  /** Failure types (ApplicationFailure `type`) that are never retried. */
  nonRetryable: string[];
}

/**
 * Which act lines a step's work goes on. `line` puts the norm-hours on a named line (e.g.
 * `preparation`); `hours` (task steps) bills, instead of the norm, the hours the task result gives in
 * a numeric field, per named line (`{ training-hours: hoursDelivered, travel: travelHours }`), on the
 * performer's qualification category. The norm stays the estimate.
 */
export interface StepBilling {
  line?: string;
  hours?: Record<string, string>;
}

interface StepBase {
  id: string;
  title: string;
  /** The step that follows in the same sequence; null ends the sequence. */
  next: string | null;
  /** Norm-hours billed when the step completes; absent for non-billable steps. */
  norm?: Norm;
  /**
   * CEL over `inputs` only: how many times the norm is billed and estimated (e.g. `inputs.datasets`
   * for norms per dataset); absent, once.
   */
  normTimes?: string;
  /** Act lines of the step's billed work; absent: one entry per norm category, on no named line. */
  billing?: StepBilling;
}

/** Automated work done by a named activity. */
export interface ActivityStep extends StepBase {
  kind: 'activity';
  activity: string;
  input: Template;
  timeoutMs: number;
  heartbeatMs?: number;
  retry: RetrySpec;
  /** Where a non-retryable failure goes; without it the engagement fails. */
  onError?: { goto: string };
}

/** A reminder sent while a human step is open, `afterMs` from its opening. */
export interface Reminder {
  afterMs: number;
}

/** What happens when a human step is not done by its due time. */
export interface Escalation {
  afterMs: number;
  /** The task is reassigned to this assignee (keeping it open). */
  to: Assignee;
}

/** Human work: a task in an engineer's inbox, completed with a result matching `form`. */
export interface TaskStep extends StepBase {
  kind: 'task';
  instructions?: Template;
  assignee: Assignee;
  /** CEL expression giving the earliest time the task may be completed (e.g. the day of a training day). */
  notBefore?: string;
  /** JSON Schema of the result; null accepts any object. */
  form: JsonSchema | null;
  dueMs?: number;
  reminders: Reminder[];
  escalation?: Escalation;
}

export type ApprovalRule = { kind: 'all' } | { kind: 'any' } | { kind: 'nOf'; n: number };

/** One or more people approve or reject; each approver is a task of its own. */
export interface ApprovalStep extends StepBase {
  kind: 'approval';
  instructions?: Template;
  approvers: Assignee[];
  /** CEL expression giving the earliest time the approval may be decided. */
  notBefore?: string;
  rule: ApprovalRule;
  /** Steps whose completers may not approve this step (four-eyes principle). */
  fourEyes: string[];
  /** Where a rejection goes; null means the engagement fails with the rejection. */
  onReject: string | null;
  /** Bounds how often a rejection may loop back; past it the engagement fails. */
  maxRejections: number;
  dueMs?: number;
  reminders: Reminder[];
  escalation?: Escalation;
}

export interface ParallelBranch {
  name: string;
  /** First step of the branch's own sequence. */
  start: string;
}

/** Branches run at once; `all` waits for every branch, `any` for the first and cancels the rest. */
export interface ParallelStep extends StepBase {
  kind: 'parallel';
  branches: ParallelBranch[];
  join: 'all' | 'any';
}

export interface SwitchCase {
  /** CEL expression evaluating to a boolean. */
  when: string;
  goto: string;
  /** Required when `goto` jumps back (a loop): the case is taken at most this many times. */
  maxIterations?: number;
}

/** The first case whose `when` holds decides the next step; otherwise `default`, else `next`. */
export interface SwitchStep extends StepBase {
  kind: 'switch';
  cases: SwitchCase[];
  default: string | null;
}

/** Runs its body once per item of a list, at most `concurrency` at a time. */
export interface ForEachStep extends StepBase {
  kind: 'forEach';
  /** CEL expression evaluating to a list. */
  items: string;
  /** Name under which the body's expressions see the current item (`item` by default). */
  as: string;
  concurrency: number;
  maxItems: number;
  /**
   * CEL over `inputs`: the expected number of items when `items` is known only at run time (a
   * list a task returns). Estimates only; the run goes by `items`.
   */
  expectedItems?: string;
  /** First step of the body sequence. */
  start: string;
}

/** A durable timer: a fixed duration, or until a date given by an expression. */
export interface WaitStep extends StepBase {
  kind: 'wait';
  durationMs?: number;
  /** CEL expression evaluating to an ISO-8601 timestamp. */
  until?: string;
}

/** Another published definition run as a child workflow; cancellation propagates. */
export interface SubprocessStep extends StepBase {
  kind: 'subprocess';
  definition: string;
  version?: number;
  input: Template;
}

/** Ends the engagement as failed with a reason. */
export interface FailStep extends StepBase {
  kind: 'fail';
  reason: Template;
}

/** Ends the engagement as completed. */
export interface EndStep extends StepBase {
  kind: 'end';
}

export type Step =
  | ActivityStep
  | TaskStep
  | ApprovalStep
  | ParallelStep
  | SwitchStep
  | ForEachStep
  | WaitStep
  | SubprocessStep
  | FailStep
  | EndStep;

export type StepKind = Step['kind'];

export interface ProcessSnapshot {
  id: string;
  version: number;
  title: string;
  description?: string;
  /** Service catalog code, e.g. X-IMPORT. */
  service: string;
  /** JSON Schema of the launch parameters. */
  inputs: JsonSchema;
  /** First step of the main sequence. */
  start: string;
  /** First step of the compensation sequence run on cancel or failure, or null. */
  compensation: string | null;
  steps: Record<string, Step>;
  sla?: { dueMs: number };
  /** When the customer needs a quote: how long the estimate stays open for approval. */
  quote?: { validForMs: number };
}

/** A snapshot with its content hash, as stored with a published version and given to workflows. */
export interface CompiledDefinition {
  snapshot: ProcessSnapshot;
  /** sha256 (hex) of the canonical JSON of the snapshot. */
  sha256: string;
}
