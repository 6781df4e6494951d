/**
 * The X-WS activity `workstation.applyConfiguration` (docs/workstations.md): makes the catalog equal
 * the function matrix — one PostgreSQL role per function, database and project, with its table and
 * column privileges, row-level security by district and its members — by a diff against the
 * catalog executed in one transaction, then verifies it by probes under each role. The statements,
 * the drift found and the access matrix (expected against actual) are the step's artifact.
 */
import { withTransaction } from '../../db/pool.ts';
import { executeStatements, selectAccessCatalog, selectExistingRoles } from '../../db/workstation-access.ts';
import { artifactRef, storeJson, storedJson, type ArtifactRef } from '../artifacts.ts';
import type { ActivityDeps, BusinessActivityInput } from '../context.ts';
import { fail, requireSchema, resolveSchema, type SchemaRef } from '../project-schemas.ts';
import { FunctionsInvalid, parseFunctions, rolePrefix } from './functions.ts';
import { planAccess } from './plan.ts';
import { probeAccess, type ProbeResult } from './probes.ts';

export interface ApplyConfigurationInput extends SchemaRef {
  functions: unknown;
  /** `revoke` (default): what the catalog grants beyond the matrix is reported and revoked; `report`: only reported. */
  drift?: 'revoke' | 'report';
}

export interface ApplyConfigurationOutput {
  schema: string;
  roles: Record<string, string>;
  /** Statements the apply executed (0 when the catalog already was the matrix). */
  statementCount: number;
  statements: string[];
  drift: string[];
  probes: number;
  /** Probes whose actual access differs from the matrix. */
  mismatches: number;
  matrix: ArtifactRef;
}

export function createWorkstationActivities(deps: ActivityDeps) {
  const { pool } = deps;
  return {
    /** Applies a function matrix to the project's roles and verifies it by probes. */
    async 'workstation.applyConfiguration'({
      input,
      engagement,
    }: BusinessActivityInput<ApplyConfigurationInput>): Promise<ApplyConfigurationOutput> {
      const stored = await storedJson<{ output: Omit<ApplyConfigurationOutput, 'matrix'> }>(
        pool,
        engagement,
        'access-matrix.json',
      );
      if (stored) return { ...stored.value.output, matrix: artifactRef(stored.row) };
      let functions;
      try {
        functions = parseFunctions(input.functions);
      } catch (error) {
        if (error instanceof FunctionsInvalid) fail(error.message, 'functions-invalid');
        throw error;
      }
      const schema = resolveSchema(input, engagement);
      await requireSchema(pool, schema);
      const members = [...new Set(functions.flatMap((f) => f.members ?? []))];
      const existing = await selectExistingRoles(pool, members);
      const missing = members.filter((m) => !existing.has(m));
      if (missing.length > 0) fail(`no such login role(s): ${missing.join(', ')}`, 'functions-invalid');
      const { rows } = await pool.query<{ db: string }>('SELECT current_database() AS db');
      const prefix = rolePrefix(rows[0]!.db, schema);

      const applied = await withTransaction(pool, async (client) => {
        // One apply at a time per project: the diff and its statements see the same catalog.
        await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [prefix]);
        const catalog = await selectAccessCatalog(client, schema, prefix);
        let plan;
        try {
          plan = planAccess(functions, schema, prefix, catalog, {
            revokeDrift: (input.drift ?? 'revoke') === 'revoke',
          });
        } catch (error) {
          fail((error as Error).message, 'functions-invalid');
        }
        await executeStatements(client, plan.statements);
        return { plan, columns: catalog.columns };
      });
      const { plan } = applied;
      const client = await pool.connect();
      let probes: ProbeResult[];
      try {
        probes = await probeAccess(client, schema, functions, plan.roles, applied.columns);
      } finally {
        client.release();
      }
      const mismatches = probes.filter((p) => !p.ok).length;
      const output = {
        schema,
        roles: plan.roles,
        statementCount: plan.statements.length,
        statements: plan.statements,
        drift: plan.drift,
        probes: probes.length,
        mismatches,
      };
      const row = await storeJson(pool, engagement, 'access-matrix', 'access-matrix.json', {
        functions,
        probes,
        output,
      });
      deps.logger.info(
        {
          engagementId: engagement.id,
          schema,
          statements: plan.statements.length,
          drift: plan.drift.length,
          mismatches,
        },
        'workstation configuration applied',
      );
      return { ...output, matrix: artifactRef(row) };
    },
  };
}
