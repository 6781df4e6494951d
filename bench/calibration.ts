/**
 * Calibration benchmark (not part of npm test): a generated 5,000-section looped water network with
 * 20 pressure gauges and 8 roughness groups, started from 1.5 × the true roughness — solves per
 * second of the EPANET model and the wall time of the whole calibration.
 *   npx tsx bench/calibration.ts
 */
import { runCalibration } from '../activities/calibration/calibration-run.ts';
import { parseMeasurements } from '../activities/calibration/measurements.ts';
import { buildHydraulicNetwork } from '../activities/calibration/network-model.ts';
import { HydraulicModel } from '../activities/calibration/solver.ts';
import { calibrationNetwork, EIGHT_GROUPS, simulateReadings } from '../test/helpers/calibration-network.ts';

const COLUMNS = 51;
const ROWS = 50; // 2 · 51 · 50 − 51 − 50 = 4,999 mains, plus the station's two
const PLAIN_SOLVES = 40;

const network = calibrationNetwork({
  columns: COLUMNS,
  rows: ROWS,
  groups: EIGHT_GROUPS,
  demandM3h: 0.3,
  eastDemandM3h: 90,
  startFactor: 1.5,
  gauges: 20,
  seed: 5000,
  spacingM: 80,
});
const sections = network.data.sections.length;
const csv = await simulateReadings(network, { noiseM: 0.05, seed: 5001 });

const hydraulic = buildHydraulicNetwork(network.data, {
  network: 'water',
  sourceHeads: new Map([[network.source, network.sourceHeadM]]),
});
let t = performance.now();
const model = await HydraulicModel.open(hydraulic);
const buildMs = performance.now() - t;
t = performance.now();
for (let i = 0; i < PLAIN_SOLVES; i++) model.solve();
const solveMs = (performance.now() - t) / PLAIN_SOLVES;
model.close();

t = performance.now();
const { run } = await runCalibration(
  network.data,
  parseMeasurements('gauges.csv', csv),
  { network: 'water', calibrate: true },
  'benchmark',
);
const wallS = (performance.now() - t) / 1000;
const calibration = run.calibration!;
const worst = Math.max(...calibration.groups.map((g) => Math.abs(g.afterMm / network.trueRoughnessMm[g.group]! - 1)));

console.log(
  `network: ${sections} sections, ${hydraulic.junctions.length} junctions, ${run.points.length} gauges, ${calibration.groups.length} groups`,
);
console.log(
  `model build: ${buildMs.toFixed(0)} ms; one solve: ${solveMs.toFixed(1)} ms (${(1000 / solveMs).toFixed(1)} solves/s)`,
);
console.log(
  `calibration: ${wallS.toFixed(1)} s wall, ${calibration.iterations} LM iterations, ${calibration.solves} solves (${(calibration.solves / wallS).toFixed(1)} solves/s incl. fitting)`,
);
console.log(
  `RMSE ${run.before.statistics.heads.rmseM!.toFixed(3)} m → ${run.after!.statistics.heads.rmseM!.toFixed(3)} m; ` +
    `profile ${run.profile.id}: ${run.before.verdict.passed ? 'passes' : 'fails'} → ${run.after!.verdict.passed ? 'passes' : 'fails'}; ` +
    `worst group off by ${(worst * 100).toFixed(1)} %; unidentified: ${
      calibration.groups
        .filter((g) => !g.identified)
        .map((g) => g.group)
        .join(', ') || 'none'
    }`,
);
