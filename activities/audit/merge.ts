/**
 * `audit.merge`: builds the recovered staging copy — the damaged copy as it is (the customer's later
 * edits kept) plus the lost objects the engineer chose, brought back from the restored snapshot with
 * their node, section and passport rows — and records per object whether it came back and why not.
 *
 * Resumable and idempotent: the copy skips tables an earlier attempt copied (heartbeat details), the
 * plan is a pure function of the two source schemas and the choice, rows are upserted in one
 * transaction, and a finished merge is returned from its stored report.
 */
import { Context } from '@temporalio/activity';
import { withTransaction } from '../../db/pool.ts';
import {
  PROJECT_TABLES,
  insertProjectRows,
  selectAllMissingRows,
  selectReusedFeatureIds,
  selectRowsWhereIn,
  type FeatureRow,
  type ProjectTable,
} from '../../db/project-schema.ts';
import { artifactRef, storeJson, storedJson, type ArtifactRef } from '../artifacts.ts';
import type { ActivityDeps, BusinessActivityInput } from '../context.ts';
import { checkedSchema, copyTables, fail, requireSchema, resolveSchema, stepSchema } from '../project-schemas.ts';
import { checkChoice, planMerge, type MergeChoice, type MergeDecision, type MergeSources } from './merge-plan.ts';
import { checksumSchema } from './project-data.ts';

export interface MergeInput {
  /** The restored last good snapshot: a schema name or `audit.restore`'s output. */
  snapshot: string | { schema: string };
  /** The damaged copy (the evidence backup): a schema name or `audit.backup`'s output. */
  damaged: string | { schema: string };
  /** What to bring back (the engineer's `choose` task result). */
  choice: MergeChoice;
  /** The recovered staging schema; default `recovered_<hash of the step>`. */
  target?: string;
}

export interface MergeOutput {
  /** The recovered staging schema; pass it on as `database`. */
  schema: string;
  sha256: string;
  restored: number;
  notRestored: number;
  /** Rows written into the recovered copy, per table. */
  written: Record<string, number>;
  report: ArtifactRef;
}

/** What `merge-report.json` holds. */
export interface MergeReport {
  snapshot: string;
  damaged: string;
  schema: string;
  sha256: string;
  choice: MergeChoice;
  restored: number;
  notRestored: number;
  written: Record<string, number>;
  decisions: MergeDecision[];
}

const schemaOf = (ref: string | { schema: string }) => checkedSchema(typeof ref === 'string' ? ref : ref.schema);

function output(report: MergeReport, ref: ArtifactRef): MergeOutput {
  const { schema, sha256, restored, notRestored, written } = report;
  return { schema, sha256, restored, notRestored, written, report: ref };
}

/** Reads what the plan needs: the lost rows of the snapshot and the damaged rows they touch. */
async function readSources(
  deps: ActivityDeps,
  snapshot: string,
  damaged: string,
  progress: (table: string) => void,
): Promise<MergeSources> {
  const { pool } = deps;
  const missing = async <T extends 'features' | 'nodes' | 'sections' | 'passports'>(table: T) => {
    const rows = await selectAllMissingRows(pool, snapshot, damaged, table);
    progress(table);
    return rows;
  };
  const lost = {
    features: await missing('features'),
    nodes: await missing('nodes'),
    sections: await missing('sections'),
    passports: await missing('passports'),
  };
  const reused = await selectReusedFeatureIds(pool, snapshot, damaged);
  const objects = [...lost.features, ...reused.map((r) => r.feature)];
  const objectIds = objects.map((f) => f.id);
  const owners = await selectRowsWhereIn(
    pool,
    snapshot,
    'features',
    'passport_ref',
    lost.passports.map((p) => p.id),
  );
  const snapshotSections = await selectRowsWhereIn(pool, snapshot, 'sections', 'id', objectIds);
  const ends = [...lost.sections, ...snapshotSections].flatMap((s) => [s.fromNode, s.toNode]);
  const present = (values: (string | null)[]) => values.filter((v): v is string => v !== null);
  const damagedFeatures = new Map<string, FeatureRow>();
  for (const [column, values] of [
    ['id', [...lost.nodes, ...lost.sections, ...owners].map((r) => r.id)],
    ['inventory_number', present(objects.map((f) => f.inventoryNumber))],
    ['passport_ref', present(objects.map((f) => f.passportRef))],
  ] as const) {
    for (const row of await selectRowsWhereIn(pool, damaged, 'features', column, values))
      damagedFeatures.set(row.id, row);
  }
  progress('references');
  return {
    lost,
    reused,
    snapshot: {
      nodes: await selectRowsWhereIn(pool, snapshot, 'nodes', 'id', objectIds),
      sections: snapshotSections,
      features: owners,
    },
    damaged: {
      features: [...damagedFeatures.values()],
      nodes: await selectRowsWhereIn(pool, damaged, 'nodes', 'id', [...objectIds, ...present(ends)]),
      sections: await selectRowsWhereIn(pool, damaged, 'sections', 'id', objectIds),
    },
  };
}

