/**
 * The engagement workflow's contract with the outside world: its input, its state query and its
 * update. The API imports this file; keep it free of anything but types and message definitions.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Assignee, Category, CompiledDefinition, JsonValue, Norm } from '../definitions/model.ts';

/** The entitlement decision recorded at the gate (see lib/entitlement.ts for the rules). */
export interface EntitlementRecord {
  outcome: 'allowed' | 'quote' | 'denied';
  basis: 'basic' | 'a' | 'b' | 'c' | 'd' | null;
  contractId: string | null;
  contractNumber: string | null;
  windowEnd: string | null;
  coverage: 'included' | 'billed' | null;
  /** True when the work is charged (billed coverage, one-off contract or quote), false when included or free. */
  billable: boolean;
  reason: string;
  ruleVersion: string;
  /** The Europe/Kyiv date the decision was made for. */
  decidedOn: string;
  /** Set for an approved quote: billing uses the rate card the estimate was priced with. */
  rateCardId?: string;
}

export interface EngagementInput {
  engagementId: string;
  definition: CompiledDefinition;
  customerId: string;
  projectId: string | null;
  /** Launch parameters, already validated against the definition's input schema. */
  params: Record<string, JsonValue>;
  launchedBy: string;
  /** A subprocess inherits its parent's entitlement instead of running the gate again. */
  inheritedEntitlement?: EntitlementRecord;
  /** Set only by continue-as-new: where the previous run stopped. */
  resume?: EngagementResume;
}

export type EngagementStatus = 'RUNNING' | 'AWAITING_QUOTE' | 'COMPLETED' | 'FAILED' | 'CANCELLED' | 'DENIED';

export interface StepRecord {
  stepId: string;
  /** Distinguishes visits of the same step: loop count, plus forEach item indexes. */
  iteration: string;
  kind: string;
  status: 'running' | 'waiting' | 'completed' | 'failed' | 'cancelled' | 'rejected';
  startedAt: string;
  endedAt?: string;
  /** Who completed a human step. */
  by?: string;
  result?: JsonValue;
  output?: JsonValue;
  actualHours?: number;
  summary?: string;
}

export interface OpenTaskView {
  taskId: string;
  stepId: string;
  iteration: string;
  kind: 'task' | 'approval';
  title: string;
  assignee: Assignee;
  dueAt: string | null;
  /** The earliest time the task may be completed, when its step sets one. */
  notBefore?: string | null;
  escalated: boolean;
}

/** An earlier step a task depends on (for an approval: the work under review), as it last ended. */
export interface TaskDependency {
  stepId: string;
  iteration: string;
  title: string;
  kind: string;
  status: StepRecord['status'];
  /** Who completed it, for human steps. */
  by: string | null;
  endedAt: string | null;
  result: JsonValue;
  output: JsonValue;
  /** Set when a result or output was too large to carry here; the engagement view has it. */
  truncated?: true;
}

/** The rejection that sent the work back, with the reviewers' comments. */
export interface TaskRejection {
  /** The approval step that rejected. */
  stepId: string;
  iteration: string;
  title: string;
  by: string;
  at: string;
  /** The first non-empty comment of those who rejected. */
  comment: string | null;
  comments: { by: string; comment: string | null }[];
}

/** What a task's assignee sees besides the task itself; written when the task opens. */
export interface TaskContext {
  /** The forEach item(s) the task runs for, by the names the definition gives them. */
  item: Record<string, JsonValue> | null;
  dependsOn: TaskDependency[];
  /** Approvals: the ids of the steps in `dependsOn` whose work is being approved. */
  underReview: string[];
  /** Set while the work is being redone after a rejection (until the approval decides again). */
  lastRejection: TaskRejection | null;
}

export interface EngagementState {
  engagementId: string;
  definitionId: string;
  definitionVersion: number;
  service: string;
  status: EngagementStatus;
  /** Steps running or waiting right now. */
  current: string[];
  steps: StepRecord[];
  openTasks: OpenTaskView[];
  entitlement: EntitlementRecord | null;
  hours: { norm: Norm; actual: number };
  slaDeadline: string | null;
  failure: string | null;
}

/** Carried across continue-as-new so the next run picks up exactly where this one stopped. */
export interface EngagementResume {
  next: string | null;
  steps: StepRecord[];
  visits: Record<string, number>;
  entitlement: EntitlementRecord | null;
  hours: { norm: Norm; actual: number };
  slaDeadline: string | null;
  syncSeq: number;
}

export interface CompleteTaskInput {
  taskId: string;
  /** The authenticated caller, as the API established it. */
  user: { id: string; role: string; category?: Category | null; groups: string[] };
  /** Required for approvals. */
  decision?: 'approve' | 'reject';
  result: { [key: string]: JsonValue };
  hoursSpent: number;
  comment?: string;
}

/** What a completion recorded, besides who and when. */
export interface CompletionRecord {
  decision: 'approve' | 'reject' | null;
  result: { [key: string]: JsonValue };
  hoursSpent: number;
  comment: string | null;
}

export interface CompleteTaskOutput {
  taskId: string;
  stepId: string;
  completedBy: string;
  completedAt: string;
  /** What was recorded; a repeated update id gets the first completion's, so a caller can tell a different repeat. */
  recorded?: CompletionRecord;
}

/** The update id is `complete:<taskId>`, so a repeated request is one completion. */
export const completeTaskUpdate = defineUpdate<CompleteTaskOutput, [CompleteTaskInput]>('completeTask');
export const stateQuery = defineQuery<EngagementState>('state');

export function completeTaskUpdateId(taskId: string): string {
  return `complete:${taskId}`;
}

/** The Temporal activity id of an activity step's run (since the `running-activities` patch). */
export function stepActivityId(stepId: string, iteration: string): string {
  return `${stepId}#${iteration}`;
}

/** The step and iteration an activity id names, or null for ids of other activities. */
export function stepOfActivityId(activityId: string): { stepId: string; iteration: string } | null {
  const at = activityId.indexOf('#');
  return at > 0 ? { stepId: activityId.slice(0, at), iteration: activityId.slice(at + 1) } : null;
}

/** Search attributes the engagement maintains; registered with the namespace at setup. */
export const SEARCH_ATTRIBUTES = {
  CustomerId: 'Keyword',
  ServiceCode: 'Keyword',
  EngagementStatus: 'Keyword',
  CurrentStep: 'Keyword',
  SlaDeadline: 'Datetime',
} as const;
