/**
 * Definitions: the published catalog (list, get by version), validation and publishing of YAML
 * sources, the process graph (Mermaid or SVG) and the estimate before launch. YAML bodies are read as
 * text by this router only (application/yaml, text/yaml, text/plain, up to 1 MB); a definition with
 * problems is a 422 whose `errors[]` are the lines `potik validate` prints. Roles are checked by the
 * gate (api/authorization.ts): reading, validating and estimating for staff, publishing for admins.
 */
import express, { Router, type Request } from 'express';
import { selectRateCardOn } from '../../db/queries/billing.ts';
import {
  insertDefinition,
  selectDefinition,
  selectDefinitionOffers,
  selectLatestDefinitions,
  type DefinitionRow,
} from '../../db/queries/definitions.ts';
import type { Pool } from '../../db/pool.ts';
import { estimateDefinition } from '../../definitions/estimate.ts';
import { toMermaid } from '../../definitions/graph.ts';
import { toSvg } from '../../definitions/graph-svg.ts';
import type { JsonValue } from '../../definitions/model.ts';
import { isIsoDate, kyivDate } from '../../lib/calendar.ts';
import { AppError } from '../../lib/errors.ts';
import { VAT_RATE_PERCENT } from '../../lib/money.ts';
import { callerOf } from '../auth.ts';
import { allowedValues, refuseField } from '../field-errors.ts';
import type { DefinitionThread } from '../definition-thread.ts';
import { assertMatches } from '../validate.ts';

/** The name a posted source goes by in error positions. */
export const POSTED_FILE = 'definition.yaml';

const YAML_TYPES = ['application/yaml', 'text/yaml', 'text/plain'];
const MAX_SOURCE_BYTES = 1024 * 1024;

export interface DefinitionRoutesDeps {
  pool: Pool;
  /** Loads posted sources off the event loop. */
  definitionThread: DefinitionThread;
  /** Whether estimates add VAT. */
  vendorVatPayer: boolean;
}

/** A published version as the API shows it. */
export interface DefinitionSummaryView {
  id: string;
  version: number;
  title: string;
  serviceCode: string;
  sha256: string;
  publishedBy: string;
  publishedAt: string;
  /** False: in the catalog but not offered yet (the work it names is still to come); launching it is a 409. */
  offered: boolean;
  notOfferedReason?: string;
}

function summaryOf(row: Omit<DefinitionRow, 'source' | 'snapshot'>): DefinitionSummaryView {
  return {
    id: row.id,
    version: row.version,
    title: row.title,
    serviceCode: row.service_code,
    sha256: row.sha256,
    publishedBy: row.published_by,
    publishedAt: row.published_at.toISOString(),
    offered: row.not_offered_reason === null,
    ...(row.not_offered_reason === null ? {} : { notOfferedReason: row.not_offered_reason }),
  };
}

/** Loads a posted source; refused when it names work the worker does not implement or a subprocess not offered. */
/** Loads a posted definition off the event loop, its subprocess steps checked against the catalog's offers. */
async function loadPosted(pool: Pool, definitionThread: DefinitionThread, source: string) {
  const offers = await selectDefinitionOffers(pool);
  return definitionThread.load(source, POSTED_FILE, { offers });
}

function versionOf(raw: unknown): number | null {
  if (raw === undefined) return null;
  if (typeof raw === 'number' && Number.isSafeInteger(raw) && raw >= 1) return raw;
  if (typeof raw !== 'string' || !/^[1-9]\d{0,8}$/.test(raw)) {
    throw new AppError('request-invalid', 'version must be a whole number from 1.', {
      errors: [{ path: 'version', message: 'must be a whole number from 1' }],
    });
  }
  return Number(raw);
}

async function definitionOf(
  pool: Pool,
  req: Request,
  requested: unknown = req.query['version'],
): Promise<DefinitionRow> {
  const id = String(req.params['id'] ?? '');
  const version = versionOf(requested);
  const row = await selectDefinition(pool, id, version);
  if (!row)
    throw new AppError('not-found', `There is no definition ${id}${version === null ? '' : ` version ${version}`}.`);
  return row;
}

