/**
 * `workstation.applyConfiguration` against a real PostgreSQL database of this file's own: a function
 * matrix becomes roles, grants and district policies; probes under each role show exactly the
 * matrix; a repeated apply issues nothing; a GRANT made by hand is drift. Roles are cluster-wide and
 * named per database and project; this file drops its own at the end.
 */
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkstationActivities, type ApplyConfigurationInput } from '../../activities/workstations/activities.ts';
import { rolePrefix, type WorkstationFunction } from '../../activities/workstations/functions.ts';
import type { ProbeResult } from '../../activities/workstations/probes.ts';
import type { Pool } from '../../db/pool.ts';
import { loadProjectData, projectSchemaName } from '../../db/project-schema.ts';
import { selectArtifactContent } from '../../db/queries/artifacts.ts';
import { dropRolesWithPrefix } from '../../db/workstation-access.ts';
import { createLogger } from '../../lib/logger.ts';
import { seedDemoData } from '../../scripts/demo-data.ts';
import { networkFixture } from '../fixtures/networks/load.ts';
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

/** A dispatcher of the north district, a network engineer of every district, and a billing operator by columns. */
const FUNCTIONS: WorkstationFunction[] = [
  {
    name: 'dispatcher',
    districts: ['north'],
    tables: { features: ['select', 'insert', 'update'], nodes: ['select'] },
    columns: { nodes: { update: ['kind'] } },
  },
  {
    name: 'network_engineer',
    tables: { features: ['select', 'insert', 'update', 'delete'], sections: ['select', 'update'] },
  },
  { name: 'billing_operator', tables: { dictionaries: ['select'] }, columns: { nodes: { select: ['id', 'load'] } } },
];

let pool: Pool;
let engagement: EngagementOfSteps;
let prefix: string;
let activities: ReturnType<typeof createWorkstationActivities>;

beforeAll(async () => {
  ({ pool } = await createTestDatabase());
  await seedDemoData(pool);
  engagement = await insertActivityEngagement(pool, {
    definitionId: 'workstations',
    definitionVersion: 2,
    serviceCode: 'X-WS',
    customerId: 'kp-vodokanal',
    projectId: PROJECT,
    params: { projectId: PROJECT },
  });
  const data = networkFixture('clean').data;
  // Half the objects in the north district, half in the south.
  data.features = data.features.map((f, i) => ({
    ...f,
    attributes: { ...f.attributes, district: i % 2 ? 'north' : 'south' },
  }));
  await loadProjectData(pool, SCHEMA, data);
  const { rows } = await pool.query<{ db: string }>('SELECT current_database() AS db');
  prefix = rolePrefix(rows[0]!.db, SCHEMA);
  activities = createWorkstationActivities({ pool, logger: createLogger('silent', 'test'), vendorVatPayer: true });
});

afterAll(async () => {
  if (pool && prefix) await dropRolesWithPrefix(pool, prefix);
  await pool?.end();
});

const configure = (stepId: string, input: Omit<ApplyConfigurationInput, 'projectId'>) =>
  runActivity(activityEnvironment(), activities['workstation.applyConfiguration'], {
    input: { projectId: PROJECT, ...input },
    engagement: stepRef(engagement, stepId),
  });

async function probesOf(artifactId: number): Promise<ProbeResult[]> {
  return (JSON.parse((await selectArtifactContent(pool, artifactId))!.toString('utf8')) as { probes: ProbeResult[] })
    .probes;
}

