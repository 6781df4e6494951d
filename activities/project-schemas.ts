/**
 * The project schemas activities work on: which schema a step names, copies named after the step
 * (so a retry reuses its own), and copying a project table by table with heartbeats, resumable
 * from the last table an earlier attempt finished.
 */
import { ApplicationFailure, Context } from '@temporalio/activity';
import { withTransaction, type Queryable } from '../db/pool.ts';
import {
  PROJECT_TABLES,
  SCHEMA_NAME,
  copyProjectTable,
  createEmptySchema,
  projectSchemaExists,
  projectSchemaName,
} from '../db/project-schema.ts';
import type { ActivityDeps, EngagementRef } from './context.ts';
import type { Progress } from './audit/project-data.ts';
import { sha256Hex } from '../lib/hash.ts';

/** Which schema to work on: a schema name, the output of `audit.backup`, or a project id. */
export interface SchemaRef {
  schema?: string;
  /** As the audit definition passes it: a schema name or an earlier step's output with `schema`. */
  database?: string | { schema?: string };
  projectId?: string;
}

export function fail(message: string, type: string): never {
  throw ApplicationFailure.nonRetryable(message, type);
}

export function checkedSchema(name: string): string {
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

export async function requireSchema(db: Queryable, schema: string): Promise<void> {
  if (!(await projectSchemaExists(db, schema))) fail(`schema ${schema} does not exist`, 'project-schema-missing');
}

/** A schema name derived from the step's idempotency key, so a retry reuses its own copy. */
export function stepSchema(prefix: string, engagement: EngagementRef): string {
  return `${prefix}_${sha256Hex(engagement.idempotencyKey).slice(0, 16)}`;
}

export function heartbeat(): Progress {
  return (details) => Context.current().heartbeat(details);
}

/** Copies every table of `from` into `to`, one transaction per table, skipping tables a previous attempt copied. */
export async function copyTables(deps: ActivityDeps, from: string, to: string): Promise<void> {
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
