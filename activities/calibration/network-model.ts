/**
 * The hydraulic network of a project (docs/calibration.md): junctions with elevation and demand,
 * sources as fixed heads, pipes with length, diameter and absolute roughness — built from the
 * project schema's node and section rows and checked before any solver sees it.
 */
import type { NodeRow, SectionRow } from '../../db/project-schema.ts';

/** Networks a pressurised hydraulic model exists for; sewers flow by gravity and are refused. */
export const MODELLED_NETWORKS = ['water', 'heat'] as const;
export type ModelledNetwork = (typeof MODELLED_NETWORKS)[number];

export interface ModelJunction {
  id: string;
  /** m above sea level; null where unsurveyed (its heads are still computed, its pressure is not). */
  elevationM: number | null;
  /** m³/h drawn at the node. */
  demandM3h: number;
}

export interface ModelSource {
  id: string;
  /** Fixed head at the time of the readings, m. */
  headM: number;
}

export interface ModelPipe {
  id: string;
  from: string;
  to: string;
  lengthM: number;
  diameterMm: number;
  /** Absolute (equivalent) roughness for Darcy–Weisbach, mm. */
  roughnessMm: number;
  material: string | null;
  installYear: number | null;
}

export interface HydraulicNetwork {
  network: ModelledNetwork;
  junctions: ModelJunction[];
  sources: ModelSource[];
  pipes: ModelPipe[];
}

/** Input the customer or the engineer must correct; the activities turn it into a non-retryable failure. */
export class ModelInputError extends Error {
  constructor(
    message: string,
    readonly type: string,
  ) {
    super(message);
    this.name = 'ModelInputError';
  }
}

export interface BuildOptions {
  network: ModelledNetwork;
  /** Fixed head per source node id, m. */
  sourceHeads: ReadonlyMap<string, number>;
  /** Heat networks: supply − return temperature, K, to turn loads (Gcal/h) into flows (m³/h). */
  heatDeltaTK?: number;
}

/** At most ten ids, then how many more. */
export function listIds(ids: readonly string[]): string {
  return ids.length <= 10 ? ids.join(', ') : `${ids.slice(0, 10).join(', ')} and ${ids.length - 10} more`;
}

const positive = (value: number | null | undefined): value is number =>
  typeof value === 'number' && Number.isFinite(value) && value > 0;

/**
 * Heat load to water flow: Q [m³/h] = load [Gcal/h] · 10⁶ kcal / (ΔT [K] · 1 kcal/(kg·K)) / 1000 kg/m³.
 */
export function heatLoadToFlowM3h(loadGcalH: number, deltaTK: number): number {
  return (loadGcalH * 1000) / deltaTK;
}

/** Builds and checks the model of one network of the project; every defect is named with its ids. */
export function buildHydraulicNetwork(
  rows: { nodes: readonly NodeRow[]; sections: readonly SectionRow[] },
  options: BuildOptions,
): HydraulicNetwork {
  const { network } = options;
  if (!(MODELLED_NETWORKS as readonly string[]).includes(network)) {
    throw new ModelInputError(
      `network must be one of ${MODELLED_NETWORKS.join(', ')} (sewers flow by gravity and have no pressure model), got ${JSON.stringify(network)}`,
      'network-not-modelled',
    );
  }
  const deltaT = options.heatDeltaTK ?? 25;
  if (network === 'heat' && !positive(deltaT)) {
    throw new ModelInputError(`heatDeltaTK must be a positive number of kelvins, got ${deltaT}`, 'model-input-invalid');
  }
  const sections = rows.sections.filter((s) => s.network === network);
  if (sections.length === 0) throw new ModelInputError(`the project has no ${network} sections`, 'network-empty');
  const nodes = new Map(rows.nodes.map((n) => [n.id, n]));

  const unknownEnds = sections.filter(
    (s) => !s.fromNode || !s.toNode || !nodes.has(s.fromNode) || !nodes.has(s.toNode),
  );
  if (unknownEnds.length > 0) {
    throw new ModelInputError(
      `sections whose end nodes do not exist: ${listIds(unknownEnds.map((s) => s.id))} (run the audit first)`,
      'model-section-invalid',
    );
  }
  const incomplete = sections.filter(
    (s) => !positive(s.lengthM) || !positive(s.diameterMm) || !positive(s.roughnessMm) || s.fromNode === s.toNode,
  );
  if (incomplete.length > 0) {
    throw new ModelInputError(
      `sections without a positive length, diameter and roughness, or closed on one node: ${listIds(incomplete.map((s) => s.id))}`,
      'model-section-invalid',
    );
  }

  const used = new Set(sections.flatMap((s) => [s.fromNode!, s.toNode!]));
  const sourceIds = [...used].filter((id) => nodes.get(id)!.kind === 'source').sort();
  if (sourceIds.length === 0) {
    throw new ModelInputError(`the ${network} network has no source node (kind "source")`, 'model-source-missing');
  }
  const headless = sourceIds.filter((id) => !Number.isFinite(options.sourceHeads.get(id)));
  if (headless.length > 0) {
    throw new ModelInputError(
      `sources without a fixed head: ${listIds(headless)} (add a "head" reading at each source to the measurements)`,
      'model-source-head-missing',
    );
  }

  // Every node must reach a source, or the system of equations is singular.
  const adjacent = new Map<string, string[]>();
  for (const s of sections) {
    adjacent.set(s.fromNode!, [...(adjacent.get(s.fromNode!) ?? []), s.toNode!]);
    adjacent.set(s.toNode!, [...(adjacent.get(s.toNode!) ?? []), s.fromNode!]);
  }
  const reached = new Set(sourceIds);
  const queue = [...sourceIds];
  while (queue.length > 0) {
    for (const next of adjacent.get(queue.pop()!) ?? []) {
      if (!reached.has(next)) {
        reached.add(next);
        queue.push(next);
      }
    }
  }
  const cutOff = [...used].filter((id) => !reached.has(id)).sort();
  if (cutOff.length > 0) {
    throw new ModelInputError(`nodes with no path to a source: ${listIds(cutOff)}`, 'model-disconnected');
  }

  const junctions: ModelJunction[] = [...used]
    .filter((id) => nodes.get(id)!.kind !== 'source')
    .sort()
    .map((id) => {
      const node = nodes.get(id)!;
      const load = node.load ?? 0;
      const elevation = node.elevationM;
      return {
        id,
        elevationM: typeof elevation === 'number' && Number.isFinite(elevation) ? elevation : null,
        demandM3h: network === 'heat' ? heatLoadToFlowM3h(load, deltaT) : load,
      };
    });
  return {
    network,
    junctions,
    sources: sourceIds.map((id) => ({ id, headM: options.sourceHeads.get(id)! })),
    pipes: sections.map((s) => ({
      id: s.id,
      from: s.fromNode!,
      to: s.toNode!,
      lengthM: s.lengthM!,
      diameterMm: s.diameterMm!,
      roughnessMm: s.roughnessMm!,
      material: s.material,
      installYear: s.installYear,
    })),
  };
}
