/**
 * The X-CALIB activities against a real PostgreSQL database of this file's own: a generated district
 * with known roughness is loaded into a project schema, the customer's measurement CSV is an upload
 * of the engagement, and the model run and the calibration go through the Temporal activity
 * environment, storing their deliverables as artifacts once.
 */
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createCalibrationActivities,
  type CalibrateInput,
  type RunModelInput,
} from '../../activities/calibration/activities.ts';
import type { Pool } from '../../db/pool.ts';
import { loadProjectData } from '../../db/project-schema.ts';
import { insertUpload, selectArtifactContent, selectArtifactsOfEngagement } from '../../db/queries/artifacts.ts';
import { sha256Hex } from '../../lib/hash.ts';
import { createLogger } from '../../lib/logger.ts';
import { seedDemoData } from '../../scripts/demo-data.ts';
import {
  activityEnvironment,
  insertActivityEngagement,
  runActivity,
  stepRef,
  type EngagementOfSteps,
} from '../helpers/activity-environment.ts';
import { simulateReadings, twinNetwork } from '../helpers/calibration-network.ts';
import { createTestDatabase } from '../helpers/database.ts';

let pool: Pool;
let activities: ReturnType<typeof createCalibrationActivities>;
let engagement: EngagementOfSteps;
const network = twinNetwork();

async function upload(name: string, text: string): Promise<void> {
  const content = Buffer.from(text);
  await insertUpload(pool, {
    engagementId: engagement.id,
    name,
    mediaType: 'text/csv',
    sha256: sha256Hex(content),
    content,
  });
}

beforeAll(async () => {
  ({ pool } = await createTestDatabase());
  await seedDemoData(pool);
  engagement = await insertActivityEngagement(pool, {
    definitionId: 'calibration',
    definitionVersion: 2,
    serviceCode: 'X-CALIB',
    customerId: 'kp-vodokanal',
    projectId: 'vodokanal-main',
    params: { projectId: 'vodokanal-main', networks: ['water'] },
  });
  await loadProjectData(pool, 'project_vodokanal_main', network.data);
  await upload('gauges.csv', await simulateReadings(network, { noiseM: 0.05, seed: 11 }));
  activities = createCalibrationActivities({ pool, logger: createLogger('silent', 'test'), vendorVatPayer: true });
});

afterAll(async () => {
  await pool?.end();
});

const input: RunModelInput = { projectId: 'vodokanal-main', network: 'water', measurements: ['gauges.csv'] };

async function artifactsOf(stepId: string) {
  return (await selectArtifactsOfEngagement(pool, engagement.id)).filter((a) => a.stepId === stepId);
}

describe('calibration activities', () => {
  it('when the model runs with the stored roughness, then the report shows it failing the acceptance profile', async () => {
    const env = activityEnvironment();
    const ref = stepRef(engagement, 'run-model', '1-1');
    const output = await runActivity(env, activities['calibration.runModel'], { input, engagement: ref });
    expect(output).toMatchObject({ network: 'water', profile: 'wrc-1989', readings: 20, before: { passed: false } });
    expect(output.before.rmseM).toBeGreaterThan(1);
    const names = (await artifactsOf('run-model')).map((a) => a.name).sort();
    expect(names).toEqual(['model-run.json', 'model-run.md']);
    const markdown = (await selectArtifactContent(pool, output.report.id))!.toString('utf8');
    expect(markdown).toContain('| stored roughness | 20 |');
    expect(markdown).toContain('fails profile `wrc-1989`');
    // A retry returns the stored result and stores nothing new.
    expect(await runActivity(env, activities['calibration.runModel'], { input, engagement: ref })).toEqual(output);
    expect(await artifactsOf('run-model')).toHaveLength(2);
  });

  it('when the roughness is calibrated, then the report, the calibrated model and the roughness table are stored once', async () => {
    const env = activityEnvironment();
    const ref = stepRef(engagement, 'calibrate', '1-1');
    const calibrateInput: CalibrateInput = { ...input, settings: {} };
    const output = await runActivity(env, activities['calibration.calibrate'], {
      input: calibrateInput,
      engagement: ref,
    });
    expect(output.passed).toBe(true);
    expect(output.after.rmseM).toBeLessThan(0.1);
    expect(output.unidentified).toEqual([]);
    expect(output.groupBy).toBe('material-decade');
    for (const group of output.groups) {
      expect(Math.abs(group.calibratedMm / network.trueRoughnessMm[group.group]! - 1)).toBeLessThan(0.1);
    }
    const stored = await artifactsOf('calibrate');
    expect(stored.map((a) => a.name).sort()).toEqual([
      'calibration-report.json',
      'calibration-report.md',
      'roughness.csv',
      'water-calibrated.inp',
    ]);
    const inp = (await selectArtifactContent(pool, output.model.id))!.toString('utf8');
    const calibratedCi60 = output.groups.find((g) => g.group === 'CI-1960s')!.calibratedMm;
    const line = inp.split('\n').find((l) => l.trim().startsWith('P00001'))!;
    expect(Number(line.trim().split(/\s+/)[5])).toBeCloseTo(calibratedCi60, 3);
    const csv = (await selectArtifactContent(pool, output.roughness.id))!.toString('utf8');
    expect(csv.startsWith('\uFEFFgroup;pipes;length_km;stored_mm;calibrated_mm')).toBe(true);
    expect(csv.split('\r\n').filter(Boolean)).toHaveLength(1 + 8);
    expect(
      await runActivity(env, activities['calibration.calibrate'], { input: calibrateInput, engagement: ref }),
    ).toEqual(output);
    expect(await artifactsOf('calibrate')).toHaveLength(4);
  });

  it('when the measurements are missing, malformed or name unknown points, then the step fails without retries saying why', async () => {
    const env = activityEnvironment();
    const failure = async (i: RunModelInput, step: string) => {
      const error = await runActivity(env, activities['calibration.runModel'], {
        input: i,
        engagement: stepRef(engagement, step),
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ApplicationFailure);
      expect((error as ApplicationFailure).nonRetryable).toBe(true);
      return error as ApplicationFailure;
    };
    expect((await failure({ ...input, measurements: ['none.csv'] }, 'x1')).type).toBe('upload-missing');
    await upload('bad.csv', 'kind;point;value\r\npressure;J000-000;4,2\r\npressure;NOPE;40\r\n');
    const unknown = await failure({ ...input, measurements: ['bad.csv'] }, 'x2');
    expect(unknown.type).toBe('model-source-head-missing');
    await upload('bad2.csv', 'kind;point;value\r\nhead;PS-1;200\r\npressure;NOPE;40\r\n');
    const point = await failure({ ...input, measurements: ['bad2.csv'] }, 'x3');
    expect(point.message).toContain('bad2.csv:3 pressure:NOPE');
    expect((await failure({ ...input, network: 'sewer' as 'water' }, 'x4')).type).toBe('network-not-modelled');
    expect((await failure({ ...input, projectId: 'no-such' }, 'x5')).type).toBe('project-schema-missing');
  });
});
