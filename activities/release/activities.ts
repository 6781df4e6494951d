/**
 * B-RELEASE, delivery of new versions (docs/release.md): `release.publish` delivers a registered
 * release to every eligible registered user of the engagement's customer — one delivery row per user
 * and release, an e-mail with signed links that expire — and stores the delivery register as the
 * step's artifact. A retry or a second engagement finds the rows and delivers nobody twice.
 */
import { ApplicationFailure } from '@temporalio/activity';
import { withTransaction } from '../../db/pool.ts';
import { insertNotification } from '../../db/queries/notifications.ts';
import { insertDelivery, selectRecipientCandidates } from '../../db/queries/release-deliveries.ts';
import { selectReleaseByVersion, selectReleaseFiles } from '../../db/queries/releases.ts';
import { kyivDate } from '../../lib/calendar.ts';
import { downloadPath } from '../../lib/download-links.ts';
import { artifactRef, storedJson, storeJson, type ArtifactRef } from '../artifacts.ts';
import type { ActivityDeps, BusinessActivityInput } from '../context.ts';
import { deliveryNotice } from './delivery-notice.ts';
import { releaseLinkSecret } from './link-secret.ts';
import { recipientVerdict } from './recipients.ts';

/** How long a download link works unless configured (RELEASE_LINK_TTL_HOURS). */
export const DEFAULT_LINK_TTL_HOURS = 168;

export interface PublishReleaseInput {
  /** The product the release is of; CityCom unless named. */
  product?: string;
  release: string;
}

/** One line of the delivery register. */
export interface RegisterLine {
  registeredUserId: number;
  fullName: string;
  projectId: string;
  installedVersion: string | null;
  outcome: 'delivered' | 'delivered-before' | 'not-eligible';
  deliveryId: number | null;
  /** The engagement that delivered it, for `delivered-before`; the reason, for `not-eligible`. */
  note: string | null;
  linkExpiresAt: string | null;
}

export interface DeliveryRegister {
  product: string;
  version: string;
  releaseId: number;
  customerId: string;
  projectId: string | null;
  date: string;
  files: { name: string; size: number; sha256: string }[];
  delivered: number;
  lines: RegisterLine[];
}

export interface PublishReleaseResult {
  releaseId: number;
  delivered: number;
  deliveredBefore: number;
  notEligible: number;
  register: ArtifactRef;
}

const REGISTER = 'delivery-register.json';

function summary(register: DeliveryRegister, ref: ArtifactRef): PublishReleaseResult {
  const count = (outcome: RegisterLine['outcome']) => register.lines.filter((l) => l.outcome === outcome).length;
  return {
    releaseId: register.releaseId,
    delivered: count('delivered'),
    deliveredBefore: count('delivered-before'),
    notEligible: count('not-eligible'),
    register: ref,
  };
}

export function createReleaseActivities({ pool, releaseLinks }: ActivityDeps) {
  const ttlMs = (releaseLinks?.ttlHours ?? DEFAULT_LINK_TTL_HOURS) * 3600 * 1000;
  const baseUrl = (releaseLinks?.publicUrl ?? '').replace(/\/+$/, '');
  return {
    async 'release.publish'({
      input,
      engagement,
    }: BusinessActivityInput<PublishReleaseInput>): Promise<PublishReleaseResult> {
      const stored = await storedJson<DeliveryRegister>(pool, engagement, REGISTER);
      if (stored) return summary(stored.value, artifactRef(stored.row));

      const product = input.product ?? 'CityCom';
      const release = await selectReleaseByVersion(pool, product, input.release);
      if (!release) {
        throw ApplicationFailure.nonRetryable(
          `${product} ${input.release} is not in the release register (register it with POST /v1/releases)`,
          'release-unknown',
        );
      }
      const files = await selectReleaseFiles(pool, [release.id]);
      if (files.length === 0) {
        throw ApplicationFailure.nonRetryable(
          `${product} ${release.version} has no files yet (add them with PUT /v1/releases/${release.id}/files/<name>)`,
          'release-empty',
        );
      }
      const secret = await releaseLinkSecret(pool, releaseLinks?.secret);
      const date = kyivDate(new Date());
      const candidates = await selectRecipientCandidates(pool, {
        customerId: engagement.customerId,
        projectId: engagement.projectId,
        releaseId: release.id,
        product,
      });

      const lines: RegisterLine[] = [];
      for (const candidate of candidates) {
        // A delivery this engagement made on an earlier attempt is this attempt's delivery too.
        const deliveredBy = candidate.deliveredBy === engagement.id ? null : candidate.deliveredBy;
        const verdict = recipientVerdict({ ...candidate, deliveredBy }, release, date);
        const line = {
          registeredUserId: candidate.registeredUserId,
          fullName: candidate.fullName,
          projectId: candidate.projectId,
          installedVersion: candidate.installedVersion,
        };
        if (verdict.outcome !== 'deliver') {
          lines.push({
            ...line,
            outcome: verdict.outcome === 'skip' ? 'not-eligible' : 'delivered-before',
            deliveryId: null,
            note: verdict.outcome === 'skip' ? verdict.reason : verdict.engagementId,
            linkExpiresAt: null,
          });
          continue;
        }
        // The delivery row and its e-mail commit together: a crash leaves both or neither.
        const delivery = await withTransaction(pool, async (client) => {
          const { row, created } = await insertDelivery(client, {
            releaseId: release.id,
            registeredUserId: candidate.registeredUserId,
            customerId: engagement.customerId,
            projectId: candidate.projectId,
            engagementId: engagement.id,
            recipient: candidate.email!,
            installedVersion: candidate.installedVersion!,
            linkExpiresAt: new Date(Math.floor((Date.now() + ttlMs) / 1000) * 1000),
          });
          if (row.engagementId !== engagement.id) return { row, created };
          const grant = { deliveryId: row.id, expiresAt: row.linkExpiresAt };
          const links = new Map(files.map((f) => [f.name, `${baseUrl}${downloadPath(secret, grant, f.name)}`]));
          const notice = deliveryNotice({
            fullName: candidate.fullName,
            release,
            installedVersion: row.installedVersion,
            files,
            links,
            expiresAt: row.linkExpiresAt,
          });
          await insertNotification(client, {
            idempotencyKey: `release-delivery:${row.id}`,
            engagementId: engagement.id,
            recipient: row.recipient,
            ...notice,
          });
          return { row, created };
        });
        const mine = delivery.row.engagementId === engagement.id;
        lines.push({
          ...line,
          outcome: mine ? 'delivered' : 'delivered-before',
          deliveryId: delivery.row.id,
          note: mine ? null : delivery.row.engagementId,
          linkExpiresAt: mine ? delivery.row.linkExpiresAt.toISOString() : null,
        });
      }

      const register: DeliveryRegister = {
        product,
        version: release.version,
        releaseId: release.id,
        customerId: engagement.customerId,
        projectId: engagement.projectId,
        date,
        files: files.map((f) => ({ name: f.name, size: Number(f.size), sha256: f.sha256 })),
        delivered: lines.filter((l) => l.outcome === 'delivered').length,
        lines,
      };
      const row = await storeJson(pool, engagement, 'delivery-register', REGISTER, register);
      return summary(register, artifactRef(row));
    },
  };
}
