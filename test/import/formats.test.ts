/**
 * `import.inspectSource` then a full `import.convert` into LCS-63 Kharkiv for each source format
 * besides the Shapefile set (import.test.ts): the MapInfo MIF/MID, the cp866 CSV with X/Y in
 * Ukrainian order, the WGS 84 GeoJSON and the DXF — per layer counts and rejects, Cyrillic values
 * decoded into the features, and one feature's vertices against the CRS registry's own transform of
 * the coordinates read straight from the fixture file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createImportActivities, type ConvertOutput } from '../../activities/import/activities.ts';
import type { MappingSpec } from '../../activities/import/spec.ts';
import { fromUkrainianXY, transformPoints, type Position } from '../../activities/gis/transform.ts';
import type { Pool } from '../../db/pool.ts';
import { selectAllProjectRows } from '../../db/project-schema.ts';
import { selectArtifactContent } from '../../db/queries/artifacts.ts';
import { createLogger } from '../../lib/logger.ts';
import { seedDemoData } from '../../scripts/demo-data.ts';
import { CSV_SPEC, DXF_SPEC, GEOJSON_SPEC, MIF_SPEC } from '../fixtures/import/spec.ts';
import { createTestDatabase } from '../helpers/database.ts';
import { activityEnvironment, runActivity, stepRef, type EngagementOfSteps } from '../helpers/activity-environment.ts';
import { fixture, insertImportEngagement } from './import-engagement.ts';

const PROJECT = 'vodokanal-main';
const TARGET = 'EPSG:9858';
/** Row `n` (1 = the first after the header) of the cp866 CSV, as the DOS program wrote it. */
const csvRow = (n: number) =>
  new TextDecoder('ibm866').decode(fixture('chuhuiv_hydrants.csv')).split('\r\n')[n]!.split(';');

let pool: Pool;
let activities: ReturnType<typeof createImportActivities>;
let engagement: EngagementOfSteps;

beforeAll(async () => {
  ({ pool } = await createTestDatabase());
  await seedDemoData(pool);
  engagement = await insertImportEngagement(pool, PROJECT, [
    'chuhuiv_pipes.mif',
    'chuhuiv_pipes.mid',
    'chuhuiv_hydrants.csv',
    'chuhuiv_wells.geojson',
    'chuhuiv_pipes.dxf',
  ]);
  activities = createImportActivities({ pool, logger: createLogger('silent', 'test'), vendorVatPayer: true });
});

afterAll(async () => {
  await pool?.end();
});

/** Inspects `files` with the upload form's CRS hint, then converts them in full by `spec` into LCS-63. */
async function importFormat(format: string, files: string[], spec: MappingSpec, crsHint?: string) {
  const inspection = await runActivity(activityEnvironment(), activities['import.inspectSource'], {
    input: { projectId: PROJECT, files, hints: crsHint ? { crs: crsHint } : {} },
    engagement: stepRef(engagement, `inspect-${format}`),
  });
  const conversion = await runActivity(activityEnvironment(), activities['import.convert'], {
    input: { projectId: PROJECT, mode: 'full', spec, inspection, targetCrs: TARGET },
    engagement: stepRef(engagement, `convert-${format}`),
  });
  const features = await selectAllProjectRows(pool, conversion.schema, 'features');
  return { inspection, conversion, features };
}

const counts = (output: ConvertOutput) => output.layers.map((l) => `${l.target} ${l.in}/${l.out}/${l.rejected}`);

async function rejects(output: ConvertOutput): Promise<string[]> {
  const csv = (await selectArtifactContent(pool, output.rejects.id))!.toString('utf8');
  return csv
    .replace(/^\uFEFF/, '')
    .trim()
    .split('\r\n')
    .slice(1);
}

