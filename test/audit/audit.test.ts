/**
 * The X-AUDIT activities against a real PostgreSQL database of this file's own: the faulty Kharkiv
 * district is loaded into a project schema, audited through the Temporal activity environment, backed
 * up, restored to staging and diffed.
 */
import { createHash } from 'node:crypto';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeFile } from '../../activities/artifacts.ts';
import { createAuditActivities } from '../../activities/audit/activities.ts';
import { pgDumpBinary } from '../../activities/audit/pg-dump.ts';
import type { AuditReport } from '../../activities/audit/model.ts';
import type { BusinessActivityInput, EngagementRef } from '../../activities/context.ts';
import { stepSchema } from '../../activities/project-schemas.ts';
import type { Pool } from '../../db/pool.ts';
import { PROJECT_TABLES, loadProjectData, projectSchemaName } from '../../db/project-schema.ts';
import { selectArtifactContent, selectArtifactsOfEngagement } from '../../db/queries/artifacts.ts';
import { createLogger } from '../../lib/logger.ts';
import { seedDemoData } from '../../scripts/demo-data.ts';
import { networkFixture } from '../fixtures/networks/load.ts';
import { PLANTED_FAULTS } from '../fixtures/networks/planted.ts';
import { createTestDatabase } from '../helpers/database.ts';
import { poolFailingAtConnection } from '../helpers/failing-pool.ts';
import { insertActivityEngagement, stepRef, type EngagementOfSteps } from '../helpers/activity-environment.ts';

const fixture = networkFixture;

let pool: Pool;
let activities: ReturnType<typeof createAuditActivities>;
let engagementId: string;
let engagement: EngagementOfSteps;
const faulty = fixture('faulty');
const clean = fixture('clean');

beforeAll(async () => {
  ({ pool } = await createTestDatabase());
  await seedDemoData(pool);
  engagement = await insertActivityEngagement(pool, {
    definitionId: 'db-audit',
    definitionVersion: 1,
    serviceCode: 'X-AUDIT',
    customerId: 'kp-vodokanal',
    projectId: 'vodokanal-main',
    params: { projectId: 'vodokanal-main', database: 'vodokanal' },
  });
  engagementId = engagement.id;
  await loadProjectData(pool, projectSchemaName('vodokanal-main'), faulty.data);
  await loadProjectData(pool, 'project_vodokanal_clean', clean.data);
  activities = createAuditActivities({ pool, logger: createLogger('silent', 'test'), vendorVatPayer: true });
});

afterAll(async () => {
  await pool?.end();
});

const engagementRef = (stepId: string, iteration = '1'): EngagementRef => stepRef(engagement, stepId, iteration);

/** Runs an activity in the mock environment, keeping its input and output types. */
function run<I, O>(
  env: MockActivityEnvironment,
  activity: (arg: BusinessActivityInput<I>) => Promise<O>,
  arg: BusinessActivityInput<I>,
): Promise<O> {
  return env.run(activity, arg) as Promise<O>;
}

/** What `pg_restore --list` says of a dump, read from a temp file. */
async function restoreList(dump: Buffer): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'potik-dump-'));
  try {
    const file = join(dir, 'backup.dump');
    await writeFile(file, dump);
    const child = spawn('pg_restore', ['--list', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    const code = await new Promise<number | null>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', resolve);
    });
    expect(code, out).toBe(0);
    return out;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function environment(heartbeats: unknown[] = [], heartbeatDetails?: unknown): MockActivityEnvironment {
  const env = new MockActivityEnvironment(heartbeatDetails === undefined ? {} : { heartbeatDetails });
  env.on('heartbeat', (details: unknown) => heartbeats.push(details));
  return env;
}

describe('audit.run', () => {
  it('when the faulty district is audited, then every planted fault is found and the report is stored', async () => {
    const heartbeats: unknown[] = [];
    const output = await run(environment(heartbeats), activities['audit.run'], {
      input: { projectId: 'vodokanal-main', tolerance: faulty.tolerance, previousCounts: faulty.previousCounts },
      engagement: engagementRef('audit'),
    });
    expect(output).toMatchObject({
      schema: 'project_vodokanal_main',
      total: 19,
      critical: 4,
      major: 11,
      minor: 3,
      info: 1,
    });
    expect(heartbeats.length).toBeGreaterThan(19);

    const content = await selectArtifactContent(pool, output.report.id);
    expect(createHash('sha256').update(content!).digest('hex')).toBe(output.report.sha256);
    expect(content!.length).toBe(output.report.size);
    const { report } = JSON.parse(content!.toString('utf8')) as { report: AuditReport };
    expect(report.findings.map((f) => `${f.rule} ${f.object.layer}/${f.object.id ?? '-'}`).sort()).toEqual(
      [...PLANTED_FAULTS].sort(),
    );
  });

  it('when the same step runs twice, then one artifact is stored and both runs return it', async () => {
    const input = { projectId: 'vodokanal-main', previousCounts: faulty.previousCounts };
    const first = await run(environment(), activities['audit.run'], { input, engagement: engagementRef('re-audit') });
    const second = await run(environment(), activities['audit.run'], { input, engagement: engagementRef('re-audit') });
    expect(second).toEqual(first);
    const stored = (await selectArtifactsOfEngagement(pool, engagementId)).filter((a) => a.stepId === 're-audit');
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ kind: 'audit-report', name: 'audit-report.json', mediaType: 'application/json' });
  });

  it('when the clean district is audited, then nothing is found', async () => {
    const output = await run(environment(), activities['audit.run'], {
      input: { database: 'project_vodokanal_clean', previousCounts: clean.previousCounts },
      engagement: engagementRef('audit-clean'),
    });
    expect(output.total).toBe(0);
    expect(output.counts).toEqual(clean.previousCounts);
  });

  it('when the project has no schema, then the run fails without retry', async () => {
    const attempt = run(environment(), activities['audit.run'], {
      input: { projectId: 'lubny-main' },
      engagement: engagementRef('audit-missing'),
    });
    await expect(attempt).rejects.toBeInstanceOf(ApplicationFailure);
    await expect(attempt).rejects.toMatchObject({ type: 'project-schema-missing', nonRetryable: true });
  });
});

