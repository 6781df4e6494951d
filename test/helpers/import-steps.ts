/**
 * The human steps of a `data-import` engagement, each completed over HTTP by the person the
 * definition names, from the upload to the customer's acceptance: what an end-to-end import suite
 * does between uploading its files and reading the reports.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { MappingSpec } from '../../activities/import/spec.ts';
import { complete, launch, openTask } from './engagements.ts';
import { apiClient, type TestStack } from './stack.ts';

/** A PM launches `data-import` into the Vodokanal's project (LCS-63 Kharkiv) and uploads `files` from `dir`. */
export async function launchVodokanalImport(stack: TestStack, dir: URL, files: readonly string[]): Promise<string> {
  const target = { projectId: 'vodokanal-main', targetCrs: 'EPSG:9858' };
  const id = await launch(stack, 'data-import', target, 'kp-vodokanal');
  const pm = apiClient(stack, 'olena.pm');
  for (const name of files) {
    const put = await pm('PUT', `/v1/engagements/${id}/files/${name}`, readFileSync(new URL(name, dir)));
    expect(put.status, name).toBe(201);
  }
  return id;
}

export interface ImportSteps {
  files: string[];
  spec: MappingSpec;
  /** The upload form's CRS hint ('' = not known), e.g. a municipal system's code. */
  knownCrs?: string;
  layerNotes: string;
  scopeSummary: string;
}

async function done(stack: TestStack, user: string, taskId: string, body: Record<string, unknown>): Promise<void> {
  const response = await complete(stack, user, taskId, body);
  expect(response.status, JSON.stringify(response.body)).toBe(200);
}

export async function completeImportSteps(stack: TestStack, id: string, steps: ImportSteps): Promise<void> {
  const upload = await openTask(stack, id, 'upload');
  const files = { files: steps.files, layerNotes: steps.layerNotes, knownCrs: steps.knownCrs ?? '', encoding: '' };
  await done(stack, 'olena.pm', upload.id, { result: files, hoursSpent: 0 });

  const scope = await openTask(stack, id, 'scope');
  const estimate = { datasets: 1, objects: 24, summary: steps.scopeSummary };
  await done(stack, 'iryna.lead', scope.id, { result: estimate, hoursSpent: 3 });
  const head = await openTask(stack, id, 'head-approval');
  // Four eyes: the lead who scoped may not approve her own estimate; the admin may.
  expect((await complete(stack, 'iryna.lead', head.id, { decision: 'approve', hoursSpent: 0 })).status).toBe(403);
  await done(stack, 'admin', head.id, { decision: 'approve', hoursSpent: 0.2 });
  const customer = await openTask(stack, id, 'customer-approval');
  await done(stack, 'olena.pm', customer.id, { decision: 'approve', hoursSpent: 0 });

  const mapping = await openTask(stack, id, 'mapping');
  await done(stack, 'andrii.eng1', mapping.id, { result: { spec: steps.spec, toleranceM: 0.5 }, hoursSpent: 6 });
  const confirm = await openTask(stack, id, 'confirm-mapping');
  await done(stack, 'olena.pm', confirm.id, { decision: 'approve', hoursSpent: 0 });

  const review = await openTask(stack, id, 'review-trial');
  const ok = { ok: true, remarks: 'Sample looks right: materials coded, valves snapped' };
  await done(stack, 'taras.eng2', review.id, { result: ok, hoursSpent: 4 });

  const fix = await openTask(stack, id, 'fix');
  await done(stack, 'andrii.eng1', fix.id, { result: { fixed: 0, annotated: 3 }, hoursSpent: 2 });
  const staging = await openTask(stack, id, 'staging-load');
  await done(stack, 'oksana.tech', staging.id, {
    result: { stagingUrl: 'https://staging.example.org/vodokanal-main' },
    hoursSpent: 3,
  });
  const acceptance = await openTask(stack, id, 'acceptance');
  await done(stack, 'olena.pm', acceptance.id, { decision: 'approve', hoursSpent: 0 });
}
