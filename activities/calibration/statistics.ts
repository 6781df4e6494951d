/**
 * Fit statistics of a model against readings: head and pressure deviations in metres (RMSE, mean,
 * mean and largest absolute, shares within ±m), flow deviations in per cent of the reading, and the
 * suspect readings — those deviating by more than 3 × the head RMSE (a wrong elevation, a closed
 * valve, a gauge on the wrong node).
 */
import type { ReadingKind } from './measurements.ts';

/** The thresholds every report shows (the WRc-style criterion); a profile may add its own. */
export const REPORTED_HEAD_THRESHOLDS_M = [0.5, 0.75, 2] as const;
export const REPORTED_FLOW_THRESHOLDS_PERCENT = [10, 20] as const;
export const SUSPECT_FACTOR = 3;

export interface Deviation {
  key: string;
  kind: ReadingKind;
  measured: number;
  /** model − measured: m for heads and pressures, m³/h for flows. */
  residual: number;
}

export interface HeadStatistics {
  points: number;
  rmseM: number | null;
  /** Signed mean (bias): positive when the model is high. */
  meanM: number | null;
  meanAbsM: number | null;
  maxAbsM: number | null;
  within: { m: number; share: number }[];
}

export interface FlowStatistics {
  points: number;
  meanAbsPercent: number | null;
  maxAbsPercent: number | null;
  within: { percent: number; share: number }[];
}

export interface FitStatistics {
  heads: HeadStatistics;
  flows: FlowStatistics;
  /** Keys of the suspect readings. */
  suspects: string[];
  suspectShare: number;
}

/** Deviation of a flow reading in per cent of the reading. */
export function flowPercent(d: Pick<Deviation, 'measured' | 'residual'>): number {
  return d.measured === 0 ? (d.residual === 0 ? 0 : Infinity) : (100 * d.residual) / Math.abs(d.measured);
}

const unique = (values: readonly number[]) => [...new Set(values)].sort((a, b) => a - b);

export function fitStatistics(
  deviations: readonly Deviation[],
  thresholds: { m?: readonly number[]; percent?: readonly number[] } = {},
): FitStatistics {
  const heads = deviations.filter((d) => d.kind !== 'flow');
  const flows = deviations.filter((d) => d.kind === 'flow');
  const abs = heads.map((d) => Math.abs(d.residual));
  const n = heads.length;
  const rmse = n === 0 ? null : Math.sqrt(abs.reduce((s, a) => s + a * a, 0) / n);
  const flowAbs = flows.map((d) => Math.abs(flowPercent(d)));
  const share = (values: number[], limit: number) =>
    values.length === 0 ? 0 : values.filter((v) => v <= limit + 1e-9).length / values.length;
  const suspects =
    rmse === null ? [] : heads.filter((d) => Math.abs(d.residual) > SUSPECT_FACTOR * rmse).map((d) => d.key);
  return {
    heads: {
      points: n,
      rmseM: rmse,
      meanM: n === 0 ? null : heads.reduce((s, d) => s + d.residual, 0) / n,
      meanAbsM: n === 0 ? null : abs.reduce((s, a) => s + a, 0) / n,
      maxAbsM: n === 0 ? null : Math.max(...abs),
      within: unique([...REPORTED_HEAD_THRESHOLDS_M, ...(thresholds.m ?? [])]).map((m) => ({
        m,
        share: share(abs, m),
      })),
    },
    flows: {
      points: flows.length,
      meanAbsPercent: flows.length === 0 ? null : flowAbs.reduce((s, a) => s + a, 0) / flows.length,
      maxAbsPercent: flows.length === 0 ? null : Math.max(...flowAbs),
      within: unique([...REPORTED_FLOW_THRESHOLDS_PERCENT, ...(thresholds.percent ?? [])]).map((percent) => ({
        percent,
        share: share(flowAbs, percent),
      })),
    },
    suspects,
    suspectShare: deviations.length === 0 ? 0 : suspects.length / deviations.length,
  };
}
