/**
 * The X-AUDIT activities: audit a project schema (`audit.run`), copy it as evidence with a checksum
 * (`audit.backup`), restore a copy to staging and verify it (`audit.restore`), and list what differs
 * between a restored copy and the damaged database (`audit.diff`). Each stores its report as an
 * artifact of the engagement step, and a retry returns the stored result instead of redoing work.
 */
import { createHash } from 'node:crypto';
import { ApplicationFailure, Context } from '@temporalio/activity';
import { withTransaction } from '../../db/pool.ts';
import type { Queryable } from '../../db/pool.ts';
import {
  PROJECT_TABLES,
  SCHEMA_NAME,
  copyProjectTable,
  createEmptySchema,
  projectSchemaExists,
  projectSchemaName,
  selectRowDifferences,
  type ProjectTable,
  type RowDifference,
} from '../../db/project-schema.ts';
import { insertArtifact, selectArtifact, selectArtifactContent, type ArtifactRow } from '../../db/queries/artifacts.ts';
import type { ActivityDeps, BusinessActivityInput, EngagementRef } from '../context.ts';
import { runAudit } from './engine.ts';
import { DEFAULT_TOLERANCE_M, type AuditReport } from './model.ts';
import { checksumSchema, readNetwork, type Progress } from './project-data.ts';

/** Which schema to work on: a schema name, the output of `audit.backup`, or a project id. */
export interface SchemaRef {
  schema?: string;
  /** As the audit definition passes it: a schema name or an earlier step's output with `schema`. */
  database?: string | { schema?: string };
  projectId?: string;
}

export interface AuditRunInput extends SchemaRef {
  /** Snapping tolerance, metres (default 0.5). */
  tolerance?: number;
  /** Object counts per layer at the last good snapshot (an earlier run's `counts`). */
  previousCounts?: Record<string, number>;
}

export interface ArtifactRef {
  id: number;
  name: string;
  sha256: string;
  size: number;
}

export interface AuditRunOutput {
  schema: string;
  total: number;
  critical: number;
  major: number;
  minor: number;
  info: number;
  byRule: Record<string, number>;
  counts: Record<string, number>;
  report: ArtifactRef;
}

export interface BackupOutput {
  /** The backup schema; pass this object on as `database` or `backup`. */
  schema: string;
  source: string;
  sha256: string;
  rows: Record<string, number>;
  manifest: ArtifactRef;
}

export interface RestoreInput {
  /** The backup schema, or `audit.backup`'s output. */
  backup: string | { schema: string; sha256?: string };
  /** The staging schema to restore into; default `staging_<hash of the step>`. */
  target?: string;
}

export interface RestoreOutput {
  schema: string;
  sha256: string;
  /** True when the restored rows hash to the backup's checksum. */
  verified: boolean;
  manifest: ArtifactRef;
}

export interface DiffInput {
  /** The good copy (a restored backup): a schema name or an earlier step's output. */
  reference: string | { schema: string };
  /** The damaged database. */
  damaged: SchemaRef;
  /** Differences listed per table (all are counted); default 1000. */
  limit?: number;
}

export interface DiffOutput {
  counts: Record<ProjectTable, Record<RowDifference['change'], number>>;
  missing: number;
  added: number;
  changed: number;
  report: ArtifactRef;
}

function fail(message: string, type: string): never {
  throw ApplicationFailure.nonRetryable(message, type);
}

function checkedSchema(name: string): string {
  if (!SCHEMA_NAME.test(name)) fail(`${JSON.stringify(name)} is not a valid schema name`, 'schema-invalid');
  return name;
}

/**
 * The schema a step works on: `schema`; else `database` when it is an earlier step's output; else
 * the project's schema (`projectId`); else `database` when it is a schema name; else the
 * engagement's project. A `database` that names a connection (`host/db`) is not a schema and is
 * passed over.
 */
export function resolveSchema(ref: SchemaRef, engagement: EngagementRef): string {
  if (ref.schema) return checkedSchema(ref.schema);
  if (typeof ref.database === 'object' && ref.database?.schema) return checkedSchema(ref.database.schema);
  if (!ref.projectId && typeof ref.database === 'string' && SCHEMA_NAME.test(ref.database)) return ref.database;
  const projectId = ref.projectId ?? engagement.projectId;
  if (!projectId) fail('no schema, database or project id to work on', 'schema-invalid');
  try {
    return projectSchemaName(projectId);
  } catch (error) {
    return fail((error as Error).message, 'schema-invalid');
  }
}

