import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { releaseLinkSecret } from '../../activities/release/link-secret.ts';
import {
  insertFixtureCustomer,
  insertFixtureProject,
  insertFixtureRegisteredUser,
} from '../../db/queries/entitlement-fixtures.ts';
import { downloadPath } from '../../lib/download-links.ts';
import { downloadArtifact, listArtifacts } from '../helpers/artifacts.ts';
import { settled, stepTrail } from '../helpers/engagements.ts';
import { runServiceCase } from '../helpers/service-driver.ts';
import { apiClient, startTestStack, type TestStack } from '../helpers/stack.ts';

/**
 * B-RELEASE end to end over the API: an admin registers a release and its file, a PM launches the
 * delivery, and only the eligible registered user gets a delivery, an e-mail and a link; the link
 * serves the file with its digest, and a changed or expired link is refused.
 */
const CUSTOMER = 'release-test';
const SETUP = randomBytes(200_000);
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest();

interface Delivery {
  id: number;
  registered_user_id: number;
  engagement_id: string;
  recipient: string;
}

async function deliveriesOfCustomer(stack: TestStack): Promise<Delivery[]> {
  const { rows } = await stack.pool.query<Delivery>(
    'SELECT id, registered_user_id, engagement_id, recipient FROM release_deliveries WHERE customer_id = $1 ORDER BY id',
    [CUSTOMER],
  );
  return rows;
}

interface Register {
  lines: { fullName: string; outcome: string; note: string | null }[];
}

async function deliver(stack: TestStack): Promise<{ id: string; register: Register }> {
  const run = await runServiceCase(stack, 'release-delivery', {
    customerId: CUSTOMER,
    params: { release: '4.0' },
    steps: { installed: { result: { installed: true } } },
  });
  expect(run.detail.status, `${JSON.stringify(run.detail.failure)} ${stepTrail(run.detail)}`).toBe('COMPLETED');
  const register = (await listArtifacts(stack, run.id)).find((a) => a.name === 'delivery-register.json')!;
  expect(register).toMatchObject({ stepId: 'publish', kind: 'delivery-register' });
  return { id: run.id, register: JSON.parse((await downloadArtifact(stack, register)).toString('utf8')) as Register };
}

