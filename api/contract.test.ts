import { describe, expect, it } from 'vitest';
import { assertQuery, loadContract } from './contract.ts';
import { AppError } from '../lib/errors.ts';

const contract = loadContract();

function refusal(query: Record<string, unknown>): AppError {
  const found = contract.find('GET', '/v1/customers/kp-vodokanal/entitlement')!;
  try {
    assertQuery(found.operation, query);
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('the query was accepted');
}

describe('query parameters checked against the document', () => {
  it('when a required parameter is missing, then the error names it and says it is required', () => {
    const error = refusal({ date: '2026-03-01' });
    expect(error.message).toBe('Query parameter "service" is required.');
    expect(error.details).toEqual({ errors: [{ path: 'service', message: 'is required' }] });
  });

  it('when a parameter is unknown, then the error lists the ones the route takes', () => {
    expect(refusal({ service: 'X-AUDIT', servcie: 'X' }).message).toBe(
      'Query parameter "servcie" is not known here; use service, date, project.',
    );
  });
});
