import { createHash } from 'node:crypto';

/** The SHA-256 of `content` as 64 lower-case hex digits: artifact checksums, request fingerprints, key hashes. */
export function sha256Hex(content: Buffer | string): string {
  return createHash('sha256').update(content).digest('hex');
}
