/**
 * RFC 9457 problem details: the one error middleware and the table from error codes to statuses.
 * Every code has its own `type` (`/problems/<code>`); 5xx answers never carry internals, the request
 * id lets an operator find the log line.
 */
import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import { AppError, type ErrorCode } from '../lib/errors.ts';
import type { Logger } from '../lib/logger.ts';

const PROBLEMS: Record<ErrorCode, { status: number; title: string }> = {
  'config-invalid': { status: 500, title: 'Server misconfigured' },
  'request-invalid': { status: 400, title: 'The request is malformed' },
  unauthenticated: { status: 401, title: 'Authentication required' },
  forbidden: { status: 403, title: 'Not allowed for your role' },
  'not-found': { status: 404, title: 'Not found' },
  'definition-invalid': { status: 422, title: 'The definition is invalid' },
  'entitlement-denied': { status: 422, title: 'Not entitled to the service' },
  'task-not-open': { status: 409, title: 'The task is not open' },
  'task-not-assigned': { status: 404, title: 'Not found' },
  'four-eyes-violation': { status: 403, title: 'Four-eyes rule: someone else must approve' },
  'task-result-invalid': { status: 422, title: "The result does not match the task's form" },
  'task-not-yet': { status: 409, title: 'The task cannot be completed yet' },
  'idempotency-conflict': { status: 409, title: 'Idempotency key reused with another request' },
  'engagement-not-running': { status: 409, title: 'The engagement is not running' },
  'schedule-deleted': { status: 409, title: 'The schedule was deleted' },
  unavailable: { status: 503, title: 'Service temporarily unavailable' },
  'payload-too-large': { status: 413, title: 'Request body too large' },
  'unsupported-media-type': { status: 415, title: 'Unsupported media type' },
  'rate-limited': { status: 429, title: 'Too many requests' },
  'act-status': { status: 409, title: 'The act is not in the status this step needs' },
  'nothing-to-bill': { status: 409, title: 'Nothing to bill' },
  'several-contracts': { status: 409, title: 'The entries fall under several contracts' },
  'reversal-of-reversal': { status: 409, title: 'A reversing entry cannot be reversed' },
  'request-already-triaged': { status: 409, title: 'The service request was triaged already' },
  'user-exists': { status: 409, title: 'The user exists already' },
  'crs-exists': { status: 409, title: 'The coordinate system exists already' },
  'definition-version-conflict': { status: 409, title: 'The version is published with other content' },
  'definition-not-offered': { status: 409, title: 'The service is not offered yet' },
  'not-acceptable': { status: 406, title: 'Not acceptable' },
  'rate-card-missing': { status: 422, title: 'No rate card in force' },
  'upload-exists': { status: 409, title: 'A different file of this name was uploaded already' },
  'method-not-allowed': { status: 405, title: 'Method not allowed' },
  'reference-invalid': { status: 422, title: 'The request names something that does not exist or does not fit' },
  'release-exists': { status: 409, title: 'The release is registered already' },
  'download-link-invalid': { status: 403, title: 'The download link is not valid' },
  'download-link-expired': { status: 410, title: 'The download link has expired' },
};

/** Status of every error code; the OpenAPI document lists the same set. */
export function statusOf(code: ErrorCode): number {
  return PROBLEMS[code].status;
}

export const ERROR_CODES = Object.keys(PROBLEMS) as ErrorCode[];

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  [extension: string]: unknown;
}

export function problemOf(error: AppError, instance?: string): Problem {
  const { status, title } = PROBLEMS[error.code];
  // Extensions first: details never overwrite the members RFC 9457 defines.
  return {
    ...(error.details ?? {}),
    type: `/problems/${error.code}`,
    title,
    status,
    detail: error.message,
    ...(instance ? { instance } : {}),
  };
}

export function sendProblem(res: Response, problem: Problem): void {
  res.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
}

/** Errors raised by body parsing (express.json) carry a `type` of their own; map them to codes. */
function parserError(error: { type?: string; message?: string }): AppError | null {
  switch (error.type) {
    case 'entity.too.large':
      return new AppError('payload-too-large', 'The request body is larger than the API accepts.');
    case 'entity.parse.failed':
      return new AppError('request-invalid', `The body is not valid JSON: ${error.message ?? ''}`);
    case 'entity.verify.failed':
    case 'request.size.invalid':
    case 'request.aborted':
      return new AppError('request-invalid', 'The request body was incomplete or malformed.');
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return new AppError('unsupported-media-type', error.message ?? 'Unsupported body encoding.');
    default:
      return null;
  }
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const instance = req.originalUrl;
    const known = error instanceof AppError ? error : parserError(error as { type?: string; message?: string });
    if (res.headersSent) {
      logger.error({ err: error, reqId: req.id }, 'error after the response started');
      res.destroy();
      return;
    }
    if (known) {
      const problem = problemOf(known, instance);
      // RFC 9110 §11.6.1: a 401 names the scheme that would work (RFC 6750 for a refused key).
      if (problem.status === 401) {
        res.setHeader(
          'www-authenticate',
          req.get('authorization') === undefined
            ? 'Bearer realm="potik"'
            : 'Bearer realm="potik", error="invalid_token"',
        );
      }
      if (problem.status >= 500) logger.error({ err: error, reqId: req.id }, 'request failed');
      sendProblem(res, problem);
      return;
    }
    logger.error({ err: error, reqId: req.id }, 'unexpected error');
    sendProblem(res, {
      type: '/problems/internal',
      title: 'Internal error',
      status: 500,
      detail: `Something went wrong on our side. Quote request id ${String(req.id)} when you report it.`,
      instance,
    });
  };
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new AppError('not-found', `No route ${req.method} ${req.path}. See /openapi.json for the API.`));
};
