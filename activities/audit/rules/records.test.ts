import { describe, expect, it } from 'vitest';
import { findingsOf, objects, p, squareNetwork } from '../test-network.ts';
import { attributeDomain } from './attribute-domain.ts';
import { consumerLoadMissing } from './consumer-load-missing.ts';
import { danglingDictionaryReference } from './dangling-dictionary-reference.ts';
import { duplicateGeometry } from './duplicate-geometry.ts';
import { duplicateInventoryNumber } from './duplicate-inventory-number.ts';
import { missingEndNode } from './missing-end-node.ts';
import { missingPassport } from './missing-passport.ts';
import { missingSource } from './missing-source.ts';
import { objectCountDrop } from './object-count-drop.ts';
import { orphanPassport } from './orphan-passport.ts';
import { pipeParametersMissing } from './pipe-parameters-missing.ts';

type Builder = ReturnType<typeof squareNetwork>;
const feature = (b: Builder, id: string) => b.data.features.find((f) => f.id === id)!;
const section = (b: Builder, id: string) => b.data.sections.find((s) => s.id === id)!;
const node = (b: Builder, id: string) => b.data.nodes.find((n) => n.id === id)!;

describe('orphan-passport', () => {
  it('when a passport is referred to by no feature, then it is an orphan', () => {
    const b = squareNetwork();
    b.data.passports.push({ id: 'P-OLD', attributes: {} });
    expect(objects(findingsOf(b, orphanPassport))).toEqual(['orphan-passport passports/P-OLD']);
  });
});

describe('missing-passport', () => {
  it('when a feature has no passport or one that does not exist, then it is reported', () => {
    const b = squareNetwork();
    feature(b, 'H1').passportRef = null;
    feature(b, 'S1').passportRef = 'P-GONE';
    const found = findingsOf(b, missingPassport);
    expect(objects(found).sort()).toEqual(['missing-passport water_hydrant/H1', 'missing-passport water_pipe/S1']);
    expect(found.find((f) => f.object.id === 'S1')!.message).toContain('P-GONE does not exist');
  });

  it('when the layer does not require passports, then a feature without one is fine', () => {
    const b = squareNetwork();
    feature(b, 'H1').passportRef = null;
    b.data.layers.find((l) => l.code === 'water_hydrant')!.passportRequired = false;
    expect(findingsOf(b, missingPassport)).toEqual([]);
  });
});

describe('missing-end-node', () => {
  it('when a section names a node that does not exist or none, then it is critical', () => {
    const b = squareNetwork();
    section(b, 'S7').toNode = 'C404';
    section(b, 'S8').fromNode = null;
    const found = findingsOf(b, missingEndNode);
    expect(objects(found)).toEqual(['missing-end-node water_pipe/S7', 'missing-end-node water_pipe/S8']);
    expect(found[0]!.message).toBe('to node C404 does not exist');
    expect(found[0]!.severity).toBe('critical');
  });
});

describe('dangling-dictionary-reference', () => {
  it('when a material code is not in the material dictionary, then it is reported', () => {
    const b = squareNetwork();
    section(b, 'S2').material = 'STL';
    expect(objects(findingsOf(b, danglingDictionaryReference))).toEqual([
      'dangling-dictionary-reference water_pipe/S2',
    ]);
  });
});

describe('duplicate-geometry', () => {
  it('when a pipe is drawn twice (either direction), then the later copy is reported', () => {
    const b = squareNetwork();
    b.section('S9', 'J2', 'J1');
    const found = findingsOf(b, duplicateGeometry);
    expect(objects(found)).toEqual(['duplicate-geometry water_pipe/S9']);
    expect(found[0]!.message).toBe('same geometry as S1');
  });

  it('when two nodes differ by a centimetre, then they are not duplicates', () => {
    const b = squareNetwork();
    b.node('V9', 'valve', p(100.01, 100));
    expect(findingsOf(b, duplicateGeometry)).toEqual([]);
  });
});

describe('duplicate-inventory-number', () => {
  it('when two features share an inventory number, then the later one is reported', () => {
    const b = squareNetwork();
    feature(b, 'S3').inventoryNumber = feature(b, 'J1').inventoryNumber;
    expect(objects(findingsOf(b, duplicateInventoryNumber))).toEqual(['duplicate-inventory-number water_pipe/S3']);
  });
});

