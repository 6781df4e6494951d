/**
 * Finance over the ledger: billing records (JSON pages or streamed CSV), the summary, reversals,
 * and acts of services rendered. Finance and admins; PMs may read acts.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Router, type ErrorRequestHandler } from 'express';
import { createEngagementAct, moveAct } from '../../activities/acts.ts';
import { selectActLines, selectActsOfEngagement } from '../../db/queries/acts.ts';
import {
  selectBillingRecord,
  selectBillingRecordsPage,
  selectBillingSummary,
  streamBillingRecords,
  type BillingRecordRow,
} from '../../db/queries/billing-records.ts';
import { insertReversingEntry } from '../../db/queries/billing-reversals.ts';
import { BillingConflict } from '../../lib/acts.ts';
import { kyivDate } from '../../lib/calendar.ts';
import { loadConfig } from '../../lib/config.ts';
import { AppError } from '../../lib/errors.ts';
import { allow, callerOf } from '../auth.ts';
import { billingCsvChunks } from '../billing-csv.ts';
import { encodeCursor, parseBillingFilters, parseBillingPage } from '../billing-query.ts';
import { actView, billingRecordView, billingSummaryView } from '../billing-view.ts';
import { assertMatches } from '../validate.ts';
import type { AppDeps } from '../app.ts';
import type { Problem } from '../problem.ts';

/** Body of `POST /v1/billing/acts`. */
export interface CreateActBody {
  engagementId: string;
  /** Date printed on the act (Europe/Kyiv); today when omitted. */
  date?: string;
}

/** Body of `POST /v1/billing/records/:id/reverse`. */
export interface ReverseEntryBody {
  reason: string;
}

const UUID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

const CREATE_ACT_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['engagementId'],
  properties: {
    engagementId: { type: 'string', pattern: UUID_PATTERN },
    date: { type: 'string', format: 'date' },
  },
};

const REVERSE_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['reason'],
  properties: { reason: { type: 'string', minLength: 3, maxLength: 1000 } },
};

const CONFLICT_TITLE: Record<BillingConflict['kind'], string> = {
  'act-status': 'The act is not in the status this step needs',
  'nothing-to-bill': 'Nothing to bill',
  'several-contracts': 'The entries fall under several contracts',
  'reversal-of-reversal': 'A reversing entry cannot be reversed',
};

function positiveId(raw: string, what: string): number {
  if (!/^\d{1,15}$/.test(raw) || Number(raw) === 0) throw new AppError('not-found', `No ${what} ${raw}.`);
  return Number(raw);
}

/** The first batch is read before any byte is sent, so a failing query still answers with a problem. */
async function* resumed<T>(
  first: IteratorResult<T, void>,
  rest: AsyncGenerator<T, void, undefined>,
): AsyncGenerator<T, void, undefined> {
  if (first.done) return;
  yield first.value;
  yield* rest;
}

