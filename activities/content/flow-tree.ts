/**
 * The network seen from its sources: each node's distance along the pipes from the nearest source
 * of its network (Dijkstra over section lengths), the section that reaches it on that shortest path,
 * and for each such section the flow of every consumer beyond it. In a looped network real flow
 * splits between paths; putting all of it on the shortest one is an upper estimate, which is what a
 * plausibility check of velocities wants. Sewer networks are walked from their outlets.
 */
import type { NetworkKind, SectionRow } from '../../db/project-schema.ts';
import { polylineLength } from '../audit/geometry.ts';
import { SOURCE_NODE_KIND, type NetworkContext } from '../audit/network-context.ts';

export interface FlowTree {
  /** Distance from the nearest source, m, by `nodeKey`; nodes no source reaches are absent. */
  distance: Map<string, number>;
  /** Section ids on some shortest path from a source, with the flow beyond them, m³/h. */
  flowBeyond: Map<string, number>;
  /** … and the number of consumers beyond them. */
  consumersBeyond: Map<string, number>;
}

export const nodeKey = (network: NetworkKind, node: string): string => `${network}\u0000${node}`;

/** A binary min-heap of node indices by distance, over plain arrays (no tuple per entry). */
class Heap {
  private readonly priorities: number[] = [];
  private readonly nodes: number[] = [];
  get size(): number {
    return this.nodes.length;
  }
  push(priority: number, node: number): void {
    const { priorities, nodes } = this;
    let i = nodes.length;
    priorities.push(priority);
    nodes.push(node);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (priorities[parent]! <= priority) break;
      priorities[i] = priorities[parent]!;
      nodes[i] = nodes[parent]!;
      i = parent;
    }
    priorities[i] = priority;
    nodes[i] = node;
  }
  /** Removes the nearest node; returns its index (its priority is `lastPriority`). */
  pop(): number {
    const { priorities, nodes } = this;
    const top = nodes[0]!;
    this.lastPriority = priorities[0]!;
    const priority = priorities.pop()!;
    const node = nodes.pop()!;
    const n = nodes.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const child = r < n && priorities[r]! < priorities[l]! ? r : l;
        if (priorities[child]! >= priority) break;
        priorities[i] = priorities[child]!;
        nodes[i] = nodes[child]!;
        i = child;
      }
      priorities[i] = priority;
      nodes[i] = node;
    }
    return top;
  }
  lastPriority = 0;
}

/** Builds the tree; `flowOf` gives a node's own flow, m³/h (0 for all but consumers). */
export function buildFlowTree(
  context: NetworkContext,
  flowOf: (node: string, network: NetworkKind) => number,
): FlowTree {
  // Nodes as indices, per network (a node id may appear in two networks' sections).
  const index = new Map<string, number>();
  const keys: string[] = [];
  const ids: string[] = [];
  const networks: NetworkKind[] = [];
  const indexOf = (network: NetworkKind, node: string): number => {
    const key = nodeKey(network, node);
    let i = index.get(key);
    if (i === undefined) {
      i = keys.length;
      index.set(key, i);
      keys.push(key);
      ids.push(node);
      networks.push(network);
    }
    return i;
  };
  const edges: { section: SectionRow; a: number; b: number; length: number }[] = [];
  for (const section of context.sections) {
    if (section.fromNode === null || section.toNode === null || section.fromNode === section.toNode) continue;
    const line = context.sectionLines.get(section.id);
    const length = line ? polylineLength(line) : (section.lengthM ?? 1);
    edges.push({
      section,
      a: indexOf(section.network, section.fromNode),
      b: indexOf(section.network, section.toNode),
      length,
    });
  }
  const adjacency: number[][] = keys.map(() => []);
  edges.forEach((edge, e) => {
    adjacency[edge.a]!.push(e);
    adjacency[edge.b]!.push(e);
  });

  const count = keys.length;
  const distances = new Float64Array(count).fill(Number.POSITIVE_INFINITY);
  const parentEdge = new Int32Array(count).fill(-1);
  const settled = new Uint8Array(count);
  const heap = new Heap();
  for (let i = 0; i < count; i++) {
    if (context.nodes.get(ids[i]!)?.kind === SOURCE_NODE_KIND[networks[i]!]) {
      distances[i] = 0;
      heap.push(0, i);
    }
  }
  const order: number[] = [];
  while (heap.size > 0) {
    const i = heap.pop();
    if (settled[i]) continue;
    settled[i] = 1;
    order.push(i);
    const d = heap.lastPriority;
    for (const e of adjacency[i]!) {
      const edge = edges[e]!;
      const other = edge.a === i ? edge.b : edge.a;
      const next = d + edge.length;
      if (next < distances[other]!) {
        distances[other] = next;
        parentEdge[other] = e;
        heap.push(next, other);
      }
    }
  }

  const flow = new Float64Array(count);
  const consumers = new Int32Array(count);
  const distance = new Map<string, number>();
  const flowBeyond = new Map<string, number>();
  const consumersBeyond = new Map<string, number>();
  for (let k = order.length - 1; k >= 0; k--) {
    const i = order[k]!;
    distance.set(keys[i]!, distances[i]!);
    const total = flow[i]! + flowOf(ids[i]!, networks[i]!);
    const beyond = consumers[i]! + (context.nodes.get(ids[i]!)?.kind === 'consumer' ? 1 : 0);
    const e = parentEdge[i]!;
    if (e < 0) continue;
    const edge = edges[e]!;
    const up = edge.a === i ? edge.b : edge.a;
    flowBeyond.set(edge.section.id, total);
    consumersBeyond.set(edge.section.id, beyond);
    flow[up] = flow[up]! + total;
    consumers[up] = consumers[up]! + beyond;
  }
  return { distance, flowBeyond, consumersBeyond };
}
