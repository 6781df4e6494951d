import { request as httpRequest } from 'node:http';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { OPENAPI_PATH } from '../../api/contract.ts';
import { apiClient, startTestStack, type ApiBody, type TestStack } from '../helpers/stack.ts';

/** Sends a raw request; resolves with the status and body as soon as the answer arrives. */
function rawRequest(
  url: string,
  options: {
    method: string;
    path: string;
    headers: Record<string, string | number>;
    write: (req: NodeJS.WritableStream) => void;
  },
): Promise<{ status: number; body: string; headers: Record<string, unknown>; sentBytes: number }> {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(url);
    let sentBytes = 0;
    const req = httpRequest({ hostname, port, method: options.method, path: options.path, headers: options.headers });
    const write = req.write.bind(req);
    req.write = ((chunk: Buffer | string, ...rest: never[]) => {
      sentBytes += Buffer.byteLength(chunk);
      return write(chunk, ...rest);
    }) as typeof req.write;
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        // Our side of the socket would stay open with the rest of the body unsent.
        req.destroy();
        resolve({ status: res.statusCode ?? 0, body, headers: res.headers, sentBytes });
      });
    });
    // The server may close while we still write: that is the point of refusing early.
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE' && error.code !== 'ECONNRESET') reject(error);
    });
    options.write(req);
  });
}

