import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, startTestStack, type TestStack } from '../helpers/stack.ts';

/**
 * Probe: malformed percent-encoding in a path is the client's mistake. `/v1/tasks/%ff` (and the same
 * on engagements, definitions, customers, acts and upload names) answered 500, because Express's
 * router could not decode the route parameter. Every path is now checked once, before any route,
 * and answered 400 problem+json naming the segment.
 */
const SOMEONE = '00000000-0000-4000-8000-000000000000';
const ROUTES: [method: string, path: string, segment: string][] = [
  ['GET', '/v1/tasks/%ff', '%ff'],
  ['POST', '/v1/tasks/%ff/claim', '%ff'],
  ['GET', '/v1/engagements/%ff', '%ff'],
  ['GET', '/v1/engagements/%e0%a4', '%e0%a4'],
  ['GET', '/v1/definitions/%ff', '%ff'],
  ['GET', '/v1/definitions/%ff/graph', '%ff'],
  ['GET', '/v1/customers/%ff', '%ff'],
  ['GET', '/v1/billing/acts/%ff', '%ff'],
  ['PUT', `/v1/engagements/${SOMEONE}/files/report%ff.pdf`, 'report%ff.pdf'],
];

describe('probe: malformed percent-encoding in a path', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ worker: false });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it.each(ROUTES)('when %s %s is asked, then 400 problem+json names the segment', async (method, path, segment) => {
    const body = method === 'PUT' ? Buffer.from('file') : method === 'POST' ? {} : undefined;
    const response = await apiClient(stack, 'olena.pm')(method, path, body);
    expect(response.status).toBe(400);
    expect(response.contentType).toContain('application/problem+json');
    expect(response.body).toMatchObject({
      type: '/problems/request-invalid',
      detail: expect.stringContaining(`"${segment}"`),
      errors: [{ path: segment, message: 'is not valid percent-encoded UTF-8' }],
    });
  });

  it('when a segment is well-formed percent-encoding, then it is decoded as before', async () => {
    const response = await apiClient(stack, 'olena.pm')('GET', '/v1/definitions/caf%C3%A9');
    expect(response.status).toBe(404);
    expect(response.body.detail).toContain('café');
  });
});
