/**
 * The demo projects' data: every demo project gets the water district of demo-network.ts as its
 * project schema (docs/project-schema.md), drawn in the project's own coordinate system, so
 * re-coordination, audit and the other core processes have a network to work on when `npm start`
 * comes up. A project whose schema holds data already is left as it is: work done on it in an earlier
 * run (a switched CRS, a merged recovery) stays.
 */
import proj4 from 'proj4';
import { getCrs } from '../activities/gis/crs-registry.ts';
import type { Pool } from '../db/pool.ts';
import { selectCustomer } from '../db/queries/customers.ts';
import {
  loadProjectData,
  projectSchemaName,
  selectCrs,
  projectSchemaExists,
  type FeatureRow,
  type ProjectData,
} from '../db/project-schema.ts';
import { buildWaterDistrict, DISTRICT_SEED } from './demo-network.ts';

/** The demo customers whose projects get a network (db/queries/demo.ts seeds them). */
export const DEMO_CUSTOMERS = ['kp-teplomerezha', 'kp-vodokanal', 'sumy-teplo-cloud', 'lubny-vodokanal'] as const;

const DISTRICT_CRS = 'EPSG:9858';

function mapPositions(value: unknown, convert: (p: [number, number]) => number[]): unknown {
  if (Array.isArray(value) && typeof value[0] === 'number') return convert([value[0], value[1] as number]);
  return Array.isArray(value) ? value.map((v) => mapPositions(v, convert)) : value;
}

/** The district (LCS-63 Kharkiv) with every position converted to `crs`, millimetre-rounded. */
export function districtIn(crs: string, seed: number = DISTRICT_SEED): ProjectData {
  const data = buildWaterDistrict(seed).data;
  const target = getCrs(crs);
  if (target.code === DISTRICT_CRS) return data;
  const converter = proj4(getCrs(DISTRICT_CRS).proj4, target.proj4);
  const round = (p: [number, number]) => converter.forward(p).map((v) => Math.round(v * 1000) / 1000);
  const features: FeatureRow[] = data.features.map((f) => {
    const geometry = f.geometry as { type: string; coordinates: unknown } | null;
    return geometry ? { ...f, geometry: { ...geometry, coordinates: mapPositions(geometry.coordinates, round) } } : f;
  });
  return { ...data, crs: { epsg: target.epsg, name: target.name }, features };
}

/** Loads a district into every demo project that has no data yet; returns the projects loaded. */
export async function seedDemoNetworks(pool: Pool): Promise<string[]> {
  const loaded: string[] = [];
  let seed = DISTRICT_SEED;
  for (const customerId of DEMO_CUSTOMERS) {
    for (const project of (await selectCustomer(pool, customerId))?.projects ?? []) {
      seed += 1;
      const schema = projectSchemaName(project.id);
      if ((await projectSchemaExists(pool, schema)) && (await selectCrs(pool, schema)) !== null) continue;
      await loadProjectData(pool, schema, districtIn(project.crs ?? DISTRICT_CRS, seed));
      loaded.push(project.id);
    }
  }
  return loaded;
}
