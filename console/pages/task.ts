/**
 * A task: title, instructions, where it belongs (engagement, customer, project), the results it
 * depends on, and its result form generated from the step's JSON Schema — or, for an approval,
 * approve / reject with a comment. Claim and completion go through the API (`POST /v1/tasks/…`),
 * which validates with its rules and refuses as it explains: each field error is shown next to its
 * field, a four-eyes or already-completed refusal above the form.
 */
import { Router, type Request, type Response } from 'express';
import type { RouteDeps } from '../../api/app.ts';
import { apiFor, ApiError, type ApiProblem } from '../api-client.ts';
import { assertCsrf } from '../csrf.ts';
import { render } from '../render.ts';
import { errorsByPointer, formFields, readForm, unplacedErrors, type RawValues } from '../schema-form.ts';
import { userOf } from '../session.ts';

/** The task as `GET /v1/tasks/{id}` shows it (the parts the page uses). */
export interface TaskView {
  id: string;
  engagementId: string;
  stepId: string;
  kind: 'task' | 'approval';
  title: string;
  instructions: string | null;
  status: string;
  dueAt: string | null;
  notBefore: string | null;
  claimedBy: string | null;
  completedBy: string | null;
  completedAt: string | null;
  decision: string | null;
  result: Record<string, unknown> | null;
  hoursSpent: string | null;
  customer: { id: string; name: string } | null;
  project: { id: string; name: string } | null;
  assignee: { category: string | null; group: string | null; user: string | null; role: string | null };
  form: object | null;
  engagement: { id: string; definitionId: string; serviceCode: string; status: string } | null;
  context: {
    item: Record<string, unknown> | null;
    dependsOn: {
      stepId: string;
      title: string;
      status: string;
      by: string | null;
      endedAt: string | null;
      result: unknown;
    }[];
    underReview: string[];
    lastRejection: { title: string; by: string; at: string; comment: string | null } | null;
  } | null;
}

interface Posted {
  raw?: RawValues;
  problem?: ApiProblem;
  extraRows?: Record<string, number>;
}

async function show(req: Request, res: Response, id: string, posted: Posted = {}, status = 200): Promise<void> {
  const task = await apiFor(req).get<TaskView>(`/v1/tasks/${encodeURIComponent(id)}`);
  const errors = errorsByPointer(posted.problem?.errors, '/result');
  const topErrors = errorsByPointer(posted.problem?.errors, '');
  const fields = task.form
    ? formFields(task.form, {
        prefix: 'result',
        values: task.result,
        raw: posted.raw,
        errors,
        extraRows: posted.extraRows,
      })
    : [];
  const user = userOf(res);
  const raw = posted.raw ?? {};
  render(
    req,
    res,
    'task',
    {
      title: 'task.title',
      titleParams: { title: task.title },
      task,
      fields,
      open: task.status === 'open' || task.status === 'claimed',
      claimable: task.status === 'open' || (task.status === 'claimed' && task.claimedBy !== user.id),
      problem: posted.problem && !(posted.problem.errors ?? []).length ? posted.problem : null,
      invalid: (posted.problem?.errors ?? []).length > 0,
      otherErrors: unplacedErrors(fields, errors).filter((e) => e.pointer !== ''),
      hoursError: topErrors.get('/hoursSpent') ?? null,
      decisionError: topErrors.get('/decision') ?? null,
      hoursValue: typeof raw.hoursSpent === 'string' ? raw.hoursSpent : '',
      commentValue: typeof raw.comment === 'string' ? raw.comment : '',
      decisionValue: typeof raw.decision === 'string' ? raw.decision : '',
      resultSummary: task.result ? JSON.stringify(task.result, null, 2) : null,
    },
    status,
  );
}

function hoursOf(text: unknown): number | string | undefined {
  if (typeof text !== 'string' || text.trim() === '') return undefined;
  const normal = text.trim().replace(/\s/g, '').replace(',', '.');
  return /^-?\d+(\.\d+)?$/.test(normal) ? Number(normal) : text.trim();
}

export function taskPage(deps: RouteDeps): Router {
  const router = Router();

  router.get('/tasks/:id', async (req, res) => {
    await show(req, res, String(req.params.id));
  });

  router.post('/tasks/:id/claim', async (req, res) => {
    assertCsrf(deps.sessions.secret, userOf(res).sessionId, req.body);
    const id = String(req.params.id);
    try {
      await apiFor(req).post(`/v1/tasks/${encodeURIComponent(id)}/claim`);
    } catch (error) {
      if (error instanceof ApiError && error.problem.status === 409) {
        await show(req, res, id, { problem: error.problem }, 409);
        return;
      }
      throw error;
    }
    res.redirect(303, `/console/tasks/${encodeURIComponent(id)}`);
  });

  router.post('/tasks/:id', async (req, res) => {
    assertCsrf(deps.sessions.secret, userOf(res).sessionId, req.body);
    const id = String(req.params.id);
    const raw = req.body as RawValues;
    const addRow = typeof raw._addRow === 'string' ? raw._addRow : null;
    if (addRow) {
      await show(req, res, id, { raw, extraRows: { [addRow]: 1 } });
      return;
    }
    const api = apiFor(req);
    const task = await api.get<TaskView>(`/v1/tasks/${encodeURIComponent(id)}`);
    const body: Record<string, unknown> = { hoursSpent: hoursOf(raw.hoursSpent) };
    if (task.form) body.result = readForm(task.form, raw, 'result');
    if (typeof raw.comment === 'string' && raw.comment.trim() !== '') body.comment = raw.comment.trim();
    if (task.kind === 'approval' && (raw.decision === 'approve' || raw.decision === 'reject'))
      body.decision = raw.decision;
    try {
      await api.post(`/v1/tasks/${encodeURIComponent(id)}/complete`, body);
    } catch (error) {
      if (error instanceof ApiError && error.problem.status >= 400 && error.problem.status < 500) {
        await show(req, res, id, { raw, problem: error.problem }, error.problem.status);
        return;
      }
      throw error;
    }
    res.redirect(303, `/console/tasks/${encodeURIComponent(id)}?completed=1`);
  });

  return router;
}
