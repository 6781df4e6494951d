/**
 * Which norm-hours a definition can bill before it runs, per qualification category: the expected
 * figure and the range over every path. estimate.ts prices them.
 *
 * Each sequence is a chain of `next` pointers with forward jumps (switch cases, `default`, approval
 * rejections and activity errors that skip ahead) and backward jumps (bounded loops). The estimate
 * walks every sequence from its end to its start and keeps three figures per category:
 * - expected: every billable step on the main path once — loops not repeated, unresolved switches
 *   falling through (`default`, else `next`), forEach bodies once per item;
 * - min / max: the fewest and most hours any path bills in that category. A loop adds up to its
 *   bound times the dearest pass through its body to the maximum (the interpreter counts loop turns
 *   per engagement, so the bound holds however the loop is reached).
 * Conditions that read only `inputs` are evaluated and decide their branch; anything reading step
 * results, the entitlement or the engagement is unresolved and covered by the range. Ranges are per
 * category, so min and max need not come from the same path.
 */
import { evaluateExpression, expressionReferences } from '../workflows/expression.ts';
import { AppError } from '../lib/errors.ts';
import { normHoursFromNumber } from '../lib/money.ts';
import { CATEGORIES } from './model.ts';
import { orderSequence, readingOrder } from './sequence-order.ts';
import { isNormMultiplier, multiplyNorm } from '../workflows/norm-times.ts';
import type { Category, JsonValue, Norm, ProcessSnapshot, Step } from './model.ts';

/** Hundredths of a norm-hour per category. */
export type Hours = Record<Category, number>;

/** `min` is null when every path through fails (a `fail` step or a rejection that ends it). */
export interface Range {
  min: Hours | null;
  exp: Hours;
  max: Hours;
}

/** Where a step may continue within its sequence: a position, or the end of the sequence. */
type Target = number | 'end';

interface Options {
  targets: Target[];
  expected: Target;
}

type Resolution = boolean | 'unknown';

export const zero = (): Hours => ({ LEAD: 0, ENG_I: 0, ENG_II: 0, ENG: 0, TECH: 0 });

function combine(a: Hours, b: Hours, op: (x: number, y: number) => number): Hours {
  const out = zero();
  for (const c of CATEGORIES) out[c] = op(a[c], b[c]);
  return out;
}

const add = (a: Hours, b: Hours): Hours => combine(a, b, (x, y) => x + y);
const scale = (a: Hours, k: number): Hours => combine(a, a, (x) => x * k);
const addMin = (a: Hours | null, b: Hours | null): Hours | null => (a && b ? add(a, b) : null);

function hoursOf(norm: Norm | undefined): Hours {
  const out = zero();
  for (const c of CATEGORIES) {
    const value = norm?.[c];
    if (value !== undefined) out[c] = normHoursFromNumber(value);
  }
  return out;
}

/** Top-level `default`s of the inputs schema for keys the caller left out, as a launch would see them. */
export function withDefaults(
  snapshot: ProcessSnapshot,
  inputs: Record<string, JsonValue>,
  assumptions: string[],
): Record<string, JsonValue> {
  const schema = snapshot.inputs;
  const properties = typeof schema === 'object' ? schema['properties'] : undefined;
  if (!properties || typeof properties !== 'object' || Array.isArray(properties)) return inputs;
  const out = { ...inputs };
  for (const [name, property] of Object.entries(properties)) {
    if (name in out || !property || typeof property !== 'object' || Array.isArray(property)) continue;
    const fallback = property['default'];
    if (fallback === undefined) continue;
    out[name] = fallback;
    assumptions.push(`inputs.${name} is taken as its default ${JSON.stringify(fallback)}`);
  }
  return out;
}

export class NormPaths {
  /** Assumptions by the step they are about, reported in the order of the definition. */
  private readonly notes = new Map<string, string[]>();
  private readonly own = new Map<string, Range>();

  constructor(
    private readonly snapshot: ProcessSnapshot,
    private readonly inputs: Record<string, JsonValue>,
  ) {}

  private step(id: string): Step {
    const step = this.snapshot.steps[id];
    if (!step) throw new AppError('request-invalid', `the snapshot has no step '${id}'`);
    return step;
  }

  private note(stepId: string, text: string): void {
    const list = this.notes.get(stepId) ?? [];
    if (!list.includes(text)) list.push(text);
    this.notes.set(stepId, list);
  }

  get assumptions(): string[] {
    return readingOrder(this.snapshot).flatMap((id) => this.notes.get(id) ?? []);
  }

  /** The value of an expression that reads nothing but `inputs`; `unknown` otherwise. */
  private evaluate(source: string): JsonValue | undefined {
    try {
      if (expressionReferences(source).some((ref) => ref.root !== 'inputs')) return undefined;
      return evaluateExpression(source, { inputs: this.inputs, steps: {} });
    } catch {
      return undefined;
    }
  }

  private resolve(source: string): Resolution {
    const value = this.evaluate(source);
    return typeof value === 'boolean' ? value : 'unknown';
  }

