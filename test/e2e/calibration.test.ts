import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CalibrateOutput } from '../../activities/calibration/activities.ts';
import { loadProjectData } from '../../db/project-schema.ts';
import { downloadArtifact, listArtifacts } from '../helpers/artifacts.ts';
import { simulateReadings, twinNetwork } from '../helpers/calibration-network.ts';
import { complete, launch, ledger, openTask, settled, stepTrail } from '../helpers/engagements.ts';
import { apiClient, startTestStack, type TestStack } from '../helpers/stack.ts';

/**
 * X-CALIB end to end: a PM launches the calibration of a project's water network over HTTP, uploads
 * the customer's gauge readings, the engineer reads the figures in the task, reruns with another
 * grouping and accepts, the lead reviews, the customer accepts — with the real worker and database.
 */

const network = twinNetwork();

describe('calibration of a hydraulic model, end to end', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
    await loadProjectData(stack.pool, 'project_vodokanal_main', network.data);
  });
  afterAll(async () => {
    await stack?.close();
  });

  async function done(
    userId: string,
    id: string,
    stepId: string,
    body: Record<string, unknown>,
    except: string[] = [],
  ) {
    const task = await openTask(stack, id, stepId, except);
    const response = await complete(stack, userId, task.id, { hoursSpent: 1, ...body });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return task.id;
  }

  it('when the customer uploads gauge readings, then the engineer sees the figures, reruns, accepts, and the deliverables are stored', async () => {
    const id = await launch(stack, 'calibration', { projectId: 'vodokanal-main', networks: ['water'] }, 'kp-vodokanal');
    const upload = await fetch(`${stack.url}/v1/engagements/${id}/files/gauges.csv`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${stack.keys['olena.pm']}`, 'content-type': 'text/csv' },
      body: await simulateReadings(network, { noiseM: 0.05, seed: 11 }),
    });
    expect(upload.status).toBeLessThan(300);
    await done('olena.pm', id, 'measurements', { result: { files: ['gauges.csv'] }, hoursSpent: 0 });

    // The engineer's task carries the figures of both runs.
    const first = await openTask(stack, id, 'review');
    const view = await apiClient(stack, 'andrii.eng1')('GET', `/v1/tasks/${encodeURIComponent(first.id)}`);
    expect(view.status).toBe(200);
    const instructions = view.body.instructions as string;
    expect(instructions).toMatch(/Stored roughness: RMSE \d+\.\d+ m, passes the profile: false/);
    expect(instructions).toMatch(/Calibrated \(material-decade\): RMSE 0\.0\d+ m/);
    expect(instructions).toContain('passes: true');

    // A rerun with a coarser grouping, then acceptance.
    await done('andrii.eng1', id, 'review', {
      result: { decision: 'rerun', groupBy: 'material', remarks: 'try by material' },
      hoursSpent: 3,
    });
    await done('andrii.eng1', id, 'review', { result: { decision: 'accept' }, hoursSpent: 2 }, [first.id]);
    await done('iryna.lead', id, 'lead-review', { result: {}, hoursSpent: 4 });
    await done('olena.pm', id, 'acceptance', { decision: 'approve', hoursSpent: 0 });

    const detail = await settled(stack, id);
    expect(detail.status).toBe('COMPLETED');
    const trail = stepTrail(detail);
    expect(trail.filter((s) => s === 'calibrate:completed')).toHaveLength(2);
    expect(trail).toContain('act:completed');
    const calibrations = (detail.state.steps as { stepId: string; output: CalibrateOutput }[]).filter(
      (s) => s.stepId === 'calibrate',
    );
    expect(calibrations.map((s) => s.output.groupBy)).toEqual(['material-decade', 'material']);
    expect(calibrations[0]!.output).toMatchObject({ passed: true, unidentified: [] });

    const artifacts = await listArtifacts(stack, id);
    const names = artifacts.map((a) => `${a.stepId ?? '-'}/${a.name}`);
    expect(names.filter((n) => n === 'calibrate/water-calibrated.inp')).toHaveLength(2);
    expect(names).toEqual(
      expect.arrayContaining([
        '-/gauges.csv',
        'run-model/model-run.md',
        'calibrate/calibration-report.md',
        'calibrate/roughness.csv',
      ]),
    );
    const report = artifacts.find((a) => a.name === 'calibration-report.md')!;
    const markdown = (await downloadArtifact(stack, report)).toString('utf8');
    expect(markdown).toContain('## Roughness per group');
    expect(markdown).toContain('passes profile `wrc-1989`');

    expect(await ledger(stack, id)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^review#.*:ENG_I=24$/),
        expect.stringMatching(/^lead-review#.*:LEAD=16$/),
      ]),
    );
  });
});
