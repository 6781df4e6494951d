/**
 * Hydraulic plausibility from the network's shape. Loads are summed from the consumers back to the
 * sources along the shortest paths (flow-tree.ts); a pipe whose velocity 4Q/πD² at that flow
 * exceeds the network's limit is too small for what it feeds, or its diameter or a load beyond it
 * is wrong. A pipe wider than every pipe feeding it (by more than the growth factor) grows away from
 * the source, which networks are not built to do.
 */
import type { SectionRow } from '../../../db/project-schema.ts';
import { figure } from '../content-context.ts';
import { nodeKey } from '../flow-tree.ts';
import type { ContentFinding } from '../model.ts';
import { shown, type ContentCheck } from './check.ts';

/** Velocity, m/s, of `flowM3h` in a pipe of `diameterMm`. */
export function velocity(flowM3h: number, diameterMm: number): number {
  const d = diameterMm / 1000;
  return (4 * (flowM3h / 3600)) / (Math.PI * d * d);
}

export const velocityImplausible: ContentCheck = {
  id: 'velocity-implausible',
  severity: 'major',
  title: 'Implausible velocity at the loads beyond the pipe',
  action:
    'Check the diameter of these pipes and the loads of the consumers they feed; one of them is wrong, or the pipe is overloaded.',
  check(context) {
    const { maxVelocityMs } = context.thresholds;
    const { flowBeyond, consumersBeyond } = context.flowTree;
    const nominal = context.net.network.dictionaries
      .filter((d) => d.dictionary === 'diameter' && d.value !== null && d.value > 0)
      .map((d) => d.value!)
      .sort((a, b) => a - b);
    const findings: ContentFinding[] = [];
    for (const section of context.net.sections) {
      const flow = flowBeyond.get(section.id);
      const diameter = context.diameterOf(section);
      if (flow === undefined || !(flow > 0) || diameter === null || context.explained(section.id, 'diameter_mm'))
        continue;
      const v = velocity(flow, diameter);
      const limit = maxVelocityMs[section.network];
      if (!(v > limit)) continue;
      const needed = Math.sqrt((4 * (flow / 3600)) / (Math.PI * limit)) * 1000;
      const expected = nominal.find((n) => n >= needed) ?? Math.ceil(needed);
      findings.push(
        context.finding(this, {
          id: section.id,
          attribute: 'diameter_mm',
          value: section.diameterMm,
          expected,
          location: context.net.sectionLocation(section),
          message: `${shown(v)} m/s at ${shown(flow)} m³/h for ${consumersBeyond.get(section.id) ?? 0} consumer(s) beyond, in ${shown(diameter)} mm (limit ${limit} m/s)`,
          evidence: {
            flowM3h: figure(flow),
            velocityMs: figure(v),
            limitMs: limit,
            consumersBeyond: consumersBeyond.get(section.id) ?? 0,
          },
        }),
      );
    }
    return findings;
  },
};

export const diameterGrowsDownstream: ContentCheck = {
  id: 'diameter-grows-downstream',
  severity: 'minor',
  title: 'Diameter grows away from the source',
  action: 'Check the diameter of these pipes and of the pipe feeding them; one of the two was entered wrong.',
  check(context) {
    const { diameterGrowthFactor } = context.thresholds;
    const { distance } = context.flowTree;
    const findings: ContentFinding[] = [];
    for (const section of context.net.sections) {
      if (section.fromNode === null || section.toNode === null) continue;
      const diameter = context.diameterOf(section);
      if (diameter === null || context.explained(section.id, 'diameter_mm')) continue;
      const df = distance.get(nodeKey(section.network, section.fromNode));
      const dt = distance.get(nodeKey(section.network, section.toNode));
      if (df === undefined || dt === undefined || df === dt) continue;
      const upstream = df < dt ? section.fromNode : section.toNode;
      const upstreamDistance = Math.min(df, dt);
      let feeder: { section: SectionRow; diameter: number } | undefined;
      let feederDoubted = false;
      for (const id of context.net.sectionsAt.get(upstream) ?? []) {
        const other = context.net.sectionById(id);
        if (!other || other.id === section.id || other.network !== section.network) continue;
        const far = other.fromNode === upstream ? other.toNode : other.fromNode;
        const farDistance = far === null ? undefined : distance.get(nodeKey(other.network, far));
        if (farDistance === undefined || !(farDistance < upstreamDistance)) continue;
        const d = context.diameterOf(other);
        if (d === null) continue;
        if (context.explained(other.id, 'diameter_mm')) feederDoubted = true;
        if (!feeder || d > feeder.diameter) feeder = { section: other, diameter: d };
      }
      if (!feeder || feederDoubted || !(diameter > diameterGrowthFactor * feeder.diameter)) continue;
      findings.push(
        context.finding(this, {
          id: section.id,
          attribute: 'diameter_mm',
          value: section.diameterMm,
          expected: feeder.diameter,
          location: context.net.sectionLocation(section),
          message: `${shown(diameter)} mm fed at ${upstream} by at most ${shown(feeder.diameter)} mm (${feeder.section.id})`,
          evidence: {
            feederSection: feeder.section.id,
            feederDiameterMm: feeder.diameter,
            ratio: figure(diameter / feeder.diameter),
          },
        }),
      );
    }
    return findings;
  },
};
