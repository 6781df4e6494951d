import { expect } from 'vitest';
import { insertSeedRunningEngagements, insertSeedTasks } from '../../db/queries/task-seed.ts';
import { apiClient, type TestStack } from './stack.ts';

/**
 * The authorization matrix of docs/authorization.md: who may call each operation of the OpenAPI
 * document and which kind of object it names. Written out here, not read from
 * api/authorization.ts, so a change to either shows up as a failure. The API's suite
 * (test/api/authorization.test.ts) asserts it over HTTP; the console's (test/console/) asserts
 * that no page shows more than these answers allow.
 */
export type Caller = 'anonymous' | 'admin' | 'pm' | 'engineer' | 'finance';
export type Scope = 'engagement' | 'task' | 'user' | 'key' | 'schedule' | null;

export const CALLERS: Record<Exclude<Caller, 'anonymous'>, string> = {
  admin: 'admin',
  pm: 'olena.pm',
  engineer: 'andrii.eng1',
  finance: 'maria.finance',
};

/**
 * operationId → who may call it, and which kind of object its path names. Within a scope, admins
 * see every object; finance every engagement; PMs and engineers only their own (others are 404).
 */
export const MATRIX: Record<string, { roles: Caller[] | 'public'; scope: Scope }> = {
  getLivez: { roles: 'public', scope: null },
  getReadyz: { roles: 'public', scope: null },
  getMetrics: { roles: 'public', scope: null },
  getOpenApi: { roles: 'public', scope: null },
  getDocs: { roles: 'public', scope: null },
  submitServiceRequest: { roles: 'public', scope: null },
  getMe: { roles: ['admin', 'pm', 'engineer', 'finance'], scope: null },
  createSession: { roles: ['admin', 'pm', 'engineer', 'finance'], scope: null },
  deleteSession: { roles: ['admin', 'pm', 'engineer', 'finance'], scope: null },
  deleteAllSessions: { roles: ['admin', 'pm', 'engineer', 'finance'], scope: null },
  listUsers: { roles: ['admin'], scope: null },
  createUser: { roles: ['admin'], scope: null },
  createApiKey: { roles: ['admin', 'pm', 'engineer', 'finance'], scope: 'user' },
  revokeApiKey: { roles: ['admin', 'pm', 'engineer', 'finance'], scope: 'key' },
  launchEngagement: { roles: ['admin', 'pm'], scope: null },
  listEngagements: { roles: ['admin', 'pm', 'engineer', 'finance'], scope: null },
  getEngagement: { roles: ['admin', 'pm', 'engineer', 'finance'], scope: 'engagement' },
  getEngagementTimeline: { roles: ['admin', 'pm', 'engineer', 'finance'], scope: 'engagement' },
  cancelEngagement: { roles: ['admin', 'pm'], scope: 'engagement' },
  uploadFile: { roles: ['admin', 'pm', 'engineer'], scope: 'engagement' },
  listArtifacts: { roles: ['admin', 'pm', 'engineer'], scope: 'engagement' },
  downloadArtifact: { roles: ['admin', 'pm', 'engineer'], scope: 'engagement' },
  listTasks: { roles: ['admin', 'pm', 'engineer'], scope: null },
  getTask: { roles: ['admin', 'pm', 'engineer'], scope: 'task' },
  claimTask: { roles: ['admin', 'pm', 'engineer'], scope: 'task' },
  completeTask: { roles: ['admin', 'pm', 'engineer'], scope: 'task' },
  listDefinitions: { roles: ['admin', 'pm', 'engineer', 'finance'], scope: null },
  getDefinition: { roles: ['admin', 'pm', 'engineer', 'finance'], scope: null },
  getDefinitionGraph: { roles: ['admin', 'pm', 'engineer', 'finance'], scope: null },
  validateDefinition: { roles: ['admin', 'pm', 'engineer'], scope: null },
  publishDefinition: { roles: ['admin'], scope: null },
  estimateDefinition: { roles: ['admin', 'pm', 'engineer', 'finance'], scope: null },
  listBillingRecords: { roles: ['admin', 'finance'], scope: null },
  exportBillingRecordsXlsx: { roles: ['admin', 'finance'], scope: null },
  getBillingSummary: { roles: ['admin', 'finance'], scope: null },
  reverseBillingRecord: { roles: ['admin', 'finance'], scope: null },
  createAct: { roles: ['admin', 'finance'], scope: null },
  listActs: { roles: ['admin', 'pm', 'finance'], scope: null },
  listActsOfEngagement: { roles: ['admin', 'pm', 'finance'], scope: 'engagement' },
  issueAct: { roles: ['admin', 'finance'], scope: null },
  signAct: { roles: ['admin', 'finance'], scope: null },
  listCustomers: { roles: ['admin', 'pm', 'finance'], scope: null },
  getCustomer: { roles: ['admin', 'pm', 'finance'], scope: null },
  getEntitlement: { roles: ['admin', 'pm', 'finance'], scope: null },
  listCrs: { roles: ['admin', 'pm', 'engineer'], scope: null },
  getMunicipalCrs: { roles: ['admin', 'pm', 'engineer'], scope: null },
  defineMunicipalCrs: { roles: ['admin', 'engineer'], scope: null },
  listReleases: { roles: ['admin', 'pm'], scope: null },
  getRelease: { roles: ['admin', 'pm'], scope: null },
  createRelease: { roles: ['admin'], scope: null },
  uploadReleaseFile: { roles: ['admin'], scope: null },
  downloadReleaseFile: { roles: 'public', scope: null },
  listServiceRequests: { roles: ['admin', 'pm'], scope: null },
  triageServiceRequest: { roles: ['admin', 'pm'], scope: null },
  listSchedules: { roles: ['admin', 'pm'], scope: null },
  getSchedule: { roles: ['admin', 'pm'], scope: 'schedule' },
  pauseSchedule: { roles: ['admin', 'pm'], scope: 'schedule' },
  unpauseSchedule: { roles: ['admin', 'pm'], scope: 'schedule' },
  triggerSchedule: { roles: ['admin', 'pm'], scope: 'schedule' },
  backfillSchedule: { roles: ['admin', 'pm'], scope: 'schedule' },
  deleteSchedule: { roles: ['admin', 'pm'], scope: 'schedule' },
};

