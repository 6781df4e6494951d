import { describe, expect, it } from 'vitest';
import { isAppError } from '../lib/errors.ts';
import { encodeCursor, parseBillingFilters, parseBillingPage } from './billing-query.ts';

function refusal(work: () => unknown): { message: string; errors: unknown } {
  try {
    work();
  } catch (error) {
    if (isAppError(error, 'request-invalid')) return { message: error.message, errors: error.details?.errors };
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('billing query parameters', () => {
  it('when every filter is given, then each lands in its field', () => {
    expect(
      parseBillingFilters({
        from: '2026-01-01',
        to: '2026-01-31',
        customer: 'kp-vodokanal',
        contract: 'as-vodokanal',
        engagement: '0b7c2f5e-8d1a-4b7e-9c3d-2a1f0e9d8c7b',
        service: 'X-AUDIT',
        category: 'ENG_I',
        billable: 'true',
      }),
    ).toEqual({
      from: '2026-01-01',
      to: '2026-01-31',
      customerId: 'kp-vodokanal',
      contractId: 'as-vodokanal',
      engagementId: '0b7c2f5e-8d1a-4b7e-9c3d-2a1f0e9d8c7b',
      serviceCode: 'X-AUDIT',
      category: 'ENG_I',
      billable: true,
    });
  });

  it.each([
    [{ from: '2026-02-30' }, 'from'],
    [{ to: '31.01.2026' }, 'to'],
    [{ from: '2026-02-01', to: '2026-01-31' }, 'to'],
    [{ category: 'SENIOR' }, 'category'],
    [{ billable: 'yes' }, 'billable'],
    [{ engagement: 'abc' }, 'engagement'],
    [{ customer: ['a', 'b'] }, 'customer'],
    [{ custmer: 'kp-vodokanal' }, 'custmer'],
  ])('when the query is %o, then the refusal names "%s"', (query, parameter) => {
    const { message, errors } = refusal(() => parseBillingFilters(query));
    expect(message).toContain(`"${parameter}"`);
    expect(errors).toEqual([expect.objectContaining({ path: parameter })]);
  });

  it('when a page is asked with a cursor this API made, then it reads back the position', () => {
    expect(parseBillingPage({ cursor: encodeCursor(4711), limit: '50' })).toEqual({
      filters: {},
      afterId: 4711,
      limit: 50,
    });
    expect(parseBillingPage({})).toMatchObject({ afterId: null, limit: 100 });
  });

  it.each([
    [{ cursor: 'bm9wZQ' }, 'cursor'],
    [{ limit: '0' }, 'limit'],
    [{ limit: '5000' }, 'limit'],
    [{ limit: '1e2' }, 'limit'],
  ])('when the page query is %o, then the refusal names "%s"', (query, parameter) => {
    expect(refusal(() => parseBillingPage(query)).message).toContain(`"${parameter}"`);
  });

  it('when the summary is asked with page parameters, then they are refused', () => {
    expect(refusal(() => parseBillingFilters({ limit: '10' })).message).toContain('"limit"');
  });
});
