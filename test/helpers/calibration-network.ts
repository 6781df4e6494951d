/**
 * Generated water networks for the calibration tests and benchmark: a looped grid of mains fed by a
 * pumping station at its west side, junction demands, ground falling gently to the east, and pipes in
 * roughness groups (material × decade of installation) laid out as blocks of the grid. The project
 * rows carry the roughness the model starts from; `trueRoughnessMm` is what the "field" has, and
 * `simulateReadings` writes the measurements a customer would upload — heads and pressures from the
 * model with the true roughness plus bounded noise.
 */
import { NetworkBuilder } from '../../activities/audit/network-builder.ts';
import { buildHydraulicNetwork } from '../../activities/calibration/network-model.ts';
import { HydraulicModel } from '../../activities/calibration/solver.ts';
import { groupOf } from '../../activities/calibration/calibrate.ts';
import type { ProjectData } from '../../db/project-schema.ts';
import { seededRandom } from '../../lib/seeded-random.ts';

export interface RoughnessGroup {
  material: string;
  installYear: number;
  trueRoughnessMm: number;
}

/** Eight groups with roughness the readings can tell apart (plastic is too smooth to calibrate). */
export const EIGHT_GROUPS: readonly RoughnessGroup[] = [
  { material: 'CI', installYear: 1962, trueRoughnessMm: 2.2 },
  { material: 'CI', installYear: 1978, trueRoughnessMm: 1.4 },
  { material: 'ST', installYear: 1968, trueRoughnessMm: 1.6 },
  { material: 'ST', installYear: 1985, trueRoughnessMm: 0.9 },
  { material: 'ST', installYear: 1996, trueRoughnessMm: 0.6 },
  { material: 'DI', installYear: 1988, trueRoughnessMm: 0.45 },
  { material: 'DI', installYear: 2004, trueRoughnessMm: 0.3 },
  { material: 'CI', installYear: 1991, trueRoughnessMm: 1.0 },
];

export interface CalibrationNetworkOptions {
  columns: number;
  rows: number;
  groups: readonly RoughnessGroup[];
  /** Demand of every junction, m³/h. */
  demandM3h: number;
  /** Extra demand of each junction of the east edge (an industrial zone), m³/h: flow crosses every block. */
  eastDemandM3h: number;
  /** Stored roughness = true roughness × this (the model before calibration). */
  startFactor: number;
  gauges: number;
  seed: number;
  spacingM?: number;
  sourceHeadM?: number;
}

export interface CalibrationNetwork {
  data: ProjectData;
  source: string;
  sourceHeadM: number;
  /** True roughness per group id (`CI-1960s`), mm. */
  trueRoughnessMm: Record<string, number>;
  /** Junctions with a pressure gauge. */
  gauges: string[];
}

