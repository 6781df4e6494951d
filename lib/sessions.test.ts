import { describe, expect, it } from 'vitest';
import { sessionCookieOf, signSession, startSession, verifySession } from './sessions.ts';

describe('session cookie values', () => {
  const secret = Buffer.from('s'.repeat(32));
  const now = new Date('2026-11-26T12:00:00Z');
  const inAnHour = new Date(now.getTime() + 3600_000);
  const session = startSession('0123456789ab', 3, inAnHour);

  it('when a value is signed and read back before its expiry, then it gives the session', () => {
    expect(verifySession(secret, signSession(secret, session), now)).toEqual({
      id: session.id,
      keyId: '0123456789ab',
      epoch: 3,
      expiresAt: inAnHour,
    });
  });

  it('when two sessions start for one key, then their ids differ', () => {
    expect(startSession('0123456789ab', 3, inAnHour).id).not.toBe(session.id);
  });

  it('when the value has expired, then it is refused', () => {
    const value = signSession(secret, session);
    expect(verifySession(secret, value, new Date(inAnHour.getTime() + 1000))).toBeNull();
  });

  it.each([
    ['another key id', (v: string) => v.replace('0123456789ab', 'ffffffffffff')],
    ['a later expiry', (v: string) => v.replace(/\.(\d{6,})\./, (_, s: string) => `.${Number(s) + 3600}.`)],
    ['an older epoch', (v: string) => v.replace(/\.3\.(\d{6,})\./, '.2.$1.')],
    ['another session id', (v: string) => v.replace(session.id, 'A'.repeat(22))],
    ['a changed signature', (v: string) => `${v.slice(0, -1)}${v.endsWith('A') ? 'B' : 'A'}`],
    ['no signature', (v: string) => v.slice(0, v.lastIndexOf('.'))],
    ['garbage', () => 'not-a-session'],
  ])('when the value carries %s, then it is refused', (_what, tamper) => {
    const value = signSession(secret, session);
    expect(tamper(value)).not.toBe(value);
    expect(verifySession(secret, tamper(value), now)).toBeNull();
  });

  it('when the value was signed with another secret, then it is refused', () => {
    const value = signSession(Buffer.from('t'.repeat(32)), session);
    expect(verifySession(secret, value, now)).toBeNull();
  });

  it('when a Cookie header holds several cookies, then the session one is found', () => {
    expect(sessionCookieOf('theme=dark; potik_session=abc.1.x=y; other=1')).toBe('abc.1.x=y');
    expect(sessionCookieOf('theme=dark')).toBeUndefined();
    expect(sessionCookieOf(undefined)).toBeUndefined();
  });
});
