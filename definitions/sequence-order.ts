/**
 * The steps of one sequence of a compiled snapshot, in flow order. A snapshot keeps only `next`
 * pointers and jumps, and a step may be reached by a jump alone (an `end` after a `fail`, a target
 * of `default`), so the sequence is found by walking every jump from its first step. A depth-first
 * walk marks the jumps that return to a step still being walked as loops; the rest is acyclic and
 * comes out in topological order, so "forward" means "later in `ids`".
 */
import type { ProcessSnapshot, Step } from './model.ts';

export interface SequenceOrder {
  /** Every step of the sequence, the first one first, each before the steps it leads to. */
  ids: string[];
  position: ReadonlyMap<string, number>;
  /** Whether the jump from → to closes a loop. */
  isLoop(from: string, to: string): boolean;
}

/** Where a step may go next within its sequence, the ordinary flow first. */
export function jumpsOf(step: Step): string[] {
  switch (step.kind) {
    case 'end':
    case 'fail':
      return [];
    case 'switch': {
      const rest = step.default ?? step.next;
      return [...(rest === null ? [] : [rest]), ...step.cases.map((c) => c.goto)];
    }
    case 'approval':
      return [...(step.next === null ? [] : [step.next]), ...(step.onReject === null ? [] : [step.onReject])];
    case 'activity':
      return [...(step.next === null ? [] : [step.next]), ...(step.onError ? [step.onError.goto] : [])];
    default:
      return step.next === null ? [] : [step.next];
  }
}

export function orderSequence(snapshot: ProcessSnapshot, start: string): SequenceOrder {
  const state = new Map<string, 'open' | 'done'>();
  const loops = new Set<string>();
  const finished: string[] = [];
  const visit = (id: string): void => {
    const step = snapshot.steps[id];
    if (!step) throw new Error(`the snapshot has no step '${id}'`);
    state.set(id, 'open');
    for (const to of jumpsOf(step)) {
      const seen = state.get(to);
      if (seen === 'open') loops.add(`${id}\u0000${to}`);
      else if (seen === undefined) visit(to);
    }
    state.set(id, 'done');
    finished.push(id);
  };
  visit(start);
  const ids = finished.reverse();
  return {
    ids,
    position: new Map(ids.map((id, index) => [id, index])),
    isLoop: (from, to) => loops.has(`${from}\u0000${to}`),
  };
}

/**
 * Every step of a snapshot in reading order: the main path first, each block right after the step
 * that owns it, side paths (jump targets) after the path they leave, compensation last. It depends on
 * the steps' pointers only, not on the key order of `steps`, which a JSONB round trip does not keep.
 */
export function readingOrder(snapshot: ProcessSnapshot): string[] {
  const order: string[] = [];
  const seen = new Set<string>();
  const pending = [snapshot.start, ...(snapshot.compensation === null ? [] : [snapshot.compensation])].reverse();
  while (pending.length > 0) {
    const id = pending.pop() as string;
    const step = snapshot.steps[id];
    if (seen.has(id) || !step) continue;
    seen.add(id);
    order.push(id);
    const blocks =
      step.kind === 'parallel' ? step.branches.map((b) => b.start) : step.kind === 'forEach' ? [step.start] : [];
    pending.push(...[...blocks, ...jumpsOf(step)].reverse());
  }
  return order;
}
