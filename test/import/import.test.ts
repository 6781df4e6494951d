/**
 * The X-IMPORT activities against a real PostgreSQL database of this file's own and the real GDAL:
 * the Chuhuiv fixtures (test/fixtures/import) are uploaded to an engagement, inspected in every
 * format, converted on a sample and in full into LCS-63 Kharkiv, checked by the audit rules and
 * reported.
 */
import { readdirSync } from 'node:fs';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BusinessActivityInput, EngagementRef } from '../../activities/context.ts';
import { createImportActivities, type ConvertOutput, type InspectOutput } from '../../activities/import/activities.ts';
import type { InspectionReport } from '../../activities/import/inspect.ts';
import type { Pool } from '../../db/pool.ts';
import { projectSchemaExists, selectAllProjectRows } from '../../db/project-schema.ts';
import { selectArtifactContent } from '../../db/queries/artifacts.ts';
import { createLogger } from '../../lib/logger.ts';
import { seedDemoData } from '../../scripts/demo-data.ts';
import { SPEC } from '../fixtures/import/spec.ts';
import { createTestDatabase } from '../helpers/database.ts';
import { stepRef, type EngagementOfSteps } from '../helpers/activity-environment.ts';
import { FIXTURES, insertImportEngagement } from './import-engagement.ts';

const SHAPEFILES = readdirSync(FIXTURES).filter((name) =>
  /^chuhuiv_(pipes|fittings)\.(shp|shx|dbf|prj|cpg)$/.test(name),
);
const ALL = readdirSync(FIXTURES).filter((name) => name.startsWith('chuhuiv_'));

let pool: Pool;
let activities: ReturnType<typeof createImportActivities>;
let engagementId: string;
let engagement: EngagementOfSteps;
const PROJECT = 'vodokanal-main';

beforeAll(async () => {
  ({ pool } = await createTestDatabase());
  await seedDemoData(pool);
  engagement = await insertImportEngagement(pool, PROJECT, ALL);
  engagementId = engagement.id;
  activities = createImportActivities({ pool, logger: createLogger('silent', 'test'), vendorVatPayer: true });
});

afterAll(async () => {
  await pool?.end();
});

const engagementRef = (stepId: string, iteration = '1'): EngagementRef => stepRef(engagement, stepId, iteration);

function run<I, O>(
  activity: (arg: BusinessActivityInput<I>) => Promise<O>,
  arg: BusinessActivityInput<I>,
  { heartbeats = [] as unknown[], heartbeatDetails }: { heartbeats?: unknown[]; heartbeatDetails?: unknown } = {},
): Promise<O> {
  const env = new MockActivityEnvironment(heartbeatDetails === undefined ? {} : { heartbeatDetails });
  env.on('heartbeat', (details: unknown) => heartbeats.push(details));
  return env.run(activity, arg) as Promise<O>;
}

async function inspect(stepId: string, files: string[], hints: { crs?: string; encoding?: string } = {}) {
  return run(activities['import.inspectSource'], {
    input: { projectId: PROJECT, files, hints },
    engagement: engagementRef(stepId),
  });
}

async function fullReport(output: InspectOutput): Promise<InspectionReport> {
  return JSON.parse((await selectArtifactContent(pool, output.report.id))!.toString('utf8')) as InspectionReport;
}

