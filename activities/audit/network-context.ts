/**
 * What the rules share, computed once per run: lookups by id, node positions and section lines,
 * node degrees, connected components per network, and the two grid indexes (nodes, segments).
 */
import type { FeatureRow, LayerRow, NetworkKind, NodeRow, SectionRow } from '../../db/project-schema.ts';
import { GridIndex, boxAround, boxOf } from './grid-index.ts';
import type { Box } from './grid-index.ts';
import { distance, distanceToSegment, linePoints, midpoint, pointOf } from './geometry.ts';
import type { AuditNetwork, AuditOptions, Point } from './model.ts';

/** One straight piece of a section's line, as filed in the segment grid. */
export interface Segment {
  section: SectionRow;
  /** Position of the section in `sections`, to visit each pair of sections once. */
  order: number;
  a: Point;
  b: Point;
}

export interface Component {
  network: NetworkKind;
  /** Sorted section ids. */
  sections: string[];
  nodes: Set<string>;
}

/** A degree-1 node's nearest unconnected neighbour within tolerance. */
export interface GapTarget {
  kind: 'node' | 'section';
  id: string;
  distance: number;
}

/** Node kinds that may end a line: a dead end at any other kind is a dangle. */
export const TERMINAL_NODE_KINDS: ReadonlySet<string> = new Set(['source', 'consumer', 'hydrant', 'plug', 'outlet']);

/** The node kind that feeds a sub-network, per network. */
export const SOURCE_NODE_KIND: Readonly<Record<NetworkKind, string>> = {
  water: 'source',
  heat: 'source',
  sewer: 'outlet',
};

export class NetworkContext {
  readonly layers = new Map<string, LayerRow>();
  readonly features = new Map<string, FeatureRow>();
  readonly nodes = new Map<string, NodeRow>();
  readonly sections: readonly SectionRow[];
  /** Nodes whose feature is a valid point. */
  readonly nodePositions = new Map<string, Point>();
  /** Sections whose feature is a valid line. */
  readonly sectionLines = new Map<string, Point[]>();
  /** Section ends per node id (a section from a node to itself counts twice). */
  readonly degree = new Map<string, number>();
  /** Sections per node id. */
  readonly sectionsAt = new Map<string, string[]>();
  private componentsCache: Component[] | undefined;
  private nodeGridCache: GridIndex<string> | undefined;
  private segmentGridCache: GridIndex<Segment> | undefined;
  private gapCache: Map<string, GapTarget> | undefined;
  private extentCache: Box | undefined;

  constructor(
    readonly network: AuditNetwork,
    readonly options: AuditOptions,
  ) {
    for (const layer of network.layers) this.layers.set(layer.code, layer);
    for (const feature of network.features) this.features.set(feature.id, feature);
    for (const node of network.nodes) {
      this.nodes.set(node.id, node);
      const position = pointOf(this.features.get(node.id)?.geometry ?? null);
      if (position) this.nodePositions.set(node.id, position);
    }
    this.sections = network.sections;
    for (const section of network.sections) {
      const line = linePoints(this.features.get(section.id)?.geometry ?? null);
      if (line) this.sectionLines.set(section.id, line);
      for (const end of [section.fromNode, section.toNode]) {
        if (end === null) continue;
        this.degree.set(end, (this.degree.get(end) ?? 0) + 1);
        const at = this.sectionsAt.get(end);
        if (at) {
          if (!at.includes(section.id)) at.push(section.id);
        } else this.sectionsAt.set(end, [section.id]);
      }
    }
  }

  /** Where to point at a section: the middle of its line, else one of its nodes. */
  sectionLocation(section: SectionRow): Point | null {
    const line = this.sectionLines.get(section.id);
    if (line) return midpoint(line);
    return this.nodePositions.get(section.fromNode ?? '') ?? this.nodePositions.get(section.toNode ?? '') ?? null;
  }

  layerOf(id: string, fallback: string): string {
    return this.features.get(id)?.layer ?? fallback;
  }

  /** True when the section shares no node with any other section. */
  isIsolated(section: SectionRow): boolean {
    const ends = [section.fromNode, section.toNode].filter((end): end is string => end !== null);
    return ends.length > 0 && ends.every((end) => (this.sectionsAt.get(end) ?? []).length === 1);
  }

  get extent(): Box {
    this.extentCache ??= boxOf([...this.nodePositions.values(), ...[...this.sectionLines.values()].flat()]);
    return this.extentCache;
  }