describe('release delivery', () => {
  let stack: TestStack;
  let releaseId: number;
  let first: { id: string; register: Register };

  beforeAll(async () => {
    stack = await startTestStack();
    const future = '2999-12-31';
    await insertFixtureCustomer(stack.pool, { id: CUSTOMER, name: 'КП «Релізи»' });
    for (const [project, version, supportUntil] of [
      ['rel-eligible', '3.1', future],
      ['rel-current', '4.0', future],
      ['rel-lapsed', '3.1', '2020-01-31'],
    ] as const) {
      await insertFixtureProject(stack.pool, { id: project, customerId: CUSTOMER, name: project });
      await stack.pool.query('UPDATE projects SET support_until = $2 WHERE id = $1', [project, supportUntil]);
      await stack.pool.query(
        `INSERT INTO project_installations (project_id, product, version) VALUES ($1, 'CityCom', $2)`,
        [project, version],
      );
      await insertFixtureRegisteredUser(stack.pool, { customerId: CUSTOMER, projectId: project, fullName: project });
      await stack.pool.query('UPDATE registered_users SET email = $2 WHERE project_id = $1', [
        project,
        `${project}@example.org`,
      ]);
    }
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('when an admin registers a release and its file, then the register lists it with the sha256; a PM may read, not write', async () => {
    const admin = apiClient(stack, 'admin');
    const created = await admin('POST', '/v1/releases', { version: '4.0', notes: 'New network editor.' });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    releaseId = created.body.id as number;
    expect(created.body).toMatchObject({ product: 'CityCom', version: '4.0', files: [] });

    const put = await admin('PUT', `/v1/releases/${releaseId}/files/citycom-4.0-setup.bin`, SETUP);
    expect(put.status).toBe(201);
    expect(put.body.sha256).toBe(sha256(SETUP).toString('hex'));
    expect((await admin('PUT', `/v1/releases/${releaseId}/files/citycom-4.0-setup.bin`, SETUP)).status).toBe(200);
    const other = await admin('PUT', `/v1/releases/${releaseId}/files/citycom-4.0-setup.bin`, Buffer.from('other'));
    expect(other.status).toBe(409);

    const again = await admin('POST', '/v1/releases', { version: '4.0' });
    expect(again.status).toBe(409);
    expect(again.body.errors).toEqual([{ path: '/version', message: 'is registered already' }]);
    const bad = await admin('POST', '/v1/releases', { version: '4.x' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.errors)).toContain('/version');

    const pm = apiClient(stack, 'olena.pm');
    const listed = await pm('GET', '/v1/releases');
    expect(listed.body.items.find((r: { id: number }) => r.id === releaseId).files).toEqual([
      expect.objectContaining({ name: 'citycom-4.0-setup.bin', size: SETUP.length }),
    ]);
    expect((await pm('POST', '/v1/releases', { version: '4.1' })).status).toBe(403);
  });

  it('when the release is delivered to three registered users (eligible, up to date, support lapsed), then exactly one delivery is made and e-mailed, free of charge', async () => {
    first = await deliver(stack);
    const deliveries = await deliveriesOfCustomer(stack);
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]).toMatchObject({ recipient: 'rel-eligible@example.org', engagement_id: first.id });

    const lines = Object.fromEntries(first.register.lines.map((l) => [l.fullName, l]));
    expect(lines['rel-eligible']).toMatchObject({ outcome: 'delivered', note: null });
    expect(lines['rel-current']).toMatchObject({
      outcome: 'not-eligible',
      note: 'project rel-current runs CityCom 4.0 already',
    });
    expect(lines['rel-lapsed']).toMatchObject({
      outcome: 'not-eligible',
      note: 'the support of project rel-lapsed lapsed on 2020-01-31',
    });

    const mail = await stack.pool.query<{ recipient: string; body: string }>(
      `SELECT recipient, body FROM notifications WHERE engagement_id = $1 AND recipient LIKE '%@example.org'`,
      [first.id],
    );
    expect(mail.rows.map((r) => r.recipient)).toEqual(['rel-eligible@example.org']);
    expect(mail.rows[0]!.body).toContain(`/v1/release-downloads/${deliveries[0]!.id}/citycom-4.0-setup.bin?expires=`);

    const billed = await stack.pool.query('SELECT 1 FROM billing_entries WHERE engagement_id = $1', [first.id]);
    expect(billed.rowCount).toBe(0);
  });

  it('when the delivery runs again, then nobody gets the release twice', async () => {
    const rerun = await deliver(stack);
    expect(await deliveriesOfCustomer(stack)).toHaveLength(1);
    const eligible = rerun.register.lines.find((l) => l.fullName === 'rel-eligible')!;
    expect(eligible).toMatchObject({ outcome: 'delivered-before', note: first.id });
    const mail = await stack.pool.query(
      `SELECT 1 FROM notifications WHERE engagement_id = $1 AND recipient LIKE '%@example.org'`,
      [rerun.id],
    );
    expect(mail.rowCount).toBe(0);
  });

  it('when the e-mailed link is followed, then the bytes come with a Repr-Digest equal to their sha256 and the download is recorded', async () => {
    const mail = await stack.pool.query<{ body: string }>(
      `SELECT body FROM notifications WHERE engagement_id = $1 AND recipient = 'rel-eligible@example.org'`,
      [first.id],
    );
    const link = /\/v1\/release-downloads\/\S+/.exec(mail.rows[0]!.body)![0];
    const response = await apiClient(stack, null)('GET', link);
    expect(response.status).toBe(200);
    expect(response.bytes.equals(SETUP)).toBe(true);
    const digest = `sha-256=:${sha256(response.bytes).toString('base64')}:`;
    expect(response.headers.get('repr-digest')).toBe(digest);
    expect(response.headers.get('repr-digest')).toBe(`sha-256=:${sha256(SETUP).toString('base64')}:`);

    const { rows } = await stack.pool.query<{ file_name: string }>(
      'SELECT w.file_name FROM release_downloads w JOIN release_deliveries d ON d.id = w.delivery_id WHERE d.customer_id = $1',
      [CUSTOMER],
    );
    expect(rows).toEqual([{ file_name: 'citycom-4.0-setup.bin' }]);
    const release = await apiClient(stack, 'admin')('GET', `/v1/releases/${releaseId}`);
    expect(release.body).toMatchObject({ deliveries: 1, downloads: 1 });
  });

  it('when a link is changed, then it is refused (403); when a signed link has expired, then it answers 410', async () => {
    const [delivery] = await deliveriesOfCustomer(stack);
    const secret = await releaseLinkSecret(stack.pool, undefined);
    const valid = downloadPath(secret, { deliveryId: delivery!.id, expiresAt: new Date(Date.now() + 3600_000) }, 'x');
    const { searchParams } = new URL(valid, stack.url);
    const expires = searchParams.get('expires')!;
    const signature = searchParams.get('signature')!;
    const path = (id: number, e: string, s: string) =>
      `/v1/release-downloads/${id}/citycom-4.0-setup.bin?expires=${e}&signature=${s}`;
    const anonymous = apiClient(stack, null);

    expect((await anonymous('GET', path(delivery!.id, expires, signature))).status).toBe(200);
    for (const tampered of [
      path(delivery!.id, String(Number(expires) + 86_400), signature),
      path(delivery!.id + 1, expires, signature),
      path(delivery!.id, expires, (signature[0] === 'A' ? 'B' : 'A') + signature.slice(1)),
    ]) {
      const refused = await anonymous('GET', tampered);
      expect(refused.status, tampered).toBe(403);
      expect(refused.body.type).toContain('download-link-invalid');
    }

    const past = downloadPath(secret, { deliveryId: delivery!.id, expiresAt: new Date(Date.now() - 1000) }, 'x');
    const expired = await anonymous('GET', past.replace('/x?', '/citycom-4.0-setup.bin?'));
    expect(expired.status).toBe(410);
    expect(expired.body.type).toContain('download-link-expired');
  });

  it('when a delivery names a release not in the register, then the engagement fails saying so', async () => {
    const launched = await apiClient(stack, 'olena.pm')('POST', '/v1/engagements', {
      definitionId: 'release-delivery',
      customerId: CUSTOMER,
      params: { release: '9.9' },
    });
    expect(launched.status).toBe(201);
    const detail = await settled(stack, launched.body.id as string);
    expect(detail.status).toBe('FAILED');
    expect(JSON.stringify(detail.failure)).toContain('CityCom 9.9 is not in the release register');
  });
});
