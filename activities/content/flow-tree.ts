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

/** A binary min-heap of [priority, key]. */
class Heap {
  private readonly items: [number, string][] = [];
  get size(): number {
    return this.items.length;
  }
  push(priority: number, key: string): void {
    const items = this.items;
    items.push([priority, key]);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (items[parent]![0] <= items[i]![0]) break;
      [items[parent], items[i]] = [items[i]!, items[parent]!];
      i = parent;
    }
  }
  pop(): [number, string] {
    const items = this.items;
    const top = items[0]!;
    const last = items.pop()!;
    if (items.length > 0) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let smallest = i;
        if (l < items.length && items[l]![0] < items[smallest]![0]) smallest = l;
        if (r < items.length && items[r]![0] < items[smallest]![0]) smallest = r;
        if (smallest === i) break;
        [items[smallest], items[i]] = [items[i]!, items[smallest]!];
        i = smallest;
      }
    }
    return top;
  }
}

/** Builds the tree; `flowOf` gives a node's own flow, m³/h (0 for all but consumers). */
export function buildFlowTree(
  context: NetworkContext,
  flowOf: (node: string, network: NetworkKind) => number,
): FlowTree {
  const adjacency = new Map<string, { section: SectionRow; other: string; length: number }[]>();
  const link = (from: string, to: string, section: SectionRow, length: number): void => {
    const list = adjacency.get(from);
    if (list) list.push({ section, other: to, length });
    else adjacency.set(from, [{ section, other: to, length }]);
  };
  for (const section of context.sections) {
    if (section.fromNode === null || section.toNode === null || section.fromNode === section.toNode) continue;
    const line = context.sectionLines.get(section.id);
    const length = line ? polylineLength(line) : (section.lengthM ?? 1);
    const a = nodeKey(section.network, section.fromNode);
    const b = nodeKey(section.network, section.toNode);
    link(a, b, section, length);
    link(b, a, section, length);
  }

  const distance = new Map<string, number>();
  const parent = new Map<string, { section: SectionRow; from: string }>();
  const heap = new Heap();
  for (const key of adjacency.keys()) {
    const [network, node] = key.split('\u0000') as [NetworkKind, string];
    if (context.nodes.get(node)?.kind === SOURCE_NODE_KIND[network]) {
      distance.set(key, 0);
      heap.push(0, key);
    }
  }
  const settled = new Set<string>();
  const order: string[] = [];
  while (heap.size > 0) {
    const [d, key] = heap.pop();
    if (settled.has(key)) continue;
    settled.add(key);
    order.push(key);
    for (const { section, other, length } of adjacency.get(key) ?? []) {
      const next = d + length;
      if (next < (distance.get(other) ?? Number.POSITIVE_INFINITY)) {
        distance.set(other, next);
        parent.set(other, { section, from: key });
        heap.push(next, other);
      }
    }
  }

  const flow = new Map<string, number>();
  const consumers = new Map<string, number>();
  const flowBeyond = new Map<string, number>();
  const consumersBeyond = new Map<string, number>();
  for (let i = order.length - 1; i >= 0; i--) {
    const key = order[i]!;
    const [network, node] = key.split('\u0000') as [NetworkKind, string];
    const own = flowOf(node, network);
    const total = (flow.get(key) ?? 0) + own;
    const count = (consumers.get(key) ?? 0) + (context.nodes.get(node)?.kind === 'consumer' ? 1 : 0);
    const up = parent.get(key);
    if (!up) continue;
    flowBeyond.set(up.section.id, total);
    consumersBeyond.set(up.section.id, count);
    flow.set(up.from, (flow.get(up.from) ?? 0) + total);
    consumers.set(up.from, (consumers.get(up.from) ?? 0) + count);
  }
  return { distance, flowBeyond, consumersBeyond };
}
