import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadProjectData, projectSchemaName, type ProjectData } from '../../db/project-schema.ts';
import { insertFixtureProject } from '../../db/queries/entitlement-fixtures.ts';
import { dropRolesWithPrefix } from '../../db/workstation-access.ts';
import { rolePrefix } from '../../activities/workstations/functions.ts';
import type { ProcessSnapshot } from '../../definitions/model.ts';
import { SPEC } from '../fixtures/import/spec.ts';
import { plantedContentNetwork } from '../fixtures/networks/content-planted.ts';
import { networkFixture } from '../fixtures/networks/load.ts';
import { deleteRegularSchedule } from '../../activities/exchange/regular-schedules.ts';
import { selectLiveSchedules } from '../../db/queries/schedules.ts';
import { listArtifacts } from '../helpers/artifacts.ts';
import { consumersProject } from '../helpers/consumers-project.ts';
import { simulateReadings, twinNetwork } from '../helpers/calibration-network.ts';
import { stepTrail } from '../helpers/engagements.ts';
import { billingSteps, runServiceCase, type ServiceCase } from '../helpers/service-driver.ts';
import { cleanNetworkSk63, LCS63_KHARKIV, SK63_X5 } from '../helpers/sk63-network.ts';
import { apiClient, startTestStack, type TestStack } from '../helpers/stack.ts';

/**
 * Every service the catalog offers, end to end: launched over HTTP, every human step completed by
 * the people the definition names, run by the real worker to COMPLETED, with its ledger rows and
 * artifacts. The list of cases must be exactly the offered catalog: a definition offered without a
 * case fails here (add one to CASES: launch params, the answers of its forms, the artifacts it makes).
 * The suites of the single services go deeper; this one proves that nothing offered hangs.
 */

const IMPORT_FIXTURES = new URL('../fixtures/import/', import.meta.url);
const SHAPEFILES = readdirSync(IMPORT_FIXTURES).filter((name) =>
  /^chuhuiv_(pipes|fittings)\.(shp|shx|dbf|prj|cpg)$/.test(name),
);
const TWIN = twinNetwork();
const GAUGES = Buffer.from(await simulateReadings(TWIN, { noiseM: 0.05, seed: 11 }));
/** The course began two weeks ago: the reminder's wait is over and every day's task may be completed (not-before). */
const twoWeeksAgo = () => new Date(Date.now() - 14 * 24 * 3600 * 1000).toISOString();

const EXCHANGE_DIR = mkdtempSync(join(tmpdir(), 'potik-every-service-'));
const inSeconds = (seconds: number) => new Date(Date.now() + seconds * 1000).toISOString();
/** The exchange spec the LEAD writes: the project's consumers as CSV into a directory. */
const exchangeSpec = (every: string) => `id: consumers-out
title: Consumers to the billing system
direction: out
source: { kind: consumers }
format: { kind: csv, delimiter: ';', encoding: cp1251, decimalMark: ',' }
destination: { kind: directory, path: ${JSON.stringify(EXCHANGE_DIR)} }
naming: consumers_{yyyy}{MM}{dd}{HH}{mm}{ss}.csv
schedule: { every: ${every} }
billing: { normPerRun: { ENG_I: 0.1 } }
`;

/**
 * A project of its own for a case whose data no other case may change (the demo projects are shared
 * between the cases, which run at the same time).
 */
async function ownProject(stack: TestStack, customerId: string, projectId: string, data: ProjectData): Promise<void> {
  await insertFixtureProject(stack.pool, { id: projectId, customerId, name: projectId });
  await loadProjectData(stack.pool, projectSchemaName(projectId), data);
}

async function currentDatabase(stack: TestStack): Promise<string> {
  const { rows } = await stack.pool.query<{ db: string }>('SELECT current_database() AS db');
  return rows[0]!.db;
}

