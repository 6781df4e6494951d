/**
 * Launching an engagement: pick the service, customer and project, fill in the parameters form
 * generated from the definition's `inputs` schema, then — before anything starts — see the
 * entitlement decision (basis and reason) and the estimate (norm-hours by category, amount with
 * VAT), and confirm. Every step is the API's: definitions, customers, entitlement, estimate and
 * the launch itself, with an Idempotency-Key fixed when the confirmation is shown, so a repeated
 * confirm is one engagement.
 */
import { randomUUID } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import { assertMayCall } from '../../api/authorization.ts';
import type { RouteDeps } from '../../api/app.ts';
import { apiFor, ApiError, type ApiClient, type ApiProblem } from '../api-client.ts';
import { assertCsrf } from '../csrf.ts';
import { render } from '../render.ts';
import { errorsByPointer, formFields, readForm, unplacedErrors, type RawValues } from '../schema-form.ts';
import { userOf } from '../session.ts';

interface DefinitionSummary {
  id: string;
  version: number;
  title: string;
  serviceCode: string;
  offered: boolean;
}

interface Customer {
  id: string;
  name: string;
  projects: { id: string; name: string }[];
}

interface Choice {
  definitionId: string;
  customerId: string;
  projectId: string;
}

const PROJECT_PARAMETER = 'projectId';

function choiceOf(source: Record<string, unknown>): Choice {
  const text = (name: string) => (typeof source[name] === 'string' ? (source[name] as string) : '');
  return { definitionId: text('definitionId'), customerId: text('customerId'), projectId: text('projectId') };
}

async function choices(api: ApiClient) {
  const [definitions, customers] = await Promise.all([
    api.get<{ items: DefinitionSummary[] }>('/v1/definitions'),
    api.get<{ items: Customer[] }>('/v1/customers?limit=100'),
  ]);
  return { definitions: definitions.items.filter((d) => d.offered), customers: customers.items };
}

/** The definition's inputs schema without the project, which the page asks for on its own. */
function parameterSchema(inputs: Record<string, unknown>): Record<string, unknown> {
  const properties = { ...((inputs.properties as Record<string, unknown> | undefined) ?? {}) };
  delete properties[PROJECT_PARAMETER];
  return {
    ...inputs,
    properties,
    required: ((inputs.required as string[] | undefined) ?? []).filter((r) => r !== PROJECT_PARAMETER),
  };
}

async function showForm(
  req: Request,
  res: Response,
  choice: Choice,
  posted: {
    raw?: RawValues;
    values?: Record<string, unknown>;
    problem?: ApiProblem;
    extraRows?: Record<string, number>;
  } = {},
  status = 200,
): Promise<void> {
  const api = apiFor(req);
  const { definitions, customers } = await choices(api);
  const definition = definitions.find((d) => d.id === choice.definitionId) ?? null;
  const customer = customers.find((c) => c.id === choice.customerId) ?? null;
  let fields: ReturnType<typeof formFields> = [];
  const errors = errorsByPointer(posted.problem?.errors, '/params');
  const topErrors = errorsByPointer(posted.problem?.errors, '');
  if (definition) {
    const full = await api.get<{ snapshot: { inputs: Record<string, unknown> } }>(
      `/v1/definitions/${encodeURIComponent(definition.id)}`,
    );
    fields = formFields(parameterSchema(full.snapshot.inputs ?? {}), {
      prefix: 'params',
      values: posted.values,
      raw: posted.raw,
      errors,
      extraRows: posted.extraRows,
    });
  }
  render(
    req,
    res,
    'launch',
    {
      title: 'launch.title',
      definitions,
      customers,
      choice,
      definition,
      customer,
      fields,
      problem: posted.problem && !(posted.problem.errors ?? []).length ? posted.problem : null,
      otherErrors: [
        ...unplacedErrors(fields, errors).filter((e) => e.pointer !== ''),
        ...[...topErrors]
          .filter(([p]) => !p.startsWith('/params/'))
          .map(([pointer, message]) => ({ pointer, message })),
      ],
    },
    status,
  );
}

function launchBody(choice: Choice, params: Record<string, unknown>) {
  return {
    definitionId: choice.definitionId,
    customerId: choice.customerId,
    ...(choice.projectId ? { projectId: choice.projectId } : {}),
    params,
  };
}