/** Routes under `/v1/billing`. The vendor's VAT flag comes from deps when given, else from the config. */
export function billingRoutes(deps: AppDeps & { vendorVatPayer?: boolean }): Router {
  const router = Router();
  const { pool, logger } = deps;
  const vendorVatPayer = deps.vendorVatPayer ?? loadConfig().vendorVatPayer;

  router.get('/records', allow('finance', 'admin'), async (req, res) => {
    const query = req.query as Record<string, unknown>;
    if (req.accepts(['application/json', 'text/csv']) !== 'text/csv') {
      const page = parseBillingPage(query);
      const { rows, nextAfterId } = await selectBillingRecordsPage(pool, page.filters, page);
      res.json({
        items: rows.map(billingRecordView),
        nextCursor: nextAfterId === null ? null : encodeCursor(nextAfterId),
      });
      return;
    }
    const filters = parseBillingFilters(query);
    const rows = streamBillingRecords(pool, filters);
    try {
      const first = await rows.next();
      const name = `billing-records_${filters.from ?? 'start'}_${filters.to ?? kyivDate(new Date())}.csv`;
      res
        .status(200)
        .type('text/csv; charset=utf-8')
        .setHeader('content-disposition', `attachment; filename="${name}"`);
      await pipeline(Readable.from(billingCsvChunks(resumed<BillingRecordRow>(first, rows))), res);
    } catch (error) {
      if (!res.headersSent) throw error;
      // Mid-stream: the status is gone, so the only honest signal is a cut connection (no final chunk).
      if ((error as { code?: string }).code !== 'ERR_STREAM_PREMATURE_CLOSE')
        logger.error({ err: error, reqId: req.id }, 'CSV export failed');
      res.destroy();
    } finally {
      await rows.return(undefined);
    }
  });

  router.get('/summary', allow('finance', 'admin'), async (req, res) => {
    const filters = parseBillingFilters(req.query as Record<string, unknown>);
    const rows = await selectBillingSummary(pool, filters);
    res.json({ items: rows.map(billingSummaryView) });
  });

  router.post('/records/:id/reverse', allow('finance', 'admin'), async (req, res) => {
    const entryId = positiveId(String(req.params.id), 'billing entry');
    assertMatches(REVERSE_SCHEMA, req.body, { code: 'request-invalid', what: 'The reversal request' });
    const body = req.body as ReverseEntryBody;
    const result = await insertReversingEntry(pool, { entryId, reason: body.reason, performedBy: callerOf(req).id });
    if (result.outcome === 'not-found') throw new AppError('not-found', `No billing entry ${entryId}.`);
    if (result.outcome === 'is-reversal') {
      throw new BillingConflict(
        'reversal-of-reversal',
        `Entry ${entryId} reverses entry ${result.original}; record the work again instead of reversing the reversal.`,
        { reverses: result.original },
      );
    }
    const record = await selectBillingRecord(pool, result.row.id);
    res.status(result.outcome === 'recorded' ? 201 : 200).json(billingRecordView(record!));
  });

  router.post('/acts', allow('finance', 'admin'), async (req, res) => {
    assertMatches(CREATE_ACT_SCHEMA, req.body, { code: 'request-invalid', what: 'The act request' });
    const body = req.body as CreateActBody;
    const { act, lines } = await createEngagementAct(pool, {
      engagementId: body.engagementId,
      actDate: body.date ?? kyivDate(new Date()),
      createdBy: callerOf(req).id,
      vendorVatPayer,
    });
    res.status(201).location(`/v1/billing/acts/${body.engagementId}`).json(actView(act, lines));
  });

  router.get('/acts/:engagementId', allow('finance', 'admin', 'pm'), async (req, res) => {
    const engagementId = String(req.params.engagementId);
    if (!new RegExp(UUID_PATTERN).test(engagementId)) throw new AppError('not-found', `No engagement ${engagementId}.`);
    const acts = await selectActsOfEngagement(pool, engagementId);
    const lines = acts.length
      ? await selectActLines(
          pool,
          acts.map((act) => act.id),
        )
      : [];
    res.json({ items: acts.map((act) => actView(act, lines)) });
  });

  for (const [step, to] of [
    ['issue', 'issued'],
    ['sign', 'signed'],
  ] as const) {
    router.post(`/acts/:actId/${step}`, allow('finance', 'admin'), async (req, res) => {
      const actId = positiveId(String(req.params.actId), 'act');
      const act = await moveAct(pool, { actId, to, by: callerOf(req).id });
      res.json(actView(act, await selectActLines(pool, [act.id])));
    });
  }

  // Conflicts with the ledger or an act's status: 409 problems, typed by kind.
  router.use(((error, req, res, next) => {
    if (!(error instanceof BillingConflict)) {
      next(error);
      return;
    }
    const problem: Problem = {
      type: `/problems/${error.kind}`,
      title: CONFLICT_TITLE[error.kind],
      status: 409,
      detail: error.message,
      instance: req.originalUrl,
      ...error.details,
    };
    res.status(409).type('application/problem+json').send(JSON.stringify(problem));
  }) as ErrorRequestHandler);

  return router;
}
