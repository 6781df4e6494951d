/**
 * One run of the model against the readings, as both activities do it: build the network from the
 * project rows, solve it with the stored roughness and compare ("before"); optionally calibrate the
 * roughness groups and compare again ("after"); judge both against the acceptance profile.
 */
import type { NodeRow, SectionRow } from '../../db/project-schema.ts';
import { judge, loadAcceptanceProfile, profileThresholds, type AcceptanceVerdict } from './acceptance.ts';
import { calibrate, type CalibrationOptions, type CalibrationResult } from './calibrate.ts';
import type { Reading } from './measurements.ts';
import { buildHydraulicNetwork, type ModelledNetwork } from './network-model.ts';
import { deviations, observationsOf, predict, splitReadings } from './observations.ts';
import { HydraulicModel } from './solver.ts';
import { fitStatistics, type FitStatistics } from './statistics.ts';

export interface RunOptions extends CalibrationOptions {
  network: ModelledNetwork;
  heatDeltaTK?: number;
  /** Readings left out of the comparison and the fit, as `kind:point`. */
  exclude?: readonly string[];
  /** A shipped profile id or a profile object (default wrc-1989). */
  acceptanceProfile?: unknown;
  /** false: only solve and compare with the stored roughness. */
  calibrate: boolean;
}

export interface PointReport {
  key: string;
  kind: Reading['kind'];
  point: string;
  at: string;
  note: string | null;
  measured: number;
  before: number;
  residualBefore: number;
  after: number | null;
  residualAfter: number | null;
  /** Residual above 3 × RMSE in the final comparison. */
  suspect: boolean;
}

export interface Judged {
  statistics: FitStatistics;
  verdict: AcceptanceVerdict;
}

export interface CalibrationRun {
  network: ModelledNetwork;
  profile: { id: string; title: string; source: string };
  model: { junctions: number; sources: number; pipes: number; lengthKm: number };
  sourceHeads: Record<string, number>;
  excluded: string[];
  points: PointReport[];
  before: Judged;
  after: Judged | null;
  calibration: Omit<CalibrationResult, 'roughnessMm'> | null;
  solves: number;
  wallMs: number;
}

export interface RunOutcome {
  run: CalibrationRun;
  /** The model as an EPANET input file with the final roughness. */
  inp: string;
  /** Final roughness per pipe id, mm. */
  roughnessMm: Map<string, number>;
}

export async function runCalibration(
  rows: { nodes: readonly NodeRow[]; sections: readonly SectionRow[] },
  readings: readonly Reading[],
  options: RunOptions,
  title: string,
): Promise<RunOutcome> {
  const started = performance.now();
  const profile = loadAcceptanceProfile(options.acceptanceProfile ?? undefined);
  const thresholds = profileThresholds(profile);
  const nodes = new Map(rows.nodes.map((n) => [n.id, n]));
  const { sourceHeads, compared, excluded } = splitReadings(readings, nodes, options.exclude);
  const network = buildHydraulicNetwork(rows, {
    network: options.network,
    sourceHeads,
    heatDeltaTK: options.heatDeltaTK,
  });
  const observations = observationsOf(network, compared);
  const model = await HydraulicModel.open(network);
  try {
    const judged = (d: ReturnType<typeof deviations>): Judged => {
      const statistics = fitStatistics(d, thresholds);
      return { statistics, verdict: judge(profile, statistics) };
    };
    const beforeSolution = model.solve();
    const beforeDeviations = deviations(beforeSolution, observations);
    const before = judged(beforeDeviations);
    let after: Judged | null = null;
    let calibration: CalibrationResult | null = null;
    let afterValues: number[] | null = null;
    if (options.calibrate) {
      calibration = calibrate(model, observations, options, profile.identifiability);
      const solution = model.solve();
      afterValues = observations.map((o) => predict(solution, o));
      after = judged(deviations(solution, observations));
    }
    const final = after ?? before;
    const suspects = new Set(final.statistics.suspects);
    const points = observations.map((o, i): PointReport => {
      const residualBefore = beforeDeviations[i]!.residual;
      return {
        key: o.key,
        kind: o.kind,
        point: o.point,
        at: o.at,
        note: o.note,
        measured: o.value,
        before: o.value + residualBefore,
        residualBefore,
        after: afterValues ? afterValues[i]! : null,
        residualAfter: afterValues ? afterValues[i]! - o.value : null,
        suspect: suspects.has(o.key),
      };
    });
    const roughness = calibration?.roughnessMm ?? network.pipes.map((p) => p.roughnessMm);
    const inp = model.toInp(title);
    let calibrationSummary: Omit<CalibrationResult, 'roughnessMm'> | null = null;
    if (calibration) {
      const { roughnessMm: perPipe, ...rest } = calibration;
      void perPipe;
      calibrationSummary = rest;
    }
    return {
      run: {
        network: options.network,
        profile: { id: profile.id, title: profile.title, source: profile.source },
        model: {
          junctions: network.junctions.length,
          sources: network.sources.length,
          pipes: network.pipes.length,
          lengthKm: Math.round(network.pipes.reduce((s, p) => s + p.lengthM, 0)) / 1000,
        },
        sourceHeads: Object.fromEntries(sourceHeads),
        excluded: excluded.map((r) => `${r.kind}:${r.point}`),
        points,
        before,
        after,
        calibration: calibrationSummary,
        solves: model.solves,
        wallMs: Math.round(performance.now() - started),
      },
      inp,
      roughnessMm: new Map(network.pipes.map((p, i) => [p.id, roughness[i]!])),
    };
  } finally {
    model.close();
  }
}
