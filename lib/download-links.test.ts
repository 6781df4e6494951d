import { describe, expect, it } from 'vitest';
import { checkDownload, downloadPath, signDownload } from './download-links.ts';

const SECRET = Buffer.from('a secret of at least thirty-two characters');
const NOW = new Date('2026-12-03T20:00:00Z');
const grant = { deliveryId: 42, expiresAt: new Date('2026-12-10T20:00:00Z') };

function parts(query: string, deliveryId = '42') {
  const params = new URLSearchParams(query);
  return { deliveryId, expires: params.get('expires')!, signature: params.get('signature')! };
}

describe('signed download links', () => {
  it('when a link is checked as signed, then it is valid and not expired before its time', () => {
    expect(checkDownload(SECRET, parts(signDownload(SECRET, grant)), NOW)).toEqual({ valid: true, expired: false });
  });

  it('when its time has passed, then it is valid but expired', () => {
    const later = new Date('2026-12-10T20:00:01Z');
    expect(checkDownload(SECRET, parts(signDownload(SECRET, grant)), later)).toEqual({ valid: true, expired: true });
  });

  it('when the delivery, the expiry or the signature is changed, then it is invalid', () => {
    const link = parts(signDownload(SECRET, grant));
    expect(checkDownload(SECRET, { ...link, deliveryId: '43' }, NOW)).toEqual({ valid: false });
    expect(checkDownload(SECRET, { ...link, expires: String(Number(link.expires) + 3600) }, NOW)).toEqual({
      valid: false,
    });
    const flipped = (link.signature[0] === 'A' ? 'B' : 'A') + link.signature.slice(1);
    expect(checkDownload(SECRET, { ...link, signature: flipped }, NOW)).toEqual({ valid: false });
    expect(checkDownload(SECRET, { ...link, signature: '' }, NOW)).toEqual({ valid: false });
    expect(checkDownload(SECRET, { ...link, expires: '1e9' }, NOW)).toEqual({ valid: false });
  });

  it('when another secret checks it, then it is invalid', () => {
    const other = Buffer.from('another secret of thirty-two characters or more');
    expect(checkDownload(other, parts(signDownload(SECRET, grant)), NOW)).toEqual({ valid: false });
  });

  it('when a path is made for a file, then the name is encoded and the query signed', () => {
    const path = downloadPath(SECRET, grant, 'Примітки 3.2.pdf');
    expect(path).toMatch(/^\/v1\/release-downloads\/42\/%D0%9F.+\.pdf\?expires=\d+&signature=[\w-]{43}$/);
  });
});
