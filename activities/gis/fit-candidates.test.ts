import { describe, expect, it } from 'vitest';
import { kharkivFormPoints } from '../../test/fixtures/tie-points/kharkiv.ts';
import { fitCandidates, type TiePointInput } from './fit-candidates.ts';

const points: TiePointInput[] = kharkivFormPoints();

const METHODS = ['shift', 'helmert2d', 'affine', 'polynomial2'];

describe('fitCandidates', () => {
  it('when the Kharkiv points with the planted blunder are fitted, then T06 is flagged and no model is within 5 cm', () => {
    const result = fitCandidates({ points, methods: METHODS, outlierSigma: 3, toleranceM: 0.05 });
    expect(result.models.map((m) => m.method)).toEqual(METHODS);
    expect(result.outliers).toContain('T06');
    expect(result.models.find((m) => m.method === 'helmert2d')!.outliers).toEqual(['T06']);
    expect(result.best.withinTolerance).toBe(false);
    expect(result.best.rmsM).toBeGreaterThan(0.05);
    expect(result.pointCount).toEqual({ fit: 10, check: 4, dropped: 0 });
  });

  it('when T06 is dropped with a reason, then the Helmert is the best model at about 2 cm and T06 is reported as dropped', () => {
    const dropped = points.map((p) => (p.id === 'T06' ? { ...p, dropReason: 'blunder: 0.40 m' } : p));
    const result = fitCandidates({ points: dropped, methods: METHODS, outlierSigma: 3, toleranceM: 0.05 });
    expect(result.best).toMatchObject({ method: 'helmert2d', withinTolerance: true });
    expect(result.best.rmsM).toBeCloseTo(0.02, 2);
    expect(result.rejected.map((r) => r.method)).toEqual(['shift']);
    const helmert = result.models.find((m) => m.method === 'helmert2d')!;
    expect(helmert.residuals.find((r) => r.id === 'T06')).toMatchObject({ role: 'dropped', outlier: false });
    // The meridian convergence between 35°30′ and 36°30′ at 50°N.
    expect(helmert.rotationArcsec).toBeCloseTo(-2757, -1);
    expect(helmert.checkRmsM).not.toBeNull();
    expect(helmert.checkMaxM).toBeGreaterThanOrEqual(helmert.checkRmsM!);
  });

  it('when outliers are flagged at 2σ₀ instead of 3σ₀, then at least as many points are flagged', () => {
    const at3 = fitCandidates({ points, methods: ['helmert2d'], outlierSigma: 3 });
    const at2 = fitCandidates({ points, methods: ['helmert2d'], outlierSigma: 2 });
    expect(at2.outliers.length).toBeGreaterThanOrEqual(at3.outliers.length);
    expect(at2.outlierSigma).toBe(2);
  });

  it('when there are too few fit points for a model, then the refusal names the model and the number needed', () => {
    const few = points.filter((p) => !p.check).slice(0, 5);
    expect(() => fitCandidates({ points: few, methods: METHODS })).toThrow(
      /polynomial2 needs at least 6 fit points .* 5 given/,
    );
    expect(() => fitCandidates({ points: few, methods: METHODS })).toThrow(
      expect.objectContaining({ type: 'fit-input-invalid', nonRetryable: true }),
    );
  });

  it('when a method is unknown or a coordinate is not a pair, then the fit is refused', () => {
    expect(() => fitCandidates({ points, methods: ['helmert'] })).toThrow(/unknown method "helmert"/);
    const broken = points.map((p, i) => (i === 0 ? { ...p, source: [1] } : p));
    expect(() => fitCandidates({ points: broken, methods: ['shift'] })).toThrow(/source of tie point T01/);
    const twice = [...points, points[0]!];
    expect(() => fitCandidates({ points: twice, methods: ['shift'] })).toThrow(/T01 is listed twice/);
  });
});
