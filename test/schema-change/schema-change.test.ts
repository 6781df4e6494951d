/**
 * `schema.applyChange` against a real PostgreSQL database of this file's own: change sets applied
 * on a staging copy and on the project through the Temporal activity environment, with the values
 * they convert, archive and refuse, and the reverse change set restoring the project exactly.
 */
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSchemaChangeActivities, type ApplyChangeInput } from '../../activities/schema-change/activities.ts';
import { checksumSchema } from '../../activities/audit/project-data.ts';
import { checksumClassAttributes, ensureClassAttributes, selectClassAttributes } from '../../db/class-attributes.ts';
import type { Pool } from '../../db/pool.ts';
import { loadProjectData, projectSchemaName, type ProjectData } from '../../db/project-schema.ts';
import { createLogger } from '../../lib/logger.ts';
import { stepSchema } from '../../activities/project-schemas.ts';
import { seedDemoData } from '../../scripts/demo-data.ts';
import {
  activityEnvironment,
  insertActivityEngagement,
  runActivity,
  stepRef,
  type EngagementOfSteps,
} from '../helpers/activity-environment.ts';
import { createTestDatabase } from '../helpers/database.ts';

const PROJECT = 'vodokanal-main';
const SCHEMA = projectSchemaName(PROJECT);

/** Pipes with an install year kept as text (one of them mistyped), valves, and a dictionary of materials. */
function project(): ProjectData {
  const pipe = (id: string, year: string, extra: Record<string, unknown> = {}) => ({
    id,
    layer: 'water_pipe',
    geometry: null,
    attributes: { installYear: year, owner: 'KP Vodokanal', ...extra },
    inventoryNumber: `INV-${id}`,
    passportRef: null,
  });
  return {
    crs: { epsg: 9858, name: 'UCS-2000 / LCS-63 Kharkiv' },
    layers: [
      { code: 'water_pipe', name: 'water pipes', geometryType: 'LineString', kind: 'section', passportRequired: true },
      { code: 'water_valve', name: 'water valves', geometryType: 'Point', kind: 'node', passportRequired: true },
    ],
    dictionaries: [
      { dictionary: 'material', code: 'steel', name: 'steel', value: null, networks: ['water'] },
      { dictionary: 'material', code: 'pe', name: 'polyethylene', value: null, networks: ['water'] },
    ],
    features: [
      pipe('P1', '1985', { depthM: 1.5 }),
      pipe('P2', '2001'),
      pipe('P3', '19б5'),
      pipe('P4', ' 1972 '),
      {
        id: 'V1',
        layer: 'water_valve',
        geometry: null,
        attributes: { kind: 'valve' },
        inventoryNumber: null,
        passportRef: null,
      },
    ],
    nodes: [{ id: 'V1', kind: 'valve', load: null }],
    sections: [],
    passports: [{ id: 'PP1', attributes: { owner: 'KP Vodokanal' } }],
  };
}

let pool: Pool;
let engagement: EngagementOfSteps;
let activities: ReturnType<typeof createSchemaChangeActivities>;

beforeAll(async () => {
  ({ pool } = await createTestDatabase());
  await seedDemoData(pool);
  engagement = await insertActivityEngagement(pool, {
    definitionId: 'schema-change',
    definitionVersion: 2,
    serviceCode: 'X-SCHEMA',
    customerId: 'kp-vodokanal',
    projectId: PROJECT,
    params: { projectId: PROJECT },
  });
  await loadProjectData(pool, SCHEMA, project());
  // A depth as the customer's database stores it: JSON keeps the trailing zero a JavaScript number would drop.
  await pool.query(`UPDATE ${SCHEMA}.features SET attributes = attributes || '{"depthM": 1.50}' WHERE id = 'P1'`);
  activities = createSchemaChangeActivities({ pool, logger: createLogger('silent', 'test'), vendorVatPayer: true });
});

afterAll(async () => {
  await pool?.end();
});

