/**
 * Project migrations against a real PostgreSQL database: a schema laid out before node elevation
 * existed is brought up to date by the migrate step, a new schema gets the migrations when it is
 * created, and nothing is applied twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../db/migrate.ts';
import type { Pool } from '../../db/pool.ts';
import { projectMigrations } from '../../db/project-migrations.ts';
import { createProjectSchema, loadProjectData, selectAllProjectRows } from '../../db/project-schema.ts';
import { createTestDatabase } from '../helpers/database.ts';

let pool: Pool;
let url: string;

beforeAll(async () => {
  ({ pool, url } = await createTestDatabase());
});
afterAll(async () => {
  await pool?.end();
});

async function columns(schema: string): Promise<string[]> {
  const { rows } = await pool.query<{ column_name: string }>(
    `SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'nodes' ORDER BY 1`,
    [schema],
  );
  return rows.map((r) => r.column_name);
}

async function recorded(schema: string): Promise<string[]> {
  const { rows } = await pool.query<{ name: string }>(`SELECT name FROM ${schema}.project_migrations ORDER BY version`);
  return rows.map((r) => r.name);
}

describe('project migrations', () => {
  it('when a project schema is created, then it has node elevation and records every migration', async () => {
    await createProjectSchema(pool, 'project_fresh');
    expect(await columns('project_fresh')).toContain('elevation_m');
    expect(await recorded('project_fresh')).toEqual(projectMigrations().map((m) => m.name));
    await loadProjectData(pool, 'project_fresh', {
      crs: null,
      layers: [],
      dictionaries: [],
      features: [],
      nodes: [
        { id: 'N-1', kind: 'junction', load: null, elevationM: 112.4 },
        { id: 'N-2', kind: 'junction', load: null },
      ],
      sections: [],
      passports: [],
    });
    const nodes = await selectAllProjectRows(pool, 'project_fresh', 'nodes');
    expect(nodes.map((n) => n.elevationM)).toEqual([112.4, null]);
  });

  it('when project schemas and copies from before the migration exist, then the migrate step brings each up to date once', async () => {
    // The layout before migration 0001: nodes without elevation and no record of migrations.
    for (const schema of ['project_old', 'staging_0123456789abcdef']) {
      await createProjectSchema(pool, schema);
      await pool.query(`ALTER TABLE ${schema}.nodes DROP COLUMN elevation_m; DROP TABLE ${schema}.project_migrations`);
      await pool.query(`INSERT INTO ${schema}.nodes (id, kind, load) VALUES ('N-1', 'junction', null)`);
    }
    await pool.query('CREATE SCHEMA unrelated; CREATE TABLE unrelated.nodes (id text)');
    expect(await columns('project_old')).not.toContain('elevation_m');

    const applied = await migrate(url);
    expect(applied).toEqual(
      expect.arrayContaining(['project_old: 0001_node_elevation', 'staging_0123456789abcdef: 0001_node_elevation']),
    );
    expect(applied.filter((line) => line.startsWith('project_fresh') || line.startsWith('unrelated'))).toEqual([]);
    for (const schema of ['project_old', 'staging_0123456789abcdef']) {
      expect(await columns(schema)).toContain('elevation_m');
      expect(await recorded(schema)).toEqual(projectMigrations().map((m) => m.name));
      const nodes = await selectAllProjectRows(pool, schema, 'nodes');
      expect(nodes).toEqual([{ id: 'N-1', kind: 'junction', load: null, elevationM: null }]);
    }
    expect(await migrate(url)).toEqual([]);
  });
});
