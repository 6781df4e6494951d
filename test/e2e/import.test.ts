import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectAllProjectRows } from '../../db/project-schema.ts';
import { settled, stepTrail } from '../helpers/engagements.ts';
import { completeImportSteps, launchVodokanalImport } from '../helpers/import-steps.ts';
import { apiClient, startTestStack, type TestStack } from '../helpers/stack.ts';
import { SPEC } from '../fixtures/import/spec.ts';

/**
 * X-IMPORT end to end: a PM launches `data-import` for the Vodokanal's project, uploads the Chuhuiv
 * Shapefile set over HTTP, and every human step is completed over HTTP by the person the definition
 * names; the real worker inspects, converts (first import: the project schema is created for the
 * backup), checks and reports, and the reports are listed and downloaded with their sha256.
 */

const FIXTURES = new URL('../fixtures/import/', import.meta.url);
const SHAPEFILES = readdirSync(FIXTURES).filter((name) =>
  /^chuhuiv_(pipes|fittings)\.(shp|shx|dbf|prj|cpg)$/.test(name),
);

interface ArtifactView {
  id: number;
  name: string;
  kind: string;
  stepId: string | null;
  sha256: string;
  size: number;
  links: { download: string };
}

describe('an import of a customer Shapefile set, end to end', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('when every step is done by its people over HTTP, then the engagement completes with its reports', async () => {
    const pm = apiClient(stack, 'olena.pm');
    const id = await launchVodokanalImport(stack, FIXTURES, SHAPEFILES);
    await completeImportSteps(stack, id, {
      files: SHAPEFILES,
      spec: SPEC,
      layerNotes: 'Водопровід: труби і арматура',
      scopeSummary: 'Two layers in SK-63 X5, cp1251; 5 features to reject',
    });

    const detail = await settled(stack, id);
    expect(detail.status, JSON.stringify(stepTrail(detail))).toBe('COMPLETED');

    const listed = await pm('GET', `/v1/engagements/${id}/artifacts`);
    expect(listed.status).toBe(200);
    const items = listed.body.items as ArtifactView[];
    const byName = (name: string) => items.filter((a) => a.name === name);
    expect(byName('inspection-report.json').map((a) => a.stepId)).toEqual(['inspect']);
    expect(
      byName('conversion-report.json')
        .map((a) => a.stepId)
        .sort(),
    ).toEqual(['convert', 'trial']);
    expect(
      byName('rejects.csv')
        .map((a) => a.stepId)
        .sort(),
    ).toEqual(['convert', 'trial']);
    expect(byName('integrity-report.json').map((a) => a.stepId)).toEqual(['integrity']);
    expect(byName('backup-manifest.json').map((a) => a.stepId)).toEqual(['backup']);
    expect(byName('import-report.json').map((a) => a.stepId)).toEqual(['deliverables']);
    const [report] = byName('import-report.md');
    expect(report?.stepId).toBe('deliverables');

    const download = await fetch(`${stack.url}${report!.links.download}`, {
      headers: { authorization: `Bearer ${stack.keys['olena.pm']}` },
    });
    expect(download.status).toBe(200);
    const bytes = Buffer.from(await download.arrayBuffer());
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(report!.sha256);
    const markdown = bytes.toString('utf8');
    expect(markdown).toContain('# Import report — project vodokanal-main');
    expect(markdown).toContain('| chuhuiv_pipes.shp:chuhuiv_pipes | water_pipe | 16 | 12 | 4 | 2 |');
    expect(markdown).toContain('unknown material code "азбестоцемент" in field MATERIAL');
    expect(markdown).toContain('3 findings: 1 critical, 2 major, 0 minor, 0 info.');
    expect(markdown).toMatch(/Schema `backup_[0-9a-f]{16}` \(copy of `project_vodokanal_main`\)/);

    // The staging schema holds the converted network; the project itself stays as it was (empty).
    const [conversion] = byName('conversion-report.json').filter((a) => a.stepId === 'convert');
    const converted = await fetch(`${stack.url}${conversion!.links.download}`, {
      headers: { authorization: `Bearer ${stack.keys['olena.pm']}` },
    });
    const { schema } = (await converted.json()) as { schema: string };
    expect(schema).toMatch(/^import_[0-9a-f]{16}$/);
    expect(await selectAllProjectRows(stack.pool, schema, 'sections')).toHaveLength(12);
    expect(await selectAllProjectRows(stack.pool, 'project_vodokanal_main', 'sections')).toEqual([]);
  });
});
