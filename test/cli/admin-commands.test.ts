import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectApiKeyOwner, selectUser } from '../../db/queries/users.ts';
import type { Pool } from '../../db/pool.ts';
import { parseApiKey } from '../../lib/api-keys.ts';
import { seedDemoData } from '../../scripts/demo-data.ts';
import { createTestDatabase } from '../helpers/database.ts';
import { potik } from '../helpers/potik.ts';

let pool: Pool;
let env: Record<string, string>;
let demoKeys: Record<string, string>;

beforeAll(async () => {
  const db = await createTestDatabase();
  pool = db.pool;
  env = { DATABASE_URL: db.url };
  demoKeys = await seedDemoData(pool);
});
afterAll(async () => {
  await pool?.end();
});

const keyIdOf = (key: string): string => parseApiKey(key)!.id;

describe('potik users', () => {
  it('when users are listed, then every demo user is there with role, category and valid keys', async () => {
    const { code, stdout } = await potik(['users', 'list'], env);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^User\s+Name\s+Role\s+Category\s+Groups\s+State\s+Valid keys$/m);
    expect(stdout).toMatch(/^andrii\.eng1\s+Andrii Melnyk .*\s+engineer\s+ENG_I\s+gis\s+active\s+1\/1$/m);
    const json = JSON.parse((await potik(['users', 'list', '--json'], env)).stdout) as { items: { id: string }[] };
    expect(json.items.map((u) => u.id)).toContain('maria.finance');
  });

  it('when a user is revoked, then they are inactive, every key of theirs is revoked, and create brings them back', async () => {
    const revoked = await potik(['users', 'revoke', 'oksana.tech'], env);
    expect(revoked.code).toBe(0);
    const user = await selectUser(pool, 'oksana.tech');
    expect(user!.active).toBe(false);
    expect(user!.keys.every((k) => k.revoked_at !== null)).toBe(true);
    expect((await potik(['users', 'list'], env)).stdout).toMatch(/^oksana\.tech\s.*\srevoked\s+0\/1$/m);

    const created = await potik(
      ['users', 'create', '--id', 'oksana.tech', '--name', 'Oksana', '--role', 'engineer', '--category', 'TECH'],
      env,
    );
    expect(created.code).toBe(0);
    const owner = await selectApiKeyOwner(pool, keyIdOf(created.stdout.trim()));
    expect(owner).toMatchObject({ id: 'oksana.tech', active: true, revoked_at: null });
  });

  it('when an unknown user is revoked, then it says so and exits 1', async () => {
    const { code, stderr } = await potik(['users', 'revoke', 'nobody'], env);
    expect(code).toBe(1);
    expect(stderr).toContain('There is no user nobody');
  });

  it('when create is given a role outside the list, then the error names --role and the allowed values', async () => {
    const { code, stderr } = await potik(['users', 'create', '--id', 'x', '--name', 'X', '--role', 'boss'], env);
    expect(code).toBe(1);
    expect(stderr).toContain('--role must be one of admin, pm, engineer, finance');
  });
});

describe('potik keys', () => {
  it('when a key is created, listed and revoked, then only its id and state are ever shown after creation', async () => {
    const created = await potik(['keys', 'create', '--user', 'taras.eng2', '--label', 'laptop'], env);
    expect(created.code).toBe(0);
    const key = created.stdout.trim();
    const keyId = keyIdOf(key);
    expect((await selectApiKeyOwner(pool, keyId))!.id).toBe('taras.eng2');

    const listed = await potik(['keys', 'list', '--user', 'taras.eng2'], env);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`^${keyId}\\s+taras\\.eng2\\s+laptop\\s.*\\svalid$`, 'm'));
    expect(listed.stdout).not.toContain(parseApiKey(key)!.secret);

    const revoked = await potik(['keys', 'revoke', keyId], env);
    expect(revoked.code).toBe(0);
    expect((await selectApiKeyOwner(pool, keyId))!.revoked_at).not.toBeNull();
    expect((await potik(['keys', 'list', '--user', 'taras.eng2'], env)).stdout).toMatch(
      new RegExp(`^${keyId}\\s.*\\srevoked \\d{4}-`, 'm'),
    );
    // The demo key of the same user is untouched.
    expect((await selectApiKeyOwner(pool, keyIdOf(demoKeys['taras.eng2']!)))!.revoked_at).toBeNull();
  });

  it('when a key is created for an unknown user or with a past expiry, then nothing is minted and it exits 1', async () => {
    const unknown = await potik(['keys', 'create', '--user', 'nobody'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr).toContain('There is no user nobody');
    const past = await potik(['keys', 'create', '--user', 'taras.eng2', '--expires', '2020-01-01'], env);
    expect(past.code).toBe(1);
    expect(past.stderr).toContain("option '--expires <date>' argument '2020-01-01' is invalid. must be in the future.");
  });

  it('when an unknown key is revoked, then it says so and exits 1', async () => {
    const { code, stderr } = await potik(['keys', 'revoke', '0123456789ab'], env);
    expect(code).toBe(1);
    expect(stderr).toContain('There is no key 0123456789ab');
  });
});

describe('potik billing export', () => {
  it('when the customer does not exist, then it names --customer, writes nothing and exits 1', async () => {
    const args = ['billing', 'export', '--from', '2026-01-01', '--to', '2026-03-31', '--customer', 'kp-nemae'];
    const { code, stdout, stderr } = await potik(args, env);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain('--customer names no customer: "kp-nemae"');
  });

  it('when the service is not in the catalog, then it names --service', async () => {
    const args = ['billing', 'export', '--from', '2026-01-01', '--to', '2026-03-31', '--service', 'X-NOPE'];
    const { code, stderr } = await potik(args, env);
    expect(code).toBe(1);
    expect(stderr).toContain('--service names no catalog service: "X-NOPE"');
  });

  it('when --to is before --from, then the error speaks of the options, not of query parameters', async () => {
    const { code, stderr } = await potik(['billing', 'export', '--from', '2026-03-31', '--to', '2026-01-01'], env);
    expect(code).toBe(1);
    expect(stderr.trim()).toBe('--to must not be before --from (2026-03-31).');
  });

  it('when a known customer had no work in the period, then the export is the header alone and exits 0', async () => {
    const args = ['billing', 'export', '--from', '2026-01-01', '--to', '2026-01-31', '--customer', 'kp-teplomerezha'];
    const { code, stdout, stderr } = await potik(args, env);
    expect(code).toBe(0);
    expect(stdout.split('\r\n').filter(Boolean)).toHaveLength(1);
    expect(stderr).toContain('0 billing record(s)');
  });
});
