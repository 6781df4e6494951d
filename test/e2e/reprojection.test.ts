import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FitResult } from '../../activities/gis/fit-candidates.ts';
import { loadProjectData, selectAllProjectRows, selectCrs } from '../../db/project-schema.ts';
import { kharkivFormPoints } from '../fixtures/tie-points/kharkiv.ts';
import { complete, launch, openTask, settled, stepTrail } from '../helpers/engagements.ts';
import { cleanNetworkLcs63, cleanNetworkSk63, LCS63_KHARKIV, SK63_X5 } from '../helpers/sk63-network.ts';
import { apiClient, startTestStack, type TestStack } from '../helpers/stack.ts';

/**
 * X-REPROJ end to end: the water district of a demo project stored in SK-63 zone X5 is re-coordinated
 * to USK-2000 / LCS-63 Kharkiv over HTTP by the people the definition names, with the real worker
 * and database — on tie points (the planted blunder is flagged, dropped with a reason, the Helmert
 * chosen) and on the rigorous path.
 */

const tiePoints = kharkivFormPoints();

const PROJECT = 'vodokanal-main';
const SCHEMA = 'project_vodokanal_main';

interface ArtifactView {
  id: number;
  name: string;
  stepId: string | null;
  iteration: string | null;
  links: { download: string };
}