/** The converted vertices equal the registry's transform of the source's to 1 mm. */
function expectPositions(converted: unknown, source: Position[], sourceCrs = 'EPSG:7829'): void {
  const expected = transformPoints(sourceCrs, TARGET, source);
  const got = converted as Position[];
  expect(got).toHaveLength(expected.length);
  got.forEach((position, i) => {
    expect(Math.abs(position[0] - expected[i]![0])).toBeLessThan(0.001);
    expect(Math.abs(position[1] - expected[i]![1])).toBeLessThan(0.001);
  });
}

const geometryOf = (features: { id: string; geometry: unknown }[], id: string) =>
  (features.find((f) => f.id === id)!.geometry as { coordinates: unknown }).coordinates;

describe('import.convert of each source format', () => {
  it('when the MIF/MID is converted, then its CoordSys, cp1251 values and planted rejects come through', async () => {
    const { inspection, conversion, features } = await importFormat(
      'mif',
      ['chuhuiv_pipes.mif', 'chuhuiv_pipes.mid'],
      MIF_SPEC,
    );
    expect(inspection.datasets[0]!.layers[0]).toMatchObject({ crs: 'EPSG:7829', axes: 'as-given' });
    expect(counts(conversion)).toEqual(['water_pipe 16/12/4']);
    expect(await rejects(conversion)).toEqual([
      'chuhuiv_pipes.mif#13;chuhuiv_pipes.mif;water_pipe;no geometry',
      'chuhuiv_pipes.mif#14;chuhuiv_pipes.mif;water_pipe;zero-length pipe',
      'chuhuiv_pipes.mif#15;chuhuiv_pipes.mif;water_pipe;"unknown material code ""азбестоцемент"" in field MATERIAL"',
      'chuhuiv_pipes.mif#16;chuhuiv_pipes.mif;water_pipe;diameter 137 mm is not in the diameter dictionary',
    ]);
    expect(features.find((f) => f.id === 'chuhuiv_pipes.mif#5')).toMatchObject({
      layer: 'water_pipe',
      inventoryNumber: 'ВК-0005',
      attributes: { street: "вул. Зов'ялова" },
    });
    const sections = await selectAllProjectRows(pool, conversion.schema, 'sections');
    expect(sections.find((s) => s.id === 'chuhuiv_pipes.mif#3')).toMatchObject({ material: 'ST', diameterMm: 100 });

    // The first `Line x1 y1 x2 y2` of the MIF's data section, SK-63 X5 easting/northing.
    const line = fixture('chuhuiv_pipes.mif')
      .toString('latin1')
      .match(/^Line (\S+) (\S+) (\S+) (\S+)/m)!;
    const [x1, y1, x2, y2] = line.slice(1, 5).map(Number) as [number, number, number, number];
    expectPositions(geometryOf(features, 'chuhuiv_pipes.mif#1'), [
      [x1, y1],
      [x2, y2],
    ]);
  });

  it('when the cp866 CSV with swapped axes is converted, then X/Y are turned round with the zone kept', async () => {
    const { inspection, conversion, features } = await importFormat(
      'csv',
      ['chuhuiv_hydrants.csv'],
      CSV_SPEC,
      'EPSG:7829',
    );
    expect(inspection.datasets[0]).toMatchObject({ encoding: 'CP866' });
    expect(inspection.datasets[0]!.layers[0]).toMatchObject({ crs: 'EPSG:7829', axes: 'swapped', zone: 5 });
    expect(counts(conversion)).toEqual(['water_hydrant 2/2/0']);
    expect(conversion.layers[0]).toMatchObject({ sourceCrs: 'EPSG:7829', swapAxes: true });
    expect(features.map((f) => [f.id, f.layer, f.inventoryNumber, f.attributes.address])).toEqual([
      ['chuhuiv_hydrants.csv#1', 'water_hydrant', 'ПГ-1', 'вул. Соборна, 12'],
      ['chuhuiv_hydrants.csv#2', 'water_hydrant', 'ПГ-2', 'пров. Садовий, 3'],
    ]);

    // The first data row as the DOS program wrote it: X = northing, Y = easting with zone 5 in its millions.
    const row = csvRow(1);
    const [x, y] = [Number(row[1]), Number(row[2])];
    expect(Math.floor(y / 1e6)).toBe(5);
    expectPositions([geometryOf(features, 'chuhuiv_hydrants.csv#1')], [fromUkrainianXY({ x, y })]);
  });

  it('when the CSV was inspected without a hint and the spec names its CRS, then the axes are judged against it', async () => {
    const { inspection, conversion, features } = await importFormat('csv-no-hint', ['chuhuiv_hydrants.csv'], {
      ...CSV_SPEC,
      sourceCrs: 'EPSG:7829',
    });
    expect(inspection.datasets[0]!.layers[0]).toMatchObject({ crs: null, axes: 'ambiguous', zone: 5 });
    expect(conversion.layers[0]).toMatchObject({ sourceCrs: 'EPSG:7829', swapAxes: true });
    const row = csvRow(2);
    expectPositions(
      [geometryOf(features, 'chuhuiv_hydrants.csv#2')],
      [fromUkrainianXY({ x: Number(row[1]), y: Number(row[2]) })],
    );
  });

  it('when the WGS 84 GeoJSON is converted, then the wells land at their surveyed positions', async () => {
    const { inspection, conversion, features } = await importFormat('geojson', ['chuhuiv_wells.geojson'], GEOJSON_SPEC);
    expect(inspection.datasets[0]!.layers[0]).toMatchObject({ crs: 'EPSG:4326', axes: 'as-given' });
    expect(counts(conversion)).toEqual(['water_well 2/2/0']);
    expect(features.find((f) => f.id === 'chuhuiv_wells.geojson#2')).toMatchObject({
      layer: 'water_well',
      inventoryNumber: 'К-2',
      attributes: { kind: 'колодязь' },
    });

    const source = JSON.parse(fixture('chuhuiv_wells.geojson').toString('utf8')) as {
      features: { geometry: { coordinates: Position } }[];
    };
    expectPositions(
      [geometryOf(features, 'chuhuiv_wells.geojson#2')],
      [source.features[1]!.geometry.coordinates],
      'EPSG:4326',
    );
  });

  it('when the DXF is converted with the CRS hint, then its polylines become pipes coded by DXF layer', async () => {
    const { inspection, conversion, features } = await importFormat(
      'dxf',
      ['chuhuiv_pipes.dxf'],
      DXF_SPEC,
      'EPSG:7829',
    );
    expect(inspection.datasets[0]!.layers[0]).toMatchObject({ name: 'entities', crs: 'EPSG:7829', axes: 'as-given' });
    expect(counts(conversion)).toEqual(['water_pipe 12/12/0']);
    // Nothing to snap to but each other: one junction per grid node the 12 pipes meet at.
    expect(conversion.totals).toMatchObject({ junctions: 9 });
    const sections = await selectAllProjectRows(pool, conversion.schema, 'sections');
    const position = (id: string) => Number(id.split('#')[1]);
    sections.sort((a, b) => position(a.id) - position(b.id));
    expect(sections.map((s) => s.material)).toEqual([
      'CI',
      'PE',
      'ST',
      'CI',
      'PE',
      'ST',
      'CI',
      'PE',
      'ST',
      'CI',
      'PE',
      'ST',
    ]);
    expect(features.filter((f) => f.layer === 'water_pipe')).toHaveLength(12);

    // The first LWPOLYLINE's vertices: group codes 10 (easting) and 20 (northing).
    const lines = fixture('chuhuiv_pipes.dxf').toString('latin1').split(/\r?\n/);
    const start = lines.indexOf('LWPOLYLINE');
    const vertices: [number, number][] = [];
    for (let i = start + 1; i < lines.length && lines[i] !== '  0'; i += 2) {
      if (lines[i]!.trim() === '10') vertices.push([Number(lines[i + 1]), Number.NaN]);
      if (lines[i]!.trim() === '20') vertices.at(-1)![1] = Number(lines[i + 1]);
    }
    expect(vertices).toHaveLength(2);
    expectPositions(geometryOf(features, 'chuhuiv_pipes.dxf#1'), vertices);
  });
});
