import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseApiKey } from '../../lib/api-keys.ts';
import { apiClient, startTestStack, type ApiBody, type TestStack } from '../helpers/stack.ts';

/**
 * Users and API keys over HTTP: creation by admins, keys shown once, expiry, revocation and
 * last use, `/v1/me`, and a 401 that says nothing about which part of a key was wrong.
 */
describe('users and API keys', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ worker: false });
  });
  afterAll(async () => {
    await stack?.close();
  });

  async function withKey(key: string, path = '/v1/me') {
    const response = await fetch(`${stack.url}${path}`, { headers: { authorization: `Bearer ${key}` } });
    return { status: response.status, body: (await response.json()) as ApiBody };
  }

  it('when an admin creates a user with a key, then the key works once shown and is listed without its secret', async () => {
    const admin = apiClient(stack, 'admin');
    const created = await admin('POST', '/v1/users', {
      id: 'nadia.eng',
      name: 'Nadia (engineer)',
      role: 'engineer',
      category: 'ENG_II',
      groups: ['gis'],
      key: { label: 'laptop' },
    });
    expect(created.status).toBe(201);
    const key = created.body.apiKey.key as string;
    expect(key).toMatch(/^potik_[0-9a-f]{12}_/);
    const me = await withKey(key);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: 'nadia.eng', role: 'engineer', category: 'ENG_II', groups: ['gis'] });
    expect(me.body.keys).toEqual([
      expect.objectContaining({ id: created.body.apiKey.id, label: 'laptop', revokedAt: null }),
    ]);
    expect(me.body.keys[0].lastUsedAt).not.toBeNull();

    const listed = await admin('GET', '/v1/users');
    const nadia = (listed.body.items as ApiBody[]).find((u) => u.id === 'nadia.eng')!;
    // The secret may itself hold '_' (base64url): take it as the key format defines it.
    expect(JSON.stringify(listed.body)).not.toContain(parseApiKey(key)!.secret);
    expect(nadia.keys).toHaveLength(1);

    const again = await admin('POST', '/v1/users', { id: 'nadia.eng', name: 'Other', role: 'finance' });
    expect(again.status).toBe(409);
    expect(again.body.type).toBe('/problems/user-exists');
  });

  it.each([
    [{ id: 'x.eng', name: 'X', role: 'engineer' }, '/category'],
    [{ id: 'x.fin', name: 'X', role: 'finance', category: 'LEAD' }, '/category'],
    [{ id: 'x.pm', name: 'X', role: 'pm', managesCustomers: ['no-such-customer'] }, '/managesCustomers'],
    [{ id: 'x.pm', name: 'X', role: 'pm', key: { expiresAt: '2001-01-01T00:00:00Z' } }, '/key/expiresAt'],
    [{ id: 'X Y', name: 'X', role: 'pm' }, '/id'],
    [{ id: 'x.pm', name: 'X', role: 'boss' }, '/role'],
    [{ id: 'x.pm', name: 'X', role: 'pm', password: 'secret' }, '/password'],
  ])('when a user is created as %j, then 400 names %s and no user exists', async (body, path) => {
    const response = await apiClient(stack, 'admin')('POST', '/v1/users', body);
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path })]));
    expect((await stack.pool.query('SELECT 1 FROM users WHERE id = $1', [body.id])).rowCount).toBe(0);
  });

  it('when a user mints a key for themselves and revokes it, then it stops working; another user’s key is 404 to them', async () => {
    const engineer = apiClient(stack, 'andrii.eng1');
    const minted = await engineer('POST', '/v1/users/andrii.eng1/keys', { label: 'ci' });
    expect(minted.status).toBe(201);
    expect((await withKey(minted.body.key)).status).toBe(200);

    const taras = await apiClient(stack, 'taras.eng2')('POST', '/v1/users/taras.eng2/keys', {});
    expect((await engineer('DELETE', `/v1/keys/${taras.body.id}`)).status).toBe(404);
    expect((await engineer('POST', '/v1/users/taras.eng2/keys', {})).status).toBe(404);

    const revoked = await engineer('DELETE', `/v1/keys/${minted.body.id}`);
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).not.toBeNull();
    const refused = await withKey(minted.body.key);
    expect(refused.status).toBe(401);
    expect((await engineer('DELETE', `/v1/keys/${minted.body.id}`)).body.revokedAt).toBe(revoked.body.revokedAt);
    // An admin revokes anyone's key.
    expect((await apiClient(stack, 'admin')('DELETE', `/v1/keys/${taras.body.id}`)).status).toBe(200);
  });

  it('when a key has expired, then it is refused like any other bad key', async () => {
    const minted = await apiClient(stack, 'admin')('POST', '/v1/users/maria.finance/keys', {
      expiresAt: new Date(Date.now() + 1500).toISOString(),
    });
    expect(minted.status).toBe(201);
    expect((await withKey(minted.body.key)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1600));
    expect((await withKey(minted.body.key)).status).toBe(401);
  });

  it('when keys are wrong in different ways, then every answer is the same 401 body in a similar time', async () => {
    const real = stack.keys['olena.pm']!;
    const { id, secret } = parseApiKey(real)!;
    const variants = {
      'no header': null,
      'not a key': 'hello',
      'unknown id': `potik_${'f'.repeat(12)}_${secret}`,
      'known id, wrong secret': `potik_${id}_${'A'.repeat(32)}`,
      'revoked-looking garbage': `potik_${id}_${secret.slice(0, 31)}!`,
    };
    const bodies = new Set<string>();
    const medians: Record<string, number> = {};
    for (const [name, key] of Object.entries(variants)) {
      const times: number[] = [];
      for (let i = 0; i < 15; i += 1) {
        const started = performance.now();
        const response = await fetch(`${stack.url}/v1/me`, {
          headers: key === null ? {} : { authorization: `Bearer ${key}` },
        });
        times.push(performance.now() - started);
        expect(response.status).toBe(401);
        const body = (await response.json()) as ApiBody;
        delete body.instance;
        bodies.add(JSON.stringify(body));
      }
      medians[name] = times.sort((a, b) => a - b)[7]!;
    }
    expect(bodies.size).toBe(1);
    // Unknown user and wrong secret run the same query and hash comparison: medians within a few ms.
    const values = Object.values(medians);
    expect(Math.max(...values) - Math.min(...values)).toBeLessThan(5);
  });
});