describe('import.inspectSource', () => {
  it('when every format is inspected, then formats, counts, encodings, CRSs and axes are found', async () => {
    const output = await inspect('inspect-all', ALL, { crs: 'EPSG:7829' });
    const layers = output.datasets.map((d) =>
      d.layers.map(
        (l) =>
          `${d.name} ${d.format} ${d.encoding} ${l.name} ${l.features} ${l.geometryType} ${l.crs} ${l.axes} ${l.zone}`,
      ),
    );
    expect(layers.flat()).toEqual([
      'chuhuiv_fittings.shp ESRI Shapefile CP1251 chuhuiv_fittings 8 Point EPSG:7829 as-given 5',
      'chuhuiv_hydrants.csv CSV CP866 chuhuiv_hydrants 2 Point EPSG:7829 swapped 5',
      'chuhuiv_pipes.dxf DXF CP1252 entities 12 LineString EPSG:7829 as-given 5',
      'chuhuiv_pipes.mif MapInfo MIF CP1251 chuhuiv_pipes 16 LineString EPSG:7829 as-given 5',
      'chuhuiv_pipes.shp ESRI Shapefile CP1251 chuhuiv_pipes 16 LineString EPSG:7829 as-given 5',
      'chuhuiv_wells.geojson GeoJSON UTF-8 chuhuiv_wells 2 Point EPSG:4326 as-given null',
    ]);
    expect(output.crs).toEqual(['EPSG:4326', 'EPSG:7829']);
    expect(output.warnings).toContain(
      'chuhuiv_hydrants.csv layer chuhuiv_hydrants: X and Y are swapped (northing first); the conversion swaps them back',
    );

    const report = await fullReport(output);
    const layer = (file: string) => report.datasets.find((d) => d.name === file)!;
    // Encodings from their headers: .cpg, the DBF language driver byte, the MIF Charset; the CSV from its bytes.
    expect(layer('chuhuiv_pipes.shp').encoding).toMatchObject({ encoding: 'CP1251', source: 'cpg' });
    expect(layer('chuhuiv_fittings.shp').encoding).toMatchObject({ encoding: 'CP1251', source: 'dbf-ldid' });
    expect(layer('chuhuiv_pipes.mif').encoding).toMatchObject({ encoding: 'CP1251', detail: 'WindowsCyrillic' });
    expect(layer('chuhuiv_hydrants.csv').encoding).toMatchObject({ encoding: 'CP866', source: 'content' });
    expect(layer('chuhuiv_pipes.mif').coordSys).toBe(
      'CoordSys Earth Projection 8, 1001, "m", 35.5, 0.0833333333333333, 1, 5300000, 0',
    );
    // Cyrillic round-trips from each encoding.
    expect(layer('chuhuiv_pipes.shp').layers[0]!.sample[0]).toMatchObject({
      MATERIAL: 'чавун',
      STREET: 'вул. Харківська',
      INV_NO: 'ВК-0001',
    });
    expect(layer('chuhuiv_pipes.mif').layers[0]!.sample[2]).toMatchObject({
      MATERIAL: 'сталь',
      STREET: 'пров. Садовий',
    });
    expect(layer('chuhuiv_fittings.shp').layers[0]!.sample[0]).toMatchObject({ TYPE: 'засувка', NAME: 'З-1' });
    expect(layer('chuhuiv_hydrants.csv').layers[0]!.sample[0]).toEqual({ NOM: 'ПГ-1', ADRESA: 'вул. Соборна, 12' });
    expect(layer('chuhuiv_wells.geojson').layers[0]!.sample[0]).toMatchObject({ TYPE: 'колодязь' });
    // CRS: by the .prj's EPSG authority, by the MIF CoordSys parameters, by the hint for the CSV and DXF.
    expect(layer('chuhuiv_pipes.shp').layers[0]!.crs).toMatchObject({
      code: 'EPSG:7829',
      by: 'authority',
      source: 'prj',
    });
    expect(layer('chuhuiv_pipes.mif').layers[0]!.crs).toMatchObject({
      code: 'EPSG:7829',
      by: 'parameters',
      source: 'mif-coordsys',
    });
    expect(layer('chuhuiv_pipes.dxf').layers[0]!.crs).toMatchObject({ code: 'EPSG:7829', source: 'hint' });
    expect(layer('chuhuiv_pipes.shp').layers[0]!.geometryTypes).toEqual({ LineString: 15, null: 1 });
    expect(layer('chuhuiv_pipes.shp').layers[0]!.extent).toEqual([5385400, 5514070, 5385770, 5514440]);
    expect(layer('chuhuiv_pipes.shp').layers[0]!.fields.map((f) => `${f.name}:${f.type}`)).toEqual([
      'ID:Integer',
      'DN:Integer',
      'MATERIAL:String',
      'STREET:String',
      'YEAR:Integer',
      'INV_NO:String',
    ]);
  });

  it('when the CSV comes without a CRS hint, then the zone is read but the axis order is left open', async () => {
    const output = await inspect('inspect-csv', ['chuhuiv_hydrants.csv']);
    expect(output.datasets[0]!.layers[0]).toMatchObject({ crs: null, axes: 'ambiguous', zone: 5 });
    expect(output.warnings).toEqual([
      'chuhuiv_hydrants.csv layer chuhuiv_hydrants: no CRS in the source and no hint; give sourceCrs in the mapping spec',
      'chuhuiv_hydrants.csv layer chuhuiv_hydrants: axis order fits several CRSs (EPSG:5563, EPSG:28405, EPSG:7829); name the CRS to decide',
    ]);
  });

  it('when a file was not uploaded, then the step fails without retries naming it', async () => {
    await expect(inspect('inspect-missing', ['nowhere.shp'])).rejects.toMatchObject({
      type: 'upload-missing',
      nonRetryable: true,
    });
  });

  it('when the same step runs twice, then the stored inspection is returned', async () => {
    const first = await inspect('inspect-twice', SHAPEFILES);
    const second = await inspect('inspect-twice', SHAPEFILES);
    expect(second).toEqual(first);
  });
});

