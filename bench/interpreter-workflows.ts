/**
 * Workflows of the interpreter benchmark: the real interpreter, and the same 10-step process
 * written by hand against the same activities (gate, ten business steps, read-model syncs).
 */
import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.ts';
import type { EngagementInput } from '../workflows/messages.ts';

export { engagementWorkflow } from '../workflows/engagement.ts';

const platform = proxyActivities<Activities>({ startToCloseTimeout: '1 minute' });
const readModel = proxyLocalActivities<Activities>({ startToCloseTimeout: '30 seconds' });
const business = proxyActivities<Record<string, (input: unknown) => Promise<unknown>>>({
  startToCloseTimeout: '5 minutes',
});

export async function handWrittenWorkflow(input: EngagementInput): Promise<{ status: string }> {
  const entitlement = await platform.checkEntitlement({
    engagementId: input.engagementId,
    customerId: input.customerId,
    projectId: input.projectId,
    service: input.definition.snapshot.service,
    at: new Date().toISOString(),
  });
  const sync = (seq: number, status: 'RUNNING' | 'COMPLETED', closed: boolean) =>
    readModel.syncEngagement({
      engagementId: input.engagementId,
      seq,
      status,
      currentSteps: [],
      entitlement,
      failure: null,
      closed,
    });
  await sync(1, 'RUNNING', false);
  let previous: unknown = input.params;
  for (let i = 1; i <= 10; i++) {
    const stepId = `step-${i}`;
    previous = await business['bench.step']!({
      input: { step: i, previous },
      engagement: {
        id: input.engagementId,
        customerId: input.customerId,
        projectId: input.projectId,
        launchedBy: input.launchedBy,
        stepId,
        iteration: '1',
        idempotencyKey: `${input.engagementId}:${stepId}:1`,
      },
    });
  }
  await sync(2, 'COMPLETED', true);
  return { status: 'COMPLETED' };
}