  /** The figures of one sequence, from its first step to its end. */
  sequence(start: string): Range {
    const { ids, position } = orderSequence(this.snapshot, start);
    const values: Range[] = [];
    const tail = (target: Target): Range =>
      target === 'end' ? { min: zero(), exp: zero(), max: zero() } : (values[target] as Range);
    for (let index = ids.length - 1; index >= 0; index -= 1) {
      const step = this.step(ids[index] as string);
      const own = this.ownRange(step);
      const options = this.options(step, index, position);
      let min: Hours | null = null;
      let max = zero();
      for (const target of options.targets) {
        const next = tail(target);
        if (next.min) min = min ? combine(min, next.min, Math.min) : next.min;
        max = combine(max, next.max, Math.max);
      }
      if (options.targets.length === 0) min = zero();
      const loops = this.loops(step, index, position, ids);
      values[index] = {
        min: addMin(addMin(own.min, min), loops.min),
        exp: add(add(own.exp, tail(options.expected).exp), loops.exp),
        max: add(add(own.max, max), loops.max),
      };
    }
    return values[0] ?? { min: zero(), exp: zero(), max: zero() };
  }

  /** The step's own norm, times its `normTimes` as the interpreter bills it. */
  private billedHours(step: Step): Hours {
    if (step.norm === undefined || step.normTimes === undefined) return hoursOf(step.norm);
    const times = this.evaluate(step.normTimes);
    if (!isNormMultiplier(times)) {
      this.note(
        step.id,
        `the norm of '${step.id}' is billed ${step.normTimes} times, which these inputs do not give as a whole number: counted once`,
      );
      return hoursOf(step.norm);
    }
    if (times !== 1) this.note(step.id, `the norm of '${step.id}' counts ${times} times (${step.normTimes})`);
    return hoursOf(multiplyNorm(step.norm, times));
  }

  /** What a step bills by itself, including the blocks it runs (parallel branches, forEach bodies). */
  private ownRange(step: Step): Range {
    const known = this.own.get(step.id);
    if (known) return known;
    const hours = this.billedHours(step);
    let range: Range = { min: step.kind === 'fail' ? null : hours, exp: hours, max: hours };
    if (step.kind === 'parallel') {
      const branches = step.branches.map((branch) => this.sequence(branch.start));
      const first = branches[0] ?? { min: zero(), exp: zero(), max: zero() };
      if (step.join === 'all') {
        range = branches.reduce(
          (sum, b) => ({ min: addMin(sum.min, b.min), exp: add(sum.exp, b.exp), max: add(sum.max, b.max) }),
          range,
        );
      } else {
        const mins = branches.map((b) => b.min).filter((m): m is Hours => m !== null);
        const cheapest = mins.reduce((a, b) => combine(a, b, Math.min), mins[0] ?? zero());
        range = {
          min: addMin(range.min, cheapest),
          exp: add(range.exp, first.exp),
          max: branches.reduce((sum, b) => add(sum, b.max), range.max),
        };
        this.note(
          step.id,
          `parallel '${step.id}' finishes with its first branch: the expected figure counts branch '${step.branches[0]?.name ?? ''}', the maximum every branch`,
        );
      }
    } else if (step.kind === 'forEach') {
      const body = this.sequence(step.start);
      const items = this.evaluate(step.items);
      if (Array.isArray(items)) {
        const count = Math.min(items.length, step.maxItems);
        if (items.length > step.maxItems) {
          this.note(
            step.id,
            `forEach '${step.id}' gets ${items.length} items, more than its maxItems ${step.maxItems}`,
          );
        } else {
          this.note(step.id, `forEach '${step.id}' runs its body for ${count} item(s) given by the inputs`);
        }
        range = {
          min: addMin(range.min, body.min ? scale(body.min, count) : count === 0 ? zero() : null),
          exp: add(range.exp, scale(body.exp, count)),
          max: add(range.max, scale(body.max, count)),
        };
      } else {
        const expected = step.expectedItems === undefined ? undefined : this.evaluate(step.expectedItems);
        const sized = typeof expected === 'number' && Number.isInteger(expected) && expected >= 0;
        const count = sized ? Math.min(expected, step.maxItems) : 1;
        range = {
          min: range.min,
          exp: add(range.exp, scale(body.exp, count)),
          max: add(range.max, scale(body.max, step.maxItems)),
        };
        this.note(
          step.id,
          sized
            ? `forEach '${step.id}' is expected to run its body ${count} time(s) (${step.expectedItems} for these inputs); the range is 0 to ${step.maxItems} items`
            : `forEach '${step.id}': the number of items is known only at run time; the expected figure counts its body once, the range 0 to ${step.maxItems} items`,
        );
      }
    } else if (step.kind === 'subprocess') {
      this.note(step.id, `subprocess '${step.id}' runs '${step.definition}', whose norm-hours are not included`);
    }
    this.own.set(step.id, range);
    return range;
  }

