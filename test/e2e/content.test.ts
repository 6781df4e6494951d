/**
 * X-CONTENT end to end over HTTP with the real worker and database: a PM launches the content
 * analysis of a water network with planted user errors, the scan stores its report, findings CSV and
 * Markdown report, the engineers classify and sample the findings and the lead writes the
 * recommendations; the engagement completes with its ledger rows. A network with nothing to report
 * goes straight to the recommendations.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadProjectData } from '../../db/project-schema.ts';
import { CSV_BOM } from '../../lib/csv.ts';
import { PLANTED_CONTENT, cleanContentNetwork, plantedContentNetwork } from '../fixtures/networks/content-planted.ts';
import { downloadArtifact, listArtifacts } from '../helpers/artifacts.ts';
import { complete, ledger, openTask, settled, stepTrail } from '../helpers/engagements.ts';
import { apiClient, startTestStack, type TestStack } from '../helpers/stack.ts';

describe('content analysis, end to end', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
    await loadProjectData(stack.pool, 'project_vodokanal_main', plantedContentNetwork());
    await loadProjectData(stack.pool, 'project_sumy_cloud', cleanContentNetwork());
  });
  afterAll(async () => {
    await stack?.close();
  });

  async function launch(customerId: string, projectId: string): Promise<string> {
    const response = await apiClient(stack, 'olena.pm')('POST', '/v1/engagements', {
      definitionId: 'content-analysis',
      customerId,
      projectId,
      params: { projectId },
    });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    expect(response.body.entitlement).toMatchObject({ outcome: 'allowed' });
    return response.body.id as string;
  }

  async function done(user: string, id: string, stepId: string, result: Record<string, unknown>): Promise<string> {
    const task = await openTask(stack, id, stepId);
    const response = await complete(stack, user, task.id, { result, hoursSpent: 2 });
    expect(response.status, `${stepId}: ${JSON.stringify(response.body)}`).toBe(200);
    return task.id;
  }

  it('when the planted errors are scanned, classified, sampled and reported on, then the engagement completes with the findings CSV and the report', async () => {
    const id = await launch('kp-vodokanal', 'vodokanal-main');
    const classify = await openTask(stack, id, 'classify');
    const task = await apiClient(stack, 'andrii.eng1')('GET', `/v1/tasks/${classify.id}`);
    expect(task.body.instructions).toContain(`The scan found ${PLANTED_CONTENT.length} findings (4 major,`);
    await done('andrii.eng1', id, 'classify', { userErrors: 9, exceptions: 1, falseAlarms: 0 });
    await done('taras.eng2', id, 'samples', { checked: 5, examples: ['D0-T2-MS1: 0.2 for 200 mm'] });
    const lead = await openTask(stack, id, 'recommendations');
    const leadTask = await apiClient(stack, 'iryna.lead')('GET', `/v1/tasks/${lead.id}`);
    expect(leadTask.body.instructions).toContain(
      `Start from the ranked recommendations of content-report.md (${PLANTED_CONTENT.length} checks with findings).`,
    );
    await done('iryna.lead', id, 'recommendations', { report: 'Enter diameters in millimetres; lock load units.' });

    const detail = await settled(stack, id);
    expect(detail.status, JSON.stringify(detail, null, 1)).toBe('COMPLETED');
    expect(stepTrail(detail)).toEqual(
      expect.arrayContaining(['scan:completed', 'classify:completed', 'samples:completed', 'act:completed']),
    );
    expect(await ledger(stack, id)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^classify#\d+:ENG_I=12/),
        expect.stringMatching(/^samples#\d+:ENG_II=8/),
        expect.stringMatching(/^recommendations#\d+:LEAD=2/),
      ]),
    );

    const artifacts = await listArtifacts(stack, id);
    const byName = (name: string) => artifacts.find((a) => a.name === name)!;
    for (const name of ['content-report.json', 'content-findings.csv', 'content-report.md']) {
      expect(byName(name), name).toMatchObject({ stepId: 'scan' });
    }
    const csv = (await downloadArtifact(stack, byName('content-findings.csv'))).toString('utf8');
    expect(csv.startsWith(CSV_BOM)).toBe(true);
    const rows = csv.split('\r\n').slice(1, -1);
    expect(rows.map((row) => row.split(';').slice(1, 4).join(' ')).sort()).toEqual(
      PLANTED_CONTENT.map((p) => p.replace('/', ' ').replace(/ -$/, ' ')).sort(),
    );
    const markdown = (await downloadArtifact(stack, byName('content-report.md'))).toString('utf8');
    expect(markdown).toContain('## Recommendations');
  });

  it('when the scan finds nothing, then classification and sampling are skipped and the lead confirms', async () => {
    const id = await launch('sumy-teplo-cloud', 'sumy-cloud');
    const recommendations = await openTask(stack, id, 'recommendations');
    const task = await apiClient(stack, 'iryna.lead')('GET', `/v1/tasks/${recommendations.id}`);
    expect(task.body.instructions).toContain('The scan found nothing');
    await done('iryna.lead', id, 'recommendations', { report: 'The data is plausible.' });

    const detail = await settled(stack, id);
    expect(detail.status).toBe('COMPLETED');
    const trail = stepTrail(detail);
    expect(trail).toContain('scan:completed');
    expect(trail.some((step) => step.startsWith('classify:') || step.startsWith('samples:'))).toBe(false);
    expect(await ledger(stack, id)).toEqual([expect.stringMatching(/^recommendations#\d+:LEAD=2/)]);
  });
});
