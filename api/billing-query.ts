/**
 * Query parameters of the billing endpoints, checked one by one so a 400 names the parameter at
 * fault: `from`/`to` (YYYY-MM-DD, Europe/Kyiv, inclusive), `customer`, `contract`, `engagement`,
 * `service`, `category`, `billable`, and for pages `cursor` and `limit`.
 */
import { CATEGORIES, type Category } from '../definitions/model.ts';
import type { BillingRecordFilters } from '../db/queries/billing-records.ts';
import { compareDates, isIsoDate } from '../lib/calendar.ts';
import { AppError } from '../lib/errors.ts';
import type { ActFilters } from '../db/queries/acts.ts';
import type { ActStatus } from '../lib/acts.ts';
import { allowedValues } from './field-errors.ts';

export type QueryInput = Record<string, unknown>;

const FILTERS = ['from', 'to', 'customer', 'contract', 'engagement', 'service', 'category', 'billable'] as const;
const PAGE = ['cursor', 'limit'] as const;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

function refuse(parameter: string, message: string): never {
  throw new AppError('request-invalid', `Query parameter "${parameter}" ${message}.`, {
    errors: [{ path: parameter, message }],
  });
}

/** The single string value of a parameter; repeated (`?a=1&a=2`) or nested parameters are refused. */
function single(query: QueryInput, name: string): string | undefined {
  const value = query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') refuse(name, 'must be given once, as plain text');
  if (value.length === 0 || value.length > 200) refuse(name, 'must be 1–200 characters');
  return value;
}

function date(query: QueryInput, name: string): string | undefined {
  const value = single(query, name);
  if (value !== undefined && !isIsoDate(value)) refuse(name, `must be a calendar date YYYY-MM-DD, got "${value}"`);
  return value;
}

function refuseUnknown(query: QueryInput, allowed: readonly string[]): void {
  for (const name of Object.keys(query)) {
    if (!allowed.includes(name)) refuse(name, `is not known here; use ${allowed.join(', ')}`);
  }
}

function readFilters(query: QueryInput): BillingRecordFilters {
  const filters: BillingRecordFilters = {};
  const from = date(query, 'from');
  const to = date(query, 'to');
  if (from !== undefined && to !== undefined && compareDates(from, to) > 0)
    refuse('to', `must not be before from (${from})`);
  if (from !== undefined) filters.from = from;
  if (to !== undefined) filters.to = to;
  const customer = single(query, 'customer');
  if (customer !== undefined) filters.customerId = customer;
  const contract = single(query, 'contract');
  if (contract !== undefined) filters.contractId = contract;
  const engagement = single(query, 'engagement');
  if (engagement !== undefined) {
    if (!UUID.test(engagement)) refuse('engagement', 'must be an engagement id (a UUID)');
    filters.engagementId = engagement;
  }
  const service = single(query, 'service');
  if (service !== undefined) filters.serviceCode = service;
  const category = single(query, 'category');
  if (category !== undefined) {
    if (!CATEGORIES.includes(category as Category)) refuse('category', `must be one of ${allowedValues(CATEGORIES)}`);
    filters.category = category as Category;
  }
  const billable = single(query, 'billable');
  if (billable !== undefined) {
    if (billable !== 'true' && billable !== 'false') refuse('billable', 'must be true or false');
    filters.billable = billable === 'true';
  }
  return filters;
}

/** Filters of the summary and the CSV export; unknown parameters are refused (a typo must not widen an export). */
export function parseBillingFilters(query: QueryInput): BillingRecordFilters {
  refuseUnknown(query, FILTERS);
  return readFilters(query);
}

/** The cursor is opaque to clients: the last entry id of the previous page, base64url-encoded. */
export function encodeCursor(afterId: number): string {
  return Buffer.from(`e:${afterId}`).toString('base64url');
}

function decodeCursor(cursor: string): number {
  const match = /^e:(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) refuse('cursor', 'is not a cursor this API returned');
  return Number(match[1]);
}

/** Filters plus page position of a JSON page. */
export function parseBillingPage(query: QueryInput): {
  filters: BillingRecordFilters;
  afterId: number | null;
  limit: number;
} {
  refuseUnknown(query, [...FILTERS, ...PAGE]);
  return { filters: readFilters(query), ...parsePage(query) };
}

function parsePage(query: QueryInput): { afterId: number | null; limit: number } {
  const cursor = single(query, 'cursor');
  const rawLimit = single(query, 'limit');
  let limit = DEFAULT_PAGE_SIZE;
  if (rawLimit !== undefined) {
    limit = Number(rawLimit);
    if (!/^\d+$/.test(rawLimit) || limit < 1 || limit > MAX_PAGE_SIZE)
      refuse('limit', `must be a whole number from 1 to ${MAX_PAGE_SIZE}`);
  }
  return { afterId: cursor === undefined ? null : decodeCursor(cursor), limit };
}

const ACT_FILTERS = ['customer', 'status', 'from', 'to', 'engagement'] as const;
const ACT_STATUSES: readonly ActStatus[] = ['draft', 'issued', 'signed'];

/** Filters and page position of `GET /v1/billing/acts`; the cursor is the last act id of the previous page. */
export function parseActsQuery(query: QueryInput): { filters: ActFilters; beforeId: number | null; limit: number } {
  refuseUnknown(query, [...ACT_FILTERS, ...PAGE]);
  const { from, to, customerId, engagementId } = readFilters(query);
  const filters: ActFilters = { from, to, customer: customerId, engagement: engagementId };
  const status = single(query, 'status');
  if (status !== undefined) {
    if (!ACT_STATUSES.includes(status as ActStatus)) refuse('status', `must be one of ${allowedValues(ACT_STATUSES)}`);
    filters.status = status as ActStatus;
  }
  const { afterId, limit } = parsePage(query);
  return { filters, beforeId: afterId, limit };
}
