import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../helpers/stack.ts';

/**
 * Probe: `/metrics` was public with no way to close it short of a firewall. With METRICS_TOKEN set
 * it answers only a scraper that sends the token; unset, it stays public on the API's address.
 */
describe('probe: metrics exposure', () => {
  const token = 'scrape-token-0123456789abcdef';
  let guarded: TestStack;
  let open: TestStack;
  beforeAll(async () => {
    [guarded, open] = await Promise.all([
      startTestStack({ worker: false, metricsToken: token }),
      startTestStack({ worker: false }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([guarded?.close(), open?.close()]);
  });

  it('when METRICS_TOKEN is set, then /metrics refuses callers without it, even with an API key, and answers the scraper', async () => {
    for (const authorization of [undefined, 'Bearer wrong-token', `Bearer ${guarded.keys['olena.pm']}`]) {
      const refused = await fetch(`${guarded.url}/metrics`, { headers: authorization ? { authorization } : {} });
      expect(refused.status, authorization).toBe(401);
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
      expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer realm="potik"/);
      expect(await refused.text()).not.toContain('http_request_duration_seconds');
    }
    const scraped = await fetch(`${guarded.url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    expect(scraped.status).toBe(200);
    expect(await scraped.text()).toContain('http_request_duration_seconds');
  });

  it('when METRICS_TOKEN is not set, then /metrics is public as documented', async () => {
    const scraped = await fetch(`${open.url}/metrics`);
    expect(scraped.status).toBe(200);
    expect(await scraped.text()).toContain('http_request_duration_seconds');
  });
});