describe('import.convert', () => {
  let inspection: InspectOutput;
  beforeAll(async () => {
    inspection = await inspect('inspect', SHAPEFILES);
  });

  const convert = (
    stepId: string,
    mode: 'sample' | 'full',
    extra: Record<string, unknown> = {},
    heartbeatDetails?: unknown,
    heartbeats?: unknown[],
  ) =>
    run(
      activities['import.convert'],
      {
        input: { projectId: PROJECT, mode, spec: SPEC, inspection, targetCrs: 'EPSG:9858', ...extra },
        engagement: engagementRef(stepId),
      },
      { heartbeatDetails, heartbeats },
    );

  const counts = (output: ConvertOutput) => output.layers.map((l) => `${l.target} ${l.in}/${l.out}/${l.rejected}`);

  it('when the sample is converted, then a bounded trial schema holds the first features of each layer', async () => {
    const output = await convert('trial', 'sample', { sampleSize: 5 });
    expect(output.schema).toMatch(/^trial_[0-9a-f]{16}$/);
    expect(counts(output)).toEqual([
      'water_pipe 5/5/0',
      'water_valve 4/3/1',
      'water_hydrant 2/2/0',
      'water_well 2/2/0',
    ]);
    const features = await selectAllProjectRows(pool, output.schema, 'features');
    expect(features.filter((f) => f.layer === 'water_pipe')).toHaveLength(5);
    // A trial does not create the project schema; only the full conversion does (first import).
    expect(await projectSchemaExists(pool, 'project_vodokanal_main')).toBe(false);
  });

  it('when everything is converted, then counts and rejects match the fixture and pipes are noded', async () => {
    const heartbeats: unknown[] = [];
    const output = await convert('convert', 'full', {}, undefined, heartbeats);
    expect(output.schema).toMatch(/^import_[0-9a-f]{16}$/);
    expect(output.targetCrs).toBe('EPSG:9858');
    expect(counts(output)).toEqual([
      'water_pipe 16/12/4',
      'water_valve 4/3/1',
      'water_hydrant 2/2/0',
      'water_well 2/2/0',
    ]);
    expect(output.totals).toEqual({ in: 24, out: 19, rejected: 5, junctions: 2 });
    expect(heartbeats.length).toBeGreaterThanOrEqual(4);

    const csv = (await selectArtifactContent(pool, output.rejects.id))!.toString('utf8');
    expect(
      csv
        .replace(/^\uFEFF/, '')
        .trim()
        .split('\r\n'),
    ).toEqual([
      'feature;source;target;reason',
      'chuhuiv_pipes.shp#13;chuhuiv_pipes.shp:chuhuiv_pipes;water_pipe;no geometry',
      'chuhuiv_pipes.shp#14;chuhuiv_pipes.shp:chuhuiv_pipes;water_pipe;zero-length pipe',
      'chuhuiv_pipes.shp#15;chuhuiv_pipes.shp:chuhuiv_pipes;water_pipe;"unknown material code ""азбестоцемент"" in field MATERIAL"',
      'chuhuiv_pipes.shp#16;chuhuiv_pipes.shp:chuhuiv_pipes;water_pipe;diameter 137 mm is not in the diameter dictionary',
      'chuhuiv_fittings.shp#8;chuhuiv_fittings;water_valve;no geometry',
    ]);

    const sections = await selectAllProjectRows(pool, output.schema, 'sections');
    const nodes = await selectAllProjectRows(pool, output.schema, 'nodes');
    const features = await selectAllProjectRows(pool, output.schema, 'features');
    expect(sections).toHaveLength(12);
    const nodeIds = new Set(nodes.map((n) => n.id));
    for (const s of sections) {
      expect(nodeIds.has(s.fromNode!)).toBe(true);
      expect(nodeIds.has(s.toNode!)).toBe(true);
    }
    // 9 grid nodes: 3 valves (0.2 m off, snapped), 2 hydrants, 2 wells and 2 junctions made at the ends.
    const used = new Set(sections.flatMap((s) => [s.fromNode, s.toNode]));
    expect(used.size).toBe(9);
    expect(
      nodes
        .filter((n) => n.kind === 'junction')
        .map((n) => n.id)
        .sort(),
    ).toEqual(['chuhuiv_pipes.shp#3/from', 'chuhuiv_pipes.shp#4/to']);
    const first = sections.find((s) => s.id === 'chuhuiv_pipes.shp#1')!;
    expect(first).toMatchObject({
      network: 'water',
      diameterMm: 150,
      material: 'CI',
      installYear: 1967,
      roughnessMm: 1,
    });
    expect(first.fromNode).toBe('chuhuiv_fittings.shp#1'); // the valve З-1, 0.2 m away
    // 150 m less the 0.2 m the start moved to the valve, at SK-63 → LCS-63 scale.
    expect(first.lengthM).toBeGreaterThan(149.7);
    expect(first.lengthM).toBeLessThan(149.9);
    const pipe = features.find((f) => f.id === 'chuhuiv_pipes.shp#1')!;
    expect(pipe).toMatchObject({ inventoryNumber: 'ВК-0001', attributes: { street: 'вул. Харківська' } });
    // Reprojected from SK-63 X5 into LCS-63 Kharkiv (easting about 313 600 near Chuhuiv).
    const [x, y] = (pipe.geometry as { coordinates: [number, number][] }).coordinates[0]!;
    expect(x).toBeGreaterThan(313_000);
    expect(x).toBeLessThan(314_500);
    expect(y).toBeGreaterThan(5_522_000);
    expect(y).toBeLessThan(5_523_500);
    const passports = await selectAllProjectRows(pool, output.schema, 'passports');
    expect(passports.find((p) => p.id === 'P-chuhuiv_pipes.shp#1')!.attributes).toMatchObject({ MATERIAL: 'чавун' });
    // The first full import creates the project schema (empty, with the catalog) for the backup.
    expect(await projectSchemaExists(pool, 'project_vodokanal_main')).toBe(true);
    expect(await selectAllProjectRows(pool, 'project_vodokanal_main', 'features')).toEqual([]);
  });

  it('when a conversion is retried after a crash mid-way, then it resumes and converges on the same rows', async () => {
    const heartbeats: unknown[] = [];
    const first = await convert('resume-a', 'full', {}, undefined, heartbeats);
    // The state after the valves: what a retry of a step that crashed there would get back.
    const afterValves = heartbeats.find(
      (h) => (h as { done?: unknown[] }).done?.length === 1 && (h as { current: unknown }).current === null,
    );
    expect(afterValves).toBeDefined();
    const rows = async (schema: string) =>
      Promise.all(
        (['features', 'nodes', 'sections', 'passports'] as const).map((t) => selectAllProjectRows(pool, schema, t)),
      );
    const before = await rows(first.schema);
    // Run the same step again as its retry: the rows stay and nothing is duplicated.
    await pool.query(`DELETE FROM artifacts WHERE engagement_id = $1 AND step_id = 'resume-a'`, [engagementId]);
    const retried = await convert('resume-a', 'full', {}, afterValves);
    expect(retried.schema).toBe(first.schema);
    expect(counts(retried)).toEqual(counts(first));
    expect(retried.totals).toEqual(first.totals);
    expect(await rows(first.schema)).toEqual(before);
  });

  it('when the spec names an unknown layer, then the step fails without retries saying so', async () => {
    await expect(
      convert('bad-spec', 'full', { spec: { layers: [{ source: 'nothing', target: 'water_pipe' }] } }),
    ).rejects.toMatchObject({ type: 'mapping-spec-invalid', nonRetryable: true });
  });
});

