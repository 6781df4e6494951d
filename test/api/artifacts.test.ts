/**
 * Files of an engagement over HTTP: uploads never change, downloads come back byte for byte with
 * their sha256, and an activity's deliverable is listed with the step that made it.
 */
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeJson } from '../../activities/artifacts.ts';
import { insertSeedRunningEngagements } from '../../db/queries/task-seed.ts';
import { apiClient, startTestStack, type TestStack } from '../helpers/stack.ts';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('engagement files', () => {
  let stack: TestStack;
  let engagementId: string;
  let closedId: string;
  const pm = () => apiClient(stack, 'olena.pm');
  /** A DBF-like body: bytes that are not valid UTF-8 must survive the round trip. */
  const dbf = Buffer.from([0x03, 0x7a, 0x0b, 0x1a, 0xcf, 0xf0, 0xee, 0xf1, 0xef, 0xe5, 0xea, 0xf2, 0x00, 0xff]);

  beforeAll(async () => {
    stack = await startTestStack({ worker: false });
    const seeded = await insertSeedRunningEngagements(stack.pool, {
      customerId: 'kp-teplomerezha',
      serviceCode: 'X-IMPORT',
      definitionId: 'data-import',
      count: 2,
      launchedBy: 'olena.pm',
    });
    [engagementId, closedId] = seeded as [string, string];
    await stack.pool.query(`UPDATE engagements SET status = 'COMPLETED', closed_at = now() WHERE id = $1`, [closedId]);
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('when a PM uploads a file, then it is listed and downloads byte for byte with its sha256', async () => {
    const name = 'водопровід.dbf';
    const path = `/v1/engagements/${engagementId}/files/${encodeURIComponent(name)}`;
    const uploaded = await pm()('PUT', path, dbf);
    expect(uploaded.status, uploaded.text).toBe(201);
    expect(uploaded.body).toMatchObject({ kind: 'upload', name, stepId: null, size: dbf.length, sha256: sha256(dbf) });

    const listed = await pm()('GET', `/v1/engagements/${engagementId}/artifacts`);
    expect(listed.body.items.map((a: { name: string }) => a.name)).toContain(name);

    const download = await pm()('GET', uploaded.body.links.download as string);
    expect(download.status).toBe(200);
    expect(download.bytes.equals(dbf)).toBe(true);
    expect(download.headers.get('etag')).toBe(`"${sha256(dbf)}"`);
    expect(download.headers.get('repr-digest')).toBe(`sha-256=:${createHash('sha256').update(dbf).digest('base64')}:`);
    expect(download.headers.get('content-disposition')).toContain(`filename*=UTF-8''${encodeURIComponent(name)}`);

    const again = await pm()('GET', uploaded.body.links.download as string, undefined, {
      'if-none-match': `"${sha256(dbf)}"`,
    });
    expect(again.status).toBe(304);
  });

  it('when the same file is uploaded again, then it is 200; other bytes under its name are 409 and the first stays', async () => {
    const path = `/v1/engagements/${engagementId}/files/pipes.prj`;
    const prj = Buffer.from('PROJCS["SK-63 zone X5"]');
    expect((await pm()('PUT', path, prj)).status).toBe(201);
    const same = await pm()('PUT', path, prj);
    expect(same.status).toBe(200);
    const other = await pm()('PUT', path, Buffer.from('PROJCS["something else"]'));
    expect(other.status).toBe(409);
    expect(other.body.detail).toContain('another name');
    const download = await pm()('GET', same.body.links.download as string);
    expect(download.text).toBe(prj.toString());
  });

  it('when a name, a body or the engagement is wrong, then the answer says what to change', async () => {
    const bad = await pm()('PUT', `/v1/engagements/${engagementId}/files/..secret`, Buffer.from('x'));
    expect(bad.status).toBe(400);
    const empty = await pm()('PUT', `/v1/engagements/${engagementId}/files/empty.csv`, Buffer.alloc(0), {
      'content-length': '0',
    });
    expect(empty.status).toBe(400);
    const closed = await pm()('PUT', `/v1/engagements/${closedId}/files/late.csv`, Buffer.from('a,b\n'));
    expect(closed.status).toBe(409);
    expect(closed.body.detail).toContain('has ended');
    const finance = await apiClient(stack, 'maria.finance')('GET', `/v1/engagements/${engagementId}/artifacts`);
    expect(finance.status).toBe(403);
    const missing = await pm()('GET', `/v1/engagements/${engagementId}/artifacts/999999`);
    expect(missing.status).toBe(404);
  });

  it('when a file is larger than the upload limit, then it is refused before its bytes are read', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const url = new URL(`${stack.url}/v1/engagements/${engagementId}/files/huge.shp`);
      const req = request(
        url,
        {
          method: 'PUT',
          headers: {
            authorization: `Bearer ${stack.keys['olena.pm']}`,
            'content-type': 'application/octet-stream',
            'content-length': String(200 * 1024 * 1024),
          },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.write(Buffer.alloc(1024));
    });
    expect(status).toBe(413);
  });

  it('when an activity stores a report, then it is listed with the step that made it', async () => {
    const engagement = {
      id: engagementId,
      customerId: 'kp-teplomerezha',
      projectId: null,
      launchedBy: 'olena.pm',
      stepId: 'inspect',
      iteration: '0',
      idempotencyKey: `${engagementId}:inspect:0`,
    };
    await storeJson(stack.pool, engagement, 'inspection-report', 'inspection-report.json', { layers: 2 });
    const listed = await pm()('GET', `/v1/engagements/${engagementId}/artifacts`);
    const report = listed.body.items.find((a: { name: string }) => a.name === 'inspection-report.json');
    expect(report).toMatchObject({ kind: 'inspection-report', stepId: 'inspect', mediaType: 'application/json' });
    const download = await pm()('GET', report.links.download as string);
    expect(download.body).toEqual({ layers: 2 });
  });
});
