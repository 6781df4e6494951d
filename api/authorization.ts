/**
 * Who may call what: the one table from operations of the OpenAPI document to the roles allowed,
 * deny by default (an operation missing here is refused to everyone). Which objects a caller sees
 * within an allowed operation is decided in SQL (db/queries/visibility.ts); docs/authorization.md
 * explains both.
 */
import type { Role } from '../db/queries/users.ts';
import { AppError } from '../lib/errors.ts';

export const ROLES: readonly Role[] = ['admin', 'pm', 'engineer', 'finance'];

const ALL = ROLES;

/** operationId → roles; `public` operations need no key at all. */
export const PERMISSIONS: Readonly<Record<string, readonly Role[] | 'public'>> = {
  getLivez: 'public',
  getReadyz: 'public',
  getMetrics: 'public',
  getOpenApi: 'public',
  getDocs: 'public',
  submitServiceRequest: 'public',

  getMe: ALL,
  // Whoever holds a valid key may turn it into a console session, and end their own.
  createSession: ALL,
  deleteSession: ALL,
  deleteAllSessions: ALL,
  listUsers: ['admin'],
  createUser: ['admin'],
  // Everyone may mint and revoke their own keys; admins anyone's (the object check is in SQL).
  createApiKey: ALL,
  revokeApiKey: ALL,

  launchEngagement: ['pm', 'admin'],
  listEngagements: ALL,
  getEngagement: ALL,
  getEngagementTimeline: ALL,
  cancelEngagement: ['pm', 'admin'],
  // Files hold the customer's data: whoever sees the engagement, finance excepted (acts are theirs).
  uploadFile: ['pm', 'admin', 'engineer'],
  listArtifacts: ['pm', 'admin', 'engineer'],
  downloadArtifact: ['pm', 'admin', 'engineer'],

  listTasks: ['engineer', 'pm', 'admin'],
  getTask: ['engineer', 'pm', 'admin'],
  claimTask: ['engineer', 'pm', 'admin'],
  completeTask: ['engineer', 'pm', 'admin'],

  listDefinitions: ALL,
  getDefinition: ALL,
  getDefinitionGraph: ALL,
  validateDefinition: ['pm', 'admin', 'engineer'],
  publishDefinition: ['admin'],
  estimateDefinition: ['pm', 'admin', 'engineer', 'finance'],

  listBillingRecords: ['finance', 'admin'],
  exportBillingRecordsXlsx: ['finance', 'admin'],
  getBillingSummary: ['finance', 'admin'],
  reverseBillingRecord: ['finance', 'admin'],
  createAct: ['finance', 'admin'],
  // PMs list the acts of the engagements they manage (the object check is in SQL).
  listActs: ['finance', 'admin', 'pm'],
  listActsOfEngagement: ['finance', 'admin', 'pm'],
  issueAct: ['finance', 'admin'],
  signAct: ['finance', 'admin'],

  // Customers and their projects: what a launch, an entitlement check or an act names. Every PM, not
  // only the customer's manager: a launch comes before an account is assigned.
  listCustomers: ['pm', 'admin', 'finance'],
  getCustomer: ['pm', 'admin', 'finance'],
  getEntitlement: ['pm', 'admin', 'finance'],

  // The coordinate systems are reference data; engineers and admins define the municipal ones.
  listCrs: ['admin', 'pm', 'engineer'],
  getMunicipalCrs: ['admin', 'pm', 'engineer'],
  defineMunicipalCrs: ['admin', 'engineer'],
  // The release register: admins keep it, PMs read it to launch deliveries. A download needs no key:
  // the signed link of the delivery's e-mail is the credential.
  listReleases: ['admin', 'pm'],
  getRelease: ['admin', 'pm'],
  createRelease: ['admin'],
  uploadReleaseFile: ['admin'],
  downloadReleaseFile: 'public',

  listServiceRequests: ['pm', 'admin'],
  triageServiceRequest: ['pm', 'admin'],

  // Schedules of regular procedures: operated by those who run the engagements that own them (the
  // object check is in SQL: the owning engagement must be visible).
  listSchedules: ['pm', 'admin'],
  getSchedule: ['pm', 'admin'],
  pauseSchedule: ['pm', 'admin'],
  unpauseSchedule: ['pm', 'admin'],
  triggerSchedule: ['pm', 'admin'],
  backfillSchedule: ['pm', 'admin'],
  deleteSchedule: ['pm', 'admin'],
};

export function isPublic(operationId: string): boolean {
  return PERMISSIONS[operationId] === 'public';
}

export function mayCall(operationId: string, role: Role): boolean {
  const allowed = PERMISSIONS[operationId];
  return allowed !== undefined && allowed !== 'public' && allowed.includes(role);
}

/** Throws 403 unless the role may call the operation. */
export function assertMayCall(operationId: string, role: Role): void {
  if (mayCall(operationId, role)) return;
  const allowed = PERMISSIONS[operationId];
  const roles = Array.isArray(allowed) ? allowed.join(' or ') : 'no role';
  throw new AppError('forbidden', `This action (${operationId}) needs the role ${roles}; you are ${role}.`);
}
