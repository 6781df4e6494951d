import { describe, expect, it } from 'vitest';
import type { FeatureRow, SectionRow } from '../../db/project-schema.ts';
import { planMerge, type MergeSources } from './merge-plan.ts';

const point = (id: string, x: number): FeatureRow => ({
  id,
  layer: 'water_junction',
  geometry: { type: 'Point', coordinates: [x, 0] },
  attributes: {},
  inventoryNumber: `INV-${id}`,
  passportRef: null,
});
const line = (id: string, from: string, to: string): [FeatureRow, SectionRow] => [
  {
    ...point(id, 0),
    layer: 'water_pipe',
    geometry: {
      type: 'LineString',
      coordinates: [
        [0, 0],
        [1, 0],
      ],
    },
  },
  {
    id,
    network: 'water',
    fromNode: from,
    toNode: to,
    diameterMm: 100,
    material: 'PE',
    lengthM: 1,
    roughnessMm: 0.01,
    installYear: 2000,
  },
];

function sources(): MergeSources {
  const [a, aRow] = line('S-1', 'N-1', 'N-9');
  const [b, bRow] = line('S-2', 'N-1', 'N-2');
  const n2 = point('N-2', 5);
  return {
    lost: {
      features: [a, b, n2],
      nodes: [{ id: 'N-2', kind: 'junction', load: null }],
      sections: [aRow, bRow],
      passports: [],
    },
    reused: [],
    snapshot: { nodes: [{ id: 'N-2', kind: 'junction', load: null }], sections: [aRow, bRow], features: [] },
    damaged: { features: [], nodes: [{ id: 'N-1', kind: 'junction', load: null }], sections: [] },
  };
}

describe('planMerge', () => {
  it('when a lost pipe ends at a node neither copy has, then it stays out naming the node', () => {
    const plan = planMerge(sources(), { restore: 'all' });
    expect(plan.decisions.map((d) => [d.id, d.reason])).toEqual([
      ['N-2', null],
      ['S-1', 'depends on node N-9 that is missing in both'],
      ['S-2', null],
    ]);
    expect(plan.rows.sections.map((s) => s.id)).toEqual(['S-2']);
    expect(plan.rows.nodes.map((n) => n.id)).toEqual(['N-2']);
  });

  it('when the node a pipe needs is left out, then the pipe stays out too and the merge writes nothing', () => {
    const plan = planMerge(sources(), { restore: 'all', leftOut: [{ layer: 'water_junction', reason: 'resurvey' }] });
    expect(plan.decisions.map((d) => [d.id, d.reason])).toEqual([
      ['N-2', 'not chosen: resurvey'],
      ['S-1', 'depends on node N-9 that is missing in both'],
      ['S-2', 'depends on node N-2, which is not restored'],
    ]);
    expect(Object.values(plan.rows).flat()).toEqual([]);
  });
});