async function requireSchema(db: Queryable, schema: string): Promise<void> {
  if (!(await projectSchemaExists(db, schema))) fail(`schema ${schema} does not exist`, 'project-schema-missing');
}

/** A schema name derived from the step's idempotency key, so a retry reuses its own copy. */
function stepSchema(prefix: string, engagement: EngagementRef): string {
  return `${prefix}_${createHash('sha256').update(engagement.idempotencyKey).digest('hex').slice(0, 16)}`;
}

function heartbeat(): Progress {
  return (details) => Context.current().heartbeat(details);
}

function artifactRef(row: ArtifactRow): ArtifactRef {
  return { id: row.id, name: row.name, sha256: row.sha256, size: row.size };
}

async function storeJson(
  db: Queryable,
  engagement: EngagementRef,
  kind: string,
  name: string,
  value: unknown,
): Promise<ArtifactRow> {
  const content = Buffer.from(`${JSON.stringify(value, null, 1)}\n`);
  const { row } = await insertArtifact(db, {
    engagementId: engagement.id,
    stepId: engagement.stepId,
    iteration: engagement.iteration,
    kind,
    name,
    mediaType: 'application/json',
    sha256: createHash('sha256').update(content).digest('hex'),
    content,
  });
  return row;
}

/** The JSON of this step's artifact when an earlier attempt stored it. */
async function storedJson<T>(
  db: Queryable,
  engagement: EngagementRef,
  name: string,
): Promise<{ row: ArtifactRow; value: T } | null> {
  const row = await selectArtifact(db, {
    engagementId: engagement.id,
    stepId: engagement.stepId,
    iteration: engagement.iteration,
    name,
  });
  if (!row) return null;
  const content = await selectArtifactContent(db, row.id);
  return { row, value: JSON.parse(content!.toString('utf8')) as T };
}

function runOutput(schema: string, report: AuditReport, row: ArtifactRow): AuditRunOutput {
  const { summary } = report;
  return {
    schema,
    total: summary.total,
    ...summary.bySeverity,
    byRule: summary.byRule,
    counts: summary.counts,
    report: artifactRef(row),
  };
}

/** Copies every table of `from` into `to`, one transaction per table, skipping tables a previous attempt copied. */
async function copyTables(deps: ActivityDeps, from: string, to: string): Promise<void> {
  const details: unknown = Context.current().info.heartbeatDetails;
  const copied = new Set<string>((details as { copied?: string[] } | undefined)?.copied ?? []);
  await createEmptySchema(deps.pool, to);
  for (const { name } of PROJECT_TABLES) {
    if (copied.has(name)) continue;
    await withTransaction(deps.pool, (client) => copyProjectTable(client, from, to, name));
    copied.add(name);
    Context.current().heartbeat({ phase: 'copy', copied: [...copied] });
  }
}

