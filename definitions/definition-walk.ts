/** The definition as sequences of steps, with where each step sits; shared by checks and compiler. */
import type { ProcessDefinition, StepDefinition } from './schema.ts';
import type { PathSegment } from './yaml-document.ts';

export interface Sequence {
  /** Human name for messages: `the main steps`, `branch 'x' of step 'y'`, … */
  name: string;
  steps: StepDefinition[];
  /** Path of the step list in the document. */
  path: PathSegment[];
  /** forEach item variables visible in this sequence, outermost first. */
  locals: string[];
  /** Blocks (parallel, forEach) this sequence is nested in. */
  depth: number;
}

export interface StepSite {
  step: StepDefinition;
  path: PathSegment[];
  sequence: Sequence;
  index: number;
}

export interface DefinitionLayout {
  sequences: Sequence[];
  sites: StepSite[];
  main: Sequence;
  compensation?: Sequence;
}

export function layoutOf(definition: ProcessDefinition): DefinitionLayout {
  const sequences: Sequence[] = [];
  const sites: StepSite[] = [];
  const visit = (sequence: Sequence): void => {
    sequences.push(sequence);
    sequence.steps.forEach((step, index) => {
      const path = [...sequence.path, index];
      sites.push({ step, path, sequence, index });
      if (step.kind === 'parallel') {
        step.branches.forEach((branch, b) =>
          visit({
            name: `branch '${branch.name}' of step '${step.id}'`,
            steps: branch.steps,
            path: [...path, 'branches', b, 'steps'],
            locals: sequence.locals,
            depth: sequence.depth + 1,
          }),
        );
      } else if (step.kind === 'forEach') {
        visit({
          name: `the body of step '${step.id}'`,
          steps: step.steps,
          path: [...path, 'steps'],
          locals: [...sequence.locals, step.as ?? 'item'],
          depth: sequence.depth + 1,
        });
      }
    });
  };
  const main: Sequence = { name: 'the main steps', steps: definition.steps, path: ['steps'], locals: [], depth: 0 };
  visit(main);
  let compensation: Sequence | undefined;
  if (definition.compensation) {
    compensation = {
      name: 'the compensation steps',
      steps: definition.compensation,
      path: ['compensation'],
      locals: [],
      depth: 0,
    };
    visit(compensation);
  }
  return { sequences, sites, main, ...(compensation ? { compensation } : {}) };
}

/** A jump from one step to another within a sequence. */
export interface Edge {
  from: string;
  to: string;
  /** Field that makes the jump, relative to the step: ['next'], ['cases', 0, 'goto'], … */
  field: PathSegment[];
  /** Loops through this edge are bounded (switch case with maxIterations, approval onReject). */
  bounded: boolean;
  /** Implicit: the following step in the list. */
  implicit: boolean;
}

function isTerminal(step: StepDefinition): boolean {
  return step.kind === 'fail' || step.kind === 'end';
}

/** Where control can go after each step of a sequence. */
export function edgesOf(sequence: Sequence): Edge[] {
  const edges: Edge[] = [];
  sequence.steps.forEach((step, index) => {
    const add = (to: string | undefined, field: PathSegment[], bounded = false, implicit = false): void => {
      if (to !== undefined) edges.push({ from: step.id, to, field, bounded, implicit });
    };
    if (isTerminal(step)) return;
    if ('next' in step && step.next !== undefined) add(step.next, ['next']);
    else if (!(step.kind === 'switch' && step.default !== undefined))
      add(sequence.steps[index + 1]?.id, ['id'], false, true);
    if (step.kind === 'switch') {
      step.cases.forEach((c, i) => add(c.goto, ['cases', i, 'goto'], c.maxIterations !== undefined));
      add(step.default, ['default']);
    }
    if (step.kind === 'activity') add(step.onError?.goto, ['onError', 'goto']);
    if (step.kind === 'approval') add(step.onReject?.goto, ['onReject', 'goto'], true);
  });
  return edges;
}

/** The step that follows in the list, or the explicit `next`; null ends the sequence. */
export function nextOf(sequence: Sequence, index: number): string | null {
  const step = sequence.steps[index];
  if (!step || isTerminal(step)) return null;
  if ('next' in step && step.next !== undefined) return step.next;
  return sequence.steps[index + 1]?.id ?? null;
}
