import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngagementAct } from '../../activities/acts.ts';
import { insertSeedEngagements, insertSeedEntries } from '../../db/queries/ledger-seed.ts';
import { kyivDate } from '../../lib/calendar.ts';
import { apiClient, startTestStack, type TestStack } from '../helpers/stack.ts';
import { publishBilledMinimal, runBilledEngagement } from '../helpers/billing.ts';

/**
 * Acts of services rendered over the real ledger: created from engagements that ran through
 * Temporal, numbered gap-free under concurrency, moved draft → issued → signed only, and
 * corrected by reversing entries.
 */
describe('acts of services rendered', () => {
  let stack: TestStack;
  let supplyEngagement: string; // kp-teplomerezha, basis (a), billed
  let cloudEngagement: string; // sumy-teplo-cloud, basis (d), billed

  beforeAll(async () => {
    stack = await startTestStack();
    await publishBilledMinimal(stack);
    ({ id: supplyEngagement } = await runBilledEngagement(stack, {
      customerId: 'kp-teplomerezha',
      projectId: 'teplomerezha-main',
      topic: 'Valve passport fields',
      hoursSpent: 2,
    }));
    ({ id: cloudEngagement } = await runBilledEngagement(stack, {
      customerId: 'sumy-teplo-cloud',
      projectId: 'sumy-cloud',
      topic: 'Pipe labels',
      hoursSpent: 0.5,
    }));
  });
  afterAll(async () => {
    await stack?.close();
  });

  /** Engagements with billable seeded entries (three categories each), ready to be billed. */
  async function seededEngagements(
    count: number,
    batch: string,
    status: 'COMPLETED' | 'FAILED' | 'CANCELLED' = 'COMPLETED',
    customerId = 'kp-vodokanal',
  ): Promise<string[]> {
    const ids = await insertSeedEngagements(stack.pool, {
      customerId,
      serviceCode: 'X-CALIB',
      count,
      launchedBy: 'olena.pm',
      projectId: null,
      status,
    });
    await insertSeedEntries(stack.pool, {
      engagementIds: ids,
      count: count * 3,
      recordedFrom: new Date('2026-05-01T09:00:00+03:00'),
      recordedTo: new Date('2026-05-20T09:00:00+03:00'),
      billable: true,
      contractId: null,
      rateCardId: 'rc-demo',
      performedBy: 'iryna.lead',
      batch,
    });
    return ids;
  }

  it('when finance creates the act of an engagement that ran, then it is a numbered draft with its priced line', async () => {
    const finance = apiClient(stack, 'maria.finance');
    const created = await finance('POST', '/v1/billing/acts', { engagementId: supplyEngagement });
    expect(created.status).toBe(201);
    const year = kyivDate(new Date()).slice(0, 4);
    expect(created.body).toMatchObject({
      number: `${year}-0001`,
      date: kyivDate(new Date()),
      status: 'draft',
      customerId: 'kp-teplomerezha',
      contractId: 'si-teplomerezha',
      engagementId: supplyEngagement,
      currency: 'UAH',
      vatRatePercent: 20,
      amountExclVatKopecks: 95000,
      vatKopecks: 19000,
      amountInclVatKopecks: 114000,
      createdBy: 'maria.finance',
      issuedAt: null,
      lines: [
        {
          lineNo: 1,
          line: null,
          category: 'ENG_I',
          normHours: 1,
          rateKopecks: 95000,
          amountExclVatKopecks: 95000,
          vatRatePercent: 20,
          vatKopecks: 19000,
          amountInclVatKopecks: 114000,
        },
      ],
    });

    const again = await finance('POST', '/v1/billing/acts', { engagementId: supplyEngagement });
    expect(again.status).toBe(409);
    expect(again.contentType).toContain('application/problem+json');
    expect(again.body.type).toBe('/problems/nothing-to-bill');

    const listed = await apiClient(stack, 'olena.pm')('GET', `/v1/billing/acts/${supplyEngagement}`);
    expect(listed.status).toBe(200);
    expect(listed.body.items).toEqual([expect.objectContaining({ id: created.body.id, number: `${year}-0001` })]);

    const record = await finance('GET', `/v1/billing/records?engagement=${supplyEngagement}`);
    expect(record.body.items).toEqual([
      expect.objectContaining({
        act: { id: created.body.id, number: `${year}-0001`, date: kyivDate(new Date()), status: 'draft' },
      }),
    ]);
  });

  it('when an act has several categories, then each gets a line in LEAD → TECH order and the totals are sums of lines', async () => {
    const [engagement] = await seededEngagements(1, 'lines');
    const created = await apiClient(stack, 'admin')('POST', '/v1/billing/acts', {
      engagementId: engagement,
      date: '2030-03-15',
    });
    expect(created.status).toBe(201);
    const ledger = await stack.pool.query<{ category: string; hours: number; rate: number }>(
      `SELECT category, sum(norm_hours)::float8 AS hours, max(rate_kopecks) AS rate FROM billing_entries WHERE engagement_id = $1 GROUP BY category`,
      [engagement],
    );
    const order = ['LEAD', 'ENG_I', 'ENG_II', 'ENG', 'TECH'];
    const lines = created.body.lines as {
      category: string;
      normHours: number;
      amountExclVatKopecks: number;
      vatKopecks: number;
      amountInclVatKopecks: number;
    }[];
    expect(lines.map((l) => l.category)).toEqual(
      ledger.rows.map((r) => r.category).sort((a, b) => order.indexOf(a) - order.indexOf(b)),
    );
    for (const line of lines) {
      const row = ledger.rows.find((r) => r.category === line.category)!;
      expect(line.normHours).toBe(row.hours);
      expect(line.amountExclVatKopecks).toBe(Math.round(row.hours * row.rate));
    }
    expect(created.body.amountExclVatKopecks).toBe(lines.reduce((n, l) => n + l.amountExclVatKopecks, 0));
    expect(created.body.vatKopecks).toBe(lines.reduce((n, l) => n + l.vatKopecks, 0));
    expect(created.body.number).toBe('2030-0001');
  });

  it('when ten acts are created at once, then their numbers are 1–10 of the year with no gap or repeat', async () => {
    const engagements = await seededEngagements(10, 'concurrent');
    const finance = apiClient(stack, 'maria.finance');
    const responses = await Promise.all(
      engagements.map((engagementId) => finance('POST', '/v1/billing/acts', { engagementId, date: '2031-06-01' })),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(10).fill(201));
    const numbers = responses.map((r) => r.body.number as string).sort();
    expect(numbers).toEqual(Array.from({ length: 10 }, (_, i) => `2031-${String(i + 1).padStart(4, '0')}`));
  });

  it('when the same engagement is billed by five requests at once, then one act is made and four get 409', async () => {
    const [engagement] = await seededEngagements(1, 'same-engagement');
    const finance = apiClient(stack, 'maria.finance');
    const responses = await Promise.all(
      Array.from({ length: 5 }, () =>
        finance('POST', '/v1/billing/acts', { engagementId: engagement, date: '2032-01-10' }),
      ),
    );
    expect(responses.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409]);
    const billed = await stack.pool.query<{ acts: number; unbilled: number }>(
      `SELECT (SELECT count(DISTINCT act_id)::int FROM act_entries ae JOIN billing_entries b ON b.id = ae.entry_id WHERE b.engagement_id = $1) AS acts,
              (SELECT count(*)::int FROM billing_entries b WHERE b.engagement_id = $1 AND NOT EXISTS (SELECT 1 FROM act_entries ae WHERE ae.entry_id = b.id)) AS unbilled`,
      [engagement],
    );
    expect(billed.rows[0]).toEqual({ acts: 1, unbilled: 0 });
  });

  it('when an act creation fails after taking its number, then the number is handed out again (no gap)', async () => {
    const [first, second] = await seededEngagements(2, 'rollback');
    await expect(
      createEngagementAct(stack.pool, {
        engagementId: first!,
        actDate: '2033-02-01',
        createdBy: 'nobody-such',
        vendorVatPayer: true,
      }),
    ).rejects.toMatchObject({ code: '23503' });
    const made = await createEngagementAct(stack.pool, {
      engagementId: second!,
      actDate: '2033-02-01',
      createdBy: 'maria.finance',
      vendorVatPayer: true,
    });
    expect(made.act.number).toBe('2033-0001');
    const retried = await createEngagementAct(stack.pool, {
      engagementId: first!,
      actDate: '2033-02-02',
      createdBy: 'maria.finance',
      vendorVatPayer: true,
    });
    expect(retried.act.number).toBe('2033-0002');
  });

  it('when an act moves, then only draft → issued → signed is accepted and every other move is 409', async () => {
    const [engagement] = await seededEngagements(1, 'status');
    const finance = apiClient(stack, 'maria.finance');
    const act = (await finance('POST', '/v1/billing/acts', { engagementId: engagement })).body;

    const signDraft = await finance('POST', `/v1/billing/acts/${act.id}/sign`);
    expect(signDraft.status).toBe(409);
    expect(signDraft.body.detail).toBe(
      `Act ${act.number} is draft; only an issued act can be signed (issue it first).`,
    );
    expect(signDraft.body).toMatchObject({
      type: '/problems/act-status',
      status: 409,
      actNumber: act.number,
      actStatus: 'draft',
      requested: 'signed',
    });
    expect(signDraft.body.detail).toContain('draft');

    const issued = await finance('POST', `/v1/billing/acts/${act.id}/issue`);
    expect(issued.status).toBe(200);
    expect(issued.body).toMatchObject({ status: 'issued', issuedBy: 'maria.finance', signedAt: null });
    expect(issued.body.issuedAt).toEqual(expect.any(String));
    expect((await finance('POST', `/v1/billing/acts/${act.id}/issue`)).status).toBe(409);

    const signed = await finance('POST', `/v1/billing/acts/${act.id}/sign`);
    expect(signed.status).toBe(200);
    expect(signed.body).toMatchObject({ status: 'signed', signedBy: 'maria.finance', issuedBy: 'maria.finance' });
    expect((await finance('POST', `/v1/billing/acts/${act.id}/sign`)).status).toBe(409);
    expect((await finance('POST', `/v1/billing/acts/${act.id}/issue`)).status).toBe(409);

    expect((await finance('POST', '/v1/billing/acts/987654/issue')).status).toBe(404);
    expect((await finance('POST', '/v1/billing/acts/abc/issue')).status).toBe(404);

    // The table holds the same line as the API, for anyone with SQL access.
    await expect(
      stack.pool.query(`UPDATE acts SET status = 'draft', issued_at = NULL, signed_at = NULL WHERE id = $1`, [act.id]),
    ).rejects.toThrow(/cannot go from signed to draft/);
    await expect(
      stack.pool.query(`UPDATE acts SET amount_excl_vat_kopecks = 1 WHERE id = $1`, [act.id]),
    ).rejects.toThrow();
    await expect(stack.pool.query(`DELETE FROM acts WHERE id = $1`, [act.id])).rejects.toThrow(/never deleted/);
  });

  it.each(['FAILED', 'CANCELLED'] as const)(
    'when the engagement %s, then its act bills the work done, says so, and creating and issuing it warn',
    async (status) => {
      const [engagement] = await seededEngagements(1, `ended-${status}`, status);
      const finance = apiClient(stack, 'maria.finance');
      const created = await finance('POST', '/v1/billing/acts', { engagementId: engagement });
      expect(created.status).toBe(201);
      expect(created.body.amountExclVatKopecks).toBeGreaterThan(0);
      expect(created.body.engagementStatus).toBe(status);
      const how = status === 'FAILED' ? 'failed' : 'was cancelled';
      expect(created.body.notice).toContain(`Engagement ${engagement} ${how} on `);
      expect(created.body.notice).toContain('bills the work done until then');
      expect(created.body.warnings).toEqual([created.body.notice]);
      const issued = await finance('POST', `/v1/billing/acts/${created.body.id}/issue`);
      expect(issued.status).toBe(200);
      expect(issued.body.warnings).toEqual([created.body.notice]);
      const signed = await finance('POST', `/v1/billing/acts/${created.body.id}/sign`);
      expect(signed.body).toMatchObject({ status: 'signed', notice: created.body.notice, warnings: [] });
      const listed = await finance('GET', `/v1/billing/acts?engagement=${engagement}`);
      expect(listed.body.items.map((a: { notice: string }) => a.notice)).toEqual([created.body.notice]);
    },
  );

  it('when a completed engagement is billed, then its act has no notice and issuing it warns of nothing', async () => {
    const [engagement] = await seededEngagements(1, 'ended-well');
    const finance = apiClient(stack, 'maria.finance');
    const created = await finance('POST', '/v1/billing/acts', { engagementId: engagement });
    expect(created.body).toMatchObject({ engagementStatus: 'COMPLETED', notice: null, warnings: [] });
    expect((await finance('POST', `/v1/billing/acts/${created.body.id}/issue`)).body.warnings).toEqual([]);
  });

  it('when acts are listed with filters, then each filter narrows the list, pages follow the cursor and PMs see their own', async () => {
    const finance = apiClient(stack, 'maria.finance');
    const lubny = await seededEngagements(3, 'list', 'COMPLETED', 'lubny-vodokanal');
    const ids: number[] = [];
    for (const engagementId of lubny) {
      ids.push((await finance('POST', '/v1/billing/acts', { engagementId, date: '2026-04-1' + ids.length })).body.id);
    }
    await finance('POST', `/v1/billing/acts/${ids[0]}/issue`);
    const list = async (query: string) => {
      const response = await finance('GET', `/v1/billing/acts?${query}`);
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      return response.body;
    };
    expect((await list('customer=lubny-vodokanal')).items.map((a: { id: number }) => a.id)).toEqual([...ids].reverse());
    expect((await list('customer=lubny-vodokanal&status=issued')).items.map((a: { id: number }) => a.id)).toEqual([
      ids[0],
    ]);
    expect(
      (await list('customer=lubny-vodokanal&from=2026-04-11&to=2026-04-12')).items.map((a: { id: number }) => a.id),
    ).toEqual([ids[2], ids[1]]);
    const first = await list('customer=lubny-vodokanal&limit=2');
    expect(first.items).toHaveLength(2);
    const second = await list(`customer=lubny-vodokanal&limit=2&cursor=${first.nextCursor}`);
    expect(second).toMatchObject({ items: [{ id: ids[0] }], nextCursor: null });

    const wrong = await finance('GET', '/v1/billing/acts?status=paid');
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors).toEqual([{ path: 'status', message: 'must be one of "draft", "issued" or "signed"' }]);

    // olena.pm launched the seeded engagements, so she sees their acts; a PM of nobody's sees none.
    const pmList = await apiClient(stack, 'olena.pm')('GET', '/v1/billing/acts?customer=lubny-vodokanal');
    expect(pmList.body.items).toHaveLength(3);
    const created = await apiClient(stack, 'admin')('POST', '/v1/users', {
      id: 'stepan.pm',
      name: 'Stepan (PM)',
      role: 'pm',
      key: {},
    });
    stack.keys['stepan.pm'] = created.body.apiKey.key as string;
    expect((await apiClient(stack, 'stepan.pm')('GET', '/v1/billing/acts')).body.items).toEqual([]);
  });

  it('when a PM or an engineer touches acts, then the PM may only read them and the engineer gets 403', async () => {
    const pm = apiClient(stack, 'olena.pm');
    const engineer = apiClient(stack, 'andrii.eng1');
    const [engagement] = await seededEngagements(1, 'roles');
    expect((await pm('POST', '/v1/billing/acts', { engagementId: engagement })).status).toBe(403);
    expect((await engineer('POST', '/v1/billing/acts', { engagementId: engagement })).status).toBe(403);
    expect((await engineer('GET', `/v1/billing/acts/${supplyEngagement}`)).status).toBe(403);
    const act = (await apiClient(stack, 'maria.finance')('POST', '/v1/billing/acts', { engagementId: engagement }))
      .body;
    expect((await pm('POST', `/v1/billing/acts/${act.id}/issue`)).status).toBe(403);
    expect((await pm('GET', `/v1/billing/acts/${engagement}`)).body.items).toHaveLength(1);
    expect((await fetch(`${stack.url}/v1/billing/acts/${engagement}`)).status).toBe(401);
  });

  it.each([
    [{ engagementId: 'not-a-uuid' }, 400],
    [{ engagementId: '00000000-0000-4000-8000-000000000000' }, 404],
    [{ engagementId: '00000000-0000-4000-8000-000000000000', date: '2026-02-30' }, 400],
    [{}, 400],
  ])('when the act request is %o, then %i', async (body, status) => {
    const response = await apiClient(stack, 'maria.finance')('POST', '/v1/billing/acts', body);
    expect(response.status).toBe(status);
    expect(response.contentType).toContain('application/problem+json');
  });

  it('when a billed entry is reversed, then the reversal is recorded once and the next act corrects the first', async () => {
    const finance = apiClient(stack, 'maria.finance');
    const first = await finance('POST', '/v1/billing/acts', { engagementId: cloudEngagement });
    expect(first.status).toBe(201);
    const [entry] = (await finance('GET', `/v1/billing/records?engagement=${cloudEngagement}`)).body.items as {
      id: number;
    }[];

    const reversed = await finance('POST', `/v1/billing/records/${entry!.id}/reverse`, {
      reason: 'Answered under the warranty',
    });
    expect(reversed.status).toBe(201);
    expect(reversed.body).toMatchObject({
      reversesId: entry!.id,
      normHours: -1,
      actualHours: -0.5,
      amountExclVatKopecks: -95000,
      vatKopecks: -19000,
      billable: true,
      basis: 'd',
      performedBy: 'maria.finance',
      reason: 'Answered under the warranty',
      act: null,
    });
    const repeated = await finance('POST', `/v1/billing/records/${entry!.id}/reverse`, {
      reason: 'Answered under the warranty',
    });
    expect(repeated.status).toBe(200);
    expect(repeated.body.id).toBe(reversed.body.id);

    const ofReversal = await finance('POST', `/v1/billing/records/${reversed.body.id}/reverse`, { reason: 'Oops' });
    expect(ofReversal.status).toBe(409);
    expect(ofReversal.body.type).toBe('/problems/reversal-of-reversal');
    expect((await finance('POST', '/v1/billing/records/99999999/reverse', { reason: 'Nothing' })).status).toBe(404);
    expect(
      (await apiClient(stack, 'andrii.eng1')('POST', `/v1/billing/records/${entry!.id}/reverse`, { reason: 'Mine' }))
        .status,
    ).toBe(403);

    const corrective = await finance('POST', '/v1/billing/acts', { engagementId: cloudEngagement });
    expect(corrective.status).toBe(201);
    expect(corrective.body).toMatchObject({
      amountExclVatKopecks: -95000,
      vatKopecks: -19000,
      amountInclVatKopecks: -114000,
      lines: [{ category: 'ENG_I', normHours: -1, amountExclVatKopecks: -95000 }],
    });

    const ledger = await stack.pool.query(
      'SELECT id, norm_hours, amount_kopecks FROM billing_entries WHERE engagement_id = $1 ORDER BY id',
      [cloudEngagement],
    );
    expect(ledger.rows).toEqual([
      { id: entry!.id, norm_hours: 1, amount_kopecks: 95000 },
      { id: reversed.body.id, norm_hours: -1, amount_kopecks: -95000 },
    ]);
    await expect(
      stack.pool.query('UPDATE billing_entries SET amount_kopecks = 0 WHERE id = $1', [entry!.id]),
    ).rejects.toThrow(/append-only/);
  });

  it('when an entry and its reversal are both unbilled, then the act leaves them off its lines but bills them', async () => {
    const [engagement] = await seededEngagements(1, 'netting');
    const finance = apiClient(stack, 'maria.finance');
    const entries = (await finance('GET', `/v1/billing/records?engagement=${engagement}`)).body.items as {
      id: number;
      category: string;
    }[];
    const victim = entries[0]!;
    const reversal = (await finance('POST', `/v1/billing/records/${victim.id}/reverse`, { reason: 'Booked twice' }))
      .body;
    const act = (await finance('POST', '/v1/billing/acts', { engagementId: engagement })).body;
    expect((act.lines as { category: string }[]).map((l) => l.category)).not.toContain(victim.category);
    expect(act.lines).toHaveLength(entries.length - 1);
    const after = (await finance('GET', `/v1/billing/records?engagement=${engagement}`)).body.items as {
      id: number;
      act: { number: string } | null;
    }[];
    expect(after.map((r) => [r.id, r.act?.number])).toEqual([
      ...entries.map((e) => [e.id, act.number]),
      [reversal.id, act.number],
    ]);
  });
});
