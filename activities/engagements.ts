import { ApplicationFailure } from '@temporalio/activity';
import type { CompiledDefinition, JsonValue } from '../definitions/model.ts';
import { selectDefinition } from '../db/queries/definitions.ts';
import { insertEngagement, updateEngagementState, type EngagementRowStatus } from '../db/queries/engagements.ts';
import type { EntitlementRecord } from '../workflows/messages.ts';
import type { ActivityDeps } from './context.ts';

export interface SyncEngagementInput {
  engagementId: string;
  /** Increases with every sync of a run and across continue-as-new; older writes never win. */
  seq: number;
  status: EngagementRowStatus;
  currentSteps: string[];
  entitlement: EntitlementRecord | null;
  failure: string | null;
  closed: boolean;
}

export function createEngagementActivities({ pool }: ActivityDeps) {
  return {
    /** Keeps the PostgreSQL read model (lists, filters) in step with the workflow. */
    async syncEngagement(input: SyncEngagementInput): Promise<void> {
      await updateEngagementState(pool, {
        id: input.engagementId,
        seq: input.seq,
        status: input.status,
        currentSteps: input.currentSteps,
        entitlement: input.entitlement as unknown as JsonValue,
        failure: input.failure,
        closed: input.closed,
      });
    },

    /** A published definition for a subprocess step: the given version, or the latest. */
    async loadDefinition(input: { id: string; version: number | null }): Promise<CompiledDefinition> {
      const row = await selectDefinition(pool, input.id, input.version);
      if (!row) {
        const which = input.version === null ? 'any version' : `version ${input.version}`;
        throw ApplicationFailure.nonRetryable(
          `Definition ${input.id} (${which}) is not published.`,
          'definition-not-found',
        );
      }
      if (row.not_offered_reason !== null) {
        throw ApplicationFailure.nonRetryable(
          `Definition ${input.id} version ${row.version} is not offered yet: ${row.not_offered_reason}`,
          'definition-not-offered',
        );
      }
      return { snapshot: row.snapshot, sha256: row.sha256 };
    },

    /** The read-model row of a subprocess's child engagement; keyed by its id, so a retry adds nothing. */
    async registerChildEngagement(input: {
      engagementId: string;
      parentEngagementId: string;
      definitionId: string;
      definitionVersion: number;
      service: string;
      customerId: string;
      projectId: string | null;
      params: Record<string, JsonValue>;
      launchedBy: string;
    }): Promise<void> {
      await insertEngagement(pool, {
        id: input.engagementId,
        definitionId: input.definitionId,
        definitionVersion: input.definitionVersion,
        serviceCode: input.service,
        customerId: input.customerId,
        projectId: input.projectId,
        params: input.params,
        launchedBy: input.launchedBy,
        // The child id doubles as its idempotency key: the same child is registered once.
        idempotencyKey: `child:${input.engagementId}`,
        requestSha256: null,
      });
    },
  };
}