describe('attribute-domain', () => {
  it('when diameter, material, length or install year is outside its domain, then each section is reported once', () => {
    const b = squareNetwork();
    section(b, 'S1').diameterMm = 137;
    section(b, 'S2').material = 'PPU';
    section(b, 'S3').lengthM = -12;
    section(b, 'S4').installYear = 2097;
    section(b, 'S5').diameterMm = -200;
    const found = findingsOf(b, attributeDomain, { currentYear: 2026 });
    expect(found.map((f) => `${f.object.id}: ${f.message}`)).toEqual([
      'S1: unknown diameter 137 mm',
      'S2: material PPU is not used in water networks',
      'S3: negative length -12 m',
      'S4: install year 2097 is in the future',
      'S5: negative diameter -200 mm',
    ]);
  });

  it('when a value is missing, then it is not a domain violation', () => {
    const b = squareNetwork();
    section(b, 'S1').diameterMm = null;
    section(b, 'S1').installYear = null;
    expect(findingsOf(b, attributeDomain)).toEqual([]);
  });
});

describe('missing-source', () => {
  it('when the only source is re-typed, then the sub-network has no source', () => {
    const b = squareNetwork();
    node(b, 'SRC').kind = 'junction';
    const found = findingsOf(b, missingSource);
    expect(objects(found)).toEqual(['missing-source water_pipe/S1']);
    expect(found[0]!.severity).toBe('critical');
  });

  it('when a sewer network drains to an outlet, then the outlet is its source', () => {
    const b = squareNetwork();
    b.node('K1', 'outlet', p(0, -300), { network: 'sewer' });
    b.node('K2', 'junction', p(100, -300), { network: 'sewer' });
    b.node('K3', 'consumer', p(200, -300), { network: 'sewer' });
    b.section('K12', 'K2', 'K1', { network: 'sewer', material: 'RC', diameterMm: 300 });
    b.section('K23', 'K3', 'K2', { network: 'sewer', material: 'RC', diameterMm: 300 });
    expect(findingsOf(b, missingSource)).toEqual([]);
  });
});

describe('pipe-parameters-missing', () => {
  it('when a pipe has no diameter or no roughness, then it cannot be calculated', () => {
    const b = squareNetwork();
    section(b, 'S1').diameterMm = null;
    section(b, 'S2').roughnessMm = 0;
    const found = findingsOf(b, pipeParametersMissing);
    expect(found.map((f) => `${f.object.id}: ${f.message}`)).toEqual(['S1: no diameter', 'S2: no roughness']);
  });
});

describe('consumer-load-missing', () => {
  it('when a consumer has no load or a zero load, then it is reported', () => {
    const b = squareNetwork();
    node(b, 'C1').load = null;
    expect(objects(findingsOf(b, consumerLoadMissing))).toEqual(['consumer-load-missing water_consumer/C1']);
    node(b, 'C1').load = 0;
    expect(findingsOf(b, consumerLoadMissing)[0]!.message).toBe('consumer load 0 is not positive');
  });
});

describe('object-count-drop', () => {
  it('when a layer has fewer objects than the snapshot, then it is reported; growth is not', () => {
    const b = squareNetwork();
    const found = findingsOf(b, objectCountDrop, {
      previousCounts: { water_pipe: 8, water_junction: 3, water_hydrant: 2, water_valve: 1 },
    });
    expect(found.map((f) => `${f.object.layer} ${f.severity}: ${f.message}`)).toEqual([
      'water_hydrant critical: 1 objects, 2 at the last snapshot: 1 missing',
      'water_valve critical: 0 objects, 1 at the last snapshot: 1 missing',
    ]);
  });

  it('when a large layer lost under 5 %, then the drop is major; without snapshot counts the rule is silent', () => {
    const b = squareNetwork();
    const found = findingsOf(b, objectCountDrop, { previousCounts: { water_pipe: 160 } });
    expect(found[0]!.severity).toBe('critical');
    let previous = 'J3';
    for (let i = 1; i <= 32; i++) {
      b.node(`E${i}`, 'junction', p(100 + 10 * i, 100));
      b.section(`E-S${i}`, previous, `E${i}`);
      previous = `E${i}`;
    }
    const slight = findingsOf(b, objectCountDrop, { previousCounts: { water_pipe: 41 } });
    expect(slight.map((f) => `${f.severity}: ${f.message}`)).toEqual([
      'major: 40 objects, 41 at the last snapshot: 1 missing',
    ]);
    expect(findingsOf(b, objectCountDrop)).toEqual([]);
  });
});
