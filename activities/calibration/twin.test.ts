import { describe, expect, it } from 'vitest';
import { simulateReadings, twinNetwork } from '../../test/helpers/calibration-network.ts';
import { runCalibration } from './calibration-run.ts';
import { parseMeasurements } from './measurements.ts';

/**
 * The twin experiment: a generated network whose true roughness per group is known, gauges read
 * from the model with that roughness plus uniform noise within ±5 cm, and a model that starts from
 * 1.5 × the true roughness. Calibration must find the truth again.
 */
describe('calibration, twin experiment', () => {
  const network = twinNetwork();

  it('when the model starts from 1.5 × the true roughness, then every group is recovered within 10 % and the fit passes where the start fails', async () => {
    const csv = await simulateReadings(network, { noiseM: 0.05, seed: 11 });
    const { run, roughnessMm } = await runCalibration(
      network.data,
      parseMeasurements('gauges.csv', csv),
      { network: 'water', calibrate: true, acceptanceProfile: 'wrc-1989' },
      'twin',
    );
    const groups = run.calibration!.groups;
    expect(groups.map((g) => g.group).sort()).toEqual(Object.keys(network.trueRoughnessMm).sort());
    for (const group of groups) {
      const truth = network.trueRoughnessMm[group.group]!;
      expect(group.startMm).toBeCloseTo(truth * 1.5, 6);
      expect(Math.abs(group.afterMm / truth - 1), group.group).toBeLessThan(0.1);
      expect(group.identified, group.group).toBe(true);
    }
    expect(run.after!.statistics.heads.rmseM).toBeLessThan(0.1);
    expect(run.before.verdict.passed).toBe(false);
    expect(run.after!.verdict.passed).toBe(true);
    expect(run.after!.statistics.suspects).toEqual([]);
    expect(roughnessMm.get('P00001')).toBe(groups.find((g) => g.group === 'CI-1960s')!.afterMm);
    // Each iteration costs (groups + 1) solves.
    expect(run.calibration!.solves).toBeGreaterThanOrEqual(run.calibration!.iterations * 9);
  });

  it('when a gauge reads 3 m off (a wrong elevation), then it is the one suspect reading', async () => {
    const blunder = network.gauges[7]!;
    const csv = await simulateReadings(network, { noiseM: 0.05, seed: 11, blunders: { [blunder]: 3 } });
    const { run } = await runCalibration(
      network.data,
      parseMeasurements('gauges.csv', csv),
      { network: 'water', calibrate: true },
      'twin',
    );
    expect(run.after!.statistics.suspects).toEqual([`pressure:${blunder}`]);
    expect(run.points.filter((p) => p.suspect).map((p) => p.point)).toEqual([blunder]);

    // Left out (with a reason, in the engineer's form), the rest calibrates as before.
    const again = await runCalibration(
      network.data,
      parseMeasurements('gauges.csv', csv),
      { network: 'water', calibrate: true, exclude: [`pressure:${blunder}`] },
      'twin',
    );
    expect(again.run.excluded).toEqual([`pressure:${blunder}`]);
    await expect(
      runCalibration(
        network.data,
        parseMeasurements('gauges.csv', csv),
        { network: 'water', calibrate: true, exclude: ['J-7'] },
        'twin',
      ),
    ).rejects.toThrow('exclude names readings the measurements do not have: J-7 (write them as kind:point');
    expect(again.run.after!.statistics.heads.rmseM).toBeLessThan(0.1);
    expect(again.run.after!.verdict.passed).toBe(true);
  });

  it('when the gauges all sit upstream of some groups, then those groups are reported as not identified', async () => {
    const csv = await simulateReadings(network, { noiseM: 0.05, seed: 11 });
    // Gauges only in the western half (columns 0–4): nothing measured shows the eastern blocks.
    const west = parseMeasurements('gauges.csv', csv).filter(
      (r) => r.kind === 'head' || Number(r.point.slice(1, 4)) <= 4,
    );
    const { run } = await runCalibration(network.data, west, { network: 'water', calibrate: true }, 'twin');
    const unidentified = run.calibration!.groups.filter((g) => !g.identified).map((g) => g.group);
    expect(unidentified).toEqual(expect.arrayContaining(['CI-1990s', 'DI-2000s', 'ST-1960s', 'ST-1980s']));
    expect(unidentified).not.toContain('CI-1960s');
    for (const group of run.calibration!.groups.filter((g) => !g.identified)) {
      expect(group.reason).toMatch(/no reading moves|relative standard error/);
    }
  });

  it('when the engineer groups by material, pins a group and bounds another, then the fit obeys', async () => {
    const csv = await simulateReadings(network, { noiseM: 0.05, seed: 11 });
    const { run } = await runCalibration(
      network.data,
      parseMeasurements('gauges.csv', csv),
      {
        network: 'water',
        calibrate: true,
        groupBy: 'material',
        fixed: ['DI'],
        bounds: { CI: [0.5, 3], default: [0.01, 5] },
      },
      'twin',
    );
    const byId = new Map(run.calibration!.groups.map((g) => [g.group, g]));
    expect([...byId.keys()]).toEqual(['CI', 'DI', 'ST']);
    expect(byId.get('DI')).toMatchObject({ fixed: true, identified: false, afterMm: byId.get('DI')!.beforeMm });
    expect(byId.get('CI')!.boundsMm).toEqual([0.5, 3]);
    expect(byId.get('CI')!.afterMm).toBeGreaterThanOrEqual(0.5);
    expect(byId.get('CI')!.afterMm).toBeLessThanOrEqual(3);
    await expect(
      runCalibration(
        network.data,
        parseMeasurements('gauges.csv', csv),
        { network: 'water', calibrate: true, groupBy: 'material', fixed: ['CI-1960s'] },
        'x',
      ),
    ).rejects.toThrow('group "CI-1960s" does not exist when grouped by material; groups: CI, DI, ST');
  });
});