describe('audit.backup, audit.restore, audit.diff', () => {
  it('when the clean project is backed up and restored, then the staging copy has the same checksum and audits clean', async () => {
    const backup = await run(environment(), activities['audit.backup'], {
      input: { schema: 'project_vodokanal_clean', reason: 'evidence' },
      engagement: engagementRef('copy'),
    });
    expect(backup.schema).toMatch(/^backup_[0-9a-f]{16}$/);
    expect(backup.rows).toMatchObject({ sections: clean.data.sections.length, features: clean.data.features.length });
    const again = await run(environment(), activities['audit.backup'], {
      input: { schema: 'project_vodokanal_clean' },
      engagement: engagementRef('copy'),
    });
    expect(again).toEqual(backup);

    const restored = await run(environment(), activities['audit.restore'], {
      input: { backup },
      engagement: engagementRef('restore'),
    });
    expect(restored).toMatchObject({ sha256: backup.sha256, verified: true });
    expect(restored.schema).toMatch(/^staging_/);

    const audit = await run(environment(), activities['audit.run'], {
      input: { database: restored, previousCounts: clean.previousCounts },
      engagement: engagementRef('audit-staging'),
    });
    expect(audit.total).toBe(0);
  });

  it('when a project is backed up, then its pg_dump is stored as a checksummed artifact that pg_restore reads', async () => {
    const heartbeats: unknown[] = [];
    const backup = await run(environment(heartbeats), activities['audit.backup'], {
      input: { schema: 'project_vodokanal_clean' },
      engagement: engagementRef('copy-dump'),
    });
    expect(backup.dumpError).toBeNull();
    expect(backup.dump).toMatchObject({ artifact: { name: `${backup.schema}.dump` } });
    expect(heartbeats).toContainEqual({ phase: 'dump', bytes: 0 });

    const { artifact, sha256, size } = backup.dump!;
    const content = (await selectArtifactContent(pool, artifact.id))!;
    expect(createHash('sha256').update(content).digest('hex')).toBe(sha256);
    expect(artifact.sha256).toBe(sha256);
    expect(content.length).toBe(size);
    expect(content.subarray(0, 5).toString('latin1')).toBe('PGDMP');
    const stored = (await selectArtifactsOfEngagement(pool, engagementId)).find((a) => a.id === artifact.id);
    expect(stored).toMatchObject({ kind: 'backup-dump', mediaType: 'application/octet-stream', stepId: 'copy-dump' });
    const manifest = JSON.parse((await selectArtifactContent(pool, backup.manifest.id))!.toString('utf8')) as unknown;
    expect(manifest).toMatchObject({ dump: backup.dump, dumpError: null });

    const list = await restoreList(content);
    for (const { name } of PROJECT_TABLES) expect(list).toMatch(new RegExp(`TABLE DATA ${backup.schema} ${name} `));
  });

  it('when pg_dump is missing, then the backup succeeds without a dump and says how to get one', async () => {
    const withoutPgDump = createAuditActivities(
      { pool, logger: createLogger('silent', 'test'), vendorVatPayer: true },
      pgDumpBinary({ PG_DUMP: join(tmpdir(), 'no-such-dir', 'pg_dump') }),
    );
    const backup = await run(environment(), withoutPgDump['audit.backup'], {
      input: { schema: 'project_vodokanal_clean' },
      engagement: engagementRef('copy-no-pg-dump'),
    });
    expect(backup.rows).toMatchObject({ features: clean.data.features.length });
    expect(backup.dump).toBeNull();
    expect(backup.dumpError).toMatch(/pg_dump not found .*install postgresql-client .*PG_DUMP/);
    const stored = (await selectArtifactsOfEngagement(pool, engagementId)).filter(
      (a) => a.stepId === 'copy-no-pg-dump',
    );
    expect(stored.map((a) => a.name)).toEqual(['backup-manifest.json']);
  });

  it('when an earlier attempt stored the dump but not the manifest, then the retry keeps that dump', async () => {
    const engagement = engagementRef('copy-dump-retried');
    const earlier = await storeFile(pool, engagement, {
      kind: 'backup-dump',
      name: `${stepSchema('backup', engagement)}.dump`,
      mediaType: 'application/octet-stream',
      content: Buffer.from('PGDMP of the earlier attempt'),
    });
    // Without a pg_dump to run, the retry can only have the dump the earlier attempt stored.
    const retry = createAuditActivities(
      { pool, logger: createLogger('silent', 'test'), vendorVatPayer: true },
      pgDumpBinary({ PG_DUMP: join(tmpdir(), 'no-such-dir', 'pg_dump') }),
    );
    const backup = await run(environment(), retry['audit.backup'], {
      input: { schema: 'project_vodokanal_clean' },
      engagement,
    });
    expect(backup.dumpError).toBeNull();
    expect(backup.dump).toEqual({
      artifact: { id: earlier.id, name: earlier.name, sha256: earlier.sha256, size: earlier.size },
      sha256: earlier.sha256,
      size: earlier.size,
    });
  });

  it('when a backup attempt dies after three tables, then the retry copies only the rest and the checksum matches', async () => {
    const full = await run(environment(), activities['audit.backup'], {
      input: { schema: 'project_vodokanal_clean' },
      engagement: engagementRef('copy-full'),
    });
    // The first attempt loses its connection when it starts the fourth table's transaction.
    const failing = poolFailingAtConnection(pool, (n) => n > 3);
    const dying = createAuditActivities({
      pool: failing,
      logger: createLogger('silent', 'test'),
      vendorVatPayer: true,
    });
    const firstHeartbeats: unknown[] = [];
    await expect(
      run(environment(firstHeartbeats), dying['audit.backup'], {
        input: { schema: 'project_vodokanal_clean' },
        engagement: engagementRef('copy-retried'),
      }),
    ).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(firstHeartbeats.at(-1)).toEqual({ phase: 'copy', copied: ['crs', 'layers', 'dictionaries'] });

    const retryHeartbeats: unknown[] = [];
    const retried = await run(environment(retryHeartbeats, firstHeartbeats.at(-1)), activities['audit.backup'], {
      input: { schema: 'project_vodokanal_clean' },
      engagement: engagementRef('copy-retried'),
    });
    const copies = retryHeartbeats.filter((h) => (h as { phase?: string }).phase === 'copy');
    expect(copies).toHaveLength(4);
    expect(copies[0]).toEqual({ phase: 'copy', copied: ['crs', 'layers', 'dictionaries', 'features'] });
    expect(retried.sha256).toBe(full.sha256);
    expect(retried.schema).not.toBe(full.schema);
  });

  it('when the damaged project is diffed with the restored copy, then lost, added and changed objects are listed', async () => {
    const backup = await run(environment(), activities['audit.backup'], {
      input: { schema: 'project_vodokanal_clean' },
      engagement: engagementRef('copy-diff'),
    });
    const diff = await run(environment(), activities['audit.diff'], {
      input: { reference: backup, damaged: { projectId: 'vodokanal-main' } },
      engagement: engagementRef('diff'),
    });
    // faulty.json deleted one passport, added 8 pipes and 8 nodes (each with a passport) and one orphan passport,
    // and edited four sections, two nodes and three features.
    expect(diff.counts.passports).toEqual({ missing: 1, added: 17, changed: 0 });
    expect(diff.counts.sections).toEqual({ missing: 0, added: 8, changed: 4 });
    expect(diff.counts.features).toEqual({ missing: 0, added: 16, changed: 3 });
    expect(diff.counts.nodes).toEqual({ missing: 0, added: 8, changed: 2 });
    const content = JSON.parse((await selectArtifactContent(pool, diff.report.id))!.toString('utf8')) as {
      differences: { table: string; key: string; change: string }[];
    };
    expect(content.differences).toContainEqual({ table: 'passports', key: 'P-N-047', change: 'missing' });
  });
});
