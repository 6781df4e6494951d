/**
 * Signed download links of release deliveries. A link names its delivery and when it expires, and
 * carries an HMAC-SHA256 of both under a secret the worker (which signs) and the API (which checks)
 * share: changing either part, or the signature, makes the link invalid (403); a correctly signed
 * link past its time has expired (410). The payload starts with a purpose, so a signature made for
 * something else under the same secret (a console session) never passes as a link.
 *
 * Link: `/v1/release-downloads/<delivery id>/<file name>?expires=<Unix seconds>&signature=<base64url>`.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

const PURPOSE = 'release-download';

/** What a link grants: the files of one delivery until a time. */
export interface DownloadGrant {
  deliveryId: number;
  /** Cut to whole seconds, as the link holds it. */
  expiresAt: Date;
}

export type LinkCheck = { valid: true; expired: boolean } | { valid: false };

function signature(secret: Buffer, deliveryId: number, expires: number): string {
  return createHmac('sha256', secret).update(`${PURPOSE}.${deliveryId}.${expires}`).digest('base64url');
}

/** The query string of a link to the grant: `expires=…&signature=…`. */
export function signDownload(secret: Buffer, grant: DownloadGrant): string {
  const expires = Math.floor(grant.expiresAt.getTime() / 1000);
  return `expires=${expires}&signature=${signature(secret, grant.deliveryId, expires)}`;
}

/** The path and query of a link to one file of a delivery. */
export function downloadPath(secret: Buffer, grant: DownloadGrant, fileName: string): string {
  return `/v1/release-downloads/${grant.deliveryId}/${encodeURIComponent(fileName)}?${signDownload(secret, grant)}`;
}

/** Whether a link's parts were signed with the secret, and if so whether its time has passed. */
export function checkDownload(
  secret: Buffer,
  link: { deliveryId: string; expires: string; signature: string },
  now = new Date(),
): LinkCheck {
  if (!/^[0-9]{1,15}$/.test(link.deliveryId) || !/^[0-9]{1,12}$/.test(link.expires)) return { valid: false };
  const expires = Number(link.expires);
  const expected = Buffer.from(signature(secret, Number(link.deliveryId), expires));
  const presented = Buffer.from(link.signature);
  if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) return { valid: false };
  return { valid: true, expired: expires * 1000 <= now.getTime() };
}