describe('re-coordination of a project, end to end', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
    await loadProjectData(stack.pool, SCHEMA, cleanNetworkSk63());
  });
  afterAll(async () => {
    await stack?.close();
  });

  async function artifacts(id: string): Promise<ArtifactView[]> {
    const response = await apiClient(stack, 'olena.pm')('GET', `/v1/engagements/${id}/artifacts`);
    expect(response.status).toBe(200);
    return response.body.items as ArtifactView[];
  }

  async function download<T>(artifact: ArtifactView): Promise<T> {
    const response = await fetch(`${stack.url}${artifact.links.download}`, {
      headers: { authorization: `Bearer ${stack.keys['olena.pm']}` },
    });
    expect(response.status).toBe(200);
    return (await response.json()) as T;
  }

  /** Base, path, both approvals: the steps both paths share. */
  async function agreePath(id: string, path: 'rigorous' | 'empirical'): Promise<void> {
    const base = await openTask(stack, id, 'provide-base');
    const result = { baseFiles: ['new-base.geojson'], currentSystem: 'SK-63 zone X5' };
    expect((await complete(stack, 'olena.pm', base.id, { result, hoursSpent: 0 })).status).toBe(200);
    const decide = await openTask(stack, id, 'path');
    expect((await complete(stack, 'iryna.lead', decide.id, { result: { path }, hoursSpent: 3 })).status).toBe(200);
    const vendor = await openTask(stack, id, 'vendor-approval');
    // Four eyes: the lead who decided the path may not approve it; the admin may.
    expect((await complete(stack, 'iryna.lead', vendor.id, { decision: 'approve', hoursSpent: 0 })).status).toBe(403);
    expect((await complete(stack, 'admin', vendor.id, { decision: 'approve', hoursSpent: 0.2 })).status).toBe(200);
    const customer = await openTask(stack, id, 'customer-approval');
    expect((await complete(stack, 'olena.pm', customer.id, { decision: 'approve', hoursSpent: 0 })).status).toBe(200);
  }

  async function finishQa(id: string): Promise<void> {
    const qa = await openTask(stack, id, 'qa');
    const result = { ok: true, remarks: 'Spot checks on five features agree with the new base' };
    expect((await complete(stack, 'andrii.eng1', qa.id, { result, hoursSpent: 10 })).status).toBe(200);
  }

  /** The copy's CRS row and its largest distance from the district as drawn in LCS-63. */
  async function copyState(schema: string): Promise<{ epsg: number | undefined; maxOffsetM: number }> {
    const original = new Map(cleanNetworkLcs63().features.map((f) => [f.id, f.geometry]));
    let maxOffsetM = 0;
    for (const feature of await selectAllProjectRows(stack.pool, schema, 'features')) {
      const after = JSON.stringify((feature.geometry as { coordinates: unknown }).coordinates).match(/-?[\d.e+-]+/g)!;
      const before = JSON.stringify((original.get(feature.id) as { coordinates: unknown }).coordinates).match(
        /-?[\d.e+-]+/g,
      )!;
      for (let i = 0; i < after.length; i += 2) {
        maxOffsetM = Math.max(maxOffsetM, Math.hypot(+after[i]! - +before[i]!, +after[i + 1]! - +before[i + 1]!));
      }
    }
    return { epsg: (await selectCrs(stack.pool, schema))?.epsg, maxOffsetM };
  }

  it('when tie points with a blunder are collected, then the fit flags it, it is dropped with a reason and the Helmert is applied', async () => {
    const id = await launch(
      stack,
      'reprojection',
      { projectId: PROJECT, sourceCrs: SK63_X5, targetCrs: LCS63_KHARKIV },
      'kp-vodokanal',
    );
    const upload = await fetch(`${stack.url}/v1/engagements/${id}/files/new-base.geojson`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${stack.keys['olena.pm']}`, 'content-type': 'application/octet-stream' },
      body: JSON.stringify({ type: 'FeatureCollection', features: [] }),
    });
    expect(upload.status).toBeLessThan(300);
    await agreePath(id, 'empirical');

    // All fourteen points: the fit doubts T06 before choosing, so the process sends the engineer back
    // to confirm it (a point leaves the fit only with a dropReason).
    const first = await openTask(stack, id, 'tie-points');
    expect(
      (await complete(stack, 'taras.eng2', first.id, { result: { points: tiePoints }, hoursSpent: 4 })).status,
    ).toBe(200);
    const second = await openTask(stack, id, 'tie-points', [first.id]);
    const fits = (await artifacts(id)).filter((a) => a.name === 'fit.json');
    expect(fits).toHaveLength(1);
    const blunder = await download<FitResult>(fits[0]!);
    expect(blunder.outliers).toContain('T06');
    expect(blunder.models.find((m) => m.method === 'helmert2d')!.outliers).toEqual(['T06']);
    expect(blunder.best).toMatchObject({
      method: 'helmert2d',
      withinTolerance: true,
      doubted: [expect.objectContaining({ id: 'T06', role: 'fit', reason: expect.stringMatching(/under helmert/) })],
    });

    const dropped = tiePoints.map((p) =>
      p.id === 'T06' ? { ...p, dropReason: 'Blunder of 0.40 m: the mark was rebuilt in 2019' } : p,
    );
    expect(
      (await complete(stack, 'taras.eng2', second.id, { result: { points: dropped }, hoursSpent: 2 })).status,
    ).toBe(200);
    const choose = await openTask(stack, id, 'choose');
    expect(
      (await complete(stack, 'iryna.lead', choose.id, { result: { model: 'helmert2d' }, hoursSpent: 1 })).status,
    ).toBe(200);
    const geodesist = await openTask(stack, id, 'geodesist');
    expect((await complete(stack, 'olena.pm', geodesist.id, { decision: 'approve', hoursSpent: 0 })).status).toBe(200);
    await finishQa(id);

    const detail = await settled(stack, id);
    expect(detail.status).toBe('COMPLETED');
    expect(stepTrail(detail)).toContain('switch-crs:completed');
    const apply = detail.state.steps.find((s: { stepId: string }) => s.stepId === 'apply').output as {
      schema: string;
      model: string;
      features: number;
      topology: { after: { total: number } };
    };
    expect(apply).toMatchObject({ model: 'helmert2d', features: 120, topology: { after: { total: 0 } } });

    // The copy is in LCS-63: its metadata says so and its geometry lies on the district as drawn there
    // (the Helmert is extrapolated a dozen kilometres east of the tie points, hence up to 0.3 m).
    const copy = await copyState(apply.schema);
    expect(copy.epsg).toBe(9858);
    expect(copy.maxOffsetM).toBeLessThan(0.5);
    expect((await selectCrs(stack.pool, SCHEMA))?.epsg).toBe(7829);

    const names = (await artifacts(id)).map((a) => `${a.stepId ?? '-'}/${a.name}`);
    expect(names).toEqual(
      expect.arrayContaining([
        '-/new-base.geojson',
        'fit/fit.json',
        'fit/fit-report.md',
        'apply/apply-report.json',
        'switch-crs/crs-switch.json',
        'deliverables/transformation-report.json',
        'deliverables/transformation-report.md',
      ]),
    );
    const report = (await artifacts(id)).find((a) => a.name === 'transformation-report.md')!;
    const markdown = await (
      await fetch(`${stack.url}${report.links.download}`, {
        headers: { authorization: `Bearer ${stack.keys['olena.pm']}` },
      })
    ).text();
    expect(markdown).toContain('**helmert** —');
    expect(markdown).toContain('dropped: Blunder of 0.40 m');
    expect(markdown).toContain('Model: **helmert2d**');
  });

  it('when the lead decides the rigorous path, then no tie points are asked for and the copy equals the district in LCS-63', async () => {
    const id = await launch(
      stack,
      'reprojection',
      { projectId: PROJECT, sourceCrs: SK63_X5, targetCrs: LCS63_KHARKIV },
      'kp-vodokanal',
    );
    await agreePath(id, 'rigorous');
    await finishQa(id);
    const detail = await settled(stack, id);
    expect(detail.status).toBe('COMPLETED');
    expect(stepTrail(detail).some((s) => s.startsWith('tie-points'))).toBe(false);
    const apply = detail.state.steps.find((s: { stepId: string }) => s.stepId === 'apply').output as {
      schema: string;
      model: string;
    };
    expect(apply.model).toBe('rigorous');
    const copy = await copyState(apply.schema);
    expect(copy.epsg).toBe(9858);
    expect(copy.maxOffsetM).toBeLessThan(1e-3);
    const names = (await artifacts(id)).map((a) => a.name);
    expect(names).toEqual(expect.arrayContaining(['apply-report.json', 'transformation-report.md']));
    expect(names).not.toContain('fit.json');
  });
});
