/**
 * `content.analyze` against a real PostgreSQL database of this file's own: the planted network is
 * loaded into a project schema and analysed through the Temporal activity environment; its report,
 * findings CSV and Markdown report are stored once as artifacts of the step.
 */
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContentActivities, type ContentAnalyzeOutput } from '../../activities/content/activities.ts';
import type { ContentReport } from '../../activities/content/model.ts';
import type { Pool } from '../../db/pool.ts';
import { loadProjectData, projectSchemaName } from '../../db/project-schema.ts';
import { selectArtifactContent, selectArtifactsOfEngagement } from '../../db/queries/artifacts.ts';
import { CSV_BOM } from '../../lib/csv.ts';
import { createLogger } from '../../lib/logger.ts';
import { seedDemoData } from '../../scripts/demo-data.ts';
import { PLANTED_CONTENT, cleanContentNetwork, plantedContentNetwork } from '../fixtures/networks/content-planted.ts';
import {
  activityEnvironment,
  insertActivityEngagement,
  runActivity,
  stepRef,
  type EngagementOfSteps,
} from '../helpers/activity-environment.ts';
import { createTestDatabase } from '../helpers/database.ts';

let pool: Pool;
let engagement: EngagementOfSteps;
let activities: ReturnType<typeof createContentActivities>;

beforeAll(async () => {
  ({ pool } = await createTestDatabase());
  await seedDemoData(pool);
  engagement = await insertActivityEngagement(pool, {
    definitionId: 'content-analysis',
    definitionVersion: 2,
    serviceCode: 'X-CONTENT',
    customerId: 'kp-vodokanal',
    projectId: 'vodokanal-main',
    params: { projectId: 'vodokanal-main' },
  });
  await loadProjectData(pool, projectSchemaName('vodokanal-main'), plantedContentNetwork());
  await loadProjectData(pool, 'project_vodokanal_clean', cleanContentNetwork());
  activities = createContentActivities({ pool, logger: createLogger('silent', 'test'), vendorVatPayer: true });
});

afterAll(async () => {
  await pool?.end();
});

const analyze = (stepId: string, input: { projectId?: string; schema?: string }, heartbeats: unknown[] = []) =>
  runActivity(activityEnvironment(heartbeats), activities['content.analyze'], {
    input,
    engagement: stepRef(engagement, stepId),
  });

async function artifactText(id: number): Promise<string> {
  return (await selectArtifactContent(pool, id))!.toString('utf8');
}

describe('content.analyze', () => {
  it('when the planted network is analysed, then every planted error is found once and the report, CSV and Markdown are stored', async () => {
    const heartbeats: unknown[] = [];
    const output: ContentAnalyzeOutput = await analyze('scan', { projectId: 'vodokanal-main' }, heartbeats);
    expect(output).toMatchObject({
      schema: 'project_vodokanal_main',
      total: PLANTED_CONTENT.length,
      major: 4,
      minor: 6,
    });
    expect(output.recommendations.map((r) => r.rank)).toEqual(PLANTED_CONTENT.map((_, i) => i + 1));
    expect(heartbeats).toContainEqual({ phase: 'checks', table: 'inventory-one-edit', rows: 10 });

    const { report } = JSON.parse(await artifactText(output.report.id)) as { report: ContentReport };
    expect(report.findings.map((f) => `${f.rule} ${f.object.layer}/${f.object.id ?? '-'}`).sort()).toEqual(
      [...PLANTED_CONTENT].sort(),
    );

    const csv = await artifactText(output.findings.id);
    const lines = csv.split('\r\n');
    expect(csv.startsWith(CSV_BOM)).toBe(true);
    expect(lines[0]).toBe(
      `${CSV_BOM}Severity;Check;Layer;Object;Attribute;Stored value;Plausible value;X (easting);Y (northing);Finding;Evidence;What to do`,
    );
    expect(lines).toHaveLength(PLANTED_CONTENT.length + 2);
    const metres = lines.find((line) => line.includes('diameter-in-metres'))!;
    expect(metres).toMatch(/^major;diameter-in-metres;water_pipe;D0-T2-MS1;diameter_mm;0,2;200;\d+,\d+;\d+,\d+;/);

    const markdown = await artifactText(output.document.id);
    expect(markdown).toContain('# Content analysis report');
    expect(markdown).toMatch(/^1\. \*\*.+\*\* \(major, 1\)/m);
    expect(markdown).toContain('| water_pipe/D0-T2-MS1 | diameter_mm | 0.2 | 200 |');
  });

  it('when the same step runs again, then it returns the stored artifacts and stores nothing new', async () => {
    const before = await selectArtifactsOfEngagement(pool, engagement.id);
    const first = await analyze('scan', { projectId: 'vodokanal-main' });
    const again = await analyze('scan', { projectId: 'vodokanal-main' });
    expect(again).toEqual(first);
    expect(await selectArtifactsOfEngagement(pool, engagement.id)).toHaveLength(before.length);
  });

  it('when the clean network is analysed, then nothing is found and the CSV has only its header', async () => {
    const output = await analyze('clean-scan', { schema: 'project_vodokanal_clean' });
    expect(output).toMatchObject({ total: 0, byRule: {}, recommendations: [] });
    expect((await artifactText(output.findings.id)).split('\r\n')).toHaveLength(2);
    expect(await artifactText(output.document.id)).toContain('None: every check passed.');
  });

  it('when the project has no schema, then the step fails without retry and says so', async () => {
    const attempt = analyze('missing', { projectId: 'no-such-project' });
    await expect(attempt).rejects.toBeInstanceOf(ApplicationFailure);
    await expect(attempt).rejects.toMatchObject({ type: 'project-schema-missing', nonRetryable: true });
  });
});