export function createAuditActivities(deps: ActivityDeps) {
  const { pool } = deps;
  return {
    /** Runs the audit rules on a project schema; stores the full report as `audit-report.json`. */
    async 'audit.run'({ input, engagement }: BusinessActivityInput<AuditRunInput>): Promise<AuditRunOutput> {
      const schema = resolveSchema(input, engagement);
      const stored = await storedJson<{ schema: string; report: AuditReport }>(pool, engagement, 'audit-report.json');
      if (stored) return runOutput(stored.value.schema, stored.value.report, stored.row);
      await requireSchema(pool, schema);
      const progress = heartbeat();
      const network = await readNetwork(pool, schema, progress);
      const tolerance = input.tolerance ?? DEFAULT_TOLERANCE_M;
      if (!(tolerance > 0))
        fail(`tolerance must be a positive number of metres, got ${tolerance}`, 'audit-input-invalid');
      const report = runAudit(
        network,
        { tolerance, previousCounts: input.previousCounts, currentYear: new Date().getUTCFullYear() },
        { onRule: (rule, done) => progress({ phase: 'rules', table: rule, rows: done }) },
      );
      const row = await storeJson(pool, engagement, 'audit-report', 'audit-report.json', { schema, report });
      deps.logger.info({ engagementId: engagement.id, schema, findings: report.summary.total }, 'audit run stored');
      return runOutput(schema, report, row);
    },

    /** Copies a project schema into a backup schema and records the sha256 of its canonical dump. */
    async 'audit.backup'({
      input,
      engagement,
    }: BusinessActivityInput<SchemaRef & { reason?: string }>): Promise<BackupOutput> {
      const stored = await storedJson<Omit<BackupOutput, 'manifest'>>(pool, engagement, 'backup-manifest.json');
      if (stored) {
        const { schema, source, sha256, rows } = stored.value;
        return { schema, source, sha256, rows, manifest: artifactRef(stored.row) };
      }
      const source = resolveSchema(input, engagement);
      await requireSchema(pool, source);
      const schema = stepSchema('backup', engagement);
      await copyTables(deps, source, schema);
      const { sha256, rows } = await checksumSchema(pool, schema, heartbeat());
      const manifest = {
        schema,
        source,
        sha256,
        rows,
        reason: input.reason ?? null,
        createdAt: new Date().toISOString(),
      };
      const row = await storeJson(pool, engagement, 'backup-manifest', 'backup-manifest.json', manifest);
      return { schema, source, sha256, rows, manifest: artifactRef(row) };
    },

    /** Restores a backup schema into a staging schema and verifies it against the backup's checksum. */
    async 'audit.restore'({ input, engagement }: BusinessActivityInput<RestoreInput>): Promise<RestoreOutput> {
      const stored = await storedJson<Omit<RestoreOutput, 'manifest'>>(pool, engagement, 'restore-manifest.json');
      if (stored) {
        const { schema, sha256, verified } = stored.value;
        return { schema, sha256, verified, manifest: artifactRef(stored.row) };
      }
      const backup = checkedSchema(typeof input.backup === 'string' ? input.backup : input.backup.schema);
      await requireSchema(pool, backup);
      const schema = checkedSchema(input.target ?? stepSchema('staging', engagement));
      if (schema === backup) fail('the restore target must differ from the backup', 'audit-input-invalid');
      await copyTables(deps, backup, schema);
      const { sha256 } = await checksumSchema(pool, schema, heartbeat());
      const expected = typeof input.backup === 'string' ? undefined : input.backup.sha256;
      const backupSha256 = expected ?? (await checksumSchema(pool, backup, heartbeat())).sha256;
      if (sha256 !== backupSha256) {
        fail(
          `restored copy ${schema} does not match backup ${backup}: sha256 ${sha256}, expected ${backupSha256}`,
          'backup-checksum-mismatch',
        );
      }
      const result = { schema, sha256, verified: true };
      const row = await storeJson(pool, engagement, 'restore-manifest', 'restore-manifest.json', { ...result, backup });
      return { ...result, manifest: artifactRef(row) };
    },

    /** Lists objects missing, added or changed in the damaged schema against a restored copy. */
    async 'audit.diff'({ input, engagement }: BusinessActivityInput<DiffInput>): Promise<DiffOutput> {
      const stored = await storedJson<Omit<DiffOutput, 'report'>>(pool, engagement, 'diff-report.json');
      if (stored) {
        const { counts, missing, added, changed } = stored.value;
        return { counts, missing, added, changed, report: artifactRef(stored.row) };
      }
      const reference = checkedSchema(typeof input.reference === 'string' ? input.reference : input.reference.schema);
      const damaged = resolveSchema(input.damaged, engagement);
      await requireSchema(pool, reference);
      await requireSchema(pool, damaged);
      const counts = {} as DiffOutput['counts'];
      const differences: RowDifference[] = [];
      for (const { name } of PROJECT_TABLES) {
        const diff = await selectRowDifferences(pool, reference, damaged, name, input.limit ?? 1000);
        counts[name] = diff.counts;
        differences.push(...diff.differences);
        Context.current().heartbeat({ phase: 'diff', table: name });
      }
      const total = (change: RowDifference['change']) => Object.values(counts).reduce((sum, c) => sum + c[change], 0);
      const result = { counts, missing: total('missing'), added: total('added'), changed: total('changed') };
      const row = await storeJson(pool, engagement, 'diff-report', 'diff-report.json', {
        reference,
        damaged,
        ...result,
        differences,
      });
      return { ...result, report: artifactRef(row) };
    },
  };
}
