/**
 * Who receives a release (DOMAIN.md, B-RELEASE): the customer's active registered users on a
 * licensed project whose licence still includes new versions on the day and whose installed version
 * of the product is older than the release. Pure: the activity loads the candidates and the date.
 */
import { compareDates, type IsoDate } from '../../lib/calendar.ts';
import { compareVersions } from './versions.ts';

/** One registered user of the customer, with what their project runs and what it was delivered. */
export interface RecipientCandidate {
  registeredUserId: number;
  fullName: string;
  email: string | null;
  active: boolean;
  projectId: string;
  licensed: boolean;
  /** The last day the project's licence includes new versions; null: no end. */
  supportUntil: IsoDate | null;
  /** The version of the release's product the project runs; null when none is recorded. */
  installedVersion: string | null;
  /** The engagement that delivered this release to the user already, if one did. */
  deliveredBy: string | null;
}

export type RecipientVerdict =
  { outcome: 'deliver' } | { outcome: 'delivered-before'; engagementId: string } | { outcome: 'skip'; reason: string };

/** What this release means for one candidate on `date`. */
export function recipientVerdict(
  candidate: RecipientCandidate,
  release: { product: string; version: string },
  date: IsoDate,
): RecipientVerdict {
  if (candidate.deliveredBy !== null) return { outcome: 'delivered-before', engagementId: candidate.deliveredBy };
  if (!candidate.active) return { outcome: 'skip', reason: 'the registered user is not active' };
  if (!candidate.licensed) return { outcome: 'skip', reason: `project ${candidate.projectId} is not licensed` };
  if (candidate.supportUntil !== null && compareDates(date, candidate.supportUntil) > 0) {
    return {
      outcome: 'skip',
      reason: `the support of project ${candidate.projectId} lapsed on ${candidate.supportUntil}`,
    };
  }
  if (candidate.installedVersion === null) {
    return {
      outcome: 'skip',
      reason: `no installed version of ${release.product} is recorded for project ${candidate.projectId}`,
    };
  }
  if (compareVersions(candidate.installedVersion, release.version) >= 0) {
    return {
      outcome: 'skip',
      reason: `project ${candidate.projectId} runs ${release.product} ${candidate.installedVersion} already`,
    };
  }
  if (!candidate.email) return { outcome: 'skip', reason: 'the registered user has no e-mail address' };
  return { outcome: 'deliver' };
}
