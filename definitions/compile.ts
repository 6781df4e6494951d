/**
 * Compiles a checked definition into the snapshot the engagement workflow interprets: one flat step
 * map with `next` pointers, durations in milliseconds, defaults filled in, expressions as
 * `$expr`/`$concat` templates; plus the sha256 of its canonical JSON.
 */
import { layoutOf, nextOf } from './definition-walk.ts';
import { parseDuration } from './duration.ts';
import type {
  Assignee,
  CompiledDefinition,
  Escalation,
  JsonSchema,
  ProcessSnapshot,
  RetrySpec,
  Step,
  StepBilling,
  Template,
} from './model.ts';
import { billsByDefault } from './content-checks.ts';
import type { AssigneeDefinition, DurationValue, ProcessDefinition, StepDefinition } from './schema.ts';
import { bareExpression, compileTemplateString } from '../workflows/template.ts';
import { sha256Hex } from '../lib/hash.ts';

export const DEFAULT_ACTIVITY_TIMEOUT_MS = 5 * 60_000;
export const DEFAULT_RETRY: Readonly<RetrySpec> = Object.freeze({
  maximumAttempts: 5,
  initialIntervalMs: 1000,
  backoffCoefficient: 2,
  maximumIntervalMs: 60_000,
  nonRetryable: [],
});
export const DEFAULT_MAX_REJECTIONS = 3;
export const DEFAULT_FOR_EACH_MAX_ITEMS = 100;

function ms(value: DurationValue): number {
  const parsed = parseDuration(value);
  if (parsed === undefined) throw new Error(`unchecked duration ${String(value)}`);
  return parsed;
}

function template(value: unknown): Template {
  if (typeof value === 'string') return compileTemplateString(value);
  if (Array.isArray(value)) return value.map(template);
  if (value !== null && typeof value === 'object') {
    const out: { [key: string]: Template } = {};
    for (const [k, v] of Object.entries(value)) out[k] = template(v);
    return out;
  }
  return value as Template;
}

function assignee(a: AssigneeDefinition): Assignee {
  return { ...a };
}

function escalation(e: { after: DurationValue; to: AssigneeDefinition } | undefined): { escalation?: Escalation } {
  return e ? { escalation: { afterMs: ms(e.after), to: assignee(e.to) } } : {};
}

function notBefore(text: string | undefined): { notBefore?: string } {
  return text === undefined ? {} : { notBefore: bareExpression(text).source };
}

function billing(b: { line?: string; hours?: Record<string, string> }): StepBilling {
  return { ...(b.line ? { line: b.line } : {}), ...(b.hours ? { hours: { ...b.hours } } : {}) };
}

