/**
 * The CityCom object classes and code lists an import brings into a project that has none yet (a
 * first import): layers per network, nominal diameters, materials with the networks they are used
 * in and the equivalent roughness a converted pipe gets when the source gives none.
 */
import type { DictionaryEntryRow, LayerRow, NetworkKind } from '../../db/project-schema.ts';

const NETWORKS: readonly [NetworkKind, string][] = [
  ['water', 'water'],
  ['heat', 'heating'],
  ['sewer', 'sewer'],
];

const NODE_CLASSES: readonly [string, string][] = [
  ['junction', 'junctions and chambers'],
  ['valve', 'valves'],
  ['hydrant', 'fire hydrants'],
  ['well', 'wells'],
  ['source', 'sources (intakes, pumping stations, boiler houses)'],
  ['consumer', 'consumers (buildings)'],
];

export const CATALOG_LAYERS: readonly LayerRow[] = NETWORKS.flatMap(([network, title]): LayerRow[] => [
  {
    code: `${network}_pipe`,
    name: `${title} pipes`,
    geometryType: 'LineString',
    kind: 'section',
    passportRequired: true,
  },
  ...NODE_CLASSES.map(([kind, name]): LayerRow => ({
    code: `${network}_${kind}`,
    name: `${title} ${name}`,
    geometryType: 'Point',
    kind: 'node',
    passportRequired: true,
  })),
]);

const NOMINAL_DIAMETERS = [
  15, 20, 25, 32, 40, 50, 63, 65, 80, 100, 110, 125, 150, 160, 200, 225, 250, 300, 315, 350, 400, 500, 600, 700, 800,
  900, 1000, 1200,
];

/** Material code → name, networks and default equivalent roughness, mm. */
export const MATERIALS: Record<string, { name: string; networks: NetworkKind[]; roughnessMm: number }> = {
  ST: { name: 'steel', networks: ['water', 'heat'], roughnessMm: 0.5 },
  CI: { name: 'grey cast iron', networks: ['water', 'sewer'], roughnessMm: 1 },
  DI: { name: 'ductile iron', networks: ['water', 'sewer'], roughnessMm: 0.1 },
  PE: { name: 'polyethylene', networks: ['water', 'sewer'], roughnessMm: 0.01 },
  PVC: { name: 'PVC', networks: ['water', 'sewer'], roughnessMm: 0.01 },
  AC: { name: 'asbestos cement', networks: ['water', 'sewer'], roughnessMm: 0.1 },
  RC: { name: 'reinforced concrete', networks: ['sewer'], roughnessMm: 1.5 },
  PPU: { name: 'pre-insulated steel (PPU)', networks: ['heat'], roughnessMm: 0.5 },
};

export const CATALOG_DICTIONARIES: readonly DictionaryEntryRow[] = [
  ...NOMINAL_DIAMETERS.map((dn): DictionaryEntryRow => ({
    dictionary: 'diameter',
    code: `DN${dn}`,
    name: `${dn} mm`,
    value: dn,
    networks: null,
  })),
  ...Object.entries(MATERIALS).map(([code, m]): DictionaryEntryRow => ({
    dictionary: 'material',
    code,
    name: m.name,
    value: null,
    networks: m.networks,
  })),
];
