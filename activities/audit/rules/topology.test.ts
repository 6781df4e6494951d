import { describe, expect, it } from 'vitest';
import { findingsOf, objects, p, squareNetwork } from '../test-network.ts';
import { dangle } from './dangle.ts';
import { disconnectedComponent } from './disconnected-component.ts';
import { gap } from './gap.ts';
import { invalidGeometry } from './invalid-geometry.ts';
import { isolatedSection } from './isolated-section.ts';
import { nearCoincidentNodes } from './near-coincident-nodes.ts';
import { unnodedCrossing } from './unnoded-crossing.ts';
import { zeroLengthSection } from './zero-length-section.ts';

const feature = (b: ReturnType<typeof squareNetwork>, id: string) => b.data.features.find((f) => f.id === id)!;

describe('invalid-geometry', () => {
  it('when a pipe has no geometry, a one-position line or a point where a line belongs, then each is critical', () => {
    const b = squareNetwork();
    feature(b, 'S1').geometry = null;
    feature(b, 'S2').geometry = { type: 'LineString', coordinates: [[300_100, 5_540_000]] };
    feature(b, 'S3').geometry = { type: 'Point', coordinates: [300_100, 5_540_100] };
    feature(b, 'J1').geometry = { type: 'Point', coordinates: [] };
    const found = findingsOf(b, invalidGeometry);
    expect(objects(found).sort()).toEqual(
      ['water_pipe/S1', 'water_pipe/S2', 'water_pipe/S3', 'water_junction/J1']
        .map((o) => `invalid-geometry ${o}`)
        .sort(),
    );
    expect(found.every((f) => f.severity === 'critical')).toBe(true);
  });

  it('when a section has no feature at all, then it is reported under the sections table', () => {
    const b = squareNetwork();
    b.data.features = b.data.features.filter((f) => f.id !== 'S7');
    expect(objects(findingsOf(b, invalidGeometry))).toEqual(['invalid-geometry sections/S7']);
  });
});

describe('zero-length-section', () => {
  it('when a pipe starts and ends at the same point, then it is reported; a 1 m pipe is not', () => {
    const b = squareNetwork();
    b.node('J5', 'junction', p(0, 1));
    b.section('S9', 'J4', 'J1', { via: [] });
    feature(b, 'S9').geometry = { type: 'LineString', coordinates: [p(0, 0), p(0, 0)] };
    b.section('S10', 'J1', 'J5');
    expect(objects(findingsOf(b, zeroLengthSection))).toEqual(['zero-length-section water_pipe/S9']);
  });
});

describe('dangle', () => {
  it('when a branch ends at a junction, then the junction dangles; at a consumer or plug it does not', () => {
    const b = squareNetwork();
    b.node('J5', 'junction', p(50, -40));
    b.section('S9', 'J1', 'J5');
    b.node('PL', 'plug', p(150, 100));
    b.section('S10', 'J3', 'PL');
    expect(objects(findingsOf(b, dangle))).toEqual(['dangle water_junction/J5']);
  });

  it('when the end is within tolerance of something, then it is a gap, not a dangle', () => {
    const b = squareNetwork();
    b.node('J5', 'junction', p(50, 0.3));
    b.section('S9', 'J4', 'J5');
    expect(findingsOf(b, dangle)).toEqual([]);
  });
});

describe('isolated-section', () => {
  it('when a pipe shares no node with another, then it is isolated and its ends are not dangles', () => {
    const b = squareNetwork();
    b.node('A', 'junction', p(300, 300));
    b.node('B', 'junction', p(340, 300));
    b.section('S9', 'A', 'B');
    expect(objects(findingsOf(b, isolatedSection))).toEqual(['isolated-section water_pipe/S9']);
    expect(findingsOf(b, dangle)).toEqual([]);
  });
});

