import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadDefinition } from '../../definitions/loader.ts';
import { evaluateTemplate, type StepState } from '../../workflows/expression.ts';

/**
 * What the reprojection definition hands `gis.applyTransformation`, `gis.switchCrs` and the report
 * for the paths a lead can take, including a second pass after failed QA on the other path.
 */
const source = readFileSync(new URL('../../definitions/catalog/reprojection.yaml', import.meta.url), 'utf8');
const { snapshot } = loadDefinition(source, 'reprojection.yaml');
const step = (id: string) => snapshot.steps[id] as unknown as { input: unknown };
const inputs = { projectId: 'vodokanal-main', sourceCrs: 'EPSG:7829', targetCrs: 'EPSG:9858', toleranceM: 0.05 };
const fitOutput = { best: { method: 'helmert2d', rmsM: 0.02 }, models: [] };

function inputOf(id: string, steps: Record<string, StepState>) {
  return evaluateTemplate(step(id).input as never, { inputs, steps }) as Record<string, unknown>;
}

describe('the reprojection definition', () => {
  it('when the lead took the empirical path, then apply gets the chosen model and the fit', () => {
    const steps = {
      path: { status: 'completed', result: { path: 'empirical' } },
      fit: { status: 'completed', output: fitOutput },
      choose: { status: 'completed', result: { model: 'affine' } },
    };
    expect(inputOf('apply', steps)).toMatchObject({ model: 'affine', fit: fitOutput, sourceCrs: 'EPSG:7829' });
  });

  it('when the lead switched to the rigorous path after failed QA of a fitted model, then apply is rigorous without a fit', () => {
    const steps = {
      path: { status: 'completed', result: { path: 'rigorous' } },
      fit: { status: 'completed', output: fitOutput },
      choose: { status: 'completed', result: { model: 'affine' } },
      apply: { status: 'completed', output: { schema: 'reproj_0123456789abcdef' } },
    };
    expect(inputOf('apply', steps)).toMatchObject({ model: 'rigorous', fit: null });
    expect(inputOf('deliverables', steps)).toMatchObject({ fit: null });
    expect(inputOf('switch-crs', steps)).toEqual({
      projectId: 'vodokanal-main',
      crs: 'EPSG:9858',
      schema: 'reproj_0123456789abcdef',
    });
  });

  it('when the fit runs, then it gets the tolerance of the engagement', () => {
    const steps = { 'tie-points': { status: 'completed', result: { points: [] } } };
    expect(inputOf('fit', steps)).toMatchObject({ toleranceM: 0.05, outlierSigma: 3 });
  });
});
