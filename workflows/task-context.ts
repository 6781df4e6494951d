/**
 * What a human task carries besides its form, worked out by the interpreter when the task opens, so
 * the assignee can act without reading the definition: the earlier results the step reads (for an
 * approval, the work it approves), the forEach item it belongs to, and the rejection that sent the
 * work back, with its comments. Pure functions of the snapshot and the step records: deterministic.
 */
import type { ApprovalStep, JsonValue, ProcessSnapshot, Step, TaskStep, Template } from '../definitions/model.ts';
import { expressionReferences, isConcatNode, isExprNode } from './expression.ts';
import type { StepRecord, TaskContext, TaskDependency, TaskRejection } from './messages.ts';

/** A result or output larger than this (as JSON text) is left out of the context; the engagement view has it. */
export const MAX_CONTEXT_VALUE_LENGTH = 16_384;

/** Ids of the steps whose results or outputs a template reads (`steps.<id>…`). */
export function referencedSteps(template: Template | undefined, locals: readonly string[]): string[] {
  const found = new Set<string>();
  const visit = (node: Template | undefined): void => {
    if (node === null || node === undefined || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(visit);
    if (isExprNode(node)) {
      for (const ref of expressionReferences(node.$expr, locals)) {
        if (ref.root === 'steps' && ref.path[0] !== undefined) found.add(ref.path[0]);
      }
      return;
    }
    if (isConcatNode(node)) return node.$concat.forEach(visit);
    Object.values(node).forEach(visit);
  };
  visit(template);
  return [...found];
}

/** The step whose `next` is this one: what came just before it in its sequence. */
function precedingStep(snapshot: ProcessSnapshot, id: string): Step | undefined {
  return Object.values(snapshot.steps).find((s) => s.next === id);
}

/**
 * The steps an approval reviews: the work its four-eyes rule guards, the step a rejection returns
 * to, what its title and instructions read, and the step just before it.
 */
function reviewedSteps(snapshot: ProcessSnapshot, step: ApprovalStep, read: string[]): string[] {
  const before = precedingStep(snapshot, step.id);
  return [...step.fourEyes, ...(step.onReject ? [step.onReject] : []), ...read, ...(before ? [before.id] : [])];
}

function bounded(value: JsonValue | undefined): { value: JsonValue; truncated: boolean } {
  if (value === undefined) return { value: null, truncated: false };
  const large = JSON.stringify(value).length > MAX_CONTEXT_VALUE_LENGTH;
  return large ? { value: null, truncated: true } : { value, truncated: false };
}

function dependency(snapshot: ProcessSnapshot, record: StepRecord): TaskDependency {
  const result = bounded(record.result);
  const output = bounded(record.output);
  return {
    stepId: record.stepId,
    iteration: record.iteration,
    title: snapshot.steps[record.stepId]?.title ?? record.stepId,
    kind: record.kind,
    status: record.status,
    by: record.by ?? null,
    endedAt: record.endedAt ?? null,
    result: result.value,
    output: output.value,
    ...(result.truncated || output.truncated ? { truncated: true } : {}),
  };
}

/** The scope prefix of an iteration (`1-2.3` → `1-2.`, `2` → ``). */
function prefixOf(iteration: string): string {
  return iteration.slice(0, iteration.lastIndexOf('.') + 1);
}

/**
 * The latest rejection whose approval has not decided again, in this scope or one enclosing it:
 * the work between a rejection and the approval's next decision is the rework it asked for.
 */
export function pendingRejection(
  snapshot: ProcessSnapshot,
  records: readonly StepRecord[],
  scopePrefix: string,
): TaskRejection | null {
  for (let i = records.length - 1; i >= 0; i--) {
    const record = records[i]!;
    if (record.kind !== 'approval' || record.status !== 'rejected') continue;
    const prefix = prefixOf(record.iteration);
    if (!scopePrefix.startsWith(prefix)) continue;
    const decidedAgain = records
      .slice(i + 1)
      .some((later) => later.stepId === record.stepId && prefixOf(later.iteration) === prefix);
    if (decidedAgain) return null;
    const decisions = ((record.result as { decisions?: RejectionDecision[] } | undefined)?.decisions ?? []).filter(
      (d) => d.decision === 'reject',
    );
    return {
      stepId: record.stepId,
      iteration: record.iteration,
      title: snapshot.steps[record.stepId]?.title ?? record.stepId,
      by: decisions.map((d) => d.by).join(', ') || (record.by ?? ''),
      at: record.endedAt ?? record.startedAt,
      comment: decisions.map((d) => d.comment).find((c): c is string => typeof c === 'string' && c !== '') ?? null,
      comments: decisions.map((d) => ({ by: d.by, comment: d.comment ?? null })),
    };
  }
  return null;
}

interface RejectionDecision {
  by: string;
  decision: string | null;
  comment: string | null;
}

/**
 * The context of a task opening for `step`: `visible` maps step ids to their latest records as the
 * step's scope sees them, `locals` are the forEach items it runs under.
 */
export function taskContext(spec: {
  snapshot: ProcessSnapshot;
  step: TaskStep | ApprovalStep;
  visible: ReadonlyMap<string, StepRecord>;
  records: readonly StepRecord[];
  scopePrefix: string;
  locals: Record<string, JsonValue>;
}): TaskContext {
  const { snapshot, step, visible } = spec;
  const localNames = Object.keys(spec.locals);
  const read = [
    ...new Set([
      ...referencedSteps(step.title, localNames),
      ...referencedSteps(step.instructions, localNames),
      ...referencedSteps(step.notBefore === undefined ? undefined : { $expr: step.notBefore }, localNames),
    ]),
  ];
  const wanted = step.kind === 'approval' ? reviewedSteps(snapshot, step, read) : read;
  const ids = [...new Set(wanted)].filter((id) => id !== step.id && visible.has(id));
  const dependsOn = ids
    .map((id) => visible.get(id)!)
    .sort((a, b) => a.startedAt.localeCompare(b.startedAt))
    .map((record) => dependency(snapshot, record));
  return {
    item: localNames.length > 0 ? spec.locals : null,
    dependsOn,
    underReview: step.kind === 'approval' ? dependsOn.map((d) => d.stepId) : [],
    lastRejection: pendingRejection(snapshot, spec.records, spec.scopePrefix),
  };
}

/** Instructions for an approval whose definition gives none: what is decided and where a rejection goes. */
export function approvalInstructions(snapshot: ProcessSnapshot, step: ApprovalStep, context: TaskContext): string {
  const reviewed = context.dependsOn.map((d) => `"${d.title}"${d.by ? ` (by ${d.by})` : ''}`);
  const what = reviewed.length > 0 ? `Review ${reviewed.join(', ')} and decide` : 'Decide';
  const back = step.onReject ? snapshot.steps[step.onReject]?.title : undefined;
  const onReject = back
    ? ` A rejection sends the work back to "${back}" with your comment.`
    : ' A rejection ends the engagement.';
  return `${what}: "approve" or "reject".${onReject}`;
}