export function createMergeActivities(deps: ActivityDeps) {
  const { pool } = deps;
  return {
    /** Merges the chosen lost objects from the restored snapshot into a copy of the damaged database. */
    async 'audit.merge'({ input, engagement }: BusinessActivityInput<MergeInput>): Promise<MergeOutput> {
      const stored = await storedJson<MergeReport>(pool, engagement, 'merge-report.json');
      if (stored) return output(stored.value, artifactRef(stored.row));
      const choice = checkChoice(input.choice);
      if (!input.snapshot) {
        fail('no snapshot to merge from: restore the last good snapshot first (audit.restore)', 'audit-input-invalid');
      }
      const snapshot = schemaOf(input.snapshot);
      const damaged = resolveSchema({ database: input.damaged }, engagement);
      const schema = checkedSchema(input.target ?? stepSchema('recovered', engagement));
      if (schema === snapshot || schema === damaged || snapshot === damaged) {
        fail(
          `snapshot ${snapshot}, damaged copy ${damaged} and target ${schema} must all differ`,
          'audit-input-invalid',
        );
      }
      await requireSchema(pool, snapshot);
      await requireSchema(pool, damaged);

      // Every heartbeat carries the tables copied so far, so a retry never copies them again.
      const details = Context.current().info.heartbeatDetails as { copied?: string[] } | undefined;
      let copied = details?.copied ?? [];
      const beat = (phase: string, table?: string) => Context.current().heartbeat({ phase, table, copied });

      const plan = planMerge(await readSources(deps, snapshot, damaged, (table) => beat('read', table)), choice);
      const reference = {
        layers: await selectAllMissingRows(pool, snapshot, damaged, 'layers'),
        dictionaries: await selectAllMissingRows(pool, snapshot, damaged, 'dictionaries'),
      };
      await copyTables(deps, damaged, schema);
      copied = PROJECT_TABLES.map((t) => t.name);
      const written = await withTransaction(pool, async (client) => {
        const counts: Partial<Record<ProjectTable, number>> = {};
        counts.layers = await insertProjectRows(client, schema, 'layers', reference.layers);
        counts.dictionaries = await insertProjectRows(client, schema, 'dictionaries', reference.dictionaries);
        for (const table of ['features', 'nodes', 'sections', 'passports'] as const) {
          counts[table] = await insertProjectRows(client, schema, table, plan.rows[table]);
          beat('merge', table);
        }
        return counts;
      });
      const { sha256 } = await checksumSchema(pool, schema, ({ table }) => beat('checksum', table));
      const restored = plan.decisions.filter((d) => d.status === 'restored').length;
      const report: MergeReport = {
        snapshot,
        damaged,
        schema,
        sha256,
        choice,
        restored,
        notRestored: plan.decisions.length - restored,
        written,
        decisions: plan.decisions,
      };
      const row = await storeJson(pool, engagement, 'merge-report', 'merge-report.json', report);
      deps.logger.info({ engagementId: engagement.id, schema, restored }, 'recovery merge stored');
      return output(report, artifactRef(row));
    },
  };
}
