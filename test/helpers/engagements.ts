/**
 * Driving engagements the way users do — publish, launch and complete over HTTP — for suites that
 * exercise the interpreter with definitions of their own.
 */
import { expect } from 'vitest';
import { loadDefinition } from '../../definitions/loader.ts';
import { insertDefinition } from '../../db/queries/definitions.ts';
import { PROBE_ACTIVITY_NAMES } from './probe-activities.ts';
import { apiClient, eventually, type ApiBody, type TestStack } from './stack.ts';

/** Publishes a definition (which may use the probe activities); returns its id. */
export async function publish(stack: TestStack, yaml: string): Promise<string> {
  const compiled = loadDefinition(yaml, 'test.yaml', { activities: PROBE_ACTIVITY_NAMES });
  const { outcome } = await insertDefinition(stack.pool, { source: yaml, compiled, publishedBy: 'test' });
  expect(outcome).not.toBe('conflict');
  return compiled.snapshot.id;
}

export async function launch(
  stack: TestStack,
  definitionId: string,
  params: Record<string, unknown> = {},
  customerId = 'kp-teplomerezha',
): Promise<string> {
  const response = await apiClient(stack, 'olena.pm')('POST', '/v1/engagements', { definitionId, customerId, params });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body.id as string;
}

export interface TaskSummary {
  id: string;
  stepId: string;
  status: string;
  engagementId: string;
}

/**
 * Waits until the engagement has an open task for `stepId` in PostgreSQL, and returns it. Tasks
 * just completed may still read as open for a moment: name them in `except`.
 */
export async function openTask(
  stack: TestStack,
  engagementId: string,
  stepId: string,
  except: string[] = [],
): Promise<TaskSummary> {
  return eventually(
    async () => {
      const { rows } = await stack.pool.query<TaskSummary>(
        `SELECT id, step_id AS "stepId", status, engagement_id AS "engagementId" FROM tasks
         WHERE engagement_id = $1 AND step_id = $2 AND status IN ('open', 'claimed') AND NOT (id = ANY($3))
         ORDER BY created_at, id LIMIT 1`,
        [engagementId, stepId, except],
      );
      return rows[0];
    },
    20_000,
    `an open task of step ${stepId}`,
  );
}

export async function complete(
  stack: TestStack,
  userId: string,
  taskId: string,
  body: Record<string, unknown> = { result: {}, hoursSpent: 1 },
) {
  return apiClient(stack, userId)('POST', `/v1/tasks/${encodeURIComponent(taskId)}/complete`, body);
}

/** Waits for the workflow to close and returns the engagement as the API shows it. */
export async function settled(stack: TestStack, engagementId: string): Promise<ApiBody> {
  const pm = apiClient(stack, 'olena.pm');
  return eventually(
    async () => {
      const detail = await pm('GET', `/v1/engagements/${engagementId}`);
      return detail.body.closedAt ? detail.body : undefined;
    },
    30_000,
    `engagement ${engagementId} to end`,
  );
}

export function stepTrail(detail: ApiBody): string[] {
  return (detail.state.steps as { stepId: string; status: string }[]).map((s) => `${s.stepId}:${s.status}`);
}

export async function ledger(stack: TestStack, engagementId: string) {
  const { rows } = await stack.pool.query<{ step_id: string; iteration: string; category: string; norm_hours: number }>(
    'SELECT step_id, iteration, category, norm_hours FROM billing_entries WHERE engagement_id = $1 ORDER BY id',
    [engagementId],
  );
  return rows.map((r) => `${r.step_id}#${r.iteration}:${r.category}=${r.norm_hours}`);
}
