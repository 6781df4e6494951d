import { describe, expect, it } from 'vitest';
import type { NodeRow, SectionRow } from '../../db/project-schema.ts';
import { buildHydraulicNetwork, heatLoadToFlowM3h, ModelInputError } from './network-model.ts';
import { HydraulicModel } from './solver.ts';

/**
 * Darcy–Weisbach by hand: h = f · L/D · v²/2g with the Swamee–Jain friction factor
 * f = 0.25 / log10(ε/3.7D + 5.74/Re^0.9) — the explicit form EPANET documents for turbulent flow —
 * water at 20 °C (ν = 1.0·10⁻⁶ m²/s) and standard gravity.
 */
function handHeadLossM(lengthM: number, diameterMm: number, roughnessMm: number, flowM3h: number): number {
  const d = diameterMm / 1000;
  const v = flowM3h / 3600 / ((Math.PI * d * d) / 4);
  const reynolds = (v * d) / 1.0e-6;
  const f = 0.25 / Math.log10(roughnessMm / 1000 / (3.7 * d) + 5.74 / reynolds ** 0.9) ** 2;
  return (((f * lengthM) / d) * (v * v)) / (2 * 9.80665);
}

const node = (id: string, kind: string, load: number | null, elevationM: number | null): NodeRow => ({
  id,
  kind,
  load,
  elevationM,
});
const pipe = (
  id: string,
  from: string,
  to: string,
  lengthM: number,
  diameterMm: number,
  roughnessMm: number,
  network: SectionRow['network'] = 'water',
): SectionRow => ({
  id,
  network,
  fromNode: from,
  toNode: to,
  lengthM,
  diameterMm,
  roughnessMm,
  material: 'ST',
  installYear: 1980,
});

/** A source R at 60 m feeding junction A, which feeds B and C: flows follow from continuity alone. */
const threePipes = {
  nodes: [
    node('R', 'source', null, 20),
    node('A', 'junction', 36, 12),
    node('B', 'consumer', 18, 15),
    node('C', 'consumer', 30, 9),
  ],
  sections: [
    pipe('P1', 'R', 'A', 1200, 200, 1, 'water'),
    pipe('P2', 'A', 'B', 600, 100, 0.5),
    pipe('P3', 'A', 'C', 800, 150, 0.1),
  ],
};

describe('the hydraulic model', () => {
  it('when a three-pipe network is solved, then its heads agree with a hand calculation to 1 cm', async () => {
    const network = buildHydraulicNetwork(threePipes, { network: 'water', sourceHeads: new Map([['R', 60]]) });
    const model = await HydraulicModel.open(network);
    const solution = model.solve();
    model.close();
    const hA = 60 - handHeadLossM(1200, 200, 1, 36 + 18 + 30);
    const hB = hA - handHeadLossM(600, 100, 0.5, 18);
    const hC = hA - handHeadLossM(800, 150, 0.1, 30);
    expect(60 - hA).toBeGreaterThan(4); // losses large enough for 1 cm to mean something
    expect(Math.abs(solution.heads.get('A')! - hA)).toBeLessThan(0.01);
    expect(Math.abs(solution.heads.get('B')! - hB)).toBeLessThan(0.01);
    expect(Math.abs(solution.heads.get('C')! - hC)).toBeLessThan(0.01);
    expect(solution.flows.get('P1')).toBeCloseTo(84, 6);
    expect(solution.warnings).toEqual([]);
  });

  it('when the model is written as an EPANET input file, then it carries every pipe with its roughness', async () => {
    const network = buildHydraulicNetwork(threePipes, { network: 'water', sourceHeads: new Map([['R', 60]]) });
    const model = await HydraulicModel.open(network);
    model.setRoughness([2, 0.5, 0.1]);
    const inp = model.toInp('three pipes');
    model.close();
    expect(inp).toContain('[RESERVOIRS]');
    expect(inp).toMatch(/P1\s+R\s+A\s+1200\.0+\s+200\.0+\s+2\.0+/);
    expect(inp).toMatch(/HEADLOSS\s+D-W/);
    expect(inp).toMatch(/UNITS\s+CMH/);
  });

  it('when a heat network is modelled, then loads in Gcal/h become flows by the temperature difference', () => {
    expect(heatLoadToFlowM3h(0.5, 25)).toBe(20);
    const heat = {
      nodes: [node('R', 'source', null, 0), node('A', 'consumer', 0.5, 10)],
      sections: [pipe('H1', 'R', 'A', 100, 100, 0.5, 'heat')],
    };
    const network = buildHydraulicNetwork(heat, {
      network: 'heat',
      sourceHeads: new Map([['R', 80]]),
      heatDeltaTK: 25,
    });
    expect(network.junctions).toEqual([{ id: 'A', elevationM: 10, demandM3h: 20 }]);
  });

  it('when the network cannot be modelled, then the error names the network, the ids and what to do', () => {
    const build =
      (rows: typeof threePipes, heads: [string, number][], network: 'water' | 'sewer' = 'water') =>
      () =>
        buildHydraulicNetwork(rows, { network: network as 'water', sourceHeads: new Map(heads) });
    expect(build(threePipes, [['R', 60]], 'sewer')).toThrow(/sewers flow by gravity/);
    expect(build(threePipes, [])).toThrow(/sources without a fixed head: R \(add a "head" reading/);
    const cut = {
      ...threePipes,
      sections: [...threePipes.sections, pipe('P4', 'X1', 'X2', 10, 100, 1)],
      nodes: [...threePipes.nodes, node('X1', 'junction', 1, 0), node('X2', 'junction', 1, 0)],
    };
    expect(build(cut, [['R', 60]])).toThrow(/nodes with no path to a source: X1, X2/);
    const incomplete = {
      ...threePipes,
      sections: threePipes.sections.map((s) => (s.id === 'P2' ? { ...s, roughnessMm: null } : s)),
    };
    expect(build(incomplete, [['R', 60]])).toThrow(ModelInputError);
    expect(build(incomplete, [['R', 60]])).toThrow(/positive length, diameter and roughness.*: P2/);
  });
});