/** Who sees someone else's object of a scope (the rest get 404). */
export const SEES_OTHERS: Record<Exclude<Scope, null>, Caller[]> = {
  engagement: ['admin', 'finance'],
  task: ['admin'],
  user: ['admin'],
  key: ['admin'],
  schedule: ['admin'],
};

/**
 * The objects the matrix is asserted on: a second PM (petro.pm, managing kp-vodokanal) and an
 * engineer of another group (ivan.eng) own the "other" engagement and task; olena.pm's engagement
 * with an ENG_I task of the gis group is everyone's "own" (task ids `seed-own-1`, `seed-other-1`).
 * The new users' keys are added to `stack.keys`.
 */
export async function seedOwnAndOther(stack: TestStack): Promise<{ ownEngagement: string; otherEngagement: string }> {
  const admin = apiClient(stack, 'admin');
  for (const body of [
    { id: 'petro.pm', name: 'Petro (PM)', role: 'pm', managesCustomers: ['kp-vodokanal'], key: { label: 'matrix' } },
    { id: 'ivan.eng', name: 'Ivan (engineer)', role: 'engineer', category: 'ENG_II', groups: ['water'], key: {} },
  ]) {
    const created = await admin('POST', '/v1/users', body);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    stack.keys[body.id] = created.body.apiKey.key as string;
  }
  const engagement = async (customerId: string, launchedBy: string) =>
    (
      await insertSeedRunningEngagements(stack.pool, {
        customerId,
        serviceCode: 'B-HOTLINE',
        definitionId: 'minimal',
        count: 1,
        launchedBy,
      })
    )[0]!;
  const ownEngagement = await engagement('kp-teplomerezha', 'olena.pm');
  const otherEngagement = await engagement('kp-vodokanal', 'petro.pm');
  await insertSeedTasks(stack.pool, {
    engagementIds: [ownEngagement],
    count: 1,
    category: 'ENG_I',
    group: 'gis',
    user: null,
    batch: 'own',
  });
  await insertSeedTasks(stack.pool, {
    engagementIds: [otherEngagement],
    count: 1,
    category: 'ENG_II',
    group: 'water',
    user: 'ivan.eng',
    batch: 'other',
  });
  return { ownEngagement, otherEngagement };
}
