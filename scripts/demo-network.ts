/**
 * A believable CityCom water network: a looped district of about 120 objects in eastern Kharkiv,
 * generated deterministically. The audit fixtures (test/fixtures/networks) are built from it, and
 * the demo loads one into every demo project (demo-projects.ts) so the core processes have data to
 * work on.
 */
import { NetworkBuilder } from '../activities/audit/network-builder.ts';
import type { Point } from '../activities/audit/model.ts';
import { seededRandom } from '../lib/seeded-random.ts';

/** The seed of the audit fixtures' district (test/fixtures/networks). */
export const DISTRICT_SEED = 9858;
/** South-west corner of the district, LCS-63 Kharkiv (EPSG:9858), [easting, northing] metres. */
const ORIGIN: Point = [299_400, 5_539_500];
export const COLUMNS = 6;
export const ROWS = 5;
const SPACING = 210;
const JITTER = 12;

export const mm = (value: number): number => Math.round(value * 1000) / 1000;
export const at = (x: number, y: number): Point => [mm(x), mm(y)];

/**
 * The water district: a looped grid of mains, valves, a pumping station, hydrants and consumers,
 * in LCS-63 Kharkiv. The same seed gives the same district, position for position.
 */
export function buildWaterDistrict(seed: number = DISTRICT_SEED): NetworkBuilder {
  const random = seededRandom(seed);
  const jitter = (): number => (random() * 2 - 1) * JITTER;
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)]!;
  const b = new NetworkBuilder();
  let sectionSeq = 0;
  let nodeSeq = 0;
  const nextSection = (): string => `S-${String(++sectionSeq).padStart(3, '0')}`;
  const nextNode = (): string => `N-${String(++nodeSeq).padStart(3, '0')}`;
  const grid: string[][] = [];
  for (let col = 0; col < COLUMNS; col++) {
    grid.push([]);
    for (let row = 0; row < ROWS; row++) {
      const id = nextNode();
      b.node(id, 'junction', at(ORIGIN[0] + col * SPACING + jitter(), ORIGIN[1] + row * SPACING + jitter()));
      grid[col]!.push(id);
    }
  }
  const g = (col: number, row: number): string => grid[col]![row]!;
  const main = { diameterMm: 200, installYear: 1978 };
  const valved = new Set(['h:0:0', 'h:2:2', 'v:5:1', 'v:0:2']);
  const mainBetween = (from: string, to: string, key: string): void => {
    const options = {
      ...main,
      material: pick(['DI', 'CI', 'ST', 'PE']),
      installYear: 1965 + Math.floor(random() * 55),
    };
    options.diameterMm = pick([150, 200, 250, 300]);
    if (!valved.has(key)) {
      b.section(nextSection(), from, to, options);
      return;
    }
    const [ax, ay] = b.position(from);
    const [bx, by] = b.position(to);
    const valve = nextNode();
    b.node(valve, 'valve', at((ax + bx) / 2, (ay + by) / 2));
    b.section(nextSection(), from, valve, options);
    b.section(nextSection(), valve, to, options);
  };
  for (let row = 0; row < ROWS; row++) {
    for (let col = 0; col + 1 < COLUMNS; col++) mainBetween(g(col, row), g(col + 1, row), `h:${col}:${row}`);
  }
  for (let col = 0; col < COLUMNS; col++) {
    for (let row = 0; row + 1 < ROWS; row++) mainBetween(g(col, row), g(col, row + 1), `v:${col}:${row}`);
  }
  // The pumping station west of the district feeds two mains.
  const source = nextNode();
  const [wx, wy] = b.position(g(0, 2));
  b.node(source, 'source', at(wx - 160, wy + 5));
  for (const row of [1, 3]) {
    const [tx, ty] = b.position(g(0, row));
    b.section(nextSection(), source, g(0, row), {
      diameterMm: 400,
      material: 'ST',
      installYear: 1972,
      via: [at((wx - 160 + tx) / 2 - 20, (wy + ty) / 2)],
    });
  }
  // Consumers: a service line from the block's south-west corner into the block.
  const consumerBlocks: [number, number][] = [
    [0, 0],
    [1, 0],
    [2, 0],
    [3, 0],
    [4, 1],
    [0, 3],
    [1, 3],
    [2, 3],
    [3, 3],
    [4, 3],
  ];
  for (const [col, row] of consumerBlocks) {
    const [cx, cy] = b.position(g(col, row));
    const consumer = nextNode();
    b.node(consumer, 'consumer', at(cx + 30 + random() * 25, cy + 30 + random() * 25), {
      load: mm(0.5 + random() * 4),
    });
    b.section(nextSection(), g(col, row), consumer, {
      diameterMm: 50,
      material: 'PE',
      installYear: 1990 + Math.floor(random() * 30),
    });
  }
  // Hydrants on short branches outside the grid.
  for (const [col, row, dy] of [
    [1, 0, -25],
    [3, 0, -25],
    [2, 4, 25],
    [4, 4, 25],
    [5, 2, 0],
  ] as const) {
    const [hx, hy] = b.position(g(col, row));
    const hydrant = nextNode();
    b.node(hydrant, 'hydrant', at(hx + (dy === 0 ? 25 : 6), hy + dy));
    b.section(nextSection(), g(col, row), hydrant, { diameterMm: 100, material: 'CI', installYear: 1980 });
  }
  return b;
}
