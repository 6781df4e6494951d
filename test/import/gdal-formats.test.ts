/**
 * The formats the import reads only through GDAL, made by GDAL from the Chuhuiv Shapefile set at
 * the start of the file (ogr2ogr writes GML, GeoPackage and MapInfo TAB; none was seen by the code
 * before): each converts into LCS-63 Kharkiv with the same per-layer counts and the same coordinates
 * as the Shapefile itself. And a GeoJSON written in SK-63 X5 metres without a `crs` member is
 * inspected as "no CRS", with a warning, instead of as WGS 84 degrees.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createImportActivities, type ConvertOutput } from '../../activities/import/activities.ts';
import type { MappingSpec } from '../../activities/import/spec.ts';
import type { Pool } from '../../db/pool.ts';
import { selectAllProjectRows } from '../../db/project-schema.ts';
import { createLogger } from '../../lib/logger.ts';
import { seedDemoData } from '../../scripts/demo-data.ts';
import { SPEC } from '../fixtures/import/spec.ts';
import { activityEnvironment, runActivity, stepRef, type EngagementOfSteps } from '../helpers/activity-environment.ts';
import { createTestDatabase } from '../helpers/database.ts';
import { FIXTURES, insertImportEngagement, uploadFile } from './import-engagement.ts';

const PROJECT = 'vodokanal-main';
const TARGET = 'EPSG:9858';
const SHAPEFILES = [
  'chuhuiv_pipes.shp',
  'chuhuiv_pipes.shx',
  'chuhuiv_pipes.dbf',
  'chuhuiv_pipes.prj',
  'chuhuiv_pipes.cpg',
  'chuhuiv_fittings.shp',
  'chuhuiv_fittings.shx',
  'chuhuiv_fittings.dbf',
  'chuhuiv_fittings.prj',
];

let pool: Pool;
let activities: ReturnType<typeof createImportActivities>;
let engagement: EngagementOfSteps;
let dir: string;
const made: Record<string, string[]> = {};

/** Runs ogr2ogr on both Shapefiles of the fixture into `format`, returns the files it wrote. */
function write(
  format: 'GML' | 'GPKG' | 'MapInfo File',
  name: (layer: string) => string,
  extra: string[] = [],
): string[] {
  const before = new Set(readdirSync(dir));
  for (const layer of ['chuhuiv_pipes', 'chuhuiv_fittings']) {
    const source = fileURLToPath(new URL(`${layer}.shp`, FIXTURES));
    execFileSync('ogr2ogr', ['-f', format, ...extra, join(dir, name(layer)), source, '-nln', layer]);
  }
  return readdirSync(dir).filter((f) => !before.has(f));
}

async function upload(names: string[]): Promise<void> {
  for (const name of names) await uploadFile(pool, engagement.id, name, readFileSync(join(dir, name)));
}

beforeAll(async () => {
  ({ pool } = await createTestDatabase());
  await seedDemoData(pool);
  engagement = await insertImportEngagement(pool, PROJECT, SHAPEFILES);
  activities = createImportActivities({ pool, logger: createLogger('silent', 'test'), vendorVatPayer: true });
  dir = mkdtempSync(join(tmpdir(), 'potik-gdal-formats-'));
  made.gml = write('GML', (layer) => `${layer}.gml`);
  made.gpkg = write('GPKG', (layer) => `${layer}.gpkg`);
  // A TAB stores integers over its bounds: the default bounds of a projection leave ~1 cm steps, so
  // the file is written as MapInfo users keep local data, with bounds around the district.
  made.tab = write('MapInfo File', (layer) => `${layer}.tab`, ['-lco', 'BOUNDS=5300000,5450000,5400000,5550000']);
  // A GeoJSON as a customer's tool writes it: SK-63 X5 metres, the crs member left out.
  const geojson = join(dir, 'chuhuiv_fittings_metres.geojson');
  execFileSync('ogr2ogr', ['-f', 'GeoJSON', geojson, fileURLToPath(new URL('chuhuiv_fittings.shp', FIXTURES))]);
  const parsed = JSON.parse(readFileSync(geojson, 'utf8')) as Record<string, unknown>;
  delete parsed.crs;
  writeFileSync(geojson, JSON.stringify(parsed));
  made.geojson = ['chuhuiv_fittings_metres.geojson'];
  await upload(Object.values(made).flat());
});