  /** Forward continuations of a step; loops back are handled by `loops`. */
  private options(step: Step, index: number, position: ReadonlyMap<string, number>): Options {
    const at = (id: string | null): Target | undefined => {
      if (id === null) return 'end';
      const p = position.get(id);
      return p !== undefined && p > index ? p : undefined;
    };
    const next = at(step.next) ?? 'end';
    switch (step.kind) {
      case 'end':
      case 'fail':
        return { targets: [], expected: 'end' };
      case 'approval': {
        const rejected = step.onReject === null || step.maxRejections < 1 ? undefined : at(step.onReject);
        return { targets: rejected === undefined ? [next] : [next, rejected], expected: next };
      }
      case 'activity': {
        const failed = step.onError ? at(step.onError.goto) : undefined;
        return { targets: failed === undefined ? [next] : [next, failed], expected: next };
      }
      case 'switch':
        return this.switchOptions(step, at);
      default:
        return { targets: [next], expected: next };
    }
  }

  private switchOptions(
    step: Extract<Step, { kind: 'switch' }>,
    at: (id: string | null) => Target | undefined,
  ): Options {
    const targets: Target[] = [];
    let unresolved = false;
    for (const option of step.cases) {
      const target = at(option.goto);
      if (target === undefined) continue; // a loop back: once exhausted, the switch reads on
      const holds = this.resolve(option.when);
      if (holds === false) continue;
      targets.push(target);
      if (holds === true) return { targets, expected: target };
      unresolved = true;
    }
    const fallthrough = step.default === null ? (at(step.next) ?? 'end') : (at(step.default) ?? 'end');
    targets.push(fallthrough);
    if (unresolved) {
      const where = fallthrough === 'end' ? 'the end' : `'${step.default ?? step.next}'`;
      this.note(
        step.id,
        `switch '${step.id}' depends on results of earlier steps: the expected figure follows ${where}, the range covers every branch`,
      );
    }
    return { targets, expected: fallthrough };
  }

  /** Extra turns of the loops that jump back from this step. */
  private loops(step: Step, index: number, position: ReadonlyMap<string, number>, ids: string[]): Range {
    const extra: Range = { min: zero(), exp: zero(), max: zero() };
    const back = (id: string | null): number | undefined => {
      const p = id === null ? undefined : position.get(id);
      return p !== undefined && p <= index ? p : undefined;
    };
    if (step.kind === 'switch') {
      for (const option of step.cases) {
        const target = back(option.goto);
        const holds = this.resolve(option.when);
        if (target === undefined) {
          if (holds === true) break; // a forward case that always holds: later cases never run
          continue;
        }
        const bound = option.maxIterations ?? 1;
        if (holds === false) continue;
        const segment = this.segment(target, index, position, ids);
        if (holds === true) {
          extra.min = addMin(extra.min, segment.min ? scale(segment.min, bound) : null);
          extra.exp = add(extra.exp, scale(segment.exp, bound));
          this.note(
            step.id,
            `switch '${step.id}' always loops back to '${option.goto}' (${bound} times) for these inputs`,
          );
        } else {
          this.note(
            step.id,
            `the loop from '${step.id}' back to '${option.goto}' is counted once; the maximum adds ${bound} more turns`,
          );
        }
        extra.max = add(extra.max, scale(segment.max, bound));
      }
    } else if (step.kind === 'approval') {
      const target = back(step.onReject);
      if (target !== undefined && step.maxRejections > 0) {
        const segment = this.segment(target, index, position, ids);
        extra.max = add(extra.max, scale(segment.max, step.maxRejections));
        this.note(
          step.id,
          `approval '${step.id}' is expected to pass; the maximum adds ${step.maxRejections} rejections back to '${step.onReject}'`,
        );
      }
    }
    return extra;
  }

  /** One pass from `from` to `to` (inclusive) along forward moves: cheapest, expected and dearest. */
  private segment(from: number, to: number, position: ReadonlyMap<string, number>, ids: string[]): Range {
    const min: (Hours | null)[] = [];
    const max: (Hours | null)[] = [];
    const nextOf: Target[] = [];
    for (let index = to; index >= from; index -= 1) {
      const step = this.step(ids[index] as string);
      const own = this.ownRange(step);
      if (index === to) {
        min[index] = own.min;
        max[index] = own.max;
        continue;
      }
      const options = this.options(step, index, position);
      const inside = options.targets.filter((t): t is number => t !== 'end' && t <= to);
      nextOf[index] = options.expected;
      let lo: Hours | null = null;
      let hi: Hours | null = null;
      for (const target of inside) {
        const tLo = min[target];
        const tHi = max[target];
        if (tLo) lo = lo ? combine(lo, tLo, Math.min) : tLo;
        if (tHi) hi = hi ? combine(hi, tHi, Math.max) : tHi;
      }
      min[index] = addMin(own.min, lo);
      max[index] = hi ? add(own.max, hi) : null;
    }
    let exp: Hours | null = zero();
    let index = from;
    for (;;) {
      exp = add(exp, this.ownRange(this.step(ids[index] as string)).exp);
      if (index === to) break;
      const next = nextOf[index];
      if (next === undefined || next === 'end' || next > to) {
        exp = null; // the main path leaves the loop before it turns: price one turn at its cheapest
        break;
      }
      index = next;
    }
    const cheapest = min[from] ?? null;
    return { min: cheapest, exp: exp ?? cheapest ?? zero(), max: max[from] ?? zero() };
  }
}
