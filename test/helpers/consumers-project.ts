/**
 * A project of consumer nodes with loads, for the exchange suites and benchmark: `count` consumers
 * named by number, the first in «Київ» (Cyrillic that cp1251 has), loads with fractions.
 */
import type { ProjectData } from '../../db/project-schema.ts';

export function consumersProject(count: number): ProjectData {
  const features = [];
  const nodes = [];
  for (let i = 1; i <= count; i++) {
    const id = `C${String(i).padStart(6, '0')}`;
    features.push({
      id,
      layer: 'heat_consumer',
      geometry: { type: 'Point', coordinates: [3_000_000 + i, 5_500_000 + i] },
      attributes: { address: i === 1 ? 'Київ, вул. Хрещатик, 1' : `Kharkiv, Sumska ${i}`, contract: `D-${i}` },
      inventoryNumber: `INV-${i}`,
      passportRef: null,
    });
    nodes.push({ id, kind: 'consumer', load: Math.round(i * 12.5) / 100 });
  }
  return {
    crs: { epsg: 9858, name: 'UCS-2000 / LCS-63 Kharkiv' },
    layers: [
      { code: 'heat_consumer', name: 'Consumers', geometryType: 'Point', kind: 'node', passportRequired: false },
    ],
    dictionaries: [],
    features,
    nodes,
    sections: [],
    passports: [],
  };
}
