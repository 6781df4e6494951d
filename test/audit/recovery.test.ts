/**
 * Recovery and reports of X-AUDIT against a real PostgreSQL database of this file's own: the last
 * good snapshot (clean.json) and the damaged project (damaged.ts) are loaded, the snapshot restored,
 * the chosen lost objects merged into a copy of the damaged database, re-audited and reported.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditActivities } from '../../activities/audit/activities.ts';
import type { MergeChoice } from '../../activities/audit/merge-plan.ts';
import type { MergeReport } from '../../activities/audit/merge.ts';
import type { BusinessActivityInput, EngagementRef } from '../../activities/context.ts';
import type { Pool } from '../../db/pool.ts';
import { loadProjectData, projectSchemaName, selectAllProjectRows } from '../../db/project-schema.ts';
import { selectArtifactContent } from '../../db/queries/artifacts.ts';
import { createLogger } from '../../lib/logger.ts';
import { seedDemoData } from '../../scripts/demo-data.ts';
import { CHOICE, NOT_RESTORED, RESTORED, damagedProject } from '../fixtures/networks/damaged.ts';
import { networkFixture } from '../fixtures/networks/load.ts';
import { PLANTED_FAULTS } from '../fixtures/networks/planted.ts';
import { createTestDatabase } from '../helpers/database.ts';
import { poolFailingAtConnection } from '../helpers/failing-pool.ts';
import { insertActivityEngagement, stepRef, type EngagementOfSteps } from '../helpers/activity-environment.ts';

const fixture = networkFixture;

const clean = fixture('clean');
const faulty = fixture('faulty');
const SNAPSHOT = 'delivery_vodokanal_2025';
const DAMAGED = projectSchemaName('vodokanal-main');
let pool: Pool;
let activities: ReturnType<typeof createAuditActivities>;
let engagement: EngagementOfSteps;

beforeAll(async () => {
  ({ pool } = await createTestDatabase());
  await seedDemoData(pool);
  engagement = await insertActivityEngagement(pool, {
    definitionId: 'db-audit',
    definitionVersion: 3,
    serviceCode: 'X-AUDIT',
    customerId: 'kp-vodokanal',
    projectId: 'vodokanal-main',
    params: { projectId: 'vodokanal-main', database: 'vodokanal', lastGoodSnapshot: SNAPSHOT },
  });
  await loadProjectData(pool, SNAPSHOT, clean.data);
  await loadProjectData(pool, DAMAGED, damagedProject(clean.data));
  await loadProjectData(pool, 'project_vodokanal_faulty', faulty.data);
  activities = createAuditActivities({ pool, logger: createLogger('silent', 'test'), vendorVatPayer: true });
});

afterAll(async () => {
  await pool?.end();
});

const engagementRef = (stepId: string): EngagementRef => stepRef(engagement, stepId);

function run<I, O>(
  activity: (arg: BusinessActivityInput<I>) => Promise<O>,
  input: I,
  stepId: string,
  options: { heartbeats?: unknown[]; heartbeatDetails?: unknown } = {},
): Promise<O> {
  const env = new MockActivityEnvironment(
    options.heartbeatDetails === undefined ? {} : { heartbeatDetails: options.heartbeatDetails },
  );
  env.on('heartbeat', (details: unknown) => options.heartbeats?.push(details));
  return env.run(activity, { input, engagement: engagementRef(stepId) }) as Promise<O>;
}

async function artifactJson<T>(id: number): Promise<T> {
  return JSON.parse((await selectArtifactContent(pool, id))!.toString('utf8')) as T;
}

const escape = (text: string) => text.replace(/[()|.]/g, '\\$&');

async function artifactText(id: number): Promise<string> {
  return (await selectArtifactContent(pool, id))!.toString('utf8');
}

/** The evidence copy of the damaged project and the snapshot restored to staging. */
async function prepare(prefix: string) {
  const backup = await run(activities['audit.backup'], { projectId: 'vodokanal-main' }, `${prefix}-copy`);
  const restore = await run(activities['audit.restore'], { backup: SNAPSHOT }, `${prefix}-restore`);
  return { backup, restore };
}

