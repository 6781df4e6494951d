/**
 * Running business activities in Temporal's mock activity environment, as activity suites do: an
 * engagement reference per step, heartbeats collected, heartbeat details of an earlier attempt.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import type { BusinessActivityInput, EngagementRef } from '../../activities/context.ts';

/** The reference an activity of step `stepId` gets; the idempotency key is derived as the interpreter does. */
export function stepRef(
  engagement: Pick<EngagementRef, 'id' | 'customerId' | 'projectId' | 'launchedBy'>,
  stepId: string,
  iteration = '1',
): EngagementRef {
  return { ...engagement, stepId, iteration, idempotencyKey: `${engagement.id}:${stepId}:${iteration}` };
}

/** Runs an activity in the mock environment, keeping its input and output types. */
export function runActivity<I, O>(
  env: MockActivityEnvironment,
  activity: (arg: BusinessActivityInput<I>) => Promise<O>,
  arg: BusinessActivityInput<I>,
): Promise<O> {
  return env.run(activity, arg) as Promise<O>;
}

/** A mock environment that pushes every heartbeat into `heartbeats`, starting from `heartbeatDetails` if given. */
export function activityEnvironment(heartbeats: unknown[] = [], heartbeatDetails?: unknown): MockActivityEnvironment {
  const env = new MockActivityEnvironment(heartbeatDetails === undefined ? {} : { heartbeatDetails });
  env.on('heartbeat', (details: unknown) => heartbeats.push(details));
  return env;
}
