import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MergeReport } from '../../activities/audit/merge.ts';
import { copyProjectSchema, loadProjectData, selectAllProjectRows } from '../../db/project-schema.ts';
import { CHOICE, NOT_RESTORED, RESTORED, damagedProject } from '../fixtures/networks/damaged.ts';
import { networkFixture } from '../fixtures/networks/load.ts';
import { downloadArtifact, listArtifacts, type ArtifactView } from '../helpers/artifacts.ts';
import { complete, openTask, settled, stepTrail } from '../helpers/engagements.ts';
import { apiClient, startTestStack, type TestStack } from '../helpers/stack.ts';

/**
 * X-AUDIT end to end over HTTP with the real worker and database: a water district that lost
 * objects since its last delivery is audited, the delivery restored, the lost objects an engineer
 * chooses merged back into a copy of the damaged database, re-audited, switched over and reported —
 * every human step completed by the person the definition names. And the audit-only path.
 */

const clean = networkFixture('clean').data;
const faulty = networkFixture('faulty').data;
const SNAPSHOT = 'delivery_vodokanal_2025';
const PROJECT_SCHEMA = 'project_vodokanal_main';

describe('database audit and recovery, end to end', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
    await loadProjectData(stack.pool, SNAPSHOT, clean);
    await loadProjectData(stack.pool, PROJECT_SCHEMA, damagedProject(clean));
    await loadProjectData(stack.pool, 'project_sumy_cloud', faulty);
  });
  afterAll(async () => {
    await stack?.close();
  });

  const artifacts = (id: string) => listArtifacts(stack, id);
  const download = (artifact: ArtifactView) => downloadArtifact(stack, artifact);

  async function launchAudit(customerId: string, projectId: string, params: Record<string, string>): Promise<string> {
    const response = await apiClient(stack, 'olena.pm')('POST', '/v1/engagements', {
      definitionId: 'db-audit',
      customerId,
      projectId,
      params: { projectId, ...params },
    });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    expect(response.body.entitlement).toMatchObject({ outcome: 'allowed' });
    return response.body.id as string;
  }

  async function done(user: string, id: string, stepId: string, body: Record<string, unknown>): Promise<void> {
    const task = await openTask(stack, id, stepId);
    const response = await complete(stack, user, task.id, { hoursSpent: 1, ...body });
    expect(response.status, `${stepId}: ${JSON.stringify(response.body)}`).toBe(200);
  }

  /** The customer's evidence steps, the analysis and the lead's decision. */
  async function auditAndAnalyse(id: string, feasible: boolean): Promise<void> {
    await done('olena.pm', id, 'preserve', { result: { editingStopped: true, backups: ['delivery 2025'] } });
    await done('olena.pm', id, 'transfer-consent', { decision: 'approve' });
    await done('andrii.eng1', id, 'analysis', {
      result: { cause: feasible ? 'loss' : 'user-errors', sources: ['delivery of 2025'] },
      hoursSpent: 6,
    });
    await done('iryna.lead', id, 'lead-review', {
      result: feasible
        ? { recoveryFeasible: true, recoveryHours: 12, summary: 'The 2025 delivery holds every lost object' }
        : { recoveryFeasible: false, summary: 'Errors were entered by users; nothing was lost' },
      hoursSpent: 2,
    });
  }

  it('when lost objects are chosen and merged, then the engagement completes, the recovered copy has them back and every report is listed', async () => {
    const id = await launchAudit('kp-vodokanal', 'vodokanal-main', {
      database: 'vodokanal-prod',
      lastGoodSnapshot: SNAPSHOT,
    });
    await auditAndAnalyse(id, true);
    await done('olena.pm', id, 'recovery-decision', { decision: 'approve' });
    await done('andrii.eng1', id, 'choose', { result: CHOICE, hoursSpent: 3 });
    await done('andrii.eng1', id, 'conflicts', { result: { resolved: 0, notRestored: Object.keys(NOT_RESTORED) } });
    await done('taras.eng2', id, 'content', { result: { recommendations: 'Lock deletions of hydrants to admins' } });
    await done('olena.pm', id, 'verify', { result: { ok: true } });
    await done('olena.pm', id, 'go-ahead', { decision: 'approve' });

    // The technician switches production to the recovered copy, then closes the task.
    const merge = (await artifacts(id)).find((a) => a.name === 'merge-report.json')!;
    const report = JSON.parse((await download(merge)).toString('utf8')) as MergeReport;
    await copyProjectSchema(stack.pool, report.schema, PROJECT_SCHEMA);
    await done('oksana.tech', id, 'switch-over', { result: {}, hoursSpent: 3 });

    const detail = await settled(stack, id);
    expect(detail.status, JSON.stringify(detail, null, 1)).toBe('COMPLETED');
    expect(stepTrail(detail)).toEqual(
      expect.arrayContaining(['merge:completed', 're-audit:completed', 'post-audit:completed', 'act:completed']),
    );

    expect(
      report.decisions
        .filter((d) => d.status === 'restored')
        .map((d) => d.id)
        .sort(),
    ).toEqual(RESTORED);
    const recovered = (await selectAllProjectRows(stack.pool, report.schema, 'features')).map((f) => f.id);
    expect(recovered).toEqual(expect.arrayContaining(['N-038', 'N-046', 'S-066', 'S-071', 'N-051']));
    expect(recovered).not.toContain('S-067');
    const passports = (await selectAllProjectRows(stack.pool, report.schema, 'passports')).map((p) => p.id);
    expect(passports).toEqual(expect.arrayContaining(['P-N-038', 'P-N-046', 'P-S-066', 'P-N-047']));

    const listed = await artifacts(id);
    const byName = (name: string) => listed.find((a) => a.name === name);
    for (const name of [
      'backup-manifest.json',
      'audit-report.json',
      'restore-manifest.json',
      'diff-report.json',
      'merge-report.json',
      'audit-report.md',
      'recovery-report.md',
      'recovery-report.json',
    ]) {
      expect(byName(name), name).toBeDefined();
    }
    expect(byName('recovery-report.md')!.stepId).toBe('final-report');
    // The evidence backup's pg_dump, downloaded as the customer keeps it off-site.
    const dump = listed.find((a) => a.kind === 'backup-dump');
    expect(dump).toMatchObject({ stepId: 'copy', name: expect.stringMatching(/^backup_[0-9a-f]{16}\.dump$/) });
    const dumpBytes = await download(dump!);
    expect(createHash('sha256').update(dumpBytes).digest('hex')).toBe(dump!.sha256);
    expect(dumpBytes.subarray(0, 5).toString('latin1')).toBe('PGDMP');
    const bytes = await download(byName('recovery-report.md')!);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(byName('recovery-report.md')!.sha256);
    const text = bytes.toString('utf8');
    expect(text).toContain(`## Restored (${RESTORED.length})`);
    expect(text).toContain(`| ${report.schema} | ${report.sha256} |`);
    expect(text).toContain('| water_pipe/S-067 | object |');
    expect(text).toMatch(/\| Re-audit of recovered staging \| `recovered_[0-9a-f]{16}` \| 0 \(was 3\)/);
    expect(text).toMatch(/\| Post-switch audit \| `project_vodokanal_main` \| 0 \(was 3\)/);
  });

  it('when the lead finds recovery not feasible, then the engagement completes with the audit report only, saying so', async () => {
    const id = await launchAudit('sumy-teplo-cloud', 'sumy-cloud', { database: 'cloud' });
    await auditAndAnalyse(id, false);
    const detail = await settled(stack, id);
    expect(detail.status).toBe('COMPLETED');
    expect(stepTrail(detail)).not.toContain('restore:completed');

    const listed = await artifacts(id);
    expect(listed.map((a) => a.name)).not.toContain('recovery-report.md');
    const report = listed.find((a) => a.name === 'audit-report.md')!;
    const bytes = await download(report);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(report.sha256);
    const text = bytes.toString('utf8');
    expect(text).toContain('### missing-end-node — ');
    expect(text).toContain('| critical | water_pipe/S-058 |');
    expect(text).toContain(
      'No recovery was performed: the lead engineer judged recovery not feasible (Errors were entered by users; nothing was lost).',
    );
  });
});
