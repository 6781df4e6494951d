/**
 * Readings against the model: which readings fix the heads of sources, which are compared, what the
 * model says at each compared point, and how far it is off.
 */
import type { NodeRow } from '../../db/project-schema.ts';
import { readingKey, type Reading } from './measurements.ts';
import { listIds, ModelInputError, type HydraulicNetwork } from './network-model.ts';
import type { Solution } from './solver.ts';
import type { Deviation } from './statistics.ts';

export interface Observation extends Reading {
  key: string;
  /** Ground elevation of a pressure point, m. */
  elevationM: number | null;
}

/**
 * Splits readings into the fixed heads of sources (a head, or a pressure plus the source's elevation)
 * and the rest; readings named in `exclude` (`kind:point`) are left out of the comparison.
 */
export function splitReadings(
  readings: readonly Reading[],
  nodes: ReadonlyMap<string, NodeRow>,
  exclude: readonly string[] = [],
): { sourceHeads: Map<string, number>; compared: Reading[]; excluded: Reading[] } {
  const known = new Set(readings.map(readingKey));
  const strays = exclude.filter((key) => !known.has(key));
  if (strays.length > 0) {
    throw new ModelInputError(
      `exclude names readings the measurements do not have: ${listIds(strays)} (write them as kind:point, e.g. pressure:J-7)`,
      'calibration-input-invalid',
    );
  }
  const sourceHeads = new Map<string, number>();
  const compared: Reading[] = [];
  const excluded: Reading[] = [];
  for (const reading of readings) {
    const node = nodes.get(reading.point);
    if (node?.kind === 'source' && reading.kind !== 'flow') {
      if (reading.kind === 'head') sourceHeads.set(reading.point, reading.value);
      else if (typeof node.elevationM === 'number') sourceHeads.set(reading.point, node.elevationM + reading.value);
      else {
        throw new ModelInputError(
          `${reading.at}: a pressure at source ${reading.point}, which has no elevation; give its head instead`,
          'measurements-invalid',
        );
      }
    } else if (exclude.includes(readingKey(reading))) excluded.push(reading);
    else compared.push(reading);
  }
  return { sourceHeads, compared, excluded };
}

/** Checks that every compared reading names a point of the model (and a pressure point its elevation). */
export function observationsOf(network: HydraulicNetwork, readings: readonly Reading[]): Observation[] {
  const junctions = new Map(network.junctions.map((j) => [j.id, j]));
  const pipes = new Set(network.pipes.map((p) => p.id));
  const unknown: string[] = [];
  const noElevation: string[] = [];
  const observations = readings.map((reading) => {
    const junction = junctions.get(reading.point);
    if (reading.kind === 'flow' ? !pipes.has(reading.point) : !junction)
      unknown.push(`${reading.at} ${readingKey(reading)}`);
    if (reading.kind === 'pressure' && junction && junction.elevationM === null) noElevation.push(reading.point);
    return { ...reading, key: readingKey(reading), elevationM: junction?.elevationM ?? null };
  });
  if (unknown.length > 0) {
    throw new ModelInputError(
      `readings at points the ${network.network} network does not have (pressure and head at a node, flow at a section): ${listIds(unknown)}`,
      'measurements-invalid',
    );
  }
  if (noElevation.length > 0) {
    throw new ModelInputError(
      `pressure readings at nodes without elevation: ${listIds(noElevation)} (add the elevation to the project, or give heads)`,
      'measurements-invalid',
    );
  }
  if (observations.length === 0)
    throw new ModelInputError('no readings left to compare with the model', 'measurements-invalid');
  return observations;
}

/** What the model says at an observation: head, pressure (head − elevation) or flow magnitude. */
export function predict(solution: Solution, observation: Observation): number {
  if (observation.kind === 'flow') return Math.abs(solution.flows.get(observation.point)!);
  const head = solution.heads.get(observation.point)!;
  return observation.kind === 'pressure' ? head - observation.elevationM! : head;
}

export function deviations(solution: Solution, observations: readonly Observation[]): Deviation[] {
  return observations.map((o) => ({
    key: o.key,
    kind: o.kind,
    measured: o.value,
    residual: predict(solution, o) - o.value,
  }));
}
