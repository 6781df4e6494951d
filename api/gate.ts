/**
 * What every `/v1` request passes before a handler: the operation it names in the OpenAPI document
 * (none → 404), authentication unless the operation is public (401, the same for every failure),
 * rate limits, the role check (403), then path, query and body against the document (404/400/415).
 * Public operations get a per-address limit instead of a key.
 */
import express, { type Request, type RequestHandler, type Response } from 'express';
import { ipKeyGenerator, MemoryStore, rateLimit, type Options } from 'express-rate-limit';
import type { Pool } from '../db/pool.ts';
import { AppError } from '../lib/errors.ts';
import { authenticate } from './auth.ts';
import { assertSameOrigin } from './origin-check.ts';
import { assertJsonDepth } from './json-depth.ts';
import type { SessionSettings } from '../lib/sessions.ts';
import { assertMayCall, isPublic } from './authorization.ts';
import { pathOfNul, refuseField } from './field-errors.ts';
import { assertBody, assertPathParams, assertQuery, type Contract, type Operation } from './contract.ts';

/** Requests per window; every limit is per minute except `publicRequestsPer10Minutes`. */
export interface RateLimits {
  /** Requests per API key per minute. */
  perKeyPerMinute: number;
  /** Failed authentications (401) per client address per minute; beyond it failures are 429 (valid keys pass). */
  authFailuresPerIpPerMinute: number;
  /** Public "send request" submissions per client address per 10 minutes. */
  publicRequestsPer10Minutes: number;
}

export const DEFAULT_RATE_LIMITS: RateLimits = {
  perKeyPerMinute: 600,
  authFailuresPerIpPerMinute: 20,
  publicRequestsPer10Minutes: 20,
};

/** Bodies above this many bytes are refused (413); JSON parsing stops reading there too. */
export const MAX_BODY_BYTES = 1024 * 1024;

declare module 'express-serve-static-core' {
  interface Request {
    /** The operation of the OpenAPI document this request names. */
    operation?: Operation;
    /** The JSON body spells a NUL character, which PostgreSQL text cannot hold. */
    nulInBody?: boolean;
  }
}

