/**
 * The vendor's "send a request" page, without sign-in: customer, contact, project, service and
 * text. It takes the API's body schema (ServiceRequestBody in api/openapi.yaml), the API's
 * per-address limit on public requests and records through the same function as
 * `POST /v1/requests`. A honeypot field, invisible to people and skipped by assistive technology,
 * catches form-filling robots: their request is thanked for and dropped.
 */
import { Router, type Request, type Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import { assertBody } from '../../api/contract.ts';
import { DEFAULT_RATE_LIMITS } from '../../api/gate.ts';
import { recordServiceRequest, type ServiceRequestBody } from '../../api/routes/requests.ts';
import type { RouteDeps } from '../../api/app.ts';
import { AppError } from '../../lib/errors.ts';
import { assertCsrf, csrfToken, preSessionCookie, preSessionValue } from '../csrf.ts';
import { render } from '../render.ts';

/** The honeypot's name: a field robots like to fill. */
export const HONEYPOT = 'website';

const FIELDS = ['customerName', 'customerId', 'contactName', 'email', 'phone', 'project', 'service', 'text'] as const;

/** Which form field each pointer of the API's schema errors belongs to. */
const FIELD_OF: Record<string, (typeof FIELDS)[number]> = {
  '/customer': 'customerName',
  '/customer/name': 'customerName',
  '/customer/id': 'customerId',
  '/contact': 'email',
  '/contact/name': 'contactName',
  '/contact/email': 'email',
  '/contact/phone': 'phone',
  '/project': 'project',
  '/service': 'service',
  '/text': 'text',
};

function bodyOf(form: Record<string, unknown>): ServiceRequestBody {
  const text = (name: string) => (typeof form[name] === 'string' ? (form[name] as string).trim() : '');
  const some = (name: string) => text(name) || undefined;
  const customer: ServiceRequestBody['customer'] = {};
  if (some('customerId')) customer.id = text('customerId');
  if (some('customerName')) customer.name = text('customerName');
  return {
    customer,
    contact: {
      name: text('contactName'),
      ...(some('email') ? { email: text('email') } : {}),
      ...(some('phone') ? { phone: text('phone') } : {}),
    },
    ...(some('project') ? { project: text('project') } : {}),
    ...(some('service') ? { service: text('service') } : {}),
    text: text('text'),
  };
}

export function publicRequestPage(deps: RouteDeps): Router {
  const router = Router();
  // createApp always passes the compiled contract on to routes.
  const operation = deps.contract!.find('POST', '/v1/requests')!.operation;

  const show = (
    req: Request,
    res: Response,
    data: { errors?: Record<string, string>; values?: Record<string, unknown>; reference?: string; problem?: string },
    status = 200,
  ) => {
    res.locals.csrf = csrfToken(deps.sessions.secret, preSessionValue(req, res));
    render(
      req,
      res,
      'public-request',
      { title: 'request.title', errors: {}, values: {}, fields: FIELDS, ...data },
      status,
    );
  };

  router.get('/request', (req, res) => show(req, res, {}));

  const limiter = rateLimit({
    windowMs: 600_000,
    limit: deps.rateLimits?.publicRequestsPer10Minutes ?? DEFAULT_RATE_LIMITS.publicRequestsPer10Minutes,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    validate: { xForwardedForHeader: false },
    handler: (req, res) => show(req, res, { values: req.body, problem: 'request.tooMany' }, 429),
  });

  router.post('/request', limiter, async (req, res) => {
    assertCsrf(deps.sessions.secret, preSessionCookie(req), req.body);
    const form = req.body as Record<string, unknown>;
    if (typeof form[HONEYPOT] === 'string' && form[HONEYPOT] !== '') {
      show(req, res, { reference: '—' }, 201);
      return;
    }
    const body = bodyOf(form);
    try {
      assertBody(operation, body);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      const errors: Record<string, string> = {};
      for (const e of (error.details?.errors ?? []) as { path: string; message: string }[]) {
        const field = FIELD_OF[e.path] ?? 'text';
        errors[field] = errors[field] ? `${errors[field]}; ${e.message}` : e.message;
      }
      show(req, res, { errors, values: form }, 400);
      return;
    }
    const row = await recordServiceRequest(deps.pool, body);
    show(req, res, { reference: row.reference }, 201);
  });

  return router;
}
