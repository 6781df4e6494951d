/**
 * Runs an engagement of a catalog definition to its end the way its people would: the PM launches
 * it (and uploads the customer's files), and every human step is completed over HTTP by the user the
 * definition names — by category, group, named user or role, customer steps recorded by the PM.
 * What each step answers comes from the case; approvals approve unless the case says otherwise.
 */
import { expect } from 'vitest';
import type { JsonValue, ProcessSnapshot } from '../../definitions/model.ts';
import { DEMO_USERS } from '../../scripts/demo-data.ts';
import { complete } from './engagements.ts';
import { apiClient, type ApiBody, type TestStack } from './stack.ts';

/** What one human step answers; `by` names the user when the definition's assignee is not the one (four eyes). */
export interface StepAnswer {
  result?: Record<string, JsonValue>;
  decision?: 'approve' | 'reject';
  hoursSpent?: number;
  by?: string;
}

/** One catalog definition's end-to-end case: what the PM launches it with and what its steps answer. */
export interface ServiceCase {
  customerId: string;
  projectId?: string;
  params: Record<string, JsonValue>;
  /** Prepares the customer's data the engagement works on (e.g. a project schema). */
  setup?: (stack: TestStack) => Promise<void>;
  /** Files the customer sends, uploaded by the PM after the launch. */
  files?: Record<string, Buffer>;
  /** Answers by step id; a list answers the step's occurrences in turn (loops, forEach bodies). */
  steps?: Record<string, StepAnswer | StepAnswer[]>;
  /** Artifacts the engagement must have made, as `stepId/name`. */
  artifacts?: string[];
}

interface OpenTask {
  id: string;
  step_id: string;
  kind: 'task' | 'approval';
  assignee_category: string | null;
  assignee_group: string | null;
  assignee_user: string | null;
  assignee_role: string | null;
}

/** The demo user who does a task assigned this way. */
export function performerOf(task: Omit<OpenTask, 'id' | 'step_id' | 'kind'>): string {
  if (task.assignee_user) return task.assignee_user;
  if (task.assignee_role === 'customer' || task.assignee_role === 'pm') return 'olena.pm';
  const category = task.assignee_role === 'lead' ? 'LEAD' : task.assignee_category;
  const user = DEMO_USERS.find((u) =>
    category ? u.category === category : task.assignee_group !== null && u.groups.includes(task.assignee_group),
  );
  if (!user) throw new Error(`no demo user does a task assigned ${JSON.stringify(task)}`);
  return user.id;
}

/** Launches `definitionId` with the case and completes every human step until the engagement ends; returns its detail. */
export async function runServiceCase(
  stack: TestStack,
  definitionId: string,
  c: ServiceCase,
  timeoutMs = 240_000,
): Promise<{ id: string; detail: ApiBody }> {
  const pm = apiClient(stack, 'olena.pm');
  const launched = await pm('POST', '/v1/engagements', {
    definitionId,
    customerId: c.customerId,
    ...(c.projectId ? { projectId: c.projectId } : {}),
    params: c.params,
  });
  expect(launched.status, `${definitionId}: ${JSON.stringify(launched.body)}`).toBe(201);
  const id = launched.body.id as string;
  for (const [name, bytes] of Object.entries(c.files ?? {})) {
    const put = await pm('PUT', `/v1/engagements/${id}/files/${name}`, bytes);
    expect(put.status, `${definitionId}: upload ${name}`).toBe(201);
  }
  // Subprocesses run as child engagements of their own; the case answers their steps too.
  const definition = await pm('GET', `/v1/definitions/${definitionId}`);
  const children = Object.values((definition.body.snapshot as ProcessSnapshot).steps)
    .filter((step) => step.kind === 'subprocess')
    .map((step) => (step as { definition: string }).definition);
  const answered = new Set<string>();
  const occurrences = new Map<string, number>();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const detail = await pm('GET', `/v1/engagements/${id}`);
    // The workflow's own state comes from a query, which a busy worker may not answer in time: ask again.
    if (detail.body.closedAt && detail.body.state) return { id, detail: detail.body };
    const { rows } = await stack.pool.query<OpenTask>(
      // The engagement's tasks and those of its subprocesses (children of its definitions, launcher and customer).
      `SELECT id, step_id, kind, assignee_category, assignee_group, assignee_user, assignee_role FROM tasks
       WHERE status IN ('open', 'claimed') AND (engagement_id = $1 OR engagement_id IN (
         SELECT c.id FROM engagements c JOIN engagements p ON p.id = $1
          WHERE c.idempotency_key LIKE 'child:%' AND c.definition_id = ANY($2::text[]) AND c.launched_by = p.launched_by
            AND c.customer_id = p.customer_id AND c.created_at >= p.created_at))
       ORDER BY created_at, id`,
      [id, children],
    );
    for (const task of detail.body.closedAt ? [] : rows.filter((t) => !answered.has(t.id))) {
      const n = occurrences.get(task.step_id) ?? 0;
      occurrences.set(task.step_id, n + 1);
      const given = c.steps?.[task.step_id];
      const answer = (Array.isArray(given) ? given[n] : given) ?? {};
      if (Array.isArray(given) && n >= given.length) {
        throw new Error(`${definitionId}: step ${task.step_id} came ${n + 1} times, the case answers it ${n} times`);
      }
      const user = answer.by ?? performerOf(task);
      const body =
        task.kind === 'approval'
          ? { decision: answer.decision ?? 'approve', hoursSpent: answer.hoursSpent ?? 0 }
          : { result: answer.result ?? {}, hoursSpent: answer.hoursSpent ?? 1 };
      const response = await complete(stack, user, task.id, body);
      expect(response.status, `${definitionId}: ${task.step_id} by ${user}: ${JSON.stringify(response.body)}`).toBe(
        200,
      );
      answered.add(task.id);
    }
    if (Date.now() > deadline) throw new Error(`${definitionId}: engagement ${id} did not end in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Steps that bill when they complete: those with a norm in the compiled definition. */
export function billingSteps(snapshot: ProcessSnapshot): Set<string> {
  return new Set(
    Object.values(snapshot.steps)
      .filter((step) => step.norm !== undefined)
      .map((step) => step.id),
  );
}