function limiter(windowMs: number, limit: number, extra: Partial<Options>): RequestHandler {
  return rateLimit({
    windowMs,
    limit,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    // A forwarded header from a proxy the operator did not name is ignored on purpose (TRUST_PROXY).
    validate: { xForwardedForHeader: false },
    handler: (req, res, next) => {
      const reset = (req as Request & { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime?.getTime();
      const seconds = Math.max(1, Math.ceil(((reset ?? Date.now() + windowMs) - Date.now()) / 1000));
      res.setHeader('retry-after', String(seconds));
      next(new AppError('rate-limited', `Too many requests; retry in ${seconds} s.`, { retryAfterSeconds: seconds }));
    },
    ...extra,
  });
}

function hasBody(req: Request): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}

const JSON_TYPES = ['application/json', 'application/*+json'];

/** How JSON spells U+0000; PostgreSQL text cannot hold it, so such bodies are refused up front. */
const NUL_ESCAPE = Buffer.from('\\u0000');

/** Where files are uploaded: the one route whose body may exceed MAX_BODY_BYTES. */
const UPLOAD_PATH = /^\/v1\/engagements\/[^/]+\/files\/[^/]+$/;

/** Default limit of one uploaded file (`UPLOAD_MAX_MB`). */
export const DEFAULT_UPLOAD_MAX_BYTES = 100 * 1024 * 1024;

/**
 * Refuses a declared body over the limit before reading a byte of it: MAX_BODY_BYTES, or
 * `uploadMaxBytes` for a file upload.
 */
export function contentLengthLimit(uploadMaxBytes: number): RequestHandler {
  return (req, res, next) => {
    const length = Number(req.headers['content-length'] ?? 0);
    const upload = req.method === 'PUT' && UPLOAD_PATH.test(req.path);
    const limit = upload ? uploadMaxBytes : MAX_BODY_BYTES;
    if (length > limit) {
      // The body is never read: close the connection after the answer instead of draining it.
      res.setHeader('connection', 'close');
      next(
        new AppError(
          'payload-too-large',
          upload
            ? `The file is ${length} bytes; uploads are limited to ${limit} bytes (UPLOAD_MAX_MB). Split or compress it.`
            : `The request body is ${length} bytes; the API accepts ${limit}.`,
        ),
      );
      return;
    }
    next();
  };
}

export function createGate(options: {
  contract: Contract;
  pool: Pool;
  sessions: SessionSettings;
  limits: RateLimits;
}): RequestHandler[] {
  const { contract, limits } = options;
  // Failed authentications per client address (the socket's, or the one a configured proxy
  // forwarded). Beyond the limit a failure is answered 429 instead of 401, telling the client to wait;
  // a valid key or session always gets through, so failures from one address never lock out the
  // users that share it (a proxy or NAT) or anyone else.
  const failures = new MemoryStore();
  failures.init({ windowMs: 60_000 } as Options);
  const failed = async (req: Request, res: Response, error: unknown): Promise<unknown> => {
    if (!(error instanceof AppError) || error.code !== 'unauthenticated') return error;
    const address = ipKeyGenerator(req.ip ?? '');
    const seen = await failures.increment(address);
    if (seen.totalHits <= limits.authFailuresPerIpPerMinute) return error;
    const seconds = Math.max(1, Math.ceil(((seen.resetTime?.getTime() ?? Date.now() + 60_000) - Date.now()) / 1000));
    res.setHeader('retry-after', String(seconds));
    return new AppError('rate-limited', `Too many failed authentications; retry in ${seconds} s.`, {
      retryAfterSeconds: seconds,
    });
  };
  const perKey = limiter(60_000, limits.perKeyPerMinute, {
    keyGenerator: (req) => `key:${req.apiKeyId ?? ''}`,
  });
  const publicLimit = limiter(600_000, limits.publicRequestsPer10Minutes, {});
  const auth = authenticate(options.pool, options.sessions);
  const json = express.json({
    limit: MAX_BODY_BYTES,
    type: JSON_TYPES,
    strict: true,
    verify: (req, _res, buf) => {
      // Before JSON.parse: a body nested too deep is refused (400) without being parsed.
      assertJsonDepth(buf);
      if (buf.includes(NUL_ESCAPE)) (req as Request).nulInBody = true;
    },
  });

  const find: RequestHandler = (req, res, next) => {
    const path = `${req.baseUrl}${req.path}`;
    const found = contract.find(req.method, path);
    if (!found) {
      const allowed = contract.methodsOf(path);
      if (allowed.length > 0) {
        res.setHeader('allow', allowed.join(', '));
        next(
          new AppError(
            'method-not-allowed',
            `${req.originalUrl.split('?')[0]} takes ${allowed.join(' or ')}, not ${req.method}. See /openapi.json.`,
          ),
        );
        return;
      }
      next(new AppError('not-found', `No route ${req.method} ${req.originalUrl.split('?')[0]}. See /openapi.json.`));
      return;
    }
    req.operation = found.operation;
    if (Object.values(found.params).some((v) => v.includes('\0'))) throw new AppError('not-found', 'No such object.');
    assertPathParams(found.operation, found.params);
    next();
  };

  const admit: RequestHandler = (req, res, next) => {
    if (isPublic(req.operation!.operationId)) {
      publicLimit(req, res, next);
      return;
    }
    Promise.resolve(auth(req, res, () => perKey(req, res, next))).catch((error: unknown) =>
      failed(req, res, error).then(next, next),
    );
  };

  const authorize: RequestHandler = (req, _res, next) => {
    const operation = req.operation!;
    if (!isPublic(operation.operationId)) {
      assertSameOrigin(req);
      assertMayCall(operation.operationId, req.caller!.role);
    }
    next();
  };

  const validate: RequestHandler = (req, _res, next) => {
    const operation = req.operation!;
    if (req.nulInBody || req.originalUrl.includes('%00')) {
      const path = req.originalUrl.includes('%00') ? 'url' : (pathOfNul(req.body) ?? 'body');
      refuseField(path, 'contains the NUL character (\\u0000), which text may not hold', {
        detail: `Text may not contain the NUL character (\\u0000): ${path}.`,
      });
    }
    assertQuery(operation, req.query as Record<string, unknown>);
    const body = hasBody(req);
    if (operation.bodyTypes.length === 0) {
      const empty =
        req.body === undefined || (typeof req.body === 'object' && Object.keys(req.body ?? {}).length === 0);
      if (body && (!req.is(JSON_TYPES) || !empty)) {
        throw new AppError('request-invalid', `${req.method} ${operation.path} takes no request body.`);
      }
      next();
      return;
    }
    if (body && !req.is(operation.bodyTypes.flatMap((t) => (t === 'application/json' ? JSON_TYPES : [t])))) {
      throw new AppError(
        'unsupported-media-type',
        `Send the body as ${operation.bodyTypes.join(' or ')}, not ${req.get('content-type') ?? 'without a Content-Type'}.`,
      );
    }
    if (!body) {
      if (operation.bodyRequired) {
        throw new AppError(
          'request-invalid',
          `${req.method} ${operation.path} needs a ${operation.bodyTypes[0]} body.`,
        );
      }
      next();
      return;
    }
    if (operation.validateBody && req.is(JSON_TYPES)) assertBody(operation, req.body);
    next();
  };

  // Only operations that take JSON have their body parsed here; an upload is read by its route.
  const jsonBody: RequestHandler = (req, res, next) =>
    req.operation!.bodyTypes.includes('application/json') || req.operation!.bodyTypes.length === 0
      ? json(req, res, next)
      : next();

  return [find, admit, jsonBody, authorize, validate];
}
