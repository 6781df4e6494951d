import { ApplicationFailure } from '@temporalio/activity';
import { kyivDate } from '../lib/calendar.ts';
import { decideEntitlement } from '../lib/entitlement.ts';
import { customerExists, selectEntitlementFacts, selectServiceLevel } from '../db/queries/entitlement-facts.ts';
import type { Queryable } from '../db/pool.ts';
import type { EntitlementRecord } from '../workflows/messages.ts';
import type { ActivityDeps } from './context.ts';

export interface EntitlementQuestion {
  customerId: string;
  projectId: string | null;
  service: string;
  engagementId: string | null;
  /** The instant of the request; the rules use its Europe/Kyiv date. */
  at: string | Date;
}

/**
 * Loads the customer's facts and applies the rules. Shared by the engagement's gate (an activity)
 * and the API's pre-check at launch, so both decide alike. Unknown services and customers are
 * non-retryable failures: retrying cannot make them exist.
 */
export async function decideForCustomer(db: Queryable, question: EntitlementQuestion): Promise<EntitlementRecord> {
  const level = await selectServiceLevel(db, question.service);
  if (level === null) {
    throw ApplicationFailure.nonRetryable(
      `Service ${question.service} is not in the service catalog.`,
      'unknown-service',
    );
  }
  if (!(await customerExists(db, question.customerId))) {
    throw ApplicationFailure.nonRetryable(`Customer ${question.customerId} does not exist.`, 'unknown-customer');
  }
  const facts = await selectEntitlementFacts(db, question.customerId, level);
  const date = kyivDate(question.at);
  const decision = decideEntitlement(facts, {
    customerId: question.customerId,
    serviceCode: question.service,
    projectId: question.projectId,
    engagementId: question.engagementId,
    date,
  });
  return {
    outcome: decision.outcome,
    basis: decision.basis,
    contractId: decision.contractId,
    contractNumber: decision.contractNumber,
    windowEnd: decision.windowEnd,
    coverage: decision.coverage,
    billable: decision.outcome === 'quote' || decision.coverage === 'billed',
    reason: decision.reason,
    ruleVersion: decision.ruleVersion,
    decidedOn: date,
  };
}

export function createEntitlementActivities({ pool, logger }: ActivityDeps) {
  return {
    /** The engagement's gate: which basis entitles the customer to the service, or quote/denied. */
    async checkEntitlement(input: {
      engagementId: string;
      customerId: string;
      projectId: string | null;
      service: string;
      at: string;
    }): Promise<EntitlementRecord> {
      const decision = await decideForCustomer(pool, input);
      logger.info({ engagementId: input.engagementId, decision }, 'entitlement decided');
      return decision;
    },
  };
}
