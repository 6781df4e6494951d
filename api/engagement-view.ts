import { defineSearchAttributeKey, type SearchAttributePair } from '@temporalio/common';
import { stateQuery, type EngagementState } from '../workflows/messages.ts';
import type { EngagementRow } from '../db/queries/engagements.ts';
import type { TemporalGateway } from './temporal-client.ts';

const CUSTOMER_ID = defineSearchAttributeKey('CustomerId', 'KEYWORD');
const SERVICE_CODE = defineSearchAttributeKey('ServiceCode', 'KEYWORD');
const STATUS = defineSearchAttributeKey('EngagementStatus', 'KEYWORD');

export function searchAttributesAtStart(row: EngagementRow): SearchAttributePair[] {
  return [
    { key: CUSTOMER_ID, value: row.customer_id },
    { key: SERVICE_CODE, value: row.service_code },
    { key: STATUS, value: 'RUNNING' },
  ];
}

/**
 * The workflow's own view (current steps, who did what, hours), or null when Temporal cannot
 * answer right now: the read model in PostgreSQL is still shown.
 */
export async function engagementStateOf(temporal: TemporalGateway, id: string): Promise<EngagementState | null> {
  try {
    // A query needs a worker to answer it; without one the call would hang for the default 30 s.
    return await temporal.client.connection.withDeadline(Date.now() + STATE_QUERY_TIMEOUT_MS, () =>
      temporal.client.workflow.getHandle(id).query(stateQuery),
    );
  } catch {
    return null;
  }
}

/** How long an engagement view waits for the workflow's own state before showing the read model alone. */
export const STATE_QUERY_TIMEOUT_MS = 3000;