export function definitionRoutes(deps: DefinitionRoutesDeps): Router {
  const router = Router();
  const { pool, vendorVatPayer, definitionThread } = deps;
  const yaml = express.text({ type: YAML_TYPES, limit: MAX_SOURCE_BYTES });

  const sourceOf = (req: Request): string => {
    if (typeof req.body === 'string' && req.is(YAML_TYPES)) return req.body;
    throw new AppError('unsupported-media-type', `Send the definition as ${YAML_TYPES.join(', ')}.`);
  };

  router.get('/', async (_req, res) => {
    const rows = await selectLatestDefinitions(pool);
    res.json({ items: rows.map(summaryOf) });
  });

  router.post('/validate', yaml, async (req, res) => {
    const { snapshot, sha256 } = await loadPosted(pool, definitionThread, sourceOf(req));
    res.json({ valid: true, id: snapshot.id, version: snapshot.version, sha256 });
  });

  router.post('/', yaml, async (req, res) => {
    const source = sourceOf(req);
    const compiled = await loadPosted(pool, definitionThread, source);
    const { outcome, row } = await insertDefinition(pool, { source, compiled, publishedBy: callerOf(req).id });
    if (outcome === 'conflict') {
      const { id, version } = compiled.snapshot;
      throw new AppError(
        'definition-version-conflict',
        `${id} version ${version} is published with other content and published versions never change; raise the version to publish this one.`,
      );
    }
    res.status(outcome === 'published' ? 201 : 200).json(summaryOf(row));
  });

  router.get('/:id', async (req, res) => {
    const row = await definitionOf(pool, req);
    res.json({ ...summaryOf(row), source: row.source, snapshot: row.snapshot });
  });

  router.get('/:id/graph', async (req, res) => {
    const format = req.query['format'];
    if (format !== undefined && format !== 'svg' && format !== 'mermaid') {
      refuseField('format', `must be one of ${allowedValues(['svg', 'mermaid'])}`);
    }
    const row = await definitionOf(pool, req);
    const wanted = format === 'svg' ? 'image/svg+xml' : format === 'mermaid' ? 'text/vnd.mermaid' : undefined;
    const type = wanted ?? req.accepts(['text/vnd.mermaid', 'image/svg+xml']);
    if (type === 'image/svg+xml') res.type('image/svg+xml').send(toSvg(row.snapshot));
    else if (type === 'text/vnd.mermaid') res.type('text/vnd.mermaid; charset=utf-8').send(toMermaid(row.snapshot));
    else throw new AppError('not-acceptable', 'The graph is text/vnd.mermaid or image/svg+xml.');
  });

  router.post('/:id/estimate', async (req, res) => {
    const body = (req.body ?? {}) as { inputs?: unknown; date?: unknown; version?: unknown };
    const inputs = body.inputs;
    if (inputs === null || typeof inputs !== 'object' || Array.isArray(inputs)) {
      refuseField('/inputs', 'must be an object of launch parameters');
    }
    if (body.date !== undefined && !isIsoDate(body.date)) {
      refuseField('/date', 'must be a calendar date YYYY-MM-DD');
    }
    const row = await definitionOf(pool, req, body.version);
    // The inputs a launch would accept; validated on a copy, so the estimate names the defaults it took.
    assertMatches(row.snapshot.inputs, structuredClone(inputs), {
      code: 'request-invalid',
      what: 'inputs',
      root: '/inputs',
    });
    const date = (body.date as string | undefined) ?? kyivDate(Date.now());
    const card = await selectRateCardOn(pool, date);
    if (!card) throw new AppError('rate-card-missing', `No rate card is in force on ${date}.`);
    const estimate = estimateDefinition(row.snapshot, inputs as Record<string, JsonValue>, card.rates, vendorVatPayer);
    res.json({
      definition: { id: row.id, version: row.version },
      date,
      rateCard: { id: card.id, effectiveFrom: card.effective_from },
      vatRatePercent: vendorVatPayer ? VAT_RATE_PERCENT : 0,
      ...estimate,
    });
  });

  return router;
}
