/**
 * Running business activities in Temporal's mock activity environment, as activity suites do: an
 * engagement reference per step, heartbeats collected, heartbeat details of an earlier attempt.
 */
import { randomUUID } from 'node:crypto';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { BusinessActivityInput, EngagementRef } from '../../activities/context.ts';
import type { Queryable } from '../../db/pool.ts';
import { insertEngagement, type InsertEngagementParams } from '../../db/queries/engagements.ts';

/** The reference an activity of step `stepId` gets; the idempotency key is derived as the interpreter does. */
export function stepRef(engagement: EngagementOfSteps, stepId: string, iteration = '1'): EngagementRef {
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

/** The engagement part of an EngagementRef: what every step of one engagement shares. */
export type EngagementOfSteps = Pick<EngagementRef, 'id' | 'customerId' | 'projectId' | 'launchedBy'>;

/** Inserts an engagement row for activity suites (launched by `olena.pm`, no idempotency key). */
export async function insertActivityEngagement(
  db: Queryable,
  p: Omit<InsertEngagementParams, 'id' | 'launchedBy' | 'idempotencyKey' | 'requestSha256'>,
): Promise<EngagementOfSteps> {
  const id = randomUUID();
  await insertEngagement(db, { ...p, id, launchedBy: 'olena.pm', idempotencyKey: null, requestSha256: null });
  return { id, customerId: p.customerId, projectId: p.projectId, launchedBy: 'olena.pm' };
}