describe('operations: document, docs, limits, media types, metrics, headers', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ worker: false });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('when /openapi.json is read, then it is the OpenAPI 3.1 document of api/openapi.yaml', async () => {
    const served = await apiClient(stack, null)('GET', '/openapi.json');
    expect(served.status).toBe(200);
    expect(served.body).toEqual(parse(await readFile(OPENAPI_PATH, 'utf8')));
    expect(served.body.openapi).toBe('3.1.0');
  });

  it('when /docs is opened, then the page and its assets come from this server, with no CDN', async () => {
    const page = await fetch(`${stack.url}/docs`);
    expect(page.url).toBe(`${stack.url}/docs/`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('swagger-ui');
    expect(html).not.toMatch(/(src|href)=["']https?:/);
    for (const asset of ['swagger-ui-bundle.js', 'swagger-ui.css', 'swagger-ui-init.js']) {
      const response = await fetch(`${stack.url}/docs/${asset}`);
      expect(response.status, asset).toBe(200);
      const text = await response.text();
      expect(text.length, asset).toBeGreaterThan(500);
      if (asset === 'swagger-ui-init.js') expect(text).toContain('/v1/engagements/{id}/timeline');
    }
  });

  it('when a 10 MB body is announced, then 413 comes back before the body is read and the connection closes', async () => {
    const size = 10 * 1024 * 1024;
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const response = await rawRequest(stack.url, {
      method: 'POST',
      path: '/v1/engagements',
      headers: {
        authorization: `Bearer ${stack.keys['olena.pm']}`,
        'content-type': 'application/json',
        'content-length': size,
      },
      // One chunk only: if the server waited for the body, this request would hang.
      write: (req) => req.write(chunk),
    });
    expect(response.status).toBe(413);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(JSON.parse(response.body)).toMatchObject({ type: '/problems/payload-too-large', status: 413 });
    expect(response.headers.connection).toBe('close');
  });

  it('when a chunked body grows past 1 MB, then 413 as well', async () => {
    const response = await rawRequest(stack.url, {
      method: 'POST',
      path: '/v1/engagements',
      headers: { authorization: `Bearer ${stack.keys['olena.pm']}`, 'content-type': 'application/json' },
      write: (req) => {
        req.write(`{"definitionId":"minimal","customerId":"kp-teplomerezha","params":{"topic":"`);
        for (let i = 0; i < 40; i += 1) req.write('x'.repeat(64 * 1024));
        req.end('"}}');
      },
    });
    expect(response.status).toBe(413);
    expect(JSON.parse(response.body).type).toBe('/problems/payload-too-large');
  });

  it.each([
    ['text/plain', 'hello', 415, '/problems/unsupported-media-type'],
    ['application/json', '{"definitionId": ', 400, '/problems/request-invalid'],
    ['application/json', '[1, 2]', 400, '/problems/request-invalid'],
  ])('when a launch is sent as %s %j, then %i %s', async (type, body, status, problem) => {
    const response = await apiClient(stack, 'olena.pm')('POST', '/v1/engagements', body, { 'content-type': type });
    expect(response.status).toBe(status);
    expect(response.contentType).toContain('application/problem+json');
    expect(response.body.type).toBe(problem);
  });

  it('when a route does not exist, then 404 problem; a wrong method is 405 with Allow; a body on a bodiless route is 400', async () => {
    const pm = apiClient(stack, 'olena.pm');
    const missing = await fetch(`${stack.url}/v1/nothing-here`, {
      headers: { authorization: `Bearer ${stack.keys['olena.pm']}` },
    });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
    const wrongMethod = await fetch(`${stack.url}/v1/engagements`, { method: 'PATCH' });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET, POST');
    expect(((await wrongMethod.json()) as { detail: string }).detail).toContain('takes GET or POST, not PATCH');
    expect((await fetch(`${stack.url}/v1/engagements/x/y/z`, { method: 'PATCH' })).status).toBe(404);
    const withBody = await pm('POST', '/v1/engagements/7c1f5a52-5f0e-4d43-8a55-3b1c2a6f2f10/cancel', { force: true });
    expect(withBody.status).toBe(400);
  });

  it('when any answer goes out, then it carries the security headers and a request id', async () => {
    const response = await fetch(`${stack.url}/livez`, { headers: { 'x-request-id': 'trace-me' } });
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(response.headers.get('x-request-id')).toBe('trace-me');
    expect(response.headers.get('x-powered-by')).toBeNull();
  });

  it('when requests were served and an engagement launched, then /metrics counts them by route template and status', async () => {
    const pm = apiClient(stack, 'olena.pm');
    const launched = await pm('POST', '/v1/engagements', {
      definitionId: 'minimal',
      customerId: 'kp-teplomerezha',
      params: { topic: 'Metrics' },
    });
    expect(launched.status).toBe(201);
    await pm('GET', `/v1/engagements/${launched.body.id}`);
    await pm('GET', '/v1/engagements/00000000-0000-0000-0000-000000000000');
    const metrics = await apiClient(stack, null)('GET', '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.text).toMatch(
      /http_request_duration_seconds_count\{method="GET",route="\/v1\/engagements\/\{id\}",status="200"\} 1/,
    );
    expect(metrics.text).toMatch(
      /http_request_duration_seconds_count\{method="GET",route="\/v1\/engagements\/\{id\}",status="404"\} 1/,
    );
    expect(metrics.text).toContain('potik_engagements_started_total{service="B-HOTLINE"} 1');
  });
});

describe('rate limits', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({
      worker: false,
      rateLimits: { perKeyPerMinute: 5, authFailuresPerIpPerMinute: 3, publicRequestsPer10Minutes: 2 },
    });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('when a key sends more than its limit, then 429 with Retry-After; another key still gets through', async () => {
    const finance = apiClient(stack, 'maria.finance');
    const statuses: number[] = [];
    for (let i = 0; i < 7; i += 1) statuses.push((await finance('GET', '/v1/me')).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    const limited = await finance('GET', '/v1/me');
    expect(limited.body).toMatchObject({ type: '/problems/rate-limited', status: 429 });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await apiClient(stack, 'olena.pm')('GET', '/v1/me')).status).toBe(200);
  });

  it('when the public form is posted more than its limit from one address, then 429', async () => {
    const body = {
      customer: { name: 'Тестовий замовник' },
      contact: { name: 'Ola', email: 'ola@example.org' },
      text: 'Please call us about training.',
    };
    const statuses: number[] = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await apiClient(stack, null)('POST', '/v1/requests', body)).status);
    expect(statuses).toEqual([201, 201, 429]);
  });

  it('when an address fails authentication too often, then its failures are 429 and valid keys still pass', async () => {
    const anonymous = apiClient(stack, null);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) {
      statuses.push((await anonymous('GET', '/v1/me', undefined, { authorization: 'Bearer nope' })).status);
    }
    expect(statuses).toEqual([401, 401, 401, 429]);
    const limited = await anonymous('GET', '/v1/me', undefined, { authorization: 'Bearer nope' });
    expect((limited.body as ApiBody).type).toBe('/problems/rate-limited');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await apiClient(stack, 'admin')('GET', '/v1/me')).status).toBe(200);
  });
});
