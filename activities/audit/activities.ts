/**
 * The X-AUDIT activities: audit a project schema (`audit.run`), copy it as evidence with a checksum
 * (`audit.backup`), restore a copy to staging and verify it (`audit.restore`), and list what differs
 * between a restored copy and the damaged database (`audit.diff`); the recovery merge (`audit.merge`,
 * merge.ts) and the reports (`audit.buildReport`, report-activity.ts) join them. Each stores its report as an
 * artifact of the engagement step, and a retry returns the stored result instead of redoing work.
 */
import { Context } from '@temporalio/activity';
import {
  PROJECT_TABLES,
  countFeaturesByLayer,
  selectRowDifferences,
  type ProjectTable,
  type RowDifference,
} from '../../db/project-schema.ts';
import type { ArtifactRow } from '../../db/queries/artifacts.ts';
import { artifactRef, storeFile, storeJson, storedFile, storedJson, type ArtifactRef } from '../artifacts.ts';
import type { ActivityDeps, BusinessActivityInput, EngagementRef } from '../context.ts';
import {
  checkedSchema,
  copyTables,
  fail,
  heartbeat,
  requireSchema,
  resolveSchema,
  stepSchema,
  type SchemaRef,
} from '../project-schemas.ts';
import { runAudit } from './engine.ts';
import { createMergeActivities } from './merge.ts';
import { createReportActivities } from './report-activity.ts';
import { DEFAULT_TOLERANCE_M, type AuditReport, type FindingCounts } from './model.ts';
import { checksumSchema, readNetwork } from './project-data.ts';
import { DumpUnavailable, dumpSchema, pgDumpBinary } from './pg-dump.ts';

export interface AuditRunInput extends SchemaRef {
  /** Snapping tolerance, metres (default 0.5). */
  tolerance?: number;
  /** Object counts per layer at the last good snapshot (an earlier run's `counts`). */
  previousCounts?: Record<string, number>;
  /**
   * The last good snapshot (a schema name or a step output with `schema`): its object counts per
   * layer are the `previousCounts` when those are not given. Null or '' means none.
   */
  snapshot?: string | { schema: string } | null;
}

export type AuditRunOutput = FindingCounts & {
  schema: string;
  counts: Record<string, number>;
  report: ArtifactRef;
};

export interface BackupOutput {
  /** The backup schema; pass this object on as `database` or `backup`. */
  schema: string;
  source: string;
  sha256: string;
  rows: Record<string, number>;
  /** The pg_dump (custom format) of the backup schema, or null when pg_dump gave none (`dumpError` says why). */
  dump: BackupDump | null;
  dumpError: string | null;
  manifest: ArtifactRef;
}

