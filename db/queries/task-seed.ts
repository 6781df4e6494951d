/**
 * Bulk engagements and open tasks for the authorization suite and the API benchmark, written
 * straight into the tables (no workflow behind them). Never used by the application itself.
 */
import type { Queryable } from '../pool.ts';

/** `count` running engagements of the customer, launched by `launchedBy`; returns their ids. */
export async function insertSeedRunningEngagements(
  db: Queryable,
  p: { customerId: string; serviceCode: string; definitionId: string; count: number; launchedBy: string },
): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO engagements (id, definition_id, definition_version, service_code, customer_id, status, launched_by,
                              current_steps, created_at)
     SELECT gen_random_uuid(), $3, 1, $2, $1, 'RUNNING', $5, '{seed}', now() - g.n * interval '1 second'
     FROM generate_series(1, $4) AS g(n)
     RETURNING id`,
    [p.customerId, p.serviceCode, p.definitionId, p.count, p.launchedBy],
  );
  return rows.map((row) => row.id);
}

export interface SeedTasksParams {
  /** Tasks go round-robin over these engagements. */
  engagementIds: readonly string[];
  count: number;
  category: string | null;
  group: string | null;
  user: string | null;
  /** Distinguishes seed batches in task ids. */
  batch: string;
}

/** `count` open tasks (created a second apart, oldest first), one INSERT … SELECT; returns the number written. */
export async function insertSeedTasks(db: Queryable, p: SeedTasksParams): Promise<number> {
  const { rowCount } = await db.query(
    `INSERT INTO tasks (id, engagement_id, step_id, iteration, kind, title, assignee_category, assignee_group,
                        assignee_user, form, created_at)
     SELECT 'seed-' || $6 || '-' || g.n, ($1::uuid[])[1 + (g.n - 1) % cardinality($1::uuid[])], 'seed-step', g.n::text,
            'task', 'Seeded task ' || g.n, $3, $4, $5,
            '{"type":"object","properties":{"answer":{"type":"string"}}}'::jsonb,
            now() - interval '30 days' + g.n * interval '1 second'
     FROM generate_series(1, $2) AS g(n)`,
    [p.engagementIds, p.count, p.category, p.group, p.user, p.batch],
  );
  return rowCount ?? 0;
}