export function launchPage(deps: RouteDeps): Router {
  const router = Router();

  // Only those who may launch see the launch pages, though each read is also checked on its own.
  router.use('/launch', (_req, res, next) => {
    assertMayCall('launchEngagement', userOf(res).role);
    next();
  });

  router.get('/launch', async (req, res) => {
    await showForm(req, res, choiceOf(req.query as Record<string, unknown>));
  });

  /** The parameters are checked by the estimate (the launch's own inputs validation), then confirmed. */
  router.post('/launch/check', async (req, res) => {
    assertCsrf(deps.sessions.secret, userOf(res).sessionId, req.body);
    const raw = req.body as RawValues;
    const choice = choiceOf(raw);
    if (typeof raw._addRow === 'string') {
      await showForm(req, res, choice, { raw, extraRows: { [raw._addRow]: 1 } });
      return;
    }
    const api = apiFor(req);
    const full = await api.get<{ snapshot: { inputs: Record<string, unknown> } }>(
      `/v1/definitions/${encodeURIComponent(choice.definitionId)}`,
    );
    const params = readForm(parameterSchema(full.snapshot.inputs ?? {}), raw, 'params');
    const declaresProject = PROJECT_PARAMETER in ((full.snapshot.inputs?.properties as object | undefined) ?? {});
    if (declaresProject && choice.projectId) params[PROJECT_PARAMETER] = choice.projectId;
    const definition = (await choices(api)).definitions.find((d) => d.id === choice.definitionId);
    let estimate: unknown;
    let entitlement: unknown;
    try {
      if (!choice.customerId) {
        throw new ApiError({
          status: 400,
          type: '/problems/request-invalid',
          title: 'Bad request',
          detail: 'customerId',
          errors: [{ path: '/customerId', message: 'is required' }],
        });
      }
      const entitlementQuery = new URLSearchParams({ service: definition?.serviceCode ?? '' });
      if (choice.projectId) entitlementQuery.set('project', choice.projectId);
      [estimate, entitlement] = await Promise.all([
        api.post(`/v1/definitions/${encodeURIComponent(choice.definitionId)}/estimate`, {
          inputs: params,
        }),
        api.get(`/v1/customers/${encodeURIComponent(choice.customerId)}/entitlement?${entitlementQuery}`),
      ]);
    } catch (error) {
      if (error instanceof ApiError && error.problem.status >= 400 && error.problem.status < 500) {
        const problem = {
          ...error.problem,
          errors: error.problem.errors?.map((e) => ({ ...e, path: e.path.replace(/^\/inputs/, '/params') })),
        };
        await showForm(req, res, choice, { raw, problem }, error.problem.status);
        return;
      }
      throw error;
    }
    const body = launchBody(choice, params);
    render(req, res, 'launch-confirm', {
      title: 'launch.confirmTitle',
      definition,
      choice,
      entitlement,
      estimate,
      body: JSON.stringify(body),
      params,
      idempotencyKey: randomUUID(),
    });
  });

  router.post('/launch', async (req, res) => {
    assertCsrf(deps.sessions.secret, userOf(res).sessionId, req.body);
    const { body, idempotencyKey } = req.body as { body?: string; idempotencyKey?: string };
    let parsed: ReturnType<typeof launchBody>;
    try {
      parsed = JSON.parse(body ?? '') as ReturnType<typeof launchBody>;
    } catch {
      await showForm(req, res, { definitionId: '', customerId: '', projectId: '' }, {}, 400);
      return;
    }
    try {
      const launched = await apiFor(req).post<{ id: string }>('/v1/engagements', parsed, {
        'idempotency-key': String(idempotencyKey ?? '').slice(0, 200),
      });
      res.redirect(303, `/console/engagements/${launched.id}`);
    } catch (error) {
      if (error instanceof ApiError && error.problem.status >= 400 && error.problem.status < 500) {
        await showForm(
          req,
          res,
          { definitionId: parsed.definitionId, customerId: parsed.customerId, projectId: parsed.projectId ?? '' },
          { problem: error.problem, values: parsed.params },
          error.problem.status,
        );
        return;
      }
      throw error;
    }
  });

  return router;
}