afterAll(async () => {
  await pool?.end();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The Shapefile spec with each layer's source renamed to the file of `extension`. */
function specFor(extension: string): MappingSpec {
  return {
    ...SPEC,
    layers: SPEC.layers.map((layer) => {
      const name = layer.source.split(/[.:]/)[0]!;
      return { ...layer, source: `${name}.${extension}:${name}` };
    }),
  };
}

async function importFiles(step: string, files: string[], spec: MappingSpec, hints: Record<string, string> = {}) {
  const inspection = await runActivity(activityEnvironment(), activities['import.inspectSource'], {
    input: { projectId: PROJECT, files, hints },
    engagement: stepRef(engagement, `inspect-${step}`),
  });
  const conversion = await runActivity(activityEnvironment(), activities['import.convert'], {
    input: { projectId: PROJECT, mode: 'full', spec, inspection, targetCrs: TARGET },
    engagement: stepRef(engagement, `convert-${step}`),
  });
  const features = await selectAllProjectRows(pool, conversion.schema, 'features');
  return { inspection, conversion, features };
}

const counts = (output: ConvertOutput) => output.layers.map((l) => `${l.target} ${l.in}/${l.out}/${l.rejected}`);

/** Geometry of every converted feature by its position in the source (the id's `#n`) and layer. */
function byPosition(features: { id: string; layer: string; geometry: unknown }[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const f of features) {
    const match = /^(chuhuiv_\w+?)(?:\.\w+)?#(\d+)(\/\w+)?$/.exec(f.id);
    if (!match) continue;
    const flat = JSON.stringify((f.geometry as { coordinates: unknown }).coordinates)
      .replace(/[[\]]/g, '')
      .split(',')
      .map(Number);
    out.set(`${f.layer} ${match[1]}#${match[2]}${match[3] ?? ''}`, flat);
  }
  return out;
}

describe('import of the formats GDAL reads', () => {
  let shapefile: Awaited<ReturnType<typeof importFiles>>;

  beforeAll(async () => {
    shapefile = await importFiles('shp', SHAPEFILES, SPEC);
  });

  it.each([
    ['gml', 'GML'],
    ['gpkg', 'GPKG'],
    ['tab', 'MapInfo TAB'],
  ] as const)(
    'when the %s written by GDAL is converted, then counts and coordinates equal the Shapefile’s',
    async (extension, format) => {
      const files = made[extension]!;
      const result = await importFiles(extension, files, specFor(extension));
      expect(result.inspection.datasets.map((d) => d.format)).toEqual([format, format]);
      expect(result.inspection.warnings.filter((w) => /ignored|GDAL may not read/.test(w))).toEqual([]);
      expect(counts(result.conversion)).toEqual(counts(shapefile.conversion));
      const expected = byPosition(shapefile.features);
      const got = byPosition(result.features);
      expect([...got.keys()].sort()).toEqual([...expected.keys()].sort());
      for (const [key, coordinates] of got) {
        const want = expected.get(key)!;
        expect(coordinates, key).toHaveLength(want.length);
        coordinates.forEach((value, i) => expect(Math.abs(value - want[i]!), key).toBeLessThan(0.001));
      }
      // Cyrillic attribute values survive the format.
      const valve = result.features.find((f) => f.layer === 'water_valve')!;
      expect(valve.inventoryNumber).toBe(
        shapefile.features.find((f) => f.id === valve.id.replace(`.${extension}`, '.shp'))?.inventoryNumber,
      );
    },
  );

  it('when a GeoJSON carries metres and no crs member, then it is inspected as having no CRS, with a warning', async () => {
    const inspection = await runActivity(activityEnvironment(), activities['import.inspectSource'], {
      input: { projectId: PROJECT, files: made.geojson!, hints: {} },
      engagement: stepRef(engagement, 'inspect-geojson-metres'),
    });
    const layer = inspection.datasets[0]!.layers[0]!;
    expect(layer).toMatchObject({ crs: null, zone: 5 });
    expect(inspection.warnings).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/GeoJSON without a crs member but with coordinates in metres .* not WGS 84/),
      ]),
    );
    const hinted = await runActivity(activityEnvironment(), activities['import.inspectSource'], {
      input: { projectId: PROJECT, files: made.geojson!, hints: { crs: 'EPSG:7829' } },
      engagement: stepRef(engagement, 'inspect-geojson-hinted'),
    });
    expect(hinted.datasets[0]!.layers[0]).toMatchObject({ crs: 'EPSG:7829', axes: 'as-given' });
  });
});
