import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app.ts';
import { createLogger } from '../../lib/logger.ts';
import { apiClient, startTestStack, testContract, TEST_RATE_LIMITS, type TestStack } from '../helpers/stack.ts';

/**
 * Probe: rate limits must count by an address the client cannot choose. On loopback both limiters
 * keyed on the rightmost `X-Forwarded-For`: changing it got past the auth-failure and public-form
 * limits, and failures sent in another client's name locked that client out. Forwarded headers are
 * now believed only from proxies the operator names (TRUST_PROXY, none by default), and a valid key
 * is never refused for failures of others.
 */
const LIMITS = { authFailuresPerIpPerMinute: 3, publicRequestsPer10Minutes: 2 };
const SERVICE_REQUEST = {
  customer: { name: 'Probe customer' },
  contact: { name: 'Ola', email: 'ola@example.org' },
  text: 'Please call us about training.',
};
const WRONG_KEY = { authorization: 'Bearer potik_000000000000_wrong' };
const from = (address: string) => ({ 'x-forwarded-for': address });

describe('probe: forwarded client addresses', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ worker: false, rateLimits: LIMITS });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('when the public form is posted under ever new forwarded addresses, then the limit still holds', async () => {
    const statuses: number[] = [];
    for (const address of ['198.51.100.1', '198.51.100.2', '198.51.100.3']) {
      const posted = await apiClient(stack, null)('POST', '/v1/requests', SERVICE_REQUEST, from(address));
      statuses.push(posted.status);
    }
    expect(statuses).toEqual([201, 201, 429]);
  });

  it('when failures are sent in another client’s name, then that client’s valid key still gets in', async () => {
    const victim = '203.0.113.9';
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      statuses.push(
        (await apiClient(stack, null)('GET', '/v1/me', undefined, { ...WRONG_KEY, ...from(victim) })).status,
      );
    }
    expect(statuses).toEqual([401, 401, 401, 429]);
    // A fresh forwarded address does not reset the count of the connection's own address.
    const renamed = await apiClient(stack, null)('GET', '/v1/me', undefined, { ...WRONG_KEY, ...from('192.0.2.77') });
    expect(renamed.status).toBe(429);
    // Valid keys pass, from the named address and from the one that failed alike.
    expect((await apiClient(stack, 'olena.pm')('GET', '/v1/me', undefined, from(victim))).status).toBe(200);
    expect((await apiClient(stack, 'maria.finance')('GET', '/v1/me')).status).toBe(200);
  });

  it('when the operator names the proxy, then its forwarded address is the one counted', async () => {
    const app = createApp({
      pool: stack.pool,
      temporal: stack.temporal,
      logger: createLogger('silent', 'probe'),
      vendorVatPayer: true,
      contract: testContract(),
      rateLimits: { ...TEST_RATE_LIMITS, ...LIMITS },
      trustProxy: ['loopback'],
    });
    const server = await new Promise<Server>((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    try {
      const address = server.address();
      const behindProxy = {
        ...stack,
        url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
      };
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        const failed = await apiClient(behindProxy, null)('GET', '/v1/me', undefined, {
          ...WRONG_KEY,
          ...from('198.51.100.50'),
        });
        statuses.push(failed.status);
      }
      expect(statuses).toEqual([401, 401, 401, 429]);
      // Another client behind the same proxy has a count of its own.
      const other = await apiClient(behindProxy, null)('GET', '/v1/me', undefined, {
        ...WRONG_KEY,
        ...from('198.51.100.51'),
      });
      expect(other.status).toBe(401);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
