import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectRateCardOn } from '../../db/queries/billing.ts';
import type { DefinitionError } from '../../definitions/definition-error.ts';
import { estimateDefinition } from '../../definitions/estimate.ts';
import { loadDefinition } from '../../definitions/loader.ts';
import { kyivDate } from '../../lib/calendar.ts';
import { apiClient, startTestStack, type TestStack } from '../helpers/stack.ts';

/** Definitions over HTTP: the real app on port 0 with its contract gate, a database of its own. */
const catalogSource = (name: string): string =>
  readFileSync(new URL(`../../definitions/catalog/${name}.yaml`, import.meta.url), 'utf8');
const broken = (name: string): string =>
  readFileSync(new URL(`../fixtures/definitions/broken/${name}.yaml`, import.meta.url), 'utf8');

const YAML = { 'content-type': 'application/yaml' };

const NEW_DEFINITION = `id: api-demo
version: 1
title: Published over the API
service: B-HOTLINE
inputs: { type: object }
steps:
  - id: answer
    kind: task
    title: Answer
    assignee: { category: ENG_I }
    norm: { ENG_I: 1.5 }
`;

describe('the definitions API', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ worker: false });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('when a PM lists definitions, then the latest version of each catalog process is there', async () => {
    const { status, body } = await apiClient(stack, 'olena.pm')('GET', '/v1/definitions');
    expect(status).toBe(200);
    const imported = loadDefinition(catalogSource('import'), 'import.yaml');
    expect(body.items).toContainEqual(
      expect.objectContaining({
        id: 'data-import',
        version: imported.snapshot.version,
        serviceCode: 'X-IMPORT',
        sha256: imported.sha256,
      }),
    );
  });

  it('when an engineer gets a definition, then source, snapshot and sha256 come back; an unknown version is 404', async () => {
    const engineer = apiClient(stack, 'andrii.eng1');
    const source = catalogSource('reprojection');
    const { snapshot, sha256 } = loadDefinition(source, 'reprojection.yaml');
    const latest = await engineer('GET', '/v1/definitions/reprojection');
    expect(latest.status).toBe(200);
    expect(latest.body).toMatchObject({ id: 'reprojection', version: snapshot.version, source, snapshot, sha256 });
    const pinned = await engineer('GET', `/v1/definitions/reprojection?version=${snapshot.version}`);
    expect(pinned.body.sha256).toBe(sha256);
    expect((await engineer('GET', '/v1/definitions/reprojection?version=99')).status).toBe(404);
    expect((await engineer('GET', '/v1/definitions/no-such-process')).status).toBe(404);
  });

  describe('POST /v1/definitions/validate', () => {
    it('when the YAML is valid, then 200 names its id, version and sha256', async () => {
      const { status, body } = await apiClient(stack, 'andrii.eng1')(
        'POST',
        '/v1/definitions/validate',
        NEW_DEFINITION,
        {
          'content-type': 'text/yaml',
        },
      );
      expect(status).toBe(200);
      expect(body).toEqual({
        valid: true,
        id: 'api-demo',
        version: 1,
        sha256: loadDefinition(NEW_DEFINITION, 'x').sha256,
      });
    });

    it.each(['unknown-field', 'several-problems', 'anchors-aliases'])(
      'when %s is posted, then 422 carries the issues the CLI prints, with line and column',
      async (name) => {
        const source = broken(name);
        const response = await apiClient(stack, 'olena.pm')('POST', '/v1/definitions/validate', source, {
          'content-type': 'text/plain',
        });
        expect(response.status).toBe(422);
        expect(response.contentType).toMatch(/^application\/problem\+json/);
        let expected: unknown[] = [];
        try {
          loadDefinition(source, 'definition.yaml');
        } catch (error) {
          expected = [...(error as DefinitionError).issues];
        }
        expect(expected.length).toBeGreaterThan(0);
        expect(response.body.errors).toEqual(expected);
        expect(response.body).toMatchObject({ status: 422, type: '/problems/definition-invalid' });
      },
    );

    it('when the body is JSON, larger than 1 MB, or the caller is finance, then it is refused', async () => {
      const pm = apiClient(stack, 'olena.pm');
      expect((await pm('POST', '/v1/definitions/validate', { id: 'x' })).status).toBe(415);
      const big = `${NEW_DEFINITION}# ${'x'.repeat(1024 * 1024)}\n`;
      expect((await pm('POST', '/v1/definitions/validate', big, YAML)).status).toBe(413);
      const finance = apiClient(stack, 'maria.finance');
      expect((await finance('POST', '/v1/definitions/validate', NEW_DEFINITION, YAML)).status).toBe(403);
      expect((await apiClient(stack, null)('POST', '/v1/definitions/validate', NEW_DEFINITION, YAML)).status).toBe(401);
    });
  });

  describe('POST /v1/definitions', () => {
    it('when an admin publishes, then 201; the same again 200; other content under that version 409', async () => {
      const admin = apiClient(stack, 'admin');
      const first = await admin('POST', '/v1/definitions', NEW_DEFINITION, YAML);
      expect(first.status).toBe(201);
      expect(first.body).toMatchObject({ id: 'api-demo', version: 1, serviceCode: 'B-HOTLINE', publishedBy: 'admin' });
      const again = await admin('POST', '/v1/definitions', NEW_DEFINITION, YAML);
      expect(again.status).toBe(200);
      expect(again.body.sha256).toBe(first.body.sha256);
      const changed = await admin(
        'POST',
        '/v1/definitions',
        NEW_DEFINITION.replace('title: Answer', 'title: Reply'),
        YAML,
      );
      expect(changed.status).toBe(409);
      expect(changed.body.detail).toMatch(/raise the version/);
      const raised = await admin(
        'POST',
        '/v1/definitions',
        NEW_DEFINITION.replace('title: Answer', 'title: Reply').replace('version: 1', 'version: 2'),
        YAML,
      );
      expect(raised.status).toBe(201);
      expect((await admin('GET', '/v1/definitions/api-demo')).body.version).toBe(2);
      expect((await admin('GET', '/v1/definitions/api-demo?version=1')).body.source).toBe(NEW_DEFINITION);
    });

    it('when a PM publishes, then 403; when an admin publishes a broken definition, then 422 with positions', async () => {
      expect((await apiClient(stack, 'olena.pm')('POST', '/v1/definitions', NEW_DEFINITION, YAML)).status).toBe(403);
      const invalid = await apiClient(stack, 'admin')('POST', '/v1/definitions', broken('unknown-kind'), YAML);
      expect(invalid.status).toBe(422);
      expect(invalid.body.errors[0]).toMatchObject({ file: 'definition.yaml', line: 11, column: 11 });
    });
  });

  describe('GET /v1/definitions/:id/graph', () => {
    it('when no type is asked for, then Mermaid; with Accept image/svg+xml or format=svg, then SVG', async () => {
      const pm = apiClient(stack, 'olena.pm');
      const mermaid = await pm('GET', '/v1/definitions/training/graph');
      expect(mermaid.status).toBe(200);
      expect(mermaid.contentType).toMatch(/^text\/vnd\.mermaid/);
      expect(mermaid.text).toMatch(/^flowchart TD\n/);
      expect(mermaid.text).toContain('subgraph s_delivery__each["delivery: each session"]');

      const byAccept = await pm('GET', '/v1/definitions/training/graph', undefined, { accept: 'image/svg+xml' });
      expect(byAccept.contentType).toMatch(/^image\/svg\+xml/);
      expect(byAccept.text).toContain('data-step="deliver-day"');
      const byQuery = await pm('GET', '/v1/definitions/training/graph?format=svg');
      expect(byQuery.text).toBe(byAccept.text);
    });

    it('when only JSON is acceptable, then 406', async () => {
      const response = await apiClient(stack, 'olena.pm')('GET', '/v1/definitions/training/graph', undefined, {
        accept: 'application/json',
      });
      expect(response.status).toBe(406);
    });
  });

  describe('POST /v1/definitions/:id/estimate', () => {
    it('when a PM asks with inputs, then the estimate is priced at the rate card in force', async () => {
      const today = kyivDate(Date.now());
      const card = await selectRateCardOn(stack.pool, today);
      expect(card).not.toBeNull();
      const { snapshot } = loadDefinition(catalogSource('import'), 'import.yaml');
      const expected = estimateDefinition(snapshot, { projectId: 'p1' }, card!.rates, true);

      const { status, body } = await apiClient(stack, 'olena.pm')('POST', '/v1/definitions/data-import/estimate', {
        inputs: { projectId: 'p1' },
      });
      expect(status).toBe(200);
      expect(body).toMatchObject({
        definition: { id: 'data-import', version: snapshot.version },
        date: today,
        rateCard: { id: card!.id },
        vatRatePercent: 20,
      });
      expect(body.lines).toEqual(expected.lines);
      expect(body.totals).toEqual(expected.totals);
      expect(body.assumptions).toEqual(expected.assumptions);
    });

    it('when no rate card is in force on the date, then 422; an unknown definition 404; inputs a launch refuses 400', async () => {
      const engineer = apiClient(stack, 'andrii.eng1');
      const early = await engineer('POST', '/v1/definitions/data-import/estimate', {
        inputs: { projectId: 'p1' },
        date: '1990-01-01',
      });
      expect(early.status).toBe(422);
      expect(early.body.type).toBe('/problems/rate-card-missing');
      expect((await engineer('POST', '/v1/definitions/nothing/estimate', { inputs: {} })).status).toBe(404);
      const wrong = await engineer('POST', '/v1/definitions/data-import/estimate', { inputs: { datasets: 'two' } });
      expect(wrong.status).toBe(400);
      expect(wrong.body.errors).toEqual(
        expect.arrayContaining([
          { path: '/inputs/projectId', message: 'missing required field "projectId"' },
          expect.objectContaining({ path: '/inputs/datasets' }),
        ]),
      );
    });
  });
});
