/**
 * The clean Kharkiv water district (test/fixtures/networks/clean.json, LCS-63) moved into SK-63 zone
 * X5, the system an X-REPROJ starts from, by proj4 with the registry's definition strings. Suites
 * load it with `loadProjectData` and re-coordinate it back.
 */
import proj4 from 'proj4';
import { getCrs } from '../../activities/gis/crs-registry.ts';
import type { FeatureRow, ProjectData } from '../../db/project-schema.ts';
import { networkFixture } from '../fixtures/networks/load.ts';

export const SK63_X5 = 'EPSG:7829';
export const LCS63_KHARKIV = 'EPSG:9858';

export function cleanNetworkLcs63(): ProjectData {
  return networkFixture('clean').data;
}

/** Every position of a GeoJSON geometry, in order. */
export function positions(geometry: unknown): number[][] {
  const walk = (value: unknown): number[][] =>
    Array.isArray(value) && typeof value[0] === 'number' ? [value as number[]] : (value as unknown[]).flatMap(walk);
  return geometry ? walk((geometry as { coordinates: unknown }).coordinates) : [];
}

/** The coordinates of a GeoJSON geometry with every position converted. */
export function mapPositions(value: unknown, convert: (p: [number, number]) => number[]): unknown {
  if (Array.isArray(value) && typeof value[0] === 'number') return convert([value[0], value[1] as number]);
  return Array.isArray(value) ? value.map((v) => mapPositions(v, convert)) : value;
}

/** The clean district with every position converted LCS-63 → SK-63 X5 and the CRS row set to match. */
export function cleanNetworkSk63(): ProjectData {
  const data = cleanNetworkLcs63();
  const converter = proj4(getCrs(LCS63_KHARKIV).proj4, getCrs(SK63_X5).proj4);
  const features: FeatureRow[] = data.features.map((f) => {
    const geometry = f.geometry as { type: string; coordinates: unknown } | null;
    if (!geometry) return f;
    return {
      ...f,
      geometry: { ...geometry, coordinates: mapPositions(geometry.coordinates, (p) => converter.forward(p)) },
    };
  });
  return { ...data, crs: { epsg: 7829, name: 'SK-63 zone X5' }, features };
}
