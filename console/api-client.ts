/**
 * The console is a client of the API served by the same process: every page reads and writes
 * through `/v1` with the signed-in user's session, so the API's authentication, permission table
 * (api/authorization.ts), object visibility (db/queries/visibility.ts), validation and error
 * explanations apply to the console unchanged — there is no second permission system to drift.
 * Calls go to the listening socket the browser's request arrived on, never leave the machine, and
 * carry no Origin (a server-side call, not a cross-site one).
 */
import type { Request } from 'express';
import { SESSION_COOKIE, sessionCookieOf } from '../lib/sessions.ts';

/** A problem+json answer of the API (api/problem.ts), as the console explains it to the user. */
export interface ApiProblem {
  status: number;
  type: string;
  title: string;
  detail: string;
  /** Field errors: JSON pointers into the body, e.g. `/result/attendees`. */
  errors?: { path: string; message: string }[];
  [extension: string]: unknown;
}

export class ApiError extends Error {
  constructor(readonly problem: ApiProblem) {
    super(problem.detail);
  }
  get code(): string {
    return this.problem.type.replace('/problems/', '');
  }
}

export interface ApiClient {
  get<T>(path: string): Promise<T>;
  /** A text answer (an SVG graph). */
  text(path: string): Promise<string>;
  post<T>(path: string, body?: unknown, headers?: Record<string, string>): Promise<T>;
  put<T>(
    path: string,
    body: Buffer | ReadableStream | NodeJS.ReadableStream,
    contentType: string,
    length?: number,
  ): Promise<T>;
  delete(path: string): Promise<void>;
}

/** The address of the socket this request came in on: the API is listening there. */
function ownBase(req: Request): string {
  let address = req.socket.localAddress ?? '127.0.0.1';
  if (address.startsWith('::ffff:')) address = address.slice('::ffff:'.length);
  return `http://${address.includes(':') ? `[${address}]` : address}:${req.socket.localPort}`;
}

async function answer<T>(response: Response): Promise<T> {
  const text = await response.text();
  const body: unknown = text === '' ? undefined : JSON.parse(text);
  if (!response.ok) {
    const problem = (body ?? {}) as Partial<ApiProblem>;
    throw new ApiError({
      ...problem,
      status: response.status,
      type: problem.type ?? `/problems/http-${response.status}`,
      title: problem.title ?? response.statusText,
      detail: problem.detail ?? response.statusText,
    });
  }
  return body as T;
}

/** A client calling the API as the user of this browser request (their session cookie, nothing else). */
export function apiFor(req: Request, session = sessionCookieOf(req.get('cookie'))): ApiClient {
  const base = ownBase(req);
  const headers: Record<string, string> = { accept: 'application/json', 'x-request-id': req.id ?? '' };
  if (session !== undefined) headers.cookie = `${SESSION_COOKIE}=${session}`;
  const call = async <T>(method: string, path: string, init: RequestInit = {}): Promise<T> =>
    answer<T>(
      await fetch(`${base}${path}`, {
        method,
        ...init,
        headers: { ...headers, ...(init.headers as Record<string, string> | undefined) },
      }),
    );
  return {
    get: (path) => call('GET', path),
    text: async (path) => {
      const response = await fetch(`${base}${path}`, { headers: { ...headers, accept: '*/*' } });
      if (!response.ok) await answer(response);
      return response.text();
    },
    post: (path, body, extra = {}) =>
      call('POST', path, {
        body: body === undefined ? undefined : JSON.stringify(body),
        headers: body === undefined ? extra : { 'content-type': 'application/json', ...extra },
      }),
    put: (path, body, contentType, length) =>
      call('PUT', path, {
        body: body as RequestInit['body'],
        headers: { 'content-type': contentType, ...(length === undefined ? {} : { 'content-length': String(length) }) },
        duplex: 'half',
      } as RequestInit),
    delete: (path) => call('DELETE', path),
  };
}