const apply = (stepId: string, input: Omit<ApplyChangeInput, 'projectId'>) =>
  runActivity(activityEnvironment(), activities['schema.applyChange'], {
    input: { projectId: PROJECT, ...input },
    engagement: stepRef(engagement, stepId),
  });

async function canonical(schema: string): Promise<string> {
  const { sha256 } = await checksumSchema(pool, schema, () => undefined);
  return `${sha256}/${await checksumClassAttributes(pool, schema)}`;
}

async function values(schema: string, layer: string): Promise<Record<string, Record<string, unknown>>> {
  const { rows } = await pool.query<{ id: string; attributes: Record<string, unknown> }>(
    `SELECT id, attributes FROM ${schema}.features WHERE layer = $1 ORDER BY id`,
    [layer],
  );
  return Object.fromEntries(rows.map((r) => [r.id, r.attributes]));
}

const RETYPE_YEAR = {
  classes: [{ class: 'water_pipe', operations: [{ op: 'retype', attribute: 'installYear', type: 'year' }] }],
};

describe('schema.applyChange', () => {
  it('when the project schema is migrated, then each class has its attribute set seeded from its objects', async () => {
    // The project was loaded after its schema was created: migration 0002 runs again, as the migrate step would.
    await ensureClassAttributes(pool, SCHEMA);
    const seeded = await selectClassAttributes(pool, SCHEMA);
    expect(seeded.map((a) => `${a.layer}.${a.name}:${a.type}:${a.required}`)).toEqual(
      expect.arrayContaining([
        'water_pipe.installYear:string:true',
        'water_pipe.owner:string:true',
        'water_pipe.depthM:number:false',
      ]),
    );
  });

  it('when a retype meets 19б5 as a year, then the value is listed and neither staging nor the project keeps anything', async () => {
    const before = await canonical(SCHEMA);
    const out = await apply('stage-refused', { changeSet: RETYPE_YEAR });
    expect(out.applied).toBe(false);
    expect(out.unconvertibleCount).toBe(1);
    expect(out.unconvertible).toEqual([
      { object: 'P3', class: 'water_pipe', attribute: 'installYear', value: '19б5', reason: 'not convertible to year' },
    ]);
    expect(await canonical(SCHEMA)).toBe(before);
    expect(out.schema).toBe(SCHEMA);
    const staging = stepSchema('staging', stepRef(engagement, 'stage-refused'));
    const { rows } = await pool.query(`SELECT 1 FROM pg_namespace WHERE nspname = $1`, [staging]);
    expect(rows, 'the staging copy was rolled back with the change').toHaveLength(0);
  });

  it('when the change set says to clear what does not convert, then staging converts the rest and archives the cleared value', async () => {
    const changeSet = {
      classes: [
        {
          class: 'water_pipe',
          operations: [
            { op: 'setRequired', attribute: 'installYear', required: false },
            { op: 'retype', attribute: 'installYear', type: 'year', onUnconvertible: 'clear' },
          ],
        },
      ],
    };
    const before = await canonical(SCHEMA);
    const out = await apply('stage-clear', { changeSet });
    expect(out.applied, JSON.stringify(out.unconvertible)).toBe(true);
    expect(out.schema).toMatch(/^staging_/);
    const staged = await values(out.schema, 'water_pipe');
    expect(Object.fromEntries(Object.entries(staged).map(([id, a]) => [id, a.installYear]))).toEqual({
      P1: 1985,
      P2: 2001,
      P3: undefined,
      P4: 1972,
    });
    const { rows } = await pool.query(
      `SELECT object_id, before_value, after_present FROM ${out.schema}.attribute_archive WHERE object_id = 'P3'`,
    );
    expect(rows).toEqual([{ object_id: 'P3', before_value: '19б5', after_present: false }]);
    expect(await canonical(SCHEMA), 'the project is untouched by staging').toBe(before);
  });

  it('when an attribute with a default is added, then every object of the class has it, and the reverse change set restores the project exactly', async () => {
    const before = await canonical(SCHEMA);
    const originalValues = await values(SCHEMA, 'water_pipe');
    const changeSet = {
      classes: [
        {
          class: 'water_pipe',
          operations: [
            {
              op: 'add',
              attribute: 'material',
              type: 'string',
              dictionary: 'material',
              required: true,
              default: 'steel',
            },
            { op: 'rename', attribute: 'owner', to: 'operator' },
            { op: 'remove', attribute: 'depthM' },
            { op: 'retype', attribute: 'installYear', type: 'year', onUnconvertible: 'default', default: 1900 },
          ],
        },
      ],
    };
    const staged = await apply('stage', { changeSet });
    expect(staged.applied, JSON.stringify(staged.unconvertible)).toBe(true);
    const applied = await apply('apply', { changeSet, on: 'project', staged });
    expect(applied).toMatchObject({ applied: true, schema: SCHEMA, changeId: staged.changeId });
    expect(applied.dataChecksumAfter).toBe(staged.dataChecksumAfter);

    const changed = await values(SCHEMA, 'water_pipe');
    expect(Object.values(changed).every((a) => a.material === 'steel')).toBe(true);
    expect(Object.values(changed).every((a) => a.operator === 'KP Vodokanal' && !('owner' in a))).toBe(true);
    expect(changed.P1).not.toHaveProperty('depthM');
    expect((await values(SCHEMA, 'water_valve')).V1).toEqual({ kind: 'valve' });
    const attributes = await selectClassAttributes(pool, SCHEMA, ['water_pipe']);
    expect(attributes.map((a) => `${a.name}:${a.type}:${a.required}`)).toEqual([
      'installYear:year:true',
      'operator:string:true',
      'material:string:true',
    ]);
    expect(applied.reverse).toMatchObject({ reverses: applied.changeId });
    expect(applied.reverse.classes[0]!.operations.map((o) => o.op)).toEqual(['retype', 'add', 'rename', 'remove']);

    // The reverse change set, staged and applied like any other, gives back the project as it was.
    const unstaged = await apply('reverse-stage', { changeSet: applied.reverse });
    expect(unstaged.applied).toBe(true);
    const reversed = await apply('reverse-apply', { changeSet: applied.reverse, on: 'project', staged: unstaged });
    expect(reversed.applied).toBe(true);
    expect(await values(SCHEMA, 'water_pipe')).toEqual(originalValues);
    expect(await canonical(SCHEMA)).toBe(before);
    const { rows } = await pool.query(`SELECT attributes->>'depthM' AS depth FROM ${SCHEMA}.features WHERE id = 'P1'`);
    expect(rows[0].depth, 'the stored JSON comes back as it was stored').toBe('1.50');
  });

  it('when the step is retried, then it returns what the first attempt stored and applies nothing twice', async () => {
    const first = await apply('retried', { changeSet: RETYPE_YEAR });
    const { rows } = await pool.query(
      `SELECT count(*)::int AS n FROM artifacts WHERE engagement_id = $1 AND step_id = 'retried'`,
      [engagement.id],
    );
    const again = await apply('retried', { changeSet: RETYPE_YEAR });
    expect(again).toEqual(first);
    const after = await pool.query(
      `SELECT count(*)::int AS n FROM artifacts WHERE engagement_id = $1 AND step_id = 'retried'`,
      [engagement.id],
    );
    expect(after.rows[0].n).toBe(rows[0].n);
  });

  it('when a change set names an attribute the class lacks, then the step fails without retries, naming where', async () => {
    const error = await apply('bad', {
      changeSet: { classes: [{ class: 'water_pipe', operations: [{ op: 'remove', attribute: 'colour' }] }] },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApplicationFailure);
    expect(error).toMatchObject({ type: 'change-set-invalid', nonRetryable: true });
    expect((error as Error).message).toContain(
      'changeSet.classes.0.operations.0: class water_pipe has no attribute colour',
    );
  });
});