function compileStep(step: StepDefinition, next: string | null, startOf: (steps: StepDefinition[]) => string): Step {
  const billed = step.kind === 'task' || step.kind === 'approval' ? (step.billable ?? billsByDefault(step)) : true;
  const base = {
    id: step.id,
    title: step.title ?? step.id,
    next,
    ...(step.norm && billed ? { norm: { ...step.norm } } : {}),
    // Only when given, so snapshots of definitions without it keep their hash.
    ...(step.norm && billed && step.normTimes !== undefined
      ? { normTimes: bareExpression(step.normTimes).source }
      : {}),
    ...(step.norm && billed && 'billing' in step && step.billing ? { billing: billing(step.billing) } : {}),
  };
  switch (step.kind) {
    case 'activity':
      return {
        ...base,
        kind: 'activity',
        activity: step.activity,
        input: template(step.input ?? {}),
        timeoutMs: step.timeout === undefined ? DEFAULT_ACTIVITY_TIMEOUT_MS : ms(step.timeout),
        ...(step.heartbeat === undefined ? {} : { heartbeatMs: ms(step.heartbeat) }),
        retry: {
          maximumAttempts: step.retry?.maximumAttempts ?? DEFAULT_RETRY.maximumAttempts,
          initialIntervalMs:
            step.retry?.initialInterval === undefined
              ? DEFAULT_RETRY.initialIntervalMs
              : ms(step.retry.initialInterval),
          backoffCoefficient: step.retry?.backoffCoefficient ?? DEFAULT_RETRY.backoffCoefficient,
          maximumIntervalMs:
            step.retry?.maximumInterval === undefined
              ? DEFAULT_RETRY.maximumIntervalMs
              : ms(step.retry.maximumInterval),
          nonRetryable: [...(step.retry?.nonRetryable ?? [])],
        },
        ...(step.onError ? { onError: { goto: step.onError.goto } } : {}),
      };
    case 'task':
      return {
        ...base,
        kind: 'task',
        ...(step.instructions === undefined ? {} : { instructions: compileTemplateString(step.instructions) }),
        assignee: assignee(step.assignee),
        ...notBefore(step.notBefore),
        form: (step.form as JsonSchema | undefined) ?? null,
        ...(step.due === undefined ? {} : { dueMs: ms(step.due) }),
        reminders: (step.reminders ?? []).map((r) => ({ afterMs: ms(r) })),
        ...escalation(step.escalation),
      };
    case 'approval':
      return {
        ...base,
        kind: 'approval',
        ...(step.instructions === undefined ? {} : { instructions: compileTemplateString(step.instructions) }),
        approvers: step.approvers.map(assignee),
        ...notBefore(step.notBefore),
        rule: typeof step.rule === 'object' ? { kind: 'nOf', n: step.rule.nOf } : { kind: step.rule ?? 'all' },
        fourEyes: [...(step.fourEyes ?? [])],
        onReject: step.onReject?.goto ?? null,
        maxRejections: step.maxRejections ?? DEFAULT_MAX_REJECTIONS,
        ...(step.due === undefined ? {} : { dueMs: ms(step.due) }),
        reminders: (step.reminders ?? []).map((r) => ({ afterMs: ms(r) })),
        ...escalation(step.escalation),
      };
    case 'parallel':
      return {
        ...base,
        kind: 'parallel',
        branches: step.branches.map((b) => ({ name: b.name, start: startOf(b.steps) })),
        join: step.join ?? 'all',
      };
    case 'switch':
      return {
        ...base,
        kind: 'switch',
        cases: step.cases.map((c) => ({
          when: bareExpression(c.when).source,
          goto: c.goto,
          ...(c.maxIterations === undefined ? {} : { maxIterations: c.maxIterations }),
        })),
        default: step.default ?? null,
      };
    case 'forEach':
      return {
        ...base,
        kind: 'forEach',
        items: bareExpression(step.items).source,
        as: step.as ?? 'item',
        concurrency: step.concurrency ?? 1,
        maxItems: step.maxItems ?? DEFAULT_FOR_EACH_MAX_ITEMS,
        // Only when given, so snapshots of definitions without it keep their hash.
        ...(step.expectedItems !== undefined ? { expectedItems: bareExpression(step.expectedItems).source } : {}),
        start: startOf(step.steps),
      };
    case 'wait':
      return {
        ...base,
        kind: 'wait',
        ...(step.for === undefined ? {} : { durationMs: ms(step.for) }),
        ...(step.until === undefined ? {} : { until: bareExpression(step.until).source }),
      };
    case 'subprocess':
      return {
        ...base,
        kind: 'subprocess',
        definition: step.definition,
        ...(step.version === undefined ? {} : { version: step.version }),
        input: template(step.input ?? {}),
      };
    case 'fail':
      return { ...base, kind: 'fail', reason: compileTemplateString(step.reason) };
    case 'end':
      return { ...base, kind: 'end' };
  }
}

/** Compiles a definition that passed all checks. */
export function compileDefinition(definition: ProcessDefinition): ProcessSnapshot {
  const layout = layoutOf(definition);
  const steps: Record<string, Step> = {};
  const startOf = (list: StepDefinition[]): string => (list[0] as StepDefinition).id;
  for (const sequence of layout.sequences) {
    sequence.steps.forEach((step, index) => {
      steps[step.id] = compileStep(step, nextOf(sequence, index), startOf);
    });
  }
  return {
    id: definition.id,
    version: definition.version,
    title: definition.title,
    ...(definition.description === undefined ? {} : { description: definition.description }),
    service: definition.service,
    inputs: definition.inputs as JsonSchema,
    start: startOf(definition.steps),
    compensation: definition.compensation ? startOf(definition.compensation) : null,
    steps,
    ...(definition.sla ? { sla: { dueMs: ms(definition.sla.due) } } : {}),
    ...(definition.quote?.validFor !== undefined ? { quote: { validForMs: ms(definition.quote.validFor) } } : {}),
  };
}

/** JSON with object keys sorted at every level: the same data always gives the same text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(v).sort()) {
      Object.defineProperty(sorted, key, { value: (v as Record<string, unknown>)[key], enumerable: true });
    }
    return sorted;
  });
}

export function withHash(snapshot: ProcessSnapshot): CompiledDefinition {
  const sha256 = sha256Hex(canonicalJson(snapshot));
  return { snapshot, sha256 };
}
