/**
 * Builds project data the way CityCom holds it — a feature, a node or section row and a passport
 * per object — from nodes placed at points and sections drawn between them. Used by the fixture
 * generator, the benchmark and the rule tests.
 */
import type {
  DictionaryEntryRow,
  LayerRow,
  NetworkKind,
  NodeRow,
  ProjectData,
  SectionRow,
} from '../../db/project-schema.ts';
import { polylineLength } from './geometry.ts';
import type { Point } from './model.ts';

const NODE_LAYER_NAMES: Record<string, string> = {
  source: 'sources (intakes, pumping stations, boiler houses)',
  consumer: 'consumers (buildings)',
  junction: 'junctions and chambers',
  valve: 'valves',
  hydrant: 'fire hydrants',
  plug: 'plugs',
  outlet: 'outlets',
};

/** Nominal diameters, mm (ДСТУ/ISO series for steel, cast iron and PE). */
export const NOMINAL_DIAMETERS = [
  50, 63, 80, 100, 110, 125, 150, 160, 200, 225, 250, 300, 315, 400, 500, 600, 800, 1000,
];

/** Materials, the networks each is used in, and a typical equivalent roughness (mm). */
export const MATERIALS: readonly { code: string; name: string; networks: NetworkKind[]; roughnessMm: number }[] = [
  { code: 'ST', name: 'steel', networks: ['water', 'heat'], roughnessMm: 0.5 },
  { code: 'CI', name: 'grey cast iron', networks: ['water', 'sewer'], roughnessMm: 1 },
  { code: 'DI', name: 'ductile iron', networks: ['water', 'sewer'], roughnessMm: 0.1 },
  { code: 'PE', name: 'polyethylene', networks: ['water', 'sewer'], roughnessMm: 0.01 },
  { code: 'PVC', name: 'PVC', networks: ['water', 'sewer'], roughnessMm: 0.01 },
  { code: 'RC', name: 'reinforced concrete', networks: ['sewer'], roughnessMm: 2 },
  { code: 'PPU', name: 'pre-insulated steel (PPU)', networks: ['heat'], roughnessMm: 0.5 },
];

export function standardDictionaries(): DictionaryEntryRow[] {
  return [
    ...NOMINAL_DIAMETERS.map((d) => ({
      dictionary: 'diameter',
      code: `DN${d}`,
      name: `${d} mm`,
      value: d,
      networks: null,
    })),
    ...MATERIALS.map((m) => ({
      dictionary: 'material',
      code: m.code,
      name: m.name,
      value: null,
      networks: m.networks,
    })),
  ];
}

export interface NodeOptions {
  network?: NetworkKind;
  load?: number | null;
  /** Ground elevation, m; omitted: the row has none. */
  elevationM?: number | null;
}

export interface SectionOptions {
  network?: NetworkKind;
  diameterMm?: number | null;
  material?: string | null;
  roughnessMm?: number | null;
  installYear?: number | null;
  /** Bends between the two nodes. */
  via?: Point[];
}

export class NetworkBuilder {
  readonly data: ProjectData = {
    crs: { epsg: 9858, name: 'UCS-2000 / LCS-63 Kharkiv' },
    layers: [],
    dictionaries: standardDictionaries(),
    features: [],
    nodes: [],
    sections: [],
    passports: [],
  };
  private readonly positions = new Map<string, Point>();
  private inventory = 0;

  private layer(network: NetworkKind, kind: string | 'pipe'): string {
    const code = `${network}_${kind}`;
    if (!this.data.layers.some((l) => l.code === code)) {
      const layer: LayerRow =
        kind === 'pipe'
          ? { code, name: `${network} pipes`, geometryType: 'LineString', kind: 'section', passportRequired: true }
          : {
              code,
              name: `${network} ${NODE_LAYER_NAMES[kind] ?? kind}`,
              geometryType: 'Point',
              kind: 'node',
              passportRequired: true,
            };
      this.data.layers.push(layer);
    }
    return code;
  }

  private feature(id: string, layer: string, geometry: unknown, attributes: Record<string, unknown>): void {
    this.inventory++;
    const passportRef = `P-${id}`;
    this.data.features.push({
      id,
      layer,
      geometry,
      attributes,
      inventoryNumber: `INV-${String(this.inventory).padStart(6, '0')}`,
      passportRef,
    });
    this.data.passports.push({ id: passportRef, attributes: { owner: 'KP Kharkivvodokanal', ...attributes } });
  }

  position(id: string): Point {
    const position = this.positions.get(id);
    if (!position) throw new Error(`no node ${id}`);
    return position;
  }

  node(id: string, kind: string, at: Point, options: NodeOptions = {}): NodeRow {
    const network = options.network ?? 'water';
    const row: NodeRow = { id, kind, load: kind === 'consumer' ? (options.load ?? 1.5) : (options.load ?? null) };
    if (options.elevationM !== undefined) row.elevationM = options.elevationM;
    this.positions.set(id, at);
    this.feature(id, this.layer(network, kind), { type: 'Point', coordinates: [at[0], at[1]] }, { kind });
    this.data.nodes.push(row);
    return row;
  }

  section(id: string, fromNode: string, toNode: string, options: SectionOptions = {}): SectionRow {
    const network = options.network ?? 'water';
    const material = options.material === undefined ? 'DI' : options.material;
    const line = [this.position(fromNode), ...(options.via ?? []), this.position(toNode)];
    const roughness =
      options.roughnessMm === undefined
        ? (MATERIALS.find((m) => m.code === material)?.roughnessMm ?? 1)
        : options.roughnessMm;
    const row: SectionRow = {
      id,
      network,
      fromNode,
      toNode,
      diameterMm: options.diameterMm === undefined ? 150 : options.diameterMm,
      material,
      lengthM: Math.round(polylineLength(line) * 100) / 100,
      roughnessMm: roughness,
      installYear: options.installYear === undefined ? 1985 : options.installYear,
    };
    this.feature(
      id,
      this.layer(network, 'pipe'),
      { type: 'LineString', coordinates: line.map(([x, y]) => [x, y]) },
      {},
    );
    this.data.sections.push(row);
    return row;
  }
}