describe('audit.merge', () => {
  it('when all lost objects but one are chosen, then exactly those without a conflict come back, each other with its reason, and later edits stay', async () => {
    const { backup, restore } = await prepare('all');
    const diff = await run(activities['audit.diff'], { reference: restore, damaged: { database: backup } }, 'all-diff');
    // Lost: N-038, N-046, S-066, S-067, S-069; added: S-071, S-072, N-051; changed: N-048 (passport), N-049 (reused).
    expect(diff.counts.features).toEqual({ missing: 5, added: 3, changed: 2 });

    const merge = await run(
      activities['audit.merge'],
      { snapshot: restore, damaged: backup, choice: CHOICE as MergeChoice },
      'all-merge',
    );
    expect(merge.schema).toMatch(/^recovered_[0-9a-f]{16}$/);
    expect(merge).toMatchObject({ restored: RESTORED.length, notRestored: Object.keys(NOT_RESTORED).length });
    const report = await artifactJson<MergeReport>(merge.report.id);
    const restored = report.decisions.filter((d) => d.status === 'restored');
    expect(restored.map((d) => d.id).sort()).toEqual(RESTORED);
    expect(
      Object.fromEntries(report.decisions.filter((d) => d.status !== 'restored').map((d) => [d.id, d.reason])),
    ).toEqual(NOT_RESTORED);
    expect(restored.find((d) => d.id === 'N-046')).toMatchObject({
      kind: 'object',
      rows: ['features/N-046', 'nodes/N-046', 'passports/P-N-046'],
    });
    expect(merge.written).toMatchObject({ features: 3, nodes: 2, sections: 1, passports: 4 });

    const features = await selectAllProjectRows(pool, merge.schema, 'features');
    const ids = features.map((f) => f.id);
    expect(ids).toEqual(expect.arrayContaining(['N-038', 'N-046', 'S-066', 'S-071', 'S-072', 'N-051']));
    expect(ids).not.toContain('S-067');
    expect(ids).not.toContain('S-069');
    expect(features.find((f) => f.id === 'N-049')!.layer).toBe('water_valve');
    expect(new Set(ids).size).toBe(ids.length);
    expect(features).toHaveLength(clean.data.features.length + 1);
    const sections = await selectAllProjectRows(pool, merge.schema, 'sections');
    expect(sections.find((s) => s.id === 'S-010')!.diameterMm).toBe(200);
    const nodes = await selectAllProjectRows(pool, merge.schema, 'nodes');
    expect(nodes.find((n) => n.id === 'N-040')!.load).toBe(3.2);
    const passports = (await selectAllProjectRows(pool, merge.schema, 'passports')).map((p) => p.id);
    expect(passports).toContain('P-N-047');
    expect(passports).not.toContain('P-N-048');

    // The damaged copy itself is untouched.
    expect(await selectAllProjectRows(pool, backup.schema, 'features')).toHaveLength(clean.data.features.length - 2);

    const before = await run(activities['audit.run'], { database: backup, snapshot: SNAPSHOT }, 'all-audit');
    // Critical: S-058 ends at the lost N-038; hydrants 4 of 5 and consumers 9 of 10. Major: pipes 69 of 70, N-047.
    expect(before.byRule).toMatchObject({ 'missing-end-node': 1, 'object-count-drop': 3, 'missing-passport': 1 });
    expect(before.critical).toBe(3);
    const after = await run(activities['audit.run'], { database: merge, snapshot: restore }, 'all-re-audit');
    expect(after).toMatchObject({ critical: 0, counts: { ...clean.previousCounts, water_valve: 5 } });
    expect(after.byRule['missing-end-node']).toBeUndefined();
  });

  it('when only a pipe is chosen, then it stays out because its hydrant is not restored, and the rest say why they were left out', async () => {
    const { backup, restore } = await prepare('some');
    const choice: MergeChoice = {
      restore: 'selected',
      ids: ['S-066'],
      leftOut: [{ layer: 'water_hydrant', reason: 'hydrants are re-surveyed in spring' }],
      reason: 'not part of the agreed recovery',
    };
    const merge = await run(activities['audit.merge'], { snapshot: restore, damaged: backup, choice }, 'some-merge');
    const report = await artifactJson<MergeReport>(merge.report.id);
    const reasons = Object.fromEntries(report.decisions.map((d) => [d.id, d.reason]));
    expect(merge.restored).toBe(0);
    expect(reasons).toMatchObject({
      'S-066': 'depends on node N-046, which is not restored',
      'N-046': 'not chosen: hydrants are re-surveyed in spring',
      'N-038': 'not chosen: not part of the agreed recovery',
      'P-N-047': 'not chosen: hydrants are re-surveyed in spring',
    });
    expect(merge.sha256).toBe(backup.sha256);
  });

  it('when the merge dies in its write, then the retry copies nothing again, converges to the same rows and a second call returns the stored result', async () => {
    const { backup, restore } = await prepare('retry');
    const input = { snapshot: restore, damaged: backup, choice: CHOICE as MergeChoice };
    const reference = await run(activities['audit.merge'], input, 'retry-reference');

    // Seven table copies take a connection each; the merge's write transaction is the eighth.
    const failing = poolFailingAtConnection(pool, (n) => n === 8);
    const dying = createAuditActivities({
      pool: failing,
      logger: createLogger('silent', 'test'),
      vendorVatPayer: true,
    });
    const first: unknown[] = [];
    await expect(run(dying['audit.merge'], input, 'retry-merge', { heartbeats: first })).rejects.toMatchObject({
      code: 'ECONNRESET',
    });
    expect(first.at(-1)).toMatchObject({
      copied: ['crs', 'layers', 'dictionaries', 'features', 'nodes', 'sections', 'passports'],
    });

    const second: unknown[] = [];
    const retried = await run(activities['audit.merge'], input, 'retry-merge', {
      heartbeats: second,
      heartbeatDetails: first.at(-1),
    });
    expect(second.filter((h) => (h as { phase: string }).phase === 'copy')).toHaveLength(0);
    expect(second.some((h) => (h as { phase: string }).phase === 'merge')).toBe(true);
    expect(retried.sha256).toBe(reference.sha256);
    expect(retried.schema).not.toBe(reference.schema);
    const again = await run(activities['audit.merge'], input, 'retry-merge');
    expect(again).toEqual(retried);
    const { rows } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${retried.schema}.features`);
    expect(rows[0]!.n).toBe(clean.data.features.length + 1);
  });

  it('when the choice names nothing to restore, then the merge fails without retry and says what to do', async () => {
    const { backup, restore } = await prepare('bad');
    const attempt = run(
      activities['audit.merge'],
      { snapshot: restore, damaged: backup, choice: { restore: 'selected' } },
      'bad-merge',
    );
    await expect(attempt).rejects.toMatchObject({ type: 'audit-input-invalid', nonRetryable: true });
    await expect(attempt).rejects.toThrow(/names no ids or layers/);
  });
});

describe('audit.restore', () => {
  it('when no snapshot was named, then the restore fails without retry saying where to name one', async () => {
    const attempt = run(activities['audit.restore'], { backup: '' }, 'unnamed-restore');
    await expect(attempt).rejects.toMatchObject({ type: 'audit-input-invalid', nonRetryable: true });
    await expect(attempt).rejects.toThrow(/lastGoodSnapshot/);
  });
});

describe('audit.buildReport', () => {
  it('when the faulty district is reported without recovery, then every planted fault is listed under its rule and the report says no recovery was done', async () => {
    const audit = await run(
      activities['audit.run'],
      { database: 'project_vodokanal_faulty', tolerance: faulty.tolerance, previousCounts: faulty.previousCounts },
      'faulty-audit',
    );
    const output = await run(
      activities['audit.buildReport'],
      {
        audit,
        analysis: { cause: 'user-errors' },
        lead: { recoveryFeasible: false, summary: 'no backup older than the errors' },
      },
      'faulty-report',
    );
    expect(output).toMatchObject({ recovered: false, findings: 19, recoveryReport: null, recoverySummary: null });
    expect(output.noRecovery).toBe('the lead engineer judged recovery not feasible (no backup older than the errors)');
    const markdown = await artifactText(output.auditReport.id);
    // Each rule has its own section; the planted object is in a row of that section.
    const sections = new Map(
      markdown
        .split(/^### /m)
        .slice(1)
        .map((s) => [s.slice(0, s.indexOf(' ')), s]),
    );
    expect(sections.size).toBe(19);
    for (const planted of PLANTED_FAULTS) {
      const [rule, object] = planted.split(' ') as [string, string];
      const label = object.endsWith('/-') ? `${object.slice(0, -2)} (layer)` : object;
      expect(sections.get(rule), planted).toMatch(
        new RegExp(`^\\| (critical|major|minor|info) \\| ${escape(label)} \\|`, 'm'),
      );
    }
    expect(sections.get('missing-end-node')).toMatch(/\| critical \| water_pipe\/S-058 \| \d+\.\d{2}, \d+\.\d{2} \|/);
    expect(markdown).toContain('| 4 | 11 | 3 | 1 | 19 |');
    expect(markdown).toMatch(/^\| water_hydrant \| 7 \| 5 \| -2 \|$/m);
    expect(markdown).toContain('No recovery was performed: the lead engineer judged recovery not feasible');
    const summary = await artifactJson<{ summary: { total: number }; topFindings: Record<string, unknown[]> }>(
      output.auditSummary.id,
    );
    expect(summary.summary.total).toBe(19);
    expect(Object.keys(summary.topFindings).sort()).toEqual(
      [...new Set(PLANTED_FAULTS.map((p) => p.split(' ')[0]))].sort(),
    );
  });

  it('when data was recovered, then the recovery report lists what came back, what did not and why, with the checksums and the re-audit', async () => {
    const { backup, restore } = await prepare('report');
    const audit = await run(activities['audit.run'], { database: backup, snapshot: SNAPSHOT }, 'report-audit');
    const diff = await run(
      activities['audit.diff'],
      { reference: restore, damaged: { database: backup } },
      'report-diff',
    );
    const merge = await run(
      activities['audit.merge'],
      { snapshot: restore, damaged: backup, choice: CHOICE as MergeChoice },
      'report-merge',
    );
    const reAudit = await run(activities['audit.run'], { database: merge, snapshot: restore }, 'report-re-audit');
    const input = { audit, backup, restore, diff, merge, reAudit, lead: { recoveryFeasible: true } };
    const output = await run(activities['audit.buildReport'], input, 'report-final');
    expect(output).toMatchObject({ recovered: true, noRecovery: null, restored: 4, notRestored: 4 });
    const text = await artifactText(output.recoveryReport!.id);
    expect(text).toContain(`| Evidence backup of the damaged database | ${backup.schema} | ${backup.sha256} | — |`);
    expect(text).toContain(`| Last good snapshot restored to staging | ${restore.schema} | ${restore.sha256} | yes |`);
    expect(text).toContain(`| ${merge.schema} | ${merge.sha256} |`);
    expect(text).toContain('## Restored (4)');
    expect(text).toMatch(
      /^\| water_hydrant\/N-046 \| object \| [\d.]+, [\d.]+ \| features\/N-046, nodes\/N-046, passports\/P-N-046 \|$/m,
    );
    for (const [id, reason] of Object.entries(NOT_RESTORED)) {
      expect(text).toMatch(new RegExp(`/${id} \\|.*\\| ${escape(reason)} \\|$`, 'm'));
    }
    expect(text).toContain(`| Re-audit of recovered staging | \`${merge.schema}\` | 0 (was 3)`);
    expect(await artifactText(output.auditReport.id)).toContain('Recovery was performed: see the recovery report.');
    const again = await run(activities['audit.buildReport'], input, 'report-final');
    expect(again).toEqual(output);
  });
});
