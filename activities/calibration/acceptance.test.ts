import { describe, expect, it } from 'vitest';
import { judge, loadAcceptanceProfile, profileIds, profileThresholds } from './acceptance.ts';
import { fitStatistics, type Deviation } from './statistics.ts';

const heads = (residuals: number[]): Deviation[] =>
  residuals.map((residual, i) => ({ key: `pressure:J-${i}`, kind: 'pressure', measured: 40, residual }));

describe('acceptance profiles', () => {
  it('when the shipped profiles are loaded, then each passes the profile schema', () => {
    expect(profileIds()).toEqual(expect.arrayContaining(['wrc-1989', 'strict-twin']));
    for (const id of profileIds()) expect(loadAcceptanceProfile(id).id).toBe(id);
  });

  it('when 85 % of the heads are within 0.5 m, 95 % within 0.75 m and all within 2 m, then the WRc profile passes', () => {
    const profile = loadAcceptanceProfile('wrc-1989');
    const residuals = [...Array(17).fill(0.3), 0.7, 0.6, -1.9];
    const stats = fitStatistics(heads(residuals), profileThresholds(profile));
    expect(stats.heads.within).toEqual([
      { m: 0.5, share: 0.85 },
      { m: 0.75, share: 0.95 },
      { m: 2, share: 1 },
    ]);
    expect(judge(profile, stats).passed).toBe(true);
    const failing = fitStatistics(heads([...residuals.slice(0, -1), 2.5]), profileThresholds(profile));
    const verdict = judge(profile, failing);
    expect(verdict.passed).toBe(false);
    expect(verdict.checks.filter((c) => !c.passed).map((c) => c.criterion)).toEqual([
      'share of head readings within ±2 m',
    ]);
  });

  it('when a reading deviates by more than 3 × RMSE, then it is suspect', () => {
    const stats = fitStatistics(heads([...Array(19).fill(0.05), 3]));
    expect(stats.suspects).toEqual(['pressure:J-19']);
    expect(stats.heads.rmseM).toBeCloseTo(Math.sqrt((19 * 0.0025 + 9) / 20), 12);
    expect(stats.heads.meanM).toBeCloseTo((19 * 0.05 + 3) / 20, 12);
    expect(stats.heads.maxAbsM).toBe(3);
  });

  it('when flows are read, then their deviations are judged in per cent of the reading', () => {
    const stats = fitStatistics([
      { key: 'flow:P-1', kind: 'flow', measured: 100, residual: 8 },
      { key: 'flow:P-2', kind: 'flow', measured: 50, residual: -9 },
    ]);
    expect(stats.flows).toMatchObject({
      points: 2,
      maxAbsPercent: 18,
      within: [
        { percent: 10, share: 0.5 },
        { percent: 20, share: 1 },
      ],
    });
  });

  it('when a profile given as data is malformed or unknown, then the error says what is wrong', () => {
    expect(() => loadAcceptanceProfile('nope')).toThrow(/acceptance profile "nope" does not exist; known: .*wrc-1989/);
    expect(() =>
      loadAcceptanceProfile({ id: 'x', title: 't', source: 's', heads: { within: [{ m: -1, share: 2 }] } }),
    ).toThrow(/acceptance profile is invalid: .*identifiability/);
  });
});
