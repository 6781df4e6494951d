/**
 * The authorization matrix of docs/authorization.md: who may call each operation of the OpenAPI
 * document and which kind of object it names. Written out here, not read from
 * api/authorization.ts, so a change to either shows up as a failure. The API's suite
 * (test/api/authorization.test.ts) asserts it over HTTP; the console's (test/console/) asserts
 * that no page shows more than these answers allow.
 */
export type Caller = 'anonymous' | 'admin' | 'pm' | 'engineer' | 'finance';
export type Scope = 'engagement' | 'task' | 'user' | 'key' | null;

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
  listServiceRequests: { roles: ['admin', 'pm'], scope: null },
  triageServiceRequest: { roles: ['admin', 'pm'], scope: null },
};

/** Who sees someone else's object of a scope (the rest get 404). */
export const SEES_OTHERS: Record<Exclude<Scope, null>, Caller[]> = {
  engagement: ['admin', 'finance'],
  task: ['admin'],
  user: ['admin'],
  key: ['admin'],
};