/** By definition id. */
const CASES: Record<string, ServiceCase> = {
  minimal: {
    customerId: 'kp-teplomerezha',
    params: { topic: 'Backup schedule' },
    steps: { answer: { result: { answer: 'Nightly pg_dump plus WAL archiving' } } },
  },
  hotline: {
    customerId: 'kp-vodokanal',
    params: { question: 'How do I restore a layer from the backup?' },
    steps: { answer: { result: { answer: 'Use the restore wizard', resolved: true } } },
  },
  incident: {
    customerId: 'kp-vodokanal',
    params: { summary: 'Editing hangs when saving a valve' },
    steps: {
      details: { result: { description: 'Saving a valve freezes the editor', logs: ['client.log'] } },
      analyse: { result: { cause: 'Stale lock', recommendation: 'Clear stale locks nightly', dataLoss: false } },
    },
  },
  // A regular procedure: its schedule opens the period's task twice, 3 s apart, then the engagement retires it.
  'custom-procedure': {
    customerId: 'kp-teplomerezha',
    params: { request: 'Recalculate the heat losses of district 4', runs: 2, every: '3s', until: inSeconds(45) },
    steps: { scope: { result: { procedure: 'Run the heat-loss calculation per district', hoursPerRun: 8 } } },
  },
  'data-exchange': {
    customerId: 'kp-vodokanal',
    projectId: 'vodokanal-exchange',
    params: { projectId: 'vodokanal-exchange', counterpart: 'Billing system', until: inSeconds(45) },
    setup: (stack) => ownProject(stack, 'kp-vodokanal', 'vodokanal-exchange', consumersProject(20)),
    steps: {
      specify: { result: { spec: exchangeSpec('5s') } },
      review: { result: { ok: true } },
    },
    artifacts: ['test/exchange-test-report.json', 'schedule/exchange-spec.yaml'],
  },
  // Runs the data exchange per site as a subprocess; the children keep their schedules (no end date).
  integration: {
    customerId: 'kp-teplomerezha',
    params: { sites: ['integration-a', 'integration-b'] },
    setup: async (stack) => {
      for (const site of ['integration-a', 'integration-b'])
        await ownProject(stack, 'kp-teplomerezha', site, consumersProject(5));
    },
    steps: {
      architecture: { result: { design: 'Two sites replicate into the central data space' } },
      'head-approval': { by: 'admin' },
      'customer-approval': [{}, { by: 'admin' }],
      specify: { result: { spec: exchangeSpec('1d') } },
      review: { result: { ok: true } },
    },
  },
  'data-import': {
    customerId: 'kp-vodokanal',
    projectId: 'vodokanal-main',
    params: { projectId: 'vodokanal-main', targetCrs: 'EPSG:9858' },
    files: Object.fromEntries(SHAPEFILES.map((name) => [name, readFileSync(new URL(name, IMPORT_FIXTURES))])),
    steps: {
      upload: { result: { files: SHAPEFILES, layerNotes: 'Water pipes and fittings', knownCrs: '', encoding: '' } },
      scope: { result: { datasets: 1, objects: 24, summary: 'Two layers in SK-63 X5, cp1251' } },
      'head-approval': { by: 'admin' },
      mapping: { result: { spec: SPEC as never, toleranceM: 0.5 } },
      'review-trial': { result: { ok: true } },
      fix: { result: { fixed: 0, annotated: 3 } },
      'staging-load': { result: { stagingUrl: 'https://staging.example.org/vodokanal-main' } },
    },
    artifacts: [
      'inspect/inspection-report.json',
      'trial/conversion-report.json',
      'convert/conversion-report.json',
      'integrity/integrity-report.json',
      'backup/backup-manifest.json',
      'deliverables/import-report.md',
    ],
  },
  'db-audit': {
    customerId: 'sumy-teplo-cloud',
    projectId: 'sumy-cloud',
    params: { projectId: 'sumy-cloud', database: 'cloud' },
    setup: (stack) => loadProjectData(stack.pool, 'project_sumy_cloud', networkFixture('faulty').data),
    steps: {
      preserve: { result: { editingStopped: true } },
      analysis: { result: { cause: 'user-errors' } },
      'lead-review': { result: { recoveryFeasible: false, summary: 'Errors were entered by users' } },
    },
    artifacts: ['copy/backup-manifest.json', 'audit/audit-report.json', 'final-report/audit-report.md'],
  },
  reprojection: {
    customerId: 'kp-teplomerezha',
    projectId: 'teplomerezha-main',
    params: { projectId: 'teplomerezha-main', sourceCrs: SK63_X5, targetCrs: LCS63_KHARKIV },
    setup: (stack) => loadProjectData(stack.pool, 'project_teplomerezha_main', cleanNetworkSk63()),
    steps: {
      'provide-base': { result: { baseFiles: ['new-base.geojson'], currentSystem: 'SK-63 zone X5' } },
      path: { result: { path: 'rigorous' } },
      'vendor-approval': { by: 'admin' },
      qa: { result: { ok: true } },
    },
    artifacts: [
      'apply/apply-report.json',
      'switch-crs/crs-switch.json',
      'deliverables/transformation-report.json',
      'deliverables/transformation-report.md',
    ],
  },
  calibration: {
    customerId: 'kp-vodokanal',
    projectId: 'vodokanal-calibration',
    params: { projectId: 'vodokanal-calibration', networks: ['water'] },
    setup: (stack) => ownProject(stack, 'kp-vodokanal', 'vodokanal-calibration', TWIN.data),
    files: { 'gauges.csv': GAUGES },
    steps: {
      measurements: { result: { files: ['gauges.csv'] }, hoursSpent: 0 },
      review: { result: { decision: 'accept' }, hoursSpent: 2 },
      'lead-review': { hoursSpent: 4 },
    },
    artifacts: [
      '-/gauges.csv',
      'run-model/model-run.md',
      'calibrate/calibration-report.md',
      'calibrate/roughness.csv',
      'calibrate/water-calibrated.inp',
    ],
  },
  'content-analysis': {
    customerId: 'kp-vodokanal',
    projectId: 'vodokanal-content',
    params: { projectId: 'vodokanal-content' },
    setup: (stack) => ownProject(stack, 'kp-vodokanal', 'vodokanal-content', plantedContentNetwork()),
    steps: {
      classify: { result: { userErrors: 9, exceptions: 1, falseAlarms: 0 } },
      samples: { result: { checked: 5, examples: ['D0-T2-MS1: 0.2 for 200 mm'] } },
      recommendations: { result: { report: 'Enter diameters in millimetres; lock load units.' } },
    },
    artifacts: ['scan/content-report.json', 'scan/content-findings.csv', 'scan/content-report.md'],
  },
  'release-delivery': {
    // The demo release (CityCom 3.2) to the demo customer whose project runs 3.1.2 with support in force.
    customerId: 'kp-vodokanal',
    params: { release: '3.2' },
    steps: { installed: { result: { installed: true } } },
    artifacts: ['publish/delivery-register.json'],
  },
  'schema-change': {
    customerId: 'kp-vodokanal',
    projectId: 'vodokanal-schema',
    params: {
      projectId: 'vodokanal-schema',
      objectClasses: ['water_valve'],
      request: 'Valves need a nominal diameter',
    },
    setup: (stack) => ownProject(stack, 'kp-vodokanal', 'vodokanal-schema', networkFixture('clean').data),
    steps: {
      design: {
        result: {
          changeSet: {
            classes: [
              {
                class: 'water_valve',
                operations: [
                  {
                    op: 'add',
                    attribute: 'nominalDiameterMm',
                    type: 'integer',
                    unit: 'mm',
                    required: true,
                    default: 100,
                  },
                ],
              },
            ],
          },
        },
      },
    },
    artifacts: [
      'stage/schema-change-report.json',
      'stage/reverse-change-set.json',
      'apply/schema-change-report.json',
      'apply/reverse-change-set.json',
    ],
  },
  workstations: {
    customerId: 'kp-vodokanal',
    projectId: 'vodokanal-ws',
    params: { projectId: 'vodokanal-ws', workstations: ['dispatch room', 'network office'] },
    setup: (stack) => ownProject(stack, 'kp-vodokanal', 'vodokanal-ws', networkFixture('clean').data),
    steps: {
      'access-rules': {
        result: {
          functions: [
            { name: 'dispatcher', districts: ['north'], tables: { features: ['select', 'update'], nodes: ['select'] } },
            { name: 'viewer', tables: { features: ['select'], layers: ['select'] } },
          ],
        },
      },
    },
    artifacts: ['configure/access-matrix.json'],
  },
  training: {
    customerId: 'kp-teplomerezha',
    projectId: 'teplomerezha-main',
    params: { site: 'Kharkiv, room 204', days: 1 },
    steps: {
      survey: { result: { attendees: ['Olena Koval', 'Petro Ivanenko'], level: 'beginner' } },
      programme: {
        result: {
          sessions: [{ day: 1, modules: ['Editing the heat network'], hours: 6 }],
          startsAt: twoWeeksAgo(),
          trainer: 'Andrii Shevchenko',
        },
      },
      room: { result: { ready: true } },
      'deliver-day': {
        result: {
          hoursDelivered: 6,
          attendance: [
            { name: 'Olena Koval', hours: 6 },
            { name: 'Petro Ivanenko', hours: 6 },
          ],
        },
        hoursSpent: 6,
      },
      'feedback-answers': { result: { responses: [{ attendee: 'Olena Koval', overall: 5 }] } },
      'trainer-report': { result: { report: 'The group is ready' } },
    },
    artifacts: [
      'checklist/checklist.md',
      'feedback/feedback-form.md',
      'feedback-summary/feedback-summary.json',
      'report/trainer-report.md',
    ],
  },
};

