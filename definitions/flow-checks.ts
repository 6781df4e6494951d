/**
 * Checks on the shape of the flow: step ids are unique, every jump lands in its own sequence, every
 * step can run, and every loop has a bound.
 */
import type { CheckContext } from './check-context.ts';
import { edgesOf, type Edge, type Sequence } from './definition-walk.ts';
import { DEFINITION_LIMITS } from './schema.ts';
import { didYouMean } from './suggest.ts';

export const MAX_BLOCK_DEPTH = 4;

export function checkFlow(ctx: CheckContext): void {
  const { layout } = ctx;
  const firstSite = new Map<string, (typeof layout.sites)[number]>();
  for (const site of layout.sites) {
    const earlier = firstSite.get(site.step.id);
    if (earlier) {
      ctx.report(
        [...site.path, 'id'],
        `the step id '${site.step.id}' is used twice`,
        `ids must be unique in the whole definition; rename one of them (the other is ${earlier.sequence.name === site.sequence.name ? 'earlier in the same list' : `in ${earlier.sequence.name}`})`,
      );
    } else {
      firstSite.set(site.step.id, site);
    }
  }
  if (layout.sites.length > DEFINITION_LIMITS.maxSteps) {
    ctx.report(
      ['steps'],
      `the definition has ${layout.sites.length} steps; at most ${DEFINITION_LIMITS.maxSteps} are allowed`,
      'split it into subprocesses',
    );
  }
  for (const sequence of layout.sequences) {
    if (sequence.depth > MAX_BLOCK_DEPTH) {
      ctx.report(
        sequence.path,
        `steps are nested ${sequence.depth} blocks deep; at most ${MAX_BLOCK_DEPTH} are allowed`,
        'move the inner part into a subprocess',
      );
    }
    checkSequence(ctx, sequence, firstSite);
  }
  for (const site of layout.sites) {
    const step = site.step;
    if (step.kind === 'approval') {
      for (const [i, ref] of (step.fourEyes ?? []).entries()) {
        const target = firstSite.get(ref)?.step;
        if (!target) {
          ctx.report(
            [...site.path, 'fourEyes', i],
            `four-eyes names the step '${ref}', which does not exist`,
            didYouMean(ref, firstSite.keys()),
          );
        } else if (target.kind !== 'task' && target.kind !== 'approval') {
          ctx.report(
            [...site.path, 'fourEyes', i],
            `four-eyes names '${ref}', a ${target.kind} step; only people's work (task, approval) can be four-eyed`,
          );
        }
      }
    }
    if (step.kind === 'parallel') {
      const names = new Set<string>();
      step.branches.forEach((branch, b) => {
        if (names.has(branch.name))
          ctx.report(
            [...site.path, 'branches', b, 'name'],
            `two branches are named '${branch.name}'`,
            'give each branch its own name',
          );
        names.add(branch.name);
      });
    }
  }
}

function checkSequence(ctx: CheckContext, sequence: Sequence, everywhere: Map<string, { sequence: Sequence }>): void {
  const sites = new Map(sequence.steps.map((step, index) => [step.id, index]));
  // With a duplicated id the graph is ambiguous; the duplicate is the one problem worth reporting.
  if (sites.size !== sequence.steps.length) return;
  const edges = edgesOf(sequence);
  const valid: Edge[] = [];
  for (const edge of edges) {
    if (sites.has(edge.to)) {
      valid.push(edge);
      continue;
    }
    const index = sites.get(edge.from) ?? 0;
    const path = [...sequence.path, index, ...edge.field];
    const elsewhere = everywhere.get(edge.to);
    if (elsewhere) {
      ctx.report(
        path,
        `'${edge.to}' is in ${elsewhere.sequence.name}; a jump can only go to a step of its own list (${sequence.name})`,
        'move the step, or end this list and continue after the block',
      );
    } else {
      ctx.report(
        path,
        `there is no step '${edge.to}' to go to`,
        didYouMean(edge.to, sites.keys()) ?? `steps here: ${[...sites.keys()].join(', ')}`,
      );
    }
  }
  const first = sequence.steps[0];
  if (!first) return;
  const reached = new Set<string>([first.id]);
  const queue = [first.id];
  while (queue.length > 0) {
    const from = queue.shift() as string;
    for (const edge of valid) {
      if (edge.from === from && !reached.has(edge.to)) {
        reached.add(edge.to);
        queue.push(edge.to);
      }
    }
  }
  sequence.steps.forEach((step, index) => {
    if (!reached.has(step.id)) {
      ctx.report(
        [...sequence.path, index, 'id'],
        `the step '${step.id}' can never run: no step leads to it`,
        'remove it, or point a next or goto at it',
      );
    }
  });
  reportUnboundedCycles(
    ctx,
    sequence,
    valid.filter((e) => !e.bounded),
    sites,
  );
}

function reportUnboundedCycles(ctx: CheckContext, sequence: Sequence, edges: Edge[], index: Map<string, number>): void {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const reported = new Set<string>();
  const visit = (id: string): void => {
    state.set(id, 'open');
    stack.push(id);
    for (const edge of edges.filter((e) => e.from === id)) {
      const s = state.get(edge.to);
      if (s === 'open') {
        const loop = [...stack.slice(stack.indexOf(edge.to)), edge.to];
        const key = [...loop].sort().join(',');
        if (!reported.has(key)) {
          reported.add(key);
          const path = [...sequence.path, index.get(edge.from) ?? 0, ...edge.field];
          ctx.report(
            path,
            `the steps ${loop.join(' → ')} form a loop that nothing bounds`,
            'loop back through a switch case with maxIterations (or an approval onReject with maxRejections)',
          );
        }
      } else if (s === undefined) {
        visit(edge.to);
      }
    }
    stack.pop();
    state.set(id, 'done');
  };
  for (const step of sequence.steps) if (!state.has(step.id)) visit(step.id);
}
