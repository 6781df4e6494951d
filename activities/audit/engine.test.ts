import { describe, expect, it } from 'vitest';
import { networkFixture, type NetworkFixture } from '../../test/fixtures/networks/load.ts';
import { PLANTED_FAULTS } from '../../test/fixtures/networks/planted.ts';
import { runAudit } from './engine.ts';
import { objects, OPTIONS, squareNetwork } from './test-network.ts';

type Fixture = NetworkFixture;
const load = networkFixture;

function audit(fixture: Fixture) {
  return runAudit(fixture.data, {
    tolerance: fixture.tolerance,
    previousCounts: fixture.previousCounts,
    currentYear: 2026,
  });
}

describe('audit engine', () => {
  it('when the clean Kharkiv district is audited, then nothing is found', () => {
    const report = audit(load('clean'));
    expect(report.findings).toEqual([]);
    expect(report.summary.total).toBe(0);
    expect(report.summary.counts.water_pipe).toBeGreaterThanOrEqual(40);
  });

  it('when the faulty district is audited, then exactly the planted faults are found, one per rule', () => {
    const report = audit(load('faulty'));
    expect(objects(report.findings).sort()).toEqual([...PLANTED_FAULTS].sort());
    expect(Object.keys(report.summary.byRule)).toHaveLength(19);
    expect(report.summary.bySeverity).toEqual({ critical: 4, major: 11, minor: 3, info: 1 });
  });

  it('when findings are reported, then critical ones come first and each has a location unless layer-wide', () => {
    const report = audit(load('faulty'));
    expect(report.findings[0]!.severity).toBe('critical');
    for (const finding of report.findings) {
      if (finding.object.id !== null && finding.rule !== 'orphan-passport' && finding.rule !== 'invalid-geometry') {
        expect(finding.location, finding.rule).not.toBeNull();
      }
    }
  });

  it('when the same network is audited twice, then the findings are equal', () => {
    const fixture = load('faulty');
    expect(audit(fixture).findings).toEqual(audit(fixture).findings);
  });

  it('when the rule-test network is audited, then it is clean too', () => {
    expect(runAudit(squareNetwork().data, OPTIONS).findings).toEqual([]);
  });
});
