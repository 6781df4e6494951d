/**
 * A definition as a picture: the snapshot's flat step map turned into a flow graph (nodes, clusters
 * for parallel branches and forEach bodies, labelled edges), and that graph as Mermaid flowchart text.
 * The SVG renderer (graph-svg.ts) lays out the same graph. Output is a pure function of the snapshot,
 * so the same definition always draws the same way.
 */
import type { Assignee, ApprovalStep, Norm, ProcessSnapshot, Step, StepKind } from './model.ts';
import { orderSequence, readingOrder } from './sequence-order.ts';

/** `start`/`done` mark where the main sequence begins and completes. */
export type GraphNodeKind = StepKind | 'start' | 'done';

export interface GraphNode {
  key: string;
  kind: GraphNodeKind;
  /** The step id; absent for start/done. */
  stepId?: string;
  title: string;
  /** Who does the step: the assignee's category, group, role or user; `automated` for activities. */
  performer?: string;
  /** The cluster that holds the node, or null at top level. */
  cluster: string | null;
}

/** A parallel branch, a forEach body or the compensation sequence. */
export interface GraphCluster {
  key: string;
  label: string;
  cluster: string | null;
}

/** `loop` jumps back; `exception` is an error or rejection path; `branch` a conditional jump forward. */
export type GraphEdgeStyle = 'flow' | 'branch' | 'loop' | 'exception';

export interface GraphEdge {
  from: string;
  to: string;
  label?: string;
  style: GraphEdgeStyle;
}

export interface FlowGraph {
  nodes: GraphNode[];
  clusters: GraphCluster[];
  edges: GraphEdge[];
  /** Nodes and clusters in the order they were met, for deterministic output. */
  order: { type: 'node' | 'cluster'; key: string }[];
}

/** Where a sequence goes when its last step is done. */
interface Exit {
  to: string;
  label?: string;
  style: GraphEdgeStyle;
}

const OPERATORS: [RegExp, string][] = [
  [/!has\(([^()]+)\)/g, 'no $1'],
  [/\bsize\(([^()]+)\)/g, 'number of $1'],
  [/\bhas\(([^()]+)\)/g, '$1 given'],
  [/\s*&&\s*/g, ' and '],
  [/\s*\|\|\s*/g, ' or '],
  [/\s*==\s*/g, ' = '],
  [/\s*!=\s*/g, ' ≠ '],
  [/\s*>=\s*/g, ' ≥ '],
  [/\s*<=\s*/g, ' ≤ '],
  [/!\s*/g, 'not '],
];

/**
 * A switch condition as a reader says it: step results by step id (`review.ok` for
 * `steps.review.result.ok`), inputs by name, `and`/`or`/`not`/`≠` for CEL's operators; string
 * literals are left as written. Never cut: the drawing wraps it.
 */