describe('gap', () => {
  it('when a dead end stops 0.3 m short of a junction, then it is a gap to that node', () => {
    const b = squareNetwork();
    b.node('J5', 'junction', p(100.3, 0));
    b.node('J6', 'junction', p(180, 0));
    b.section('S9', 'J6', 'J5');
    b.node('C2', 'consumer', p(180, -30));
    b.section('S10', 'J6', 'C2');
    b.node('C3', 'consumer', p(180, 30));
    b.section('S11', 'J6', 'C3');
    const found = findingsOf(b, gap);
    expect(objects(found)).toEqual(['gap water_junction/J5']);
    expect(found[0]!.message).toContain('0.30 m from node J2');
  });

  it('when a dead end stops next to a pipe, then it is a gap to that section; beyond tolerance it is not', () => {
    const b = squareNetwork();
    b.node('J5', 'junction', p(50, 99.6));
    b.section('S9', 'J1', 'J5');
    expect(findingsOf(b, gap)[0]!.message).toContain('section S3');
    const far = squareNetwork();
    far.node('J5', 'junction', p(50, 99));
    far.section('S9', 'J1', 'J5');
    expect(findingsOf(far, gap)).toEqual([]);
  });
});

describe('unnoded-crossing', () => {
  it('when two pipes cross without a node, then the pair is reported once, on the later id', () => {
    const b = squareNetwork();
    b.section('S9', 'J1', 'J3');
    b.section('S10', 'J2', 'J4');
    const found = findingsOf(b, unnodedCrossing);
    expect(objects(found)).toEqual(['unnoded-crossing water_pipe/S9']);
    expect(found[0]!.message).toContain('S10');
    expect(found[0]!.location).toEqual(p(50, 50));
  });

  it('when a heat pipe crosses a water pipe, or pipes meet at a node, then nothing is reported', () => {
    const b = squareNetwork();
    b.node('T1', 'source', p(50, -50), { network: 'heat' });
    b.node('T2', 'consumer', p(50, 150), { network: 'heat' });
    b.section('H9', 'T1', 'T2', { network: 'heat', material: 'PPU' });
    expect(findingsOf(b, unnodedCrossing)).toEqual([]);
  });
});

describe('disconnected-component', () => {
  it('when a part of the network is cut off without a source, then it is major; with its own source, info', () => {
    const b = squareNetwork();
    b.node('A', 'junction', p(500, 0));
    b.node('B', 'junction', p(600, 0));
    b.node('C', 'consumer', p(650, 0));
    b.section('X1', 'A', 'B');
    b.section('X2', 'B', 'C');
    const found = findingsOf(b, disconnectedComponent);
    expect(objects(found)).toEqual(['disconnected-component water_pipe/X1']);
    expect(found[0]!.severity).toBe('major');
    b.data.nodes.find((n) => n.id === 'A')!.kind = 'source';
    expect(findingsOf(b, disconnectedComponent)[0]!.severity).toBe('info');
  });

  it('when a separate network kind is connected in itself, then it is not a part of the water network', () => {
    const b = squareNetwork();
    b.node('T1', 'source', p(500, 0), { network: 'heat' });
    b.node('T2', 'junction', p(600, 0), { network: 'heat' });
    b.node('T3', 'consumer', p(650, 0), { network: 'heat' });
    b.section('H1', 'T1', 'T2', { network: 'heat', material: 'PPU' });
    b.section('H2', 'T2', 'T3', { network: 'heat', material: 'PPU' });
    expect(findingsOf(b, disconnectedComponent)).toEqual([]);
  });
});

describe('near-coincident-nodes', () => {
  it('when a valve is digitised 10 cm from a junction, then the later node is reported', () => {
    const b = squareNetwork();
    b.node('V9', 'valve', p(100.1, 100));
    const found = findingsOf(b, nearCoincidentNodes);
    expect(objects(found)).toEqual(['near-coincident-nodes water_valve/V9']);
    expect(found[0]!.message).toContain('J3');
  });

  it('when the nodes are joined by a short pipe or one is a dead end, then they are not reported', () => {
    const b = squareNetwork();
    b.node('V9', 'valve', p(100.2, 100));
    b.section('S9', 'J3', 'V9');
    b.node('C9', 'consumer', p(200, 100));
    b.section('S10', 'V9', 'C9');
    b.node('J5', 'junction', p(100.3, 0));
    b.node('C10', 'consumer', p(200, -50));
    b.section('S11', 'C10', 'J5');
    expect(findingsOf(b, nearCoincidentNodes)).toEqual([]);
  });
});
