/**
 * Customers: the list and one customer, each with its projects (the ids a launch names), and the
 * entitlement decision for a service on a date with its basis — the same decision the engagement
 * gate would make (activities/entitlement.ts).
 */
import { Router } from 'express';
import { ApplicationFailure } from '@temporalio/common';
import { decideForCustomer } from '../../activities/entitlement.ts';
import { isIsoDate, kyivDate } from '../../lib/calendar.ts';
import { AppError } from '../../lib/errors.ts';
import { selectCustomer, selectCustomersPage, type CustomerRow } from '../../db/queries/customers.ts';
import type { AppDeps } from '../app.ts';
import { decodeIdCursor, encodeIdCursor, pageLimit } from '../page.ts';

const PARAMETERS = ['service', 'date', 'project'];

function refuse(parameter: string, message: string): never {
  throw new AppError('request-invalid', `Query parameter "${parameter}" ${message}.`, {
    errors: [{ path: parameter, message }],
  });
}

function single(query: Record<string, unknown>, name: string): string | undefined {
  const value = query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0 || value.length > 200)
    refuse(name, 'must be given once, 1–200 characters');
  return value;
}

export function customerView(c: CustomerRow) {
  return {
    id: c.id,
    name: c.name,
    edrpou: c.edrpou,
    vatPayer: c.vat_payer,
    kind: c.kind,
    projects: c.projects,
  };
}

const CUSTOMER_ID = /^.{1,200}$/;

export function customerRoutes(deps: AppDeps): Router {
  const router = Router();
  const { pool } = deps;

  /** `GET /v1/customers?cursor=&limit=`: every customer in id order, with its projects. */
  router.get('/', async (req, res) => {
    const query = req.query as Record<string, string | undefined>;
    const afterId = query.cursor === undefined ? null : decodeIdCursor(query.cursor, CUSTOMER_ID);
    const { rows, more } = await selectCustomersPage(pool, { afterId, limit: pageLimit(query.limit) });
    const last = rows.at(-1);
    res.json({ items: rows.map(customerView), nextCursor: more && last ? encodeIdCursor(last.id) : null });
  });

  router.get('/:id', async (req, res) => {
    const customer = await selectCustomer(pool, String(req.params.id));
    if (!customer)
      throw new AppError('not-found', `No customer ${String(req.params.id)}. List them at GET /v1/customers.`);
    res.json(customerView(customer));
  });

  /** `GET /v1/customers/:id/entitlement?service=X-AUDIT&date=2026-03-01&project=…` */
  router.get('/:id/entitlement', async (req, res) => {
    const query = req.query as Record<string, unknown>;
    for (const name of Object.keys(query)) {
      if (!PARAMETERS.includes(name)) refuse(name, `is not known here; use ${PARAMETERS.join(', ')}`);
    }
    const service = single(query, 'service');
    if (service === undefined) refuse('service', 'is required (a catalog code such as X-AUDIT)');
    const date = single(query, 'date') ?? kyivDate(new Date());
    if (!isIsoDate(date)) refuse('date', `must be a calendar date YYYY-MM-DD, got "${date}"`);
    const customerId = String(req.params.id);
    try {
      const decision = await decideForCustomer(pool, {
        customerId,
        projectId: single(query, 'project') ?? null,
        service,
        engagementId: null,
        // Noon UTC falls on the same calendar day in Kyiv all year round.
        at: `${date}T12:00:00Z`,
      });
      res.json({ customerId, service, date, ...decision });
    } catch (error) {
      if (error instanceof ApplicationFailure && error.type === 'unknown-customer') {
        throw new AppError('not-found', `No customer ${customerId}.`);
      }
      if (error instanceof ApplicationFailure && error.type === 'unknown-service')
        refuse('service', `names no catalog service: ${error.message}`);
      throw error;
    }
  });

  return router;
}
