/**
 * RFC 9457 problem details: the one error middleware and the table from error codes to statuses.
 * 5xx answers never carry internals; the request id lets an operator find the log line.
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError, type ErrorCode } from '../lib/errors.ts';
import type { Logger } from '../lib/logger.ts';

const STATUS: Record<ErrorCode, number> = {
  'config-invalid': 500,
  'request-invalid': 400,
  unauthenticated: 401,
  forbidden: 403,
  'not-found': 404,
  'definition-invalid': 422,
  'entitlement-denied': 422,
  'task-not-open': 409,
  'task-not-assigned': 404,
  'four-eyes-violation': 403,
  'task-result-invalid': 422,
  'idempotency-conflict': 409,
  'engagement-not-running': 409,
  unavailable: 503,
};

const TITLE: Record<ErrorCode, string> = {
  'config-invalid': 'Server misconfigured',
  'request-invalid': 'The request is malformed',
  unauthenticated: 'Authentication required',
  forbidden: 'Not allowed for your role',
  'not-found': 'Not found',
  'definition-invalid': 'The definition is invalid',
  'entitlement-denied': 'Not entitled to the service',
  'task-not-open': 'The task is not open',
  'task-not-assigned': 'Not found',
  'four-eyes-violation': 'Four-eyes rule: someone else must approve',
  'task-result-invalid': "The result does not match the task's form",
  'idempotency-conflict': 'Idempotency key reused with another request',
  'engagement-not-running': 'The engagement is not running',
  unavailable: 'Service temporarily unavailable',
};

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  [extension: string]: unknown;
}

export function problemOf(error: AppError, instance?: string): Problem {
  return {
    type: `/problems/${error.code}`,
    title: TITLE[error.code],
    status: STATUS[error.code],
    detail: error.message,
    ...(instance ? { instance } : {}),
    ...(error.details ?? {}),
  };
}

function send(res: Parameters<ErrorRequestHandler>[2], problem: Problem): void {
  res.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
}

/** Errors raised by body parsing (express.json) carry a status and a type of their own. */
function parserProblem(error: { status?: number; type?: string; message?: string }): Problem | null {
  if (error.type === 'entity.too.large') {
    return {
      type: '/problems/payload-too-large',
      title: 'Request body too large',
      status: 413,
      detail: 'The request body is larger than the API accepts.',
    };
  }
  if (error.type === 'entity.parse.failed') {
    return {
      type: '/problems/request-invalid',
      title: TITLE['request-invalid'],
      status: 400,
      detail: `The body is not valid JSON: ${error.message}`,
    };
  }
  if (error.type === 'charset.unsupported' || error.type === 'encoding.unsupported') {
    return {
      type: '/problems/unsupported-media-type',
      title: 'Unsupported media type',
      status: 415,
      detail: error.message ?? '',
    };
  }
  return null;
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const instance = req.originalUrl;
    if (error instanceof AppError) {
      const problem = problemOf(error, instance);
      if (problem.status >= 500) logger.error({ err: error, reqId: req.id }, 'request failed');
      send(res, problem);
      return;
    }
    const parsed = parserProblem(error as { status?: number; type?: string });
    if (parsed) {
      send(res, { ...parsed, instance });
      return;
    }
    logger.error({ err: error, reqId: req.id }, 'unexpected error');
    send(res, {
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
