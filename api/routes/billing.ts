/**
 * Finance over the ledger: billing records (JSON pages or streamed CSV), the summary, reversals,
 * and acts of services rendered. Finance and admins; PMs may read acts.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Router } from 'express';
import { createEngagementAct, moveAct } from '../../activities/acts.ts';
import {
  selectActLines,
  selectActsOfEngagement,
  selectEngagementOutcome,
  selectVisibleActsPage,
} from '../../db/queries/acts.ts';
import {
  selectBillingRecord,
  selectBillingRecordsPage,
  selectBillingSummary,
  streamBillingRecordBatches,
} from '../../db/queries/billing-records.ts';
import { insertReversingEntry } from '../../db/queries/billing-reversals.ts';
import { actWarnings, BillingConflict } from '../../lib/acts.ts';
import { kyivDate } from '../../lib/calendar.ts';
import { AppError } from '../../lib/errors.ts';
import { callerOf } from '../auth.ts';
import { billingCsvChunks } from '../billing-csv.ts';
import { writeBillingXlsx } from '../billing-xlsx.ts';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
import { encodeCursor, parseActsQuery, parseBillingFilters, parseBillingPage } from '../billing-query.ts';
import { actView, billingRecordView, billingSummaryView, outcomeOf } from '../billing-view.ts';
import { UUID } from '../page.ts';
import type { RouteDeps } from '../app.ts';
import { visibleEngagement } from './engagements.ts';

/** Body of `POST /v1/billing/acts` (schema: CreateActBody in api/openapi.yaml). */
export interface CreateActBody {
  engagementId: string;
  /** Date printed on the act (Europe/Kyiv); today when omitted. */
  date?: string;
}

/** Body of `POST /v1/billing/records/:id/reverse` (schema: ReverseEntryBody in api/openapi.yaml). */
export interface ReverseEntryBody {
  reason: string;
}

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

/** Routes under `/v1/billing`. Bodies and roles are checked by the gate against api/openapi.yaml. */
export function billingRoutes(deps: RouteDeps): Router {
  const router = Router();
  const { pool, logger, vendorVatPayer } = deps;

  router.get('/records', async (req, res) => {
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
    const rows = streamBillingRecordBatches(pool, filters);
    try {
      const first = await rows.next();
      const name = `billing-records_${filters.from ?? 'start'}_${filters.to ?? kyivDate(new Date())}.csv`;
      res
        .status(200)
        .type('text/csv; charset=utf-8')
        .setHeader('content-disposition', `attachment; filename="${name}"`);
      await pipeline(Readable.from(billingCsvChunks(resumed(first, rows))), res);
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

  router.get('/records.xlsx', async (req, res) => {
    const filters = parseBillingFilters(req.query as Record<string, unknown>);
    const rows = streamBillingRecordBatches(pool, filters);
    try {
      const first = await rows.next();
      const name = `billing-records_${filters.from ?? 'start'}_${filters.to ?? kyivDate(new Date())}.xlsx`;
      res.status(200).type(XLSX_TYPE).setHeader('content-disposition', `attachment; filename="${name}"`);
      await writeBillingXlsx(resumed(first, rows), res);
    } catch (error) {
      if (!res.headersSent) throw error;
      logger.error({ err: error, reqId: req.id }, 'XLSX export failed');
      res.destroy(); // mid-stream: a cut connection is the only honest signal
    } finally {
      await rows.return(undefined);
    }
  });

  router.get('/summary', async (req, res) => {
    const filters = parseBillingFilters(req.query as Record<string, unknown>);
    const rows = await selectBillingSummary(pool, filters);
    res.json({ items: rows.map(billingSummaryView) });
  });

  router.post('/records/:id/reverse', async (req, res) => {
    const entryId = positiveId(String(req.params.id), 'billing entry');
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

  router.post('/acts', async (req, res) => {
    const body = req.body as CreateActBody;
    const { act, lines } = await createEngagementAct(pool, {
      engagementId: body.engagementId,
      actDate: body.date ?? kyivDate(new Date()),
      createdBy: callerOf(req).id,
      vendorVatPayer,
    });
    const outcome = outcomeOf(act, await selectEngagementOutcome(pool, act.engagement_id));
    res
      .status(201)
      .location(`/v1/billing/acts/${body.engagementId}`)
      .json({ ...actView(act, lines, outcome), warnings: actWarnings(outcome) });
  });

  /** `GET /v1/billing/acts?customer=&status=&from=&to=&engagement=&cursor=&limit=`, newest first. */
  router.get('/acts', async (req, res) => {
    const query = req.query as Record<string, unknown>;
    const { filters, beforeId, limit } = parseActsQuery(query);
    const { rows, more } = await selectVisibleActsPage(pool, callerOf(req), filters, { beforeId, limit });
    const lines = rows.length
      ? await selectActLines(
          pool,
          rows.map((act) => act.id),
        )
      : [];
    const last = rows.at(-1);
    res.json({
      items: rows.map((act) => actView(act, lines, outcomeOf(act, act))),
      nextCursor: more && last ? encodeCursor(last.id) : null,
    });
  });

  router.get('/acts/:engagementId', async (req, res) => {
    const engagementId = String(req.params.engagementId);
    if (!UUID.test(engagementId)) throw new AppError('not-found', `No engagement ${engagementId}.`);
    // PMs read the acts of the engagements they manage only; finance and admins see every engagement.
    await visibleEngagement(deps, callerOf(req), engagementId);
    const acts = await selectActsOfEngagement(pool, engagementId);
    const lines = acts.length
      ? await selectActLines(
          pool,
          acts.map((act) => act.id),
        )
      : [];
    const outcome = await selectEngagementOutcome(pool, engagementId);
    res.json({ items: acts.map((act) => actView(act, lines, outcomeOf(act, outcome))) });
  });

  for (const [step, to] of [
    ['issue', 'issued'],
    ['sign', 'signed'],
  ] as const) {
    router.post(`/acts/:actId/${step}`, async (req, res) => {
      const actId = positiveId(String(req.params.actId), 'act');
      const act = await moveAct(pool, { actId, to, by: callerOf(req).id });
      const outcome = outcomeOf(act, await selectEngagementOutcome(pool, act.engagement_id));
      // Issuing puts the act in front of the customer: say what is unusual about what it bills.
      const warnings = to === 'issued' ? actWarnings(outcome) : [];
      res.json({ ...actView(act, await selectActLines(pool, [act.id]), outcome), warnings });
    });
  }

  return router;
}
