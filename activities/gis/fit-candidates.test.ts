import { describe, expect, it } from 'vitest';
import { kharkivFormPoints } from '../../test/fixtures/tie-points/kharkiv.ts';
import { fitCandidates, type TiePointInput } from './fit-candidates.ts';

const points: TiePointInput[] = kharkivFormPoints();

const METHODS = ['shift', 'helmert2d', 'affine', 'polynomial2'];

describe('fitCandidates', () => {
  it('when the Kharkiv points with the planted blunder are fitted, then T06 is doubted before the choice and the Helmert is recommended without it', () => {
    const result = fitCandidates({ points, methods: METHODS, outlierSigma: 3, toleranceM: 0.05 });
    expect(result.models.map((m) => m.method)).toEqual(METHODS);
    expect(result.outliers).toContain('T06');
    const helmert = result.models.find((m) => m.method === 'helmert2d')!;
    expect(helmert.doubted.map((d) => d.id)).toEqual(['T06']);
    expect(helmert.doubted[0]!.reason).toMatch(/residual \d{3}\.\d mm under helmert is \d+\.\d·σ̂√f .* > 3.72/);
    expect(helmert.residuals.find((r) => r.id === 'T06')).toMatchObject({ role: 'doubted', outlier: true });
    expect(result.best).toMatchObject({
      method: 'helmert2d',
      withinTolerance: true,
      doubted: [{ id: 'T06', role: 'fit' }],
    });
    expect(result.best.reason).toMatch(/without T06, doubted under helmert/);
    // Ten fit points: the affine (u = 6) and the polynomial (u = 12) need n ≥ 2u and are never recommended.
    expect(result.rejected.map((r) => r.method)).toEqual(['shift']);
    expect(result.pointCount).toEqual({ fit: 10, check: 4, dropped: 0 });
  });

  it('when the blunder is a check point, then it is doubted as one and kept out of the check-point RMS', () => {
    const asCheck = points.map((p) => (p.id === 'T06' ? { ...p, check: true } : p));
    const result = fitCandidates({ points: asCheck, methods: ['shift', 'helmert2d'], toleranceM: 0.05 });
    const helmert = result.models.find((m) => m.method === 'helmert2d')!;
    expect(helmert.doubted).toEqual([expect.objectContaining({ id: 'T06', role: 'check' })]);
    expect(helmert.checkRmsM).toBeLessThan(0.05);
    expect(result.best).toMatchObject({ method: 'helmert2d', withinTolerance: true });
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