describe('import.checkIntegrity and import.buildReport', () => {
  it('when the converted schema is checked and reported, then findings and the report are stored', async () => {
    const inspection = await inspect('inspect-r', SHAPEFILES);
    const conversion = await run(activities['import.convert'], {
      input: { projectId: PROJECT, mode: 'full', spec: SPEC, inspection, targetCrs: 'EPSG:9858' },
      engagement: engagementRef('convert-r'),
    });
    const integrity = await run(activities['import.checkIntegrity'], {
      input: { projectId: PROJECT, run: conversion },
      engagement: engagementRef('integrity-r'),
    });
    expect(integrity.schema).toBe(conversion.schema);
    // The import has no source and the junctions it made have no passports: for the fix step.
    expect(integrity).toMatchObject({ total: 3, critical: 1, major: 2, minor: 0, info: 0 });
    expect(integrity.byRule).toEqual({ 'missing-source': 1, 'missing-passport': 2 });

    const built = await run(activities['import.buildReport'], {
      input: {
        projectId: PROJECT,
        inspection,
        conversion,
        integrity,
        spec: SPEC,
        backup: { schema: 'backup_0123456789abcdef', sha256: 'ab'.repeat(32), source: 'project_vodokanal_main' },
      },
      engagement: engagementRef('deliverables-r'),
    });
    const md = (await selectArtifactContent(pool, built.report.id))!.toString('utf8');
    expect(md).toContain('| chuhuiv_pipes.shp:chuhuiv_pipes | water_pipe | 16 | 12 | 4 | 2 |');
    expect(md).toContain(
      '| chuhuiv_pipes.shp#15 | chuhuiv_pipes.shp:chuhuiv_pipes | water_pipe | unknown material code "азбестоцемент" in field MATERIAL |',
    );
    expect(md).toContain('backup_0123456789abcdef');
    expect(md).toContain('"сталь": "ST"');
    expect(built.totals).toEqual(conversion.totals);
  });
});
