/**
 * The X-SCHEMA activity `schema.applyChange` (docs/schema-change.md). `on: staging` copies the
 * project into the step's staging schema and applies the change set there, copy and change in one
 * transaction: when a value cannot be taken over, nothing is kept and the report lists it. `on:
 * project` applies the approved change set to the project itself, once it is checked to be as it
 * was when staged. Both store the report and the reverse change set as artifacts of the step.
 */
import { withTransaction } from '../../db/pool.ts';
import {
  checksumClassAttributes,
  copySchemaChangeTables,
  hasSchemaChanges,
  selectSchemaChange,
} from '../../db/class-attributes.ts';
import { migrateProjectSchema } from '../../db/project-migrations.ts';
import { PROJECT_TABLES, copyProjectTable, createEmptySchema, dropProjectSchema } from '../../db/project-schema.ts';
import { sha256Hex } from '../../lib/hash.ts';
import { checksumSchema } from '../audit/project-data.ts';
import { artifactRef, storeJson, storedJson, type ArtifactRef } from '../artifacts.ts';
import type { ActivityDeps, BusinessActivityInput, EngagementRef } from '../context.ts';
import { fail, heartbeat, requireSchema, resolveSchema, stepSchema, type SchemaRef } from '../project-schemas.ts';
import { ChangeSetInvalid, parseChangeSet, type ChangeSet } from './change-set.ts';
import { applyChangeSet, recordedClasses, type ChangeOutcome } from './engine.ts';

export interface ApplyChangeInput extends SchemaRef {
  changeSet: unknown;
  /** `staging` (default): a copy of the project; `project`: the project itself, after approval. */
  on?: 'staging' | 'project';
  /** On the project: the staging step's output, whose `dataChecksumBefore` the project must still have. */
  staged?: { dataChecksumBefore?: string } | null;
}

export interface ApplyChangeOutput {
  changeId: string;
  /** The schema changed: the staging copy or the project's schema. */
  schema: string;
  applied: boolean;
  unconvertibleCount: number;
  /** The first 20 values that block the change (the report lists up to 1,000). */
  unconvertible: ChangeOutcome['unconvertible'];
  classes: { class: string; objects: number; changedObjects: number; archivedValues: number }[];
  /** sha256 of the project's tables (the backup checksum) before and after, and of the attribute sets. */
  dataChecksumBefore: string;
  dataChecksumAfter: string;
  attributesChecksumBefore: string;
  attributesChecksumAfter: string;
  reverse: ChangeSet;
  report: ArtifactRef;
  reverseChangeSet: ArtifactRef;
}

/** Thrown inside the transaction to roll it back while keeping the outcome. */
class RolledBack extends Error {
  constructor(readonly outcome: ChangeOutcome) {
    super('change rolled back');
  }
}

/** Same change set, same engagement: same id, so staging and project share it and a retry finds its own. */
export function changeIdOf(engagement: EngagementRef, changeSet: ChangeSet): string {
  return `chg_${sha256Hex(`${engagement.id}\n${JSON.stringify(changeSet)}`).slice(0, 16)}`;
}