export function readableCondition(cel: string): string {
  return cel
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/\bsteps\[\s*['"]([^'"]+)['"]\s*\]/g, 'steps.$1')
    .split(/("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')/)
    .map((part, i) => {
      if (i % 2 === 1) return part;
      let text = part.replace(/\bsteps\.([A-Za-z0-9_-]+)\.(?:result|output)\b/g, '$1').replace(/\binputs\./g, '');
      for (const [pattern, words] of OPERATORS) text = text.replace(pattern, words);
      return text;
    })
    .join('');
}

function describeAssignee(a: Assignee): string {
  const parts: string[] = [];
  if (a.category) parts.push(a.category);
  if (a.group) parts.push(`group ${a.group}`);
  if (a.role) parts.push(a.role === 'customer' ? 'customer (recorded by a PM)' : a.role === 'pm' ? 'PM' : a.role);
  if (a.user) parts.push(a.user);
  return parts.join(' · ');
}

function describeApprovers(step: ApprovalStep): string {
  const who = step.approvers.map(describeAssignee).join('; ');
  const rule =
    step.rule.kind === 'nOf' ? `${step.rule.n} of: ` : step.approvers.length > 1 ? `${step.rule.kind} of: ` : '';
  return `${rule}${who}${step.fourEyes.length > 0 ? ' (four-eyes)' : ''}`;
}

function describeNorm(norm: Norm | undefined): string {
  const entries = Object.entries(norm ?? {}).filter(([, hours]) => (hours ?? 0) > 0);
  return entries.map(([category, hours]) => `${category} ${hours} h`).join(', ');
}

/** Who does a step, as the graph shows it under the title; undefined for steps no one performs. */
export function performerOf(step: Step): string | undefined {
  switch (step.kind) {
    case 'task':
      return describeAssignee(step.assignee);
    case 'approval':
      return describeApprovers(step);
    case 'activity': {
      const billed = describeNorm(step.norm);
      return billed ? `automated · bills ${billed}` : 'automated';
    }
    default:
      return undefined;
  }
}

const times = (bound: number): string => `≤${bound}×`;

class GraphBuilder {
  readonly graph: FlowGraph = { nodes: [], clusters: [], edges: [], order: [] };
  private readonly keys = new Map<string, string>();
  private readonly used = new Set<string>(['start', 'done']);

  private readonly documentIndex: Map<string, number>;

  constructor(private readonly snapshot: ProcessSnapshot) {
    this.documentIndex = new Map(readingOrder(snapshot).map((id, index) => [id, index]));
  }

  /** A node key safe for Mermaid (no `-`, never a keyword such as `end`), unique per step id. */
  key(stepId: string): string {
    const known = this.keys.get(stepId);
    if (known) return known;
    const base = `s_${stepId.replace(/[^A-Za-z0-9_]/g, '_')}`;
    let key = base;
    for (let n = 2; this.used.has(key); n += 1) key = `${base}_${n}`;
    this.used.add(key);
    this.keys.set(stepId, key);
    return key;
  }

  private step(id: string): Step {
    const step = this.snapshot.steps[id];
    if (!step) throw new Error(`the snapshot has no step '${id}'`);
    return step;
  }

  node(node: GraphNode): void {
    this.graph.nodes.push(node);
    this.graph.order.push({ type: 'node', key: node.key });
  }

  cluster(cluster: GraphCluster): void {
    this.graph.clusters.push(cluster);
    this.graph.order.push({ type: 'cluster', key: cluster.key });
  }

  edge(from: string, to: string, style: GraphEdgeStyle, label?: string): void {
    this.graph.edges.push(label === undefined ? { from, to, style } : { from, to, style, label });
  }

  /** Draws one sequence; `exit` is where its end leads (null: nowhere, as after compensation). */
  sequence(start: string, cluster: string | null, exit: Exit | null): void {
    const order = orderSequence(this.snapshot, start);
    // Nodes in reading order (main path, then side paths); the walk only tells which jumps loop.
    const ids = [...order.ids].sort((a, b) => (this.documentIndex.get(a) ?? 0) - (this.documentIndex.get(b) ?? 0));
    ids.forEach((id) => {
      const step = this.step(id);
      const from = this.key(id);
      const performer = performerOf(step);
      this.node({
        key: from,
        kind: step.kind,
        stepId: id,
        title: step.title,
        ...(performer ? { performer } : {}),
        cluster,
      });
      const after: Exit | null = step.next === null ? exit : { to: this.key(step.next), style: 'flow' };
      const jump = (target: string): { to: string; back: boolean } => ({
        to: this.key(target),
        back: order.isLoop(id, target),
      });
      const follow = (label?: string): void => {
        if (after) this.edge(from, after.to, after.style, label ?? after.label);
      };
      switch (step.kind) {
        case 'end':
        case 'fail':
          return;
        case 'activity':
          follow();
          if (step.onError) {
            const target = jump(step.onError.goto);
            this.edge(from, target.to, target.back ? 'loop' : 'exception', 'error');
          }
          return;
        case 'approval':
          follow(step.onReject === null ? undefined : 'approved');
          if (step.onReject !== null) {
            const target = jump(step.onReject);
            const label = target.back ? `rejected ${times(step.maxRejections)}` : 'rejected';
            this.edge(from, target.to, target.back ? 'loop' : 'exception', label);
          }
          return;
        case 'switch':
          for (const option of step.cases) {
            const target = jump(option.goto);
            const bound = option.maxIterations === undefined ? '' : ` ${times(option.maxIterations)}`;
            this.edge(from, target.to, target.back ? 'loop' : 'branch', `${readableCondition(option.when)}${bound}`);
          }
          if (step.default !== null) {
            const target = jump(step.default);
            this.edge(from, target.to, target.back ? 'loop' : 'branch', 'default');
          } else {
            follow('otherwise');
          }
          return;
        case 'parallel':
          for (const branch of step.branches) {
            const key = `${from}__${branch.name.replace(/[^A-Za-z0-9_]/g, '_')}`;
            this.cluster({ key, label: `${step.id}: ${branch.name}`, cluster });
            this.edge(from, this.key(branch.start), 'flow', branch.name);
            this.sequence(branch.start, key, after && { to: after.to, style: 'flow', label: `join ${step.join}` });
          }
          return;
        case 'forEach': {
          const key = `${from}__each`;
          this.cluster({ key, label: `${step.id}: each ${step.as}`, cluster });
          this.edge(from, this.key(step.start), 'flow', `each ${step.as}`);
          this.sequence(step.start, key, { to: from, style: 'loop', label: 'next item' });
          follow('all done');
          return;
        }
        default:
          follow();
      }
    });
  }
}

/** The flow graph of a snapshot: the main sequence from `start` to `done`, then compensation. */
export function flowGraph(snapshot: ProcessSnapshot): FlowGraph {
  const builder = new GraphBuilder(snapshot);
  builder.node({ key: 'start', kind: 'start', title: 'start', cluster: null });
  builder.edge('start', builder.key(snapshot.start), 'flow');
  builder.sequence(snapshot.start, null, { to: 'done', style: 'flow' });
  const graph = builder.graph;
  if (graph.edges.some((e) => e.to === 'done'))
    builder.node({ key: 'done', kind: 'done', title: 'done', cluster: null });
  if (snapshot.compensation !== null) {
    builder.cluster({ key: 'compensation', label: 'compensation (on cancel or failure)', cluster: null });
    builder.sequence(snapshot.compensation, 'compensation', null);
  }
  return graph;
}

/** Mermaid's entity codes keep quotes, brackets and `#` from ending a label early. */
function mermaidText(text: string): string {
  return text
    .replace(/#/g, '#35;')
    .replace(/"/g, '#quot;')
    .replace(/</g, '#lt;')
    .replace(/>/g, '#gt;')
    .replace(/\s+/g, ' ');
}

const SHAPES: Record<GraphNodeKind, [string, string]> = {
  start: ['((', '))'],
  done: ['((', '))'],
  activity: ['[', ']'],
  task: ['(', ')'],
  approval: ['{{', '}}'],
  switch: ['{', '}'],
  parallel: ['[/', '/]'],
  forEach: ['[/', '\\]'],
  wait: ['([', '])'],
  subprocess: ['[[', ']]'],
  end: ['(((', ')))'],
  fail: ['>', ']'],
};

function mermaidNode(node: GraphNode): string {
  const [open, close] = SHAPES[node.kind];
  const title =
    node.stepId === undefined || node.title === node.stepId
      ? mermaidText(node.title)
      : `${mermaidText(node.stepId)}<br/>${mermaidText(node.title)}`;
  const label = node.performer === undefined ? title : `${title}<br/><i>${mermaidText(node.performer)}</i>`;
  return `${node.key}${open}"${label}"${close}`;
}

function mermaidEdge(edge: GraphEdge): string {
  const arrow = edge.style === 'loop' || edge.style === 'exception' ? '-.->' : '-->';
  const label = edge.label === undefined ? '' : `|"${mermaidText(edge.label)}"|`;
  return `${edge.from} ${arrow}${label} ${edge.to}`;
}

/** Mermaid flowchart text of a snapshot: kind-specific shapes, labelled jumps, dotted loops and error paths. */
export function toMermaid(snapshot: ProcessSnapshot): string {
  const graph = flowGraph(snapshot);
  const nodes = new Map(graph.nodes.map((n) => [n.key, n]));
  const clusters = new Map(graph.clusters.map((c) => [c.key, c]));
  const lines = ['flowchart TD'];
  const members = (parent: string | null, indent: string): void => {
    for (const entry of graph.order) {
      if (entry.type === 'node') {
        const node = nodes.get(entry.key);
        if (node && node.cluster === parent) lines.push(`${indent}${mermaidNode(node)}`);
      } else {
        const cluster = clusters.get(entry.key);
        if (!cluster || cluster.cluster !== parent) continue;
        lines.push(`${indent}subgraph ${cluster.key}["${mermaidText(cluster.label)}"]`);
        members(cluster.key, `${indent}  `);
        lines.push(`${indent}end`);
      }
    }
  };
  members(null, '  ');
  for (const edge of graph.edges) lines.push(`  ${mermaidEdge(edge)}`);
  return `${lines.join('\n')}\n`;
}
