import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMonthsCivilCode, kyivDate } from '../../lib/calendar.ts';
import { apiClient, startTestStack, type TestStack } from '../helpers/stack.ts';
import { runCli } from '../helpers/billing.ts';

/** The entitlement decision for a customer, service and date, over HTTP and from the command line. */
describe('entitlement by customer', () => {
  let stack: TestStack;
  const today = kyivDate(new Date());
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('when a PM asks for each demo customer, then the decision names the basis and contract the rules pick', async () => {
    const pm = apiClient(stack, 'olena.pm');
    const ask = async (query: string) => {
      const response = await pm('GET', query);
      expect(response.status).toBe(200);
      return response.body;
    };
    expect(await ask('/v1/customers/kp-vodokanal/entitlement?service=X-AUDIT')).toMatchObject({
      customerId: 'kp-vodokanal',
      service: 'X-AUDIT',
      date: today,
      outcome: 'allowed',
      basis: 'b',
      contractId: 'as-vodokanal',
      coverage: 'included',
      billable: false,
      decidedOn: today,
    });
    expect(await ask('/v1/customers/kp-teplomerezha/entitlement?service=X-IMPORT')).toMatchObject({
      outcome: 'allowed',
      basis: 'a',
      contractId: 'si-teplomerezha',
      coverage: 'billed',
      billable: true,
    });
    expect(await ask('/v1/customers/sumy-teplo-cloud/entitlement?service=X-AUDIT&project=sumy-cloud')).toMatchObject({
      basis: 'd',
      contractId: 'ca-sumy',
    });
    expect(await ask('/v1/customers/sumy-teplo-cloud/entitlement?service=X-AUDIT')).toMatchObject({
      outcome: 'quote',
      basis: null,
    });
    expect(await ask('/v1/customers/novyi-zamovnyk/entitlement?service=B-HOTLINE')).toMatchObject({
      outcome: 'denied',
    });
  });

  it('when a later date is asked, then the supply contract has run out its six months and the answer is a quote', async () => {
    const later = addMonthsCivilCode(today, 5);
    const response = await apiClient(stack, 'maria.finance')(
      'GET',
      `/v1/customers/kp-teplomerezha/entitlement?service=X-IMPORT&date=${later}`,
    );
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ date: later, decidedOn: later, outcome: 'quote', basis: null });
    expect(response.body.reason).toContain(later);
  });

  it.each([
    ['/v1/customers/kp-vodokanal/entitlement', 400, 'service'],
    ['/v1/customers/kp-vodokanal/entitlement?service=X-AUDIT&date=2026-02-29', 400, 'date'],
    ['/v1/customers/kp-vodokanal/entitlement?service=X-NOPE', 400, 'service'],
    ['/v1/customers/kp-vodokanal/entitlement?service=X-AUDIT&when=2026-01-01', 400, 'when'],
    ['/v1/customers/nobody/entitlement?service=X-AUDIT', 404, null],
  ])('when the request is %s, then %i', async (path, status, parameter) => {
    const response = await apiClient(stack, 'admin')('GET', path);
    expect(response.status).toBe(status);
    expect(response.contentType).toContain('application/problem+json');
    if (parameter) expect(response.body.detail).toContain(`"${parameter}"`);
  });

  it('when an engineer asks, then 403; without a key, 401', async () => {
    expect(
      (await apiClient(stack, 'andrii.eng1')('GET', '/v1/customers/kp-vodokanal/entitlement?service=X-AUDIT')).status,
    ).toBe(403);
    expect((await fetch(`${stack.url}/v1/customers/kp-vodokanal/entitlement?service=X-AUDIT`)).status).toBe(401);
  });

  it('when potik entitlement runs, then it prints the same decision as the API', async () => {
    const cli = await runCli(stack, [
      'entitlement',
      '--customer',
      'kp-vodokanal',
      '--service',
      'X-AUDIT',
      '--date',
      today,
    ]);
    expect(cli.code).toBe(0);
    const text = cli.stdout.toString('utf8');
    expect(text).toMatch(/outcome:\s+allowed/);
    expect(text).toMatch(/basis:\s+b/);
    expect(text).toContain('(as-vodokanal)');
    const json = await runCli(stack, [
      'entitlement',
      '--customer',
      'sumy-teplo-cloud',
      '--service',
      'X-AUDIT',
      '--project',
      'sumy-cloud',
      '--json',
    ]);
    const api = await apiClient(stack, 'admin')(
      'GET',
      '/v1/customers/sumy-teplo-cloud/entitlement?service=X-AUDIT&project=sumy-cloud',
    );
    const { customerId: _c, service: _s, date: _d, ...decision } = api.body;
    expect(JSON.parse(json.stdout.toString('utf8'))).toEqual(decision);
    const denied = await runCli(stack, ['entitlement', '--customer', 'novyi-zamovnyk', '--service', 'B-HOTLINE']);
    expect(denied.code).toBe(2);
    const unknown = await runCli(stack, ['entitlement', '--customer', 'nobody', '--service', 'X-AUDIT']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('nobody');
  });
});
