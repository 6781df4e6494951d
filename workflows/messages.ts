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
  escalated: boolean;
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

export interface CompleteTaskOutput {
  taskId: string;
  stepId: string;
  completedBy: string;
  completedAt: string;
}

/** The update id is `complete:<taskId>`, so a repeated request is one completion. */
export const completeTaskUpdate = defineUpdate<CompleteTaskOutput, [CompleteTaskInput]>('completeTask');
export const stateQuery = defineQuery<EngagementState>('state');

export function completeTaskUpdateId(taskId: string): string {
  return `complete:${taskId}`;
}

/** Search attributes the engagement maintains; registered with the namespace at setup. */
export const SEARCH_ATTRIBUTES = {
  CustomerId: 'Keyword',
  ServiceCode: 'Keyword',
  EngagementStatus: 'Keyword',
  CurrentStep: 'Keyword',
  SlaDeadline: 'Datetime',
} as const;