describe('every offered catalog service, end to end', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
    for (const c of Object.values(CASES)) await c.setup?.(stack);
  });
  afterAll(async () => {
    // Workstation roles are cluster-wide: drop the ones this run made.
    if (stack) await dropRolesWithPrefix(stack.pool, rolePrefix(await currentDatabase(stack), 'project_vodokanal_ws'));
    // Schedules the cases left (the integration's per-site exchanges have no end date).
    if (stack) {
      for (const row of await selectLiveSchedules(stack.pool))
        await deleteRegularSchedule(stack.temporal.client, stack.pool, row.id, 'test teardown');
    }
    await stack?.close();
    rmSync(EXCHANGE_DIR, { recursive: true, force: true });
  });

  it('when the catalog is listed, then every offered definition has a case here and every case is offered', async () => {
    const { body } = await apiClient(stack, 'olena.pm')('GET', '/v1/definitions');
    const offered = (body.items as { id: string; offered: boolean }[]).filter((d) => d.offered).map((d) => d.id);
    expect(Object.keys(CASES).sort()).toEqual(offered.sort());
  });

  // One case at a time: fifteen engagements at once on one worker, with the exchange schedules firing,
  // made a data-import run stall on a replay during a state query (an open defect, see the notes).
  it.each(Object.entries(CASES))(
    'when %s is launched and its people do their steps, then it completes with its ledger rows and artifacts',
    async (definitionId, c) => {
      const { id, detail } = await runServiceCase(stack, definitionId, c);
      expect(detail.status, `${definitionId}: ${JSON.stringify(detail.failure)} ${stepTrail(detail)}`).toBe(
        'COMPLETED',
      );

      // A ledger row for every completed step that bills, and none for any other.
      const definition = await apiClient(stack, 'olena.pm')('GET', `/v1/definitions/${definitionId}`);
      const billing = billingSteps(definition.body.snapshot as ProcessSnapshot);
      const completed = stepTrail(detail)
        .filter((s) => s.endsWith(':completed'))
        .map((s) => s.split(':')[0]!);
      const { rows } = await stack.pool.query<{ step_id: string }>(
        // Runs of a schedule bill under `schedule:<id>`, not under a step of the engagement.
        `SELECT DISTINCT step_id FROM billing_entries WHERE engagement_id = $1 AND step_id NOT LIKE 'schedule:%'`,
        [id],
      );
      expect(rows.map((r) => r.step_id).sort(), definitionId).toEqual(
        [...new Set(completed.filter((step) => billing.has(step)))].sort(),
      );

      const artifacts = (await listArtifacts(stack, id)).map((a) => `${a.stepId ?? '-'}/${a.name}`);
      expect(artifacts, definitionId).toEqual(expect.arrayContaining(c.artifacts ?? []));
    },
    300_000,
  );
});