describe('workstation.applyConfiguration', () => {
  it('when a matrix is applied, then each function can do exactly what it says and gets 42501 otherwise, other districts included', async () => {
    const out = await configure('configure', { functions: FUNCTIONS });
    expect(out.statementCount).toBeGreaterThan(10);
    expect(out.roles).toEqual({
      dispatcher: `${prefix}dispatcher`,
      network_engineer: `${prefix}network_engineer`,
      billing_operator: `${prefix}billing_operator`,
    });
    const probes = await probesOf(out.matrix.id);
    expect(probes.filter((p) => !p.ok)).toEqual([]);
    expect(out.mismatches).toBe(0);
    const find = (fn: string, table: string, action: string, column?: string) =>
      probes.find((p) => p.function === fn && p.table === table && p.action === action && p.column === column);
    expect(find('dispatcher', 'features', 'delete')).toMatchObject({ expected: 'denied', actual: 'denied' });
    expect(find('dispatcher', 'features', 'insert a row of another district')).toMatchObject({ actual: 'denied' });
    expect(find('dispatcher', 'features', 'move a row to another district')).toMatchObject({ actual: 'denied' });
    expect(find('dispatcher', 'features', 'select rows of another district')).toMatchObject({ actual: 'hidden' });
    expect(find('dispatcher', 'features', 'insert a row of its district')).toMatchObject({ actual: 'allowed' });
    expect(find('dispatcher', 'nodes', 'update column', 'kind')).toMatchObject({ actual: 'allowed' });
    expect(find('dispatcher', 'nodes', 'update column', 'id')).toMatchObject({ actual: 'denied' });
    expect(find('billing_operator', 'nodes', 'select')).toMatchObject({ actual: 'denied' });
    expect(find('billing_operator', 'nodes', 'select column', 'load')).toMatchObject({ actual: 'allowed' });
    expect(find('network_engineer', 'passports', 'select')).toMatchObject({ actual: 'denied' });
  });

  it('when the dispatcher reads features under its role, then it sees the north district only', async () => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`SET LOCAL ROLE "${prefix}dispatcher"`);
      const { rows } = await client.query(
        `SELECT DISTINCT attributes->>'district' AS district FROM ${SCHEMA}.features ORDER BY 1`,
      );
      expect(rows).toEqual([{ district: 'north' }]);
      const denied = await client.query(`DELETE FROM ${SCHEMA}.features`).catch((e: { code: string }) => e);
      expect(denied).toMatchObject({ code: '42501' });
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });

  it('when the same matrix is applied again, then no statement is issued', async () => {
    const again = await configure('configure-again', { functions: FUNCTIONS });
    expect(again.statementCount).toBe(0);
    expect(again.drift).toEqual([]);
    expect(again.mismatches).toBe(0);
  });

  it('when someone grants by hand, then the next apply reports it as drift, and revokes it unless told to leave it', async () => {
    await pool.query(`GRANT DELETE ON ${SCHEMA}.passports TO "${prefix}dispatcher"`);
    const reported = await configure('drift-report', { functions: FUNCTIONS, drift: 'report' });
    expect(reported.drift).toEqual([`DELETE on passports granted to ${prefix}dispatcher`]);
    expect(reported.statementCount).toBe(0);
    const revoked = await configure('drift-revoke', { functions: FUNCTIONS });
    expect(revoked.drift).toEqual([`DELETE on passports granted to ${prefix}dispatcher`]);
    expect(revoked.statements).toEqual([`REVOKE DELETE ON "${SCHEMA}"."passports" FROM "${prefix}dispatcher"`]);
    const clean = await configure('after-revoke', { functions: FUNCTIONS });
    expect(clean.statementCount).toBe(0);
    expect(clean.drift).toEqual([]);
  });

  it('when a function lists members, then they are granted its role once, and a member added by hand is drift', async () => {
    const login = `wsm_${prefix.slice(3, 11)}_ivan`;
    const other = `wsm_${prefix.slice(3, 11)}_petro`;
    await pool.query(`CREATE ROLE "${login}" LOGIN; CREATE ROLE "${other}" LOGIN`);
    try {
      const withMember = FUNCTIONS.map((f) => (f.name === 'dispatcher' ? { ...f, members: [login] } : f));
      const granted = await configure('members', { functions: withMember });
      expect(granted.statements).toEqual([`GRANT "${prefix}dispatcher" TO "${login}"`]);
      await pool.query(`GRANT "${prefix}dispatcher" TO "${other}"`);
      const drifted = await configure('members-drift', { functions: withMember, drift: 'report' });
      expect(drifted.statementCount).toBe(0);
      expect(drifted.drift).toEqual([`${other} is a member of ${prefix}dispatcher`]);
    } finally {
      await pool.query(`DROP ROLE "${login}"; DROP ROLE "${other}"`);
    }
  });

  it('when a function names a column the table lacks, then the step fails without retries and nothing is applied', async () => {
    const error = await configure('bad', {
      functions: [{ name: 'viewer', tables: { features: ['select'] }, columns: { nodes: { select: ['colour'] } } }],
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApplicationFailure);
    expect(error).toMatchObject({ type: 'functions-invalid', nonRetryable: true });
    const { rowCount } = await pool.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [`${prefix}viewer`]);
    expect(rowCount).toBe(0);
  });
});
