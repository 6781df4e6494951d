import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, eventually, startTestStack, type ApiBody, type TestStack } from '../helpers/stack.ts';

/**
 * The public "send request" form and its triage by a PM: into an engagement (launched like any
 * other, through Temporal), into a basic-support incident, or rejected with a reason.
 */
describe('service requests: intake and triage', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack?.close();
  });

  async function submit(body: Record<string, unknown>): Promise<string> {
    const response = await apiClient(stack, null)('POST', '/v1/requests', body);
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    expect(response.body.reference).toMatch(/^R-[0-9A-Z]{8}$/);
    const listed = await apiClient(stack, 'olena.pm')('GET', '/v1/requests?status=new');
    const row = (listed.body.items as ApiBody[]).find((r) => r.reference === response.body.reference);
    expect(row).toBeDefined();
    return row!.id as string;
  }

  it('when a customer sends the form and a PM triages it into an engagement, then the engagement runs and the request links it', async () => {
    const id = await submit({
      customer: { id: 'kp-teplomerezha' },
      contact: { name: 'Петро Іваненко', email: 'p.ivanenko@example.org', phone: '+380 57 700-00-01' },
      project: 'teplomerezha-main',
      service: 'B-HOTLINE',
      text: 'How do we schedule backups of the heat network database?',
    });
    const pm = apiClient(stack, 'olena.pm');
    const listed = await pm('GET', '/v1/requests');
    expect((listed.body.items as ApiBody[]).find((r) => r.id === id)).toMatchObject({
      customer: { id: 'kp-teplomerezha', name: null },
      contact: { name: 'Петро Іваненко', email: 'p.ivanenko@example.org' },
      service: 'B-HOTLINE',
      status: 'new',
    });
    const body = {
      outcome: 'engagement',
      definitionId: 'minimal',
      customerId: 'kp-teplomerezha',
      projectId: 'teplomerezha-main',
      params: { topic: 'Backup schedule' },
    };
    const triaged = await pm('POST', `/v1/requests/${id}/triage`, body);
    expect(triaged.status).toBe(201);
    expect(triaged.body).toMatchObject({ status: 'engagement', triagedBy: 'olena.pm' });
    const engagementId = triaged.body.engagementId as string;
    const engagement = await eventually(async () => {
      const detail = await pm('GET', `/v1/engagements/${engagementId}`);
      return detail.body.status === 'RUNNING' ? detail.body : undefined;
    });
    expect(engagement).toMatchObject({
      definitionId: 'minimal',
      customerId: 'kp-teplomerezha',
      launchedBy: 'olena.pm',
    });

    const repeated = await pm('POST', `/v1/requests/${id}/triage`, body);
    expect(repeated.status).toBe(200);
    expect(repeated.body.engagementId).toBe(engagementId);
    const other = await pm('POST', `/v1/requests/${id}/triage`, { outcome: 'rejected', reason: 'Changed my mind' });
    expect(other.status).toBe(409);
    expect(other.body.type).toBe('/problems/request-already-triaged');
    const count = await stack.pool.query('SELECT count(*)::int AS n FROM engagements WHERE customer_id = $1', [
      'kp-teplomerezha',
    ]);
    expect(count.rows[0].n).toBe(1);
  });

  it('when two PMs triage the same request at once, then one engagement is launched and the other PM is told it was triaged', async () => {
    const created = await apiClient(stack, 'admin')('POST', '/v1/users', {
      id: 'petro.pm',
      name: 'Petro (PM)',
      role: 'pm',
      key: { label: 'triage race' },
    });
    expect(created.status).toBe(201);
    stack.keys['petro.pm'] = created.body.apiKey.key as string;
    const id = await submit({
      customer: { id: 'kp-vodokanal' },
      contact: { name: 'Ірина', email: 'iryna@example.org' },
      text: 'Please audit our water network database.',
    });
    const body = { outcome: 'engagement', definitionId: 'minimal', customerId: 'kp-vodokanal', params: { topic: 'x' } };
    const answers = await Promise.all(
      ['olena.pm', 'petro.pm', 'olena.pm', 'petro.pm'].map((user) =>
        apiClient(stack, user)('POST', `/v1/requests/${id}/triage`, body),
      ),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.every((s) => [200, 201, 409].includes(s))).toBe(true);
    const winner = answers.find((a) => a.status === 201)!.body;
    for (const answer of answers.filter((a) => a.status === 409)) {
      expect(answer.body.detail).toContain(`by ${winner.triagedBy}`);
    }
    const launched = await stack.pool.query('SELECT count(*)::int AS n FROM engagements WHERE idempotency_key = $1', [
      `request:${id}`,
    ]);
    expect(launched.rows[0].n).toBe(1);
  });

  it('when a request reports an incident, then triage launches the free B-INCIDENT process with the request text', async () => {
    const id = await submit({
      customer: { name: 'КП «Водоканал»' },
      contact: { name: 'Наталія', phone: '+380 50 123 45 67' },
      text: 'After the update the hydraulic calculation stops with an error.',
    });
    const triaged = await apiClient(stack, 'olena.pm')('POST', `/v1/requests/${id}/triage`, {
      outcome: 'incident',
      customerId: 'kp-vodokanal',
    });
    expect(triaged.status).toBe(201);
    const { rows } = await stack.pool.query(
      'SELECT definition_id, service_code, params FROM engagements WHERE id = $1',
      [triaged.body.engagementId],
    );
    expect(rows).toEqual([
      {
        definition_id: 'incident',
        service_code: 'B-INCIDENT',
        params: { summary: 'After the update the hydraulic calculation stops with an error.' },
      },
    ]);
  });

  it('when a PM rejects a request, then it keeps the reason and launches nothing', async () => {
    const id = await submit({
      customer: { name: 'Unknown Ltd' },
      contact: { name: 'Spam Bot', email: 'bot@example.org' },
      text: 'Buy cheap licences here, best prices!!!',
    });
    const before = await stack.pool.query('SELECT count(*)::int AS n FROM engagements');
    const rejected = await apiClient(stack, 'olena.pm')('POST', `/v1/requests/${id}/triage`, {
      outcome: 'rejected',
      reason: 'Not a customer request',
    });
    expect(rejected.status).toBe(201);
    expect(rejected.body).toMatchObject({ status: 'rejected', rejectionReason: 'Not a customer request' });
    const after = await stack.pool.query('SELECT count(*)::int AS n FROM engagements');
    expect(after.rows[0].n).toBe(before.rows[0].n);
  });

  it('when an unknown customer id or service is typed, then the request is kept with them as text, never refused', async () => {
    const response = await apiClient(stack, null)('POST', '/v1/requests', {
      customer: { id: 'no-such-customer' },
      contact: { name: 'Ihor', email: 'ihor@example.org' },
      service: 'X-NOPE',
      text: 'We would like a training for five people.',
    });
    expect(response.status).toBe(201);
    expect(Object.keys(response.body).sort()).toEqual(['receivedAt', 'reference']);
    const { rows } = await stack.pool.query(
      'SELECT customer_id, customer_name, service_code FROM service_requests WHERE reference = $1',
      [response.body.reference],
    );
    expect(rows).toEqual([{ customer_id: null, customer_name: 'no-such-customer', service_code: null }]);
  });

  it.each([
    [{ customer: {}, contact: { name: 'Ok', email: 'ok@example.org' }, text: 'Long enough text.' }, '/customer'],
    [{ customer: { name: 'Acme' }, contact: { name: 'Ok' }, text: 'Long enough text.' }, '/contact'],
    [
      { customer: { name: 'Acme' }, contact: { name: 'Ok', email: 'not-an-email' }, text: 'Long enough text.' },
      '/contact/email',
    ],
    [
      { customer: { name: 'Acme' }, contact: { name: 'Ok', phone: 'call me' }, text: 'Long enough text.' },
      '/contact/phone',
    ],
    [{ customer: { name: 'Acme' }, contact: { name: 'Ok', phone: '+380501234567' }, text: 'short' }, '/text'],
    [
      {
        customer: { name: 'Acme' },
        contact: { name: 'Ok', phone: '+380501234567' },
        text: 'Long enough text.',
        admin: true,
      },
      '/admin',
    ],
  ])('when the form is sent as %j, then 400 names %s', async (body, path) => {
    const response = await apiClient(stack, null)('POST', '/v1/requests', body);
    expect(response.status).toBe(400);
    expect((response.body.errors as ApiBody[]).map((e) => e.path)).toContain(path);
  });

  it('when an engineer or finance asks for the requests, then 403', async () => {
    expect((await apiClient(stack, 'andrii.eng1')('GET', '/v1/requests')).status).toBe(403);
    expect((await apiClient(stack, 'maria.finance')('GET', '/v1/requests')).status).toBe(403);
    expect((await apiClient(stack, null)('GET', '/v1/requests')).status).toBe(401);
  });
});