export function createSchemaChangeActivities(deps: ActivityDeps) {
  const { pool } = deps;

  async function checksums(schema: string): Promise<{ data: string; attributes: string }> {
    const { sha256 } = await checksumSchema(pool, schema, heartbeat());
    return { data: sha256, attributes: await checksumClassAttributes(pool, schema) };
  }

  /** The outcome of a change an earlier attempt committed to the project before it could store its report. */
  async function recordedOutcome(schema: string, changeId: string): Promise<ChangeOutcome | null> {
    if (!(await hasSchemaChanges(pool, schema))) return null;
    const record = await selectSchemaChange(pool, schema, changeId);
    if (!record) return null;
    return {
      changeId,
      schema,
      applied: true,
      classes: recordedClasses(record.classes, record.attributesBefore, record.attributesAfter),
      unconvertibleCount: 0,
      unconvertible: [],
      untouched: {},
      reverse: record.reverseChangeSet as ChangeSet,
    };
  }

  return {
    /** Applies a change set of semantic descriptions on staging or, once approved, on the project. */
    async 'schema.applyChange'({
      input,
      engagement,
    }: BusinessActivityInput<ApplyChangeInput>): Promise<ApplyChangeOutput> {
      const stored = await storedJson<{ output: Omit<ApplyChangeOutput, 'report' | 'reverseChangeSet'> }>(
        pool,
        engagement,
        'schema-change-report.json',
      );
      if (stored) {
        const reverse = await storedJson<ChangeSet>(pool, engagement, 'reverse-change-set.json');
        return { ...stored.value.output, report: artifactRef(stored.row), reverseChangeSet: artifactRef(reverse!.row) };
      }
      let changeSet: ChangeSet;
      try {
        changeSet = parseChangeSet(input.changeSet);
      } catch (error) {
        if (error instanceof ChangeSetInvalid) fail(error.message, 'change-set-invalid');
        throw error;
      }
      const project = resolveSchema(input, engagement);
      await requireSchema(pool, project);
      const changeId = changeIdOf(engagement, changeSet);
      const on = input.on ?? 'staging';
      const target = on === 'project' ? project : stepSchema('staging', engagement);
      const progress = heartbeat();

      const before = await checksums(project);
      if (on === 'project' && input.staged?.dataChecksumBefore && input.staged.dataChecksumBefore !== before.data) {
        fail(
          `project ${project} changed after the change set was staged (sha256 ${before.data}, staged ${input.staged.dataChecksumBefore}); stage it again`,
          'project-changed-since-staging',
        );
      }
      let outcome: ChangeOutcome;
      const committed = on === 'project' ? await recordedOutcome(project, changeId) : null;
      if (committed) outcome = committed;
      else
        try {
          outcome = await withTransaction(pool, async (client) => {
            if (on === 'staging') {
              await dropProjectSchema(client, target);
              await createEmptySchema(client, target);
              for (const { name } of PROJECT_TABLES) await copyProjectTable(client, project, target, name);
              await copySchemaChangeTables(client, project, target);
              await migrateProjectSchema(client, target);
              progress({ phase: 'copy' });
            }
            const result = await applyChangeSet(client, target, changeSet, changeId, progress);
            if (!result.applied) throw new RolledBack(result);
            return result;
          });
        } catch (error) {
          if (error instanceof RolledBack) outcome = error.outcome;
          else if (error instanceof ChangeSetInvalid) fail(error.message, 'change-set-invalid');
          else throw error;
        }
      if (on === 'project' && !outcome.applied) {
        fail(
          `${outcome.unconvertibleCount} value(s) block the change on the project, e.g. ${JSON.stringify(outcome.unconvertible[0])}`,
          'change-set-unconvertible',
        );
      }
      const after = outcome.applied ? await checksums(target) : before;
      const result = {
        changeId,
        schema: outcome.applied ? target : project,
        applied: outcome.applied,
        unconvertibleCount: outcome.unconvertibleCount,
        unconvertible: outcome.unconvertible.slice(0, 20),
        classes: outcome.classes.map(({ class: layer, objects, changedObjects, archivedValues }) => ({
          class: layer,
          objects,
          changedObjects,
          archivedValues,
        })),
        dataChecksumBefore: before.data,
        dataChecksumAfter: after.data,
        attributesChecksumBefore: before.attributes,
        attributesChecksumAfter: after.attributes,
        reverse: outcome.reverse,
      };
      const reverseRow = await storeJson(pool, engagement, 'schema-change', 'reverse-change-set.json', outcome.reverse);
      const row = await storeJson(pool, engagement, 'schema-change-report', 'schema-change-report.json', {
        on,
        project,
        changeSet,
        untouched: outcome.untouched,
        unconvertible: outcome.unconvertible,
        classes: outcome.classes,
        output: result,
      });
      deps.logger.info(
        { engagementId: engagement.id, schema: target, changeId, applied: outcome.applied },
        'schema change stored',
      );
      return { ...result, report: artifactRef(row), reverseChangeSet: artifactRef(reverseRow) };
    },
  };
}