export function calibrationNetwork(options: CalibrationNetworkOptions): CalibrationNetwork {
  const { columns, rows, groups } = options;
  const spacing = options.spacingM ?? 150;
  const random = seededRandom(options.seed);
  const b = new NetworkBuilder();
  const id = (col: number, row: number) => `J${String(col).padStart(3, '0')}-${String(row).padStart(3, '0')}`;
  for (let col = 0; col < columns; col++) {
    for (let row = 0; row < rows; row++) {
      const elevationM = Math.round((140 - col * 0.4 + (random() - 0.5) * 3) * 100) / 100;
      b.node(id(col, row), 'junction', [300_000 + col * spacing, 5_540_000 + row * spacing], {
        load: options.demandM3h + (col === columns - 1 ? options.eastDemandM3h : 0),
        elevationM,
      });
    }
  }
  const bandsX = Math.ceil(groups.length / (groups.length > 1 ? 2 : 1));
  const bandsY = groups.length > 1 ? 2 : 1;
  const groupAt = (col: number, row: number) => {
    const bx = Math.min(bandsX - 1, Math.floor((col / columns) * bandsX));
    const by = Math.min(bandsY - 1, Math.floor((row / rows) * bandsY));
    return groups[Math.min(groups.length - 1, by * bandsX + bx)]!;
  };
  let seq = 0;
  const pipe = (from: string, to: string, col: number, row: number) => {
    const group = groupAt(col, row);
    b.section(`P${String(++seq).padStart(5, '0')}`, from, to, {
      material: group.material,
      installYear: group.installYear,
      diameterMm: [150, 200, 250][Math.floor(random() * 3)]!,
      roughnessMm: Math.round(group.trueRoughnessMm * options.startFactor * 1e6) / 1e6,
    });
  };
  for (let col = 0; col < columns; col++) {
    for (let row = 0; row < rows; row++) {
      if (col + 1 < columns) pipe(id(col, row), id(col + 1, row), col, row);
      if (row + 1 < rows) pipe(id(col, row), id(col, row + 1), col, row);
    }
  }
  const source = 'PS-1';
  b.node(source, 'source', [300_000 - spacing, 5_540_000 + ((rows - 1) * spacing) / 2], { elevationM: 135 });
  // Two mains from the station, in the roughness group of the block they enter.
  for (const row of [Math.floor(rows / 4), Math.floor((3 * rows) / 4)]) {
    const group = groupAt(0, row);
    b.section(`PS-1-${row}`, source, id(0, row), {
      material: group.material,
      installYear: group.installYear,
      diameterMm: 500,
      roughnessMm: Math.round(group.trueRoughnessMm * options.startFactor * 1e6) / 1e6,
    });
  }
  const junctions = [...Array(columns * rows).keys()];
  const gauges: string[] = [];
  // Stratified: one gauge per slice of the grid, so the readings cover every block.
  for (let k = 0; k < options.gauges; k++) {
    const slice = junctions.slice(
      Math.floor((k * junctions.length) / options.gauges),
      Math.floor(((k + 1) * junctions.length) / options.gauges),
    );
    const pick = slice[Math.floor(random() * slice.length)]!;
    gauges.push(id(Math.floor(pick / rows), pick % rows));
  }
  const trueRoughnessMm: Record<string, number> = {};
  for (const g of groups) trueRoughnessMm[groupOf(g, 'material-decade')] = g.trueRoughnessMm;
  return { data: b.data, source, sourceHeadM: options.sourceHeadM ?? 200, trueRoughnessMm, gauges: gauges.sort() };
}

/**
 * The district of the twin experiment and the calibration suites: 10 × 8 junctions, the eight
 * groups, 20 gauges, an industrial zone on the east edge, stored roughness 1.5 × the truth.
 */
export function twinNetwork(): CalibrationNetwork {
  return calibrationNetwork({
    columns: 10,
    rows: 8,
    groups: EIGHT_GROUPS,
    demandM3h: 3,
    eastDemandM3h: 200,
    startFactor: 1.5,
    gauges: 20,
    seed: 7,
  });
}

/**
 * The measurement file a customer would upload (`;`, decimal comma, BOM): the source's head and a
 * pressure at every gauge from the model with the true roughness, each off by uniform noise within
 * ±`noiseM`; `flows` adds flow readings at those sections.
 */
export async function simulateReadings(
  network: CalibrationNetwork,
  options: { noiseM: number; seed: number; flows?: string[]; blunders?: Record<string, number> },
): Promise<string> {
  const random = seededRandom(options.seed);
  const hydraulic = buildHydraulicNetwork(network.data, {
    network: 'water',
    sourceHeads: new Map([[network.source, network.sourceHeadM]]),
  });
  const model = await HydraulicModel.open(hydraulic);
  try {
    model.setRoughness(
      hydraulic.pipes.map((p) => network.trueRoughnessMm[groupOf(p, 'material-decade')] ?? p.roughnessMm),
    );
    const solution = model.solve();
    const elevation = new Map(hydraulic.junctions.map((j) => [j.id, j.elevationM!]));
    const decimal = (value: number) => value.toFixed(3).replace('.', ',');
    const lines = [
      '\uFEFFkind;point;value;note',
      `head;${network.source};${decimal(network.sourceHeadM)};pump station outlet`,
    ];
    for (const gauge of network.gauges) {
      const noise = (random() * 2 - 1) * options.noiseM;
      const pressure = solution.heads.get(gauge)! - elevation.get(gauge)! + noise + (options.blunders?.[gauge] ?? 0);
      lines.push(`pressure;${gauge};${decimal(pressure)};`);
    }
    for (const section of options.flows ?? []) {
      lines.push(
        `flow;${section};${decimal(Math.abs(solution.flows.get(section)!) * (1 + (random() * 2 - 1) * 0.01))};`,
      );
    }
    return `${lines.join('\r\n')}\r\n`;
  } finally {
    model.close();
  }
}
