import { describe, expect, it } from 'vitest';
import { hashPassword, passwordProblem, randomPassword, verifyPassword } from './passwords.ts';

describe('passwords', () => {
  it('when a password is hashed, then only the same password verifies against it', async () => {
    const stored = await hashPassword('correct horse battery');
    expect(stored).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(await verifyPassword('correct horse battery', stored)).toBe(true);
    expect(await verifyPassword('correct horse batterz', stored)).toBe(false);
  });

  it('when the same password is hashed twice, then the salts differ', async () => {
    expect(await hashPassword('same password')).not.toBe(await hashPassword('same password'));
  });

  it('when the stored value is not a hash of ours, then nothing verifies', async () => {
    expect(await verifyPassword('x', 'plain text')).toBe(false);
  });

  it('when a password is too short, then it is refused with the reason', () => {
    expect(passwordProblem('short')).toMatch(/at least 10/);
    expect(passwordProblem(randomPassword())).toBeNull();
  });
});