export interface BackupDump {
  /** The artifact `<backup schema>.dump`, kind `backup-dump`. */
  artifact: ArtifactRef;
  sha256: string;
  size: number;
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

export function createAuditActivities(deps: ActivityDeps, pgDump: string = pgDumpBinary()) {
  const { pool } = deps;

  /** The pg_dump of a backup schema as the step's artifact `<schema>.dump`, stored once. */
  async function storeDump(
    engagement: EngagementRef,
    schema: string,
  ): Promise<{ dump: BackupDump | null; dumpError: string | null }> {
    const name = `${schema}.dump`;
    let row = (await storedFile(pool, engagement, name))?.row;
    if (!row) {
      const context = Context.current();
      try {
        const content = await dumpSchema({
          binary: pgDump,
          databaseUrl: pool.options.connectionString,
          schema,
          onProgress: (bytes) => context.heartbeat({ phase: 'dump', bytes }),
          signal: context.cancellationSignal,
        });
        row = await storeFile(pool, engagement, {
          kind: 'backup-dump',
          name,
          mediaType: 'application/octet-stream',
          content,
        });
      } catch (error) {
        if (!(error instanceof DumpUnavailable)) throw error;
        deps.logger.warn(
          { engagementId: engagement.id, schema, reason: error.message },
          'backup stored without pg_dump',
        );
        return { dump: null, dumpError: error.message };
      }
    }
    return { dump: { artifact: artifactRef(row), sha256: row.sha256, size: row.size }, dumpError: null };
  }

  return {
    ...createMergeActivities(deps),
    ...createReportActivities(deps),
    /** Runs the audit rules on a project schema; stores the full report as `audit-report.json`. */
    async 'audit.run'({ input, engagement }: BusinessActivityInput<AuditRunInput>): Promise<AuditRunOutput> {
      const schema = resolveSchema(input, engagement);
      const stored = await storedJson<{ schema: string; report: AuditReport }>(pool, engagement, 'audit-report.json');
      if (stored) return runOutput(stored.value.schema, stored.value.report, stored.row);
      await requireSchema(pool, schema);
      const tolerance = input.tolerance ?? DEFAULT_TOLERANCE_M;
      if (!(tolerance > 0))
        fail(`tolerance must be a positive number of metres, got ${tolerance}`, 'audit-input-invalid');
      const snapshot = typeof input.snapshot === 'object' ? input.snapshot?.schema : input.snapshot;
      let previousCounts = input.previousCounts;
      if (!previousCounts && snapshot) {
        await requireSchema(pool, checkedSchema(snapshot));
        previousCounts = await countFeaturesByLayer(pool, snapshot);
      }
      const progress = heartbeat();
      const network = await readNetwork(pool, schema, progress);
      const report = runAudit(
        network,
        { tolerance, previousCounts, currentYear: new Date().getUTCFullYear() },
        { onRule: (rule, done) => progress({ phase: 'rules', table: rule, rows: done }) },
      );
      const row = await storeJson(pool, engagement, 'audit-report', 'audit-report.json', { schema, report });
      deps.logger.info({ engagementId: engagement.id, schema, findings: report.summary.total }, 'audit run stored');
      return runOutput(schema, report, row);
    },

    /**
     * Copies a project schema into a backup schema, records the sha256 of its canonical dump and
     * stores a pg_dump of the copy; without pg_dump the copy alone is the backup.
     */
    async 'audit.backup'({
      input,
      engagement,
    }: BusinessActivityInput<SchemaRef & { reason?: string }>): Promise<BackupOutput> {
      const stored = await storedJson<Omit<BackupOutput, 'manifest'>>(pool, engagement, 'backup-manifest.json');
      if (stored) {
        const { schema, source, sha256, rows, dump = null, dumpError = null } = stored.value;
        return { schema, source, sha256, rows, dump, dumpError, manifest: artifactRef(stored.row) };
      }
      const source = resolveSchema(input, engagement);
      await requireSchema(pool, source);
      const schema = stepSchema('backup', engagement);
      await copyTables(deps, source, schema);
      const { sha256, rows } = await checksumSchema(pool, schema, heartbeat());
      const { dump, dumpError } = await storeDump(engagement, schema);
      const result = { schema, source, sha256, rows, dump, dumpError };
      const manifest = { ...result, reason: input.reason ?? null, createdAt: new Date().toISOString() };
      const row = await storeJson(pool, engagement, 'backup-manifest', 'backup-manifest.json', manifest);
      return { ...result, manifest: artifactRef(row) };
    },

    /** Restores a backup schema into a staging schema and verifies it against the backup's checksum. */
    async 'audit.restore'({ input, engagement }: BusinessActivityInput<RestoreInput>): Promise<RestoreOutput> {
      const stored = await storedJson<Omit<RestoreOutput, 'manifest'>>(pool, engagement, 'restore-manifest.json');
      if (stored) {
        const { schema, sha256, verified } = stored.value;
        return { schema, sha256, verified, manifest: artifactRef(stored.row) };
      }
      const named = typeof input.backup === 'string' ? input.backup : input.backup?.schema;
      if (!named) {
        fail(
          'no backup or snapshot to restore: name the last good snapshot at launch (lastGoodSnapshot) or in the analysis (snapshot)',
          'audit-input-invalid',
        );
      }
      const backup = checkedSchema(named);
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
