import { createHash } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pool } from '../../db/pool.ts';
import { createTestDatabase } from '../helpers/database.ts';
import { potik } from '../helpers/potik.ts';

let pool: Pool;
let env: Record<string, string>;

beforeAll(async () => {
  const db = await createTestDatabase();
  pool = db.pool;
  env = { DATABASE_URL: db.url };
});
afterAll(async () => {
  await pool?.end();
});

describe('potik releases', () => {
  it('when an admin creates a release and adds a file, then the register lists it with the sha256 of the bytes', async () => {
    const created = await potik(['releases', 'create', '--release', '5.1', '--notes', 'Gas networks'], env);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout.trim()).toMatch(/^\d+$/);
    expect((await potik(['releases', 'create', '--release', '5.1'], env)).code).toBe(1);
    expect((await potik(['releases', 'create', '--release', '5.x'], env)).stderr).toContain('like 3.2');

    const dir = await mkdtemp(join(tmpdir(), 'release-'));
    const path = join(dir, 'citycom-5.1.zip');
    const bytes = Buffer.from('PK release bytes');
    await writeFile(path, bytes);
    const added = await potik(['releases', 'add-file', '--release', '5.1', path], env);
    expect(added.code, added.stderr).toBe(0);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    expect(added.stdout).toContain(sha256);

    const listed = JSON.parse((await potik(['releases', 'list', '--json'], env)).stdout) as {
      items: { version: string; files: { name: string; sha256: string }[] }[];
    };
    expect(listed.items.find((r) => r.version === '5.1')!.files).toEqual([
      expect.objectContaining({ name: 'citycom-5.1.zip', sha256 }),
    ]);
    expect((await potik(['releases', 'list'], env)).stdout).toMatch(/CityCom\s+5\.1\s+citycom-5\.1\.zip/);
  });
});
