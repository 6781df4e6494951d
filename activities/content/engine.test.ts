import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NOMINAL_DIAMETERS } from '../audit/network-builder.ts';
import { contentNetwork } from '../../test/fixtures/networks/content.ts';
import {
  PLANTED_CONTENT,
  cleanContentNetwork,
  plantedContentNetwork,
} from '../../test/fixtures/networks/content-planted.ts';
import { UNIT_CHECKS } from './checks/index.ts';
import { velocity } from './checks/hydraulics.ts';
import { runContentAnalysis } from './engine.ts';
import type { ContentFinding } from './model.ts';
import { DEFAULT_THRESHOLDS } from './thresholds.ts';

const objects = (findings: readonly ContentFinding[]): string[] =>
  findings.map((f) => `${f.rule} ${f.object.layer}/${f.object.id ?? '-'}`);

describe('content analysis', () => {
  it('when a clean network is analysed, then nothing is found', () => {
    expect(objects(runContentAnalysis(cleanContentNetwork()).findings)).toEqual([]);
  });

  it('when one error per check is planted beside near misses, then each error is found exactly once and nothing else', () => {
    const report = runContentAnalysis(plantedContentNetwork());
    expect(objects(report.findings).sort()).toEqual([...PLANTED_CONTENT].sort());
    expect(Object.keys(report.summary.byRule).sort()).toEqual(
      [...new Set(PLANTED_CONTENT.map((p) => p.split(' ')[0]!))].sort(),
    );
  });

  it('when errors are found, then each finding carries the stored and the plausible value and its evidence', () => {
    const { findings } = runContentAnalysis(plantedContentNetwork());
    const of = (rule: string) => findings.find((f) => f.rule === rule)!;
    expect(of('diameter-in-metres')).toMatchObject({ attribute: 'diameter_mm', value: 0.2, expected: 200 });
    expect(of('load-unit-slip')).toMatchObject({ attribute: 'load', value: 48, evidence: { factor: 24 } });
    expect(of('load-unit-slip').expected).toBe(2);
    expect(of('length-mismatch').message).toMatch(/kilometres\?$/);
    expect(of('class-outlier')).toMatchObject({ attribute: 'roughness_mm', value: 1.5, expected: 0.1 });
    expect(of('velocity-implausible')).toMatchObject({ attribute: 'diameter_mm', value: 50, expected: 63 });
    expect(of('velocity-implausible').evidence['velocityMs']).toBeCloseTo(velocity(25, 50), 2);
    expect(of('diameter-grows-downstream')).toMatchObject({
      value: 300,
      expected: 200,
      evidence: { feederSection: 'D2-T1-MS1' },
    });
    expect(of('material-year')).toMatchObject({ value: 1962, expected: '≥ 1970', evidence: { material: 'PE' } });
    expect(of('placeholder-value')).toMatchObject({ attribute: 'install_year', value: 1980, evidence: { rows: 11 } });
    expect(of('inventory-look-alike')).toMatchObject({ value: 'ВК-0042', evidence: { sameAs: 'D0-H3' } });
    expect(of('inventory-one-edit')).toMatchObject({ evidence: { similarTo: 'D1-H2', distanceM: 5 } });
    for (const f of findings) expect(f.message.length).toBeGreaterThan(10);
  });

  it('when recommendations are ranked, then major checks come before minor ones and each names its objects', () => {
    const { recommendations } = runContentAnalysis(plantedContentNetwork());
    expect(recommendations.map((r) => r.rank)).toEqual(recommendations.map((_, i) => i + 1));
    const severities = recommendations.map((r) => r.severity);
    expect(severities.lastIndexOf('major')).toBeLessThan(severities.indexOf('minor'));
    expect(recommendations.find((r) => r.rule === 'diameter-in-metres')).toMatchObject({
      count: 1,
      examples: ['water_pipe/D0-T2-MS1'],
    });
  });

  it('when a threshold is changed, then the checks follow the data', () => {
    const strict = { ...DEFAULT_THRESHOLDS, diameterGrowthFactor: 1.2 };
    const found = objects(runContentAnalysis(plantedContentNetwork(), strict).findings);
    expect(found).toContain('diameter-grows-downstream water_pipe/D2-T5-MS2');
  });

  it('when random clean networks are analysed, then the unit checks never fire', () => {
    const consumerClass = fc.record({
      category: fc.constantFrom('residential', 'school', 'office', 'hospital'),
      centre: fc.double({ min: 0.02, max: 200, noNaN: true }),
    });
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 6 }),
        fc.array(consumerClass, { minLength: 1, maxLength: 3 }),
        fc.constantFrom(...NOMINAL_DIAMETERS),
        (seed, districts, trunk, chain, classes, diameter) => {
          const unique = classes.filter((c, i) => classes.findIndex((o) => o.category === c.category) === i);
          const { data } = contentNetwork({
            seed,
            districts,
            trunk,
            chain,
            classes: unique,
            diameters: { trunk: diameter, main: diameter, service: diameter },
          });
          const report = runContentAnalysis(data, DEFAULT_THRESHOLDS, { checks: UNIT_CHECKS });
          expect(objects(report.findings)).toEqual([]);
        },
      ),
      { numRuns: 200 },
    );
  });
});