  get nodeGrid(): GridIndex<string> {
    if (!this.nodeGridCache) {
      const grid = new GridIndex<string>(this.extent, Math.max(this.options.tolerance, 1));
      for (const [id, [x, y]] of this.nodePositions) grid.insert(boxAround(x, y, 0), id);
      this.nodeGridCache = grid;
    }
    return this.nodeGridCache;
  }

  /** Segments of all valid section lines; cells about the median segment length. */
  get segmentGrid(): GridIndex<Segment> {
    if (!this.segmentGridCache) {
      const segments: Segment[] = [];
      this.sections.forEach((section, order) => {
        const line = this.sectionLines.get(section.id);
        if (!line) return;
        for (let i = 1; i < line.length; i++) segments.push({ section, order, a: line[i - 1]!, b: line[i]! });
      });
      const lengths = segments.map((s) => distance(s.a, s.b)).sort((x, y) => x - y);
      const median = lengths[Math.floor(lengths.length / 2)] ?? 1;
      const grid = new GridIndex<Segment>(this.extent, Math.max(median, this.options.tolerance * 2, 1));
      for (const segment of segments) grid.insert(boxOf([segment.a, segment.b]), segment);
      this.segmentGridCache = grid;
    }
    return this.segmentGridCache;
  }

  /** Connected components of the sections, per network, joined at shared node ids. */
  get components(): Component[] {
    if (!this.componentsCache) {
      const parent = new Map<string, string>();
      const find = (x: string): string => {
        let root = x;
        while (parent.get(root) !== root) root = parent.get(root)!;
        let walk = x;
        while (walk !== root) {
          const next = parent.get(walk)!;
          parent.set(walk, root);
          walk = next;
        }
        return root;
      };
      const key = (network: string, node: string): string => `${network}\u0000${node}`;
      for (const section of this.sections) {
        const self = `s\u0000${section.id}`;
        if (!parent.has(self)) parent.set(self, self);
        for (const end of [section.fromNode, section.toNode]) {
          if (end === null) continue;
          const node = key(section.network, end);
          if (!parent.has(node)) parent.set(node, node);
          const a = find(self);
          const b = find(node);
          if (a !== b) parent.set(a, b);
        }
      }
      const byRoot = new Map<string, Component>();
      for (const section of this.sections) {
        const root = find(`s\u0000${section.id}`);
        let component = byRoot.get(root);
        if (!component) {
          component = { network: section.network, sections: [], nodes: new Set() };
          byRoot.set(root, component);
        }
        component.sections.push(section.id);
        for (const end of [section.fromNode, section.toNode]) if (end !== null) component.nodes.add(end);
      }
      this.componentsCache = [...byRoot.values()].map((c) => ({ ...c, sections: c.sections.sort() }));
    }
    return this.componentsCache;
  }

  /**
   * For each dead-end node (one section end), the nearest node or other section within tolerance
   * that it is not connected to: the gap it should probably close.
   */
  get gaps(): Map<string, GapTarget> {
    if (!this.gapCache) {
      const gaps = new Map<string, GapTarget>();
      const tolerance = this.options.tolerance;
      for (const [id, position] of this.nodePositions) {
        if (this.degree.get(id) !== 1) continue;
        const own = this.sectionsAt.get(id) ?? [];
        const ownNodes = new Set(own.flatMap((sid) => this.sectionEnds(sid)));
        let best: GapTarget | undefined;
        const box = boxAround(position[0], position[1], tolerance);
        for (const other of this.nodeGrid.query(box)) {
          if (ownNodes.has(other)) continue;
          const d = distance(position, this.nodePositions.get(other)!);
          if (d <= tolerance && (!best || d < best.distance)) best = { kind: 'node', id: other, distance: d };
        }
        if (!best) {
          for (const segment of this.segmentGrid.query(box)) {
            if (own.includes(segment.section.id)) continue;
            const d = distanceToSegment(position, segment.a, segment.b);
            if (d <= tolerance && (!best || d < best.distance))
              best = { kind: 'section', id: segment.section.id, distance: d };
          }
        }
        if (best) gaps.set(id, best);
      }
      this.gapCache = gaps;
    }
    return this.gapCache;
  }

  private sectionEnds(sectionId: string): string[] {
    const section = this.sectionById(sectionId);
    return section ? [section.fromNode, section.toNode].filter((end): end is string => end !== null) : [];
  }

  private sectionIndex: Map<string, SectionRow> | undefined;

  sectionById(id: string): SectionRow | undefined {
    this.sectionIndex ??= new Map(this.sections.map((s) => [s.id, s]));
    return this.sectionIndex.get(id);
  }
}
