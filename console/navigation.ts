/**
 * The console's menu: each entry names the API operation its page reads, and is shown only to the
 * roles the API's permission table (api/authorization.ts) allows it — no second permission system.
 * Pages of part 2 (finance, administration) add their entries here.
 */
import { mayCall } from '../api/authorization.ts';
import type { Role } from '../db/queries/users.ts';

export interface NavEntry {
  href: string;
  /** Message key of the label. */
  label: string;
  operationId: string;
}

export const NAVIGATION: readonly NavEntry[] = [
  { href: '/console/dashboard', label: 'nav.dashboard', operationId: 'launchEngagement' },
  { href: '/console/inbox', label: 'nav.inbox', operationId: 'listTasks' },
  { href: '/console/launch', label: 'nav.launch', operationId: 'launchEngagement' },
  { href: '/console/engagements', label: 'nav.engagements', operationId: 'listEngagements' },
  { href: '/console/requests', label: 'nav.requests', operationId: 'listServiceRequests' },
];

export function navigationFor(role: Role): NavEntry[] {
  return NAVIGATION.filter((entry) => mayCall(entry.operationId, role));
}

/** Where a user lands after signing in: the PM's dashboard, the engineer's inbox, else engagements. */
export function homeOf(role: Role): string {
  if (mayCall('launchEngagement', role)) return '/console/dashboard';
  if (mayCall('listTasks', role)) return '/console/inbox';
  return '/console/engagements';
}
