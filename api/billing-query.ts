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

/**
 * How the caller names a parameter in an error: `Query parameter "to"` over HTTP, `--to` on the
 * command line, so the same checks speak to each in its own terms.
 */
export interface ParameterNaming {
  /** The parameter at fault, opening the message. */
  subject(name: string): string;
  /** Another parameter mentioned inside the message. */
  mention(name: string): string;
}

export const QUERY_PARAMETERS: ParameterNaming = {
  subject: (name) => `Query parameter "${name}"`,
  mention: (name) => name,
};
export const CLI_OPTIONS: ParameterNaming = { subject: (name) => `--${name}`, mention: (name) => `--${name}` };

function refuse(naming: ParameterNaming, parameter: string, message: string): never {
  throw new AppError('request-invalid', `${naming.subject(parameter)} ${message}.`, {
    errors: [{ path: parameter, message }],
  });
}

/** The single string value of a parameter; repeated (`?a=1&a=2`) or nested parameters are refused. */
function single(query: QueryInput, name: string, naming: ParameterNaming): string | undefined {
  const value = query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') refuse(naming, name, 'must be given once, as plain text');
  if (value.length === 0 || value.length > 200) refuse(naming, name, 'must be 1–200 characters');
  return value;
}

function date(query: QueryInput, name: string, naming: ParameterNaming): string | undefined {
  const value = single(query, name, naming);
  if (value !== undefined && !isIsoDate(value))
    refuse(naming, name, `must be a calendar date YYYY-MM-DD, got "${value}"`);
  return value;
}

function refuseUnknown(query: QueryInput, allowed: readonly string[], naming: ParameterNaming): void {
  for (const name of Object.keys(query)) {
    if (!allowed.includes(name))
      refuse(naming, name, `is not known here; use ${allowed.map(naming.mention).join(', ')}`);
  }
}

function readFilters(query: QueryInput, naming: ParameterNaming): BillingRecordFilters {
  const filters: BillingRecordFilters = {};
  const from = date(query, 'from', naming);
  const to = date(query, 'to', naming);
  if (from !== undefined && to !== undefined && compareDates(from, to) > 0)
    refuse(naming, 'to', `must not be before ${naming.mention('from')} (${from})`);
  if (from !== undefined) filters.from = from;
  if (to !== undefined) filters.to = to;
  const customer = single(query, 'customer', naming);
  if (customer !== undefined) filters.customerId = customer;
  const contract = single(query, 'contract', naming);
  if (contract !== undefined) filters.contractId = contract;
  const engagement = single(query, 'engagement', naming);
  if (engagement !== undefined) {
    if (!UUID.test(engagement)) refuse(naming, 'engagement', 'must be an engagement id (a UUID)');
    filters.engagementId = engagement;
  }
  const service = single(query, 'service', naming);
  if (service !== undefined) filters.serviceCode = service;
  const category = single(query, 'category', naming);
  if (category !== undefined) {
    if (!CATEGORIES.includes(category as Category))
      refuse(naming, 'category', `must be one of ${allowedValues(CATEGORIES)}`);
    filters.category = category as Category;
  }
  const billable = single(query, 'billable', naming);
  if (billable !== undefined) {
    if (billable !== 'true' && billable !== 'false') refuse(naming, 'billable', 'must be true or false');
    filters.billable = billable === 'true';
  }
  return filters;
}

/** Filters of the summary and the CSV export; unknown parameters are refused (a typo must not widen an export). */
export function parseBillingFilters(query: QueryInput, naming = QUERY_PARAMETERS): BillingRecordFilters {
  refuseUnknown(query, FILTERS, naming);
  return readFilters(query, naming);
}

const NAMED = { customer: 'customer', contract: 'contract', service: 'catalog service' } as const;

/**
 * Refuses filters that name nothing (as selectUnknownFilterNames finds them): a mistyped customer
 * must not give an empty export that looks like a quiet quarter.
 */
export function refuseUnknownNames(
  unknown: readonly (keyof typeof NAMED)[],
  query: QueryInput,
  naming = QUERY_PARAMETERS,
): void {
  const name = unknown[0];
  if (name !== undefined) refuse(naming, name, `names no ${NAMED[name]}: "${String(query[name])}"`);
}

/** The cursor is opaque to clients: the last entry id of the previous page, base64url-encoded. */
export function encodeCursor(afterId: number): string {
  return Buffer.from(`e:${afterId}`).toString('base64url');
}

function decodeCursor(cursor: string): number {
  const match = /^e:(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) refuse(QUERY_PARAMETERS, 'cursor', 'is not a cursor this API returned');
  return Number(match[1]);
}

/** Filters plus page position of a JSON page. */
export function parseBillingPage(query: QueryInput): {
  filters: BillingRecordFilters;
  afterId: number | null;
  limit: number;
} {
  refuseUnknown(query, [...FILTERS, ...PAGE], QUERY_PARAMETERS);
  return { filters: readFilters(query, QUERY_PARAMETERS), ...parsePage(query) };
}

function parsePage(query: QueryInput): { afterId: number | null; limit: number } {
  const cursor = single(query, 'cursor', QUERY_PARAMETERS);
  const rawLimit = single(query, 'limit', QUERY_PARAMETERS);
  let limit = DEFAULT_PAGE_SIZE;
  if (rawLimit !== undefined) {
    limit = Number(rawLimit);
    if (!/^\d+$/.test(rawLimit) || limit < 1 || limit > MAX_PAGE_SIZE)
      refuse(QUERY_PARAMETERS, 'limit', `must be a whole number from 1 to ${MAX_PAGE_SIZE}`);
  }
  return { afterId: cursor === undefined ? null : decodeCursor(cursor), limit };
}

const ACT_FILTERS = ['customer', 'status', 'from', 'to', 'engagement'] as const;
const ACT_STATUSES: readonly ActStatus[] = ['draft', 'issued', 'signed'];

/** Filters and page position of `GET /v1/billing/acts`; the cursor is the last act id of the previous page. */
export function parseActsQuery(query: QueryInput): { filters: ActFilters; beforeId: number | null; limit: number } {
  refuseUnknown(query, [...ACT_FILTERS, ...PAGE], QUERY_PARAMETERS);
  const { from, to, customerId, engagementId } = readFilters(query, QUERY_PARAMETERS);
  const filters: ActFilters = { from, to, customer: customerId, engagement: engagementId };
  const status = single(query, 'status', QUERY_PARAMETERS);
  if (status !== undefined) {
    if (!ACT_STATUSES.includes(status as ActStatus))
      refuse(QUERY_PARAMETERS, 'status', `must be one of ${allowedValues(ACT_STATUSES)}`);
    filters.status = status as ActStatus;
  }
  const { afterId, limit } = parsePage(query);
  return { filters, beforeId: afterId, limit };
}
