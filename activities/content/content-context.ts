/**
 * What the content checks share during one run: the network's lookups (the audit's NetworkContext),
 * the thresholds, the values an earlier check already corrected (a diameter read in metres, a load
 * slipped by ×24) so later checks reason with the corrected value, and which object attributes
 * already have a finding — each doubtful value is reported once, by the most specific check.
 */
import type { NetworkKind, NodeRow, SectionRow } from '../../db/project-schema.ts';
import type { AuditNetwork, Point } from '../audit/model.ts';
import { NetworkContext } from '../audit/network-context.ts';
import { anchorOf } from '../audit/geometry.ts';
import { buildFlowTree, type FlowTree } from './flow-tree.ts';
import type { ContentAttribute, ContentFinding } from './model.ts';
import type { ContentThresholds } from './thresholds.ts';
import type { ContentCheck } from './checks/check.ts';

/** What a check says of one finding; the context adds the rule, the severity and (unless given) the layer. */
export type FindingFields = Omit<ContentFinding, 'rule' | 'severity' | 'object'> & {
  id: string | null;
  layer?: string;
};

/** A figure for evidence: finite numbers rounded to 4 significant digits, others as text. */
export function figure(x: number): number | string {
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '-∞';
  return Number(x.toPrecision(4));
}

/** The unit of a node's load in its network. */
export function loadUnit(network: NetworkKind): string {
  return network === 'heat' ? 'Gcal/h' : 'm³/h';
}

export class ContentContext {
  readonly net: NetworkContext;
  /** Corrected diameters, mm, by section id. */
  readonly diameters = new Map<string, number>();
  /** Corrected loads by node id. */
  readonly loads = new Map<string, number>();
  private readonly reported = new Set<string>();
  private readonly locations = new Map<string, Point | null>();
  private readonly memos = new Map<string, unknown>();
  private flowTreeCache: FlowTree | undefined;
  private nodeNetworkCache: Map<string, NetworkKind> | undefined;

  constructor(
    network: AuditNetwork,
    readonly thresholds: ContentThresholds,
  ) {
    this.net = new NetworkContext(network, { tolerance: 0.5, currentYear: 0 });
  }

  /** What `build` returns, built once per run under `key`: for what several checks derive from the rows. */
  shared<T>(key: string, build: () => T): T {
    if (!this.memos.has(key)) this.memos.set(key, build());
    return this.memos.get(key) as T;
  }

  /** True when an earlier check reported (or explained) this attribute of this object. */
  explained(id: string, attribute: ContentAttribute): boolean {
    return this.reported.has(`${id}\u0000${attribute}`);
  }

  explain(id: string, attribute: ContentAttribute): void {
    this.reported.add(`${id}\u0000${attribute}`);
  }

  /** A finding of `check`; the object's attribute counts as explained from now on. */
  finding(check: ContentCheck, fields: FindingFields): ContentFinding {
    const { id, layer, ...rest } = fields;
    if (id !== null) this.explain(id, fields.attribute);
    return {
      rule: check.id,
      severity: check.severity,
      object: { layer: layer ?? (id === null ? '' : this.net.layerOf(id, 'features')), id },
      ...rest,
    };
  }

  /** The diameter, mm, as corrected by an earlier check; null when missing or not positive. */
  diameterOf(section: SectionRow): number | null {
    const d = this.diameters.get(section.id) ?? section.diameterMm;
    return d !== null && d > 0 ? d : null;
  }

  /** The load as corrected by an earlier check; null when missing or not positive. */
  loadOf(node: NodeRow): number | null {
    const load = this.loads.get(node.id) ?? node.load;
    return load !== null && load > 0 ? load : null;
  }

  /** The network of the sections at a node (water when it has none). */
  networkOf(nodeId: string): NetworkKind {
    if (!this.nodeNetworkCache) {
      const networks = new Map<string, NetworkKind>();
      for (const section of this.net.sections) {
        for (const end of [section.fromNode, section.toNode])
          if (end !== null && !networks.has(end)) networks.set(end, section.network);
      }
      this.nodeNetworkCache = networks;
    }
    return this.nodeNetworkCache.get(nodeId) ?? 'water';
  }

  /** A consumer's class: its layer, refined by its `category` attribute when it has one. */
  consumerClass(nodeId: string): string {
    const feature = this.net.features.get(nodeId);
    const category = feature?.attributes['category'];
    const layer = feature?.layer ?? 'nodes';
    return typeof category === 'string' && category.trim() !== '' ? `${layer}/${category.trim()}` : layer;
  }

  /** Consumers with a positive stored load, by class. */
  consumersByClass(): Map<string, NodeRow[]> {
    return this.shared('consumers-by-class', () => this.groupConsumers());
  }

  private groupConsumers(): Map<string, NodeRow[]> {
    const classes = new Map<string, NodeRow[]>();
    for (const node of this.net.nodes.values()) {
      if (node.kind !== 'consumer' || node.load === null || !(node.load > 0)) continue;
      const key = this.consumerClass(node.id);
      const list = classes.get(key);
      if (list) list.push(node);
      else classes.set(key, [node]);
    }
    return classes;
  }

  /** Where to point at an object: the middle of a section's line, a node's point, else its first position. */
  locationOf(id: string): Point | null {
    let location = this.locations.get(id);
    if (location === undefined) {
      const section = this.net.sectionById(id);
      location = (section && this.net.sectionLocation(section)) ?? this.nodeLocation(id);
      this.locations.set(id, location);
    }
    return location;
  }

  nodeLocation(id: string): Point | null {
    return this.net.nodePositions.get(id) ?? anchorOf(this.net.features.get(id)?.geometry ?? null);
  }

  /** A node's own flow, m³/h: its load, heat loads turned into water flow by the design ΔT. */
  flowOf(nodeId: string, network: NetworkKind): number {
    const node = this.net.nodes.get(nodeId);
    const load = node ? this.loadOf(node) : null;
    if (load === null) return 0;
    return network === 'heat' ? (load * 1000) / this.thresholds.heatDeltaTK : load;
  }

  /** Distances from the sources and flows beyond each section, with the corrected loads. */
  get flowTree(): FlowTree {
    this.flowTreeCache ??= buildFlowTree(this.net, (node, network) => this.flowOf(node, network));
    return this.flowTreeCache;
  }
}
