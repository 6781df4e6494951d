import { describe, expect, it } from 'vitest';
import { recipientVerdict, type RecipientCandidate } from './recipients.ts';
import { compareVersions } from './versions.ts';

const RELEASE = { product: 'CityCom', version: '3.2' };
const TODAY = '2026-12-03';
const eligible: RecipientCandidate = {
  registeredUserId: 1,
  fullName: 'Петро Іваненко',
  email: 'p.ivanenko@example.org',
  active: true,
  projectId: 'p1',
  licensed: true,
  supportUntil: '2026-12-31',
  installedVersion: '3.1.4',
  deliveredBy: null,
};

describe('recipients of a release', () => {
  it('when the user is active on a licensed, supported project running an older version, then it is delivered', () => {
    expect(recipientVerdict(eligible, RELEASE, TODAY)).toEqual({ outcome: 'deliver' });
    expect(recipientVerdict({ ...eligible, supportUntil: null }, RELEASE, TODAY)).toEqual({ outcome: 'deliver' });
    expect(recipientVerdict({ ...eligible, supportUntil: TODAY }, RELEASE, TODAY)).toEqual({ outcome: 'deliver' });
  });

  it('when anything else holds, then the verdict says why not', () => {
    const reason = (c: Partial<RecipientCandidate>) => recipientVerdict({ ...eligible, ...c }, RELEASE, TODAY);
    expect(reason({ installedVersion: '3.2.0' })).toEqual({
      outcome: 'skip',
      reason: 'project p1 runs CityCom 3.2.0 already',
    });
    expect(reason({ installedVersion: '3.10' })).toMatchObject({ outcome: 'skip' });
    expect(reason({ supportUntil: '2026-12-02' })).toEqual({
      outcome: 'skip',
      reason: 'the support of project p1 lapsed on 2026-12-02',
    });
    expect(reason({ active: false })).toMatchObject({ reason: 'the registered user is not active' });
    expect(reason({ licensed: false })).toMatchObject({ reason: 'project p1 is not licensed' });
    expect(reason({ installedVersion: null })).toMatchObject({ outcome: 'skip' });
    expect(reason({ email: null })).toMatchObject({ reason: 'the registered user has no e-mail address' });
    expect(reason({ deliveredBy: 'e-1', active: false })).toEqual({ outcome: 'delivered-before', engagementId: 'e-1' });
  });

  it('when versions are compared, then parts compare as numbers and a missing patch is zero', () => {
    expect(compareVersions('3.9', '3.10')).toBeLessThan(0);
    expect(compareVersions('3.2', '3.2.0')).toBe(0);
    expect(compareVersions('4.0', '3.99.99')).toBeGreaterThan(0);
    expect(() => compareVersions('3.x', '3.2')).toThrow(/not a version/);
  });
});
