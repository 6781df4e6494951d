import { describe, expect, it } from 'vitest';
import { generateApiKey, parseApiKey, secretMatches } from './api-keys.ts';

describe('API keys', () => {
  it('when a key is generated, then it parses back and its secret matches the stored hash', () => {
    const generated = generateApiKey();
    const parsed = parseApiKey(generated.key);
    expect(parsed?.id).toBe(generated.id);
    expect(secretMatches(parsed!.secret, generated.secretSha256)).toBe(true);
  });

  it('when the secret differs by one character, then it does not match', () => {
    const generated = generateApiKey();
    const parsed = parseApiKey(generated.key)!;
    const tampered = (parsed.secret[0] === 'A' ? 'B' : 'A') + parsed.secret.slice(1);
    expect(secretMatches(tampered, generated.secretSha256)).toBe(false);
  });

  it('when a string is not shaped like a key, then it does not parse', () => {
    expect(parseApiKey('Bearer nonsense')).toBeNull();
    expect(parseApiKey('potik_zz_short')).toBeNull();
  });
});
