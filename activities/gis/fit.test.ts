import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { applyModel, chooseModel, fitModel, fitModels } from './fit.ts';
import type { PlanarPoint, TiePoint } from './fit.ts';
import { fromUkrainianXY } from './transform.ts';
import { seededRandom } from '../../lib/seeded-random.ts';

function gaussian(random: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

const ARCSEC = Math.PI / 180 / 3600;
/** A district of Lviv in USK-2000 / GK zone 5 (easting, northing). */
const ORIGIN: PlanarPoint = { x: 5_286_000, y: 5_527_000 };

function scatter(count: number, seed: number, radius = 5000): PlanarPoint[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => ({
    x: ORIGIN.x + (random() * 2 - 1) * radius,
    y: ORIGIN.y + (random() * 2 - 1) * radius,
  }));
}

const HELMERT = (() => {
  const scale = 1 + 12e-6;
  const rotation = 3.5 * ARCSEC;
  return { a: scale * Math.cos(rotation), b: scale * Math.sin(rotation), tx: 20, ty: -30 };
})();

function helmert(p: PlanarPoint): PlanarPoint {
  return { x: HELMERT.a * p.x - HELMERT.b * p.y + HELMERT.tx, y: HELMERT.b * p.x + HELMERT.a * p.y + HELMERT.ty };
}

function tiePoints(sources: readonly PlanarPoint[], transform: (p: PlanarPoint) => PlanarPoint): TiePoint[] {
  return sources.map((source, i) => ({ id: `P${String(i + 1).padStart(2, '0')}`, source, target: transform(source) }));
}

function expectRelative(actual: number | undefined, expected: number, relative = 1e-6): void {
  expect(actual).toBeDefined();
  expect(Math.abs(actual! - expected)).toBeLessThanOrEqual(Math.abs(expected) * relative);
}

/** Helmert 4-parameter solution in closed form on centroid-reduced coordinates. */
function closedFormHelmert(points: readonly TiePoint[]): { a: number; b: number; tx: number; ty: number } {
  const n = points.length;
  const cs = { x: points.reduce((s, p) => s + p.source.x, 0) / n, y: points.reduce((s, p) => s + p.source.y, 0) / n };
  const ct = { x: points.reduce((s, p) => s + p.target.x, 0) / n, y: points.reduce((s, p) => s + p.target.y, 0) / n };
  let sxx = 0;
  let sa = 0;
  let sb = 0;
  for (const p of points) {
    const [x, y] = [p.source.x - cs.x, p.source.y - cs.y];
    const [X, Y] = [p.target.x - ct.x, p.target.y - ct.y];
    sxx += x * x + y * y;
    sa += x * X + y * Y;
    sb += x * Y - y * X;
  }
  const [a, b] = [sa / sxx, sb / sxx];
  return { a, b, tx: ct.x - (a * cs.x - b * cs.y), ty: ct.y - (b * cs.x + a * cs.y) };
}

describe('fit', () => {
  it('recovers a Helmert of 12 ppm, 3.5″, (20, −30) m around GK zone 5 coordinates', () => {
    const fit = fitModel('helmert', tiePoints(scatter(10, 1), helmert));
    expectRelative(fit.parameters.a, HELMERT.a);
    expectRelative(fit.parameters.b, HELMERT.b);
    expectRelative(fit.parameters.tx, 20);
    expectRelative(fit.parameters.ty, -30);
    expectRelative(fit.scalePpm, 12);
    expectRelative(fit.rotationArcsec, 3.5);
    expect(fit.rms).toBeLessThan(1e-6);
  });

  it('recovers an affine transformation and derives its scales and rotation', () => {
    const t = { a0: 12.3, a1: 1 + 20e-6, a2: 5e-6, b0: -7.1, b1: -8e-6, b2: 1 - 15e-6 };
    const points = tiePoints(scatter(9, 2), (p) => ({
      x: t.a0 + t.a1 * p.x + t.a2 * p.y,
      y: t.b0 + t.b1 * p.x + t.b2 * p.y,
    }));
    const fit = fitModel('affine', points);
    for (const [name, value] of Object.entries(t)) expectRelative(fit.parameters[name], value);
    expectRelative(fit.parameters.scaleXPpm, (Math.hypot(t.a1, t.b1) - 1) * 1e6);
    // similarity part: a = (a1 + b2)/2, b = (b1 − a2)/2
    expectRelative(fit.rotationArcsec, Math.atan2((t.b1 - t.a2) / 2, (t.a1 + t.b2) / 2) / ARCSEC);
  });

  it('recovers a second-order polynomial (5 cm of curvature over 8 km)', () => {
    const c = { c00: 20, c10: 1 + 10e-6, c01: 4e-6, c20: 2e-9, c11: -1e-9, c02: 3e-9 };
    const d = { d00: -30, d10: -6e-6, d01: 1 - 9e-6, d20: -1e-9, d11: 2.5e-9, d02: 1.5e-9 };
    const sources: PlanarPoint[] = [];
    for (let i = -2; i <= 2; i += 1)
      for (let j = -2; j <= 2; j += 1) sources.push({ x: ORIGIN.x + 2000 * i, y: ORIGIN.y + 2000 * j });
    const points = tiePoints(sources, (p) => {
      const [dx, dy] = [p.x - ORIGIN.x, p.y - ORIGIN.y];
      return {
        x: ORIGIN.x + c.c00 + c.c10 * dx + c.c01 * dy + c.c20 * dx * dx + c.c11 * dx * dy + c.c02 * dy * dy,
        y: ORIGIN.y + d.d00 + d.d10 * dx + d.d01 * dy + d.d20 * dx * dx + d.d11 * dx * dy + d.d02 * dy * dy,
      };
    });
    const fit = fitModel('polynomial2', points);
    expect(fit.model.sourceOrigin).toEqual(ORIGIN); // the symmetric grid is centred on ORIGIN
    for (const [name, value] of Object.entries({ ...c, ...d }).filter(([n]) => !n.endsWith('00'))) {
      expectRelative(fit.parameters[name], value);
    }
    expectRelative(fit.parameters.c00! + fit.model.targetOrigin.x - ORIGIN.x, c.c00);
    expectRelative(fit.parameters.d00! + fit.model.targetOrigin.y - ORIGIN.y, d.d00);
  });

  describe('with 1.5 cm noise and a 0.5 m blunder at P07', () => {
    const noise = gaussian(seededRandom(42));
    const points = tiePoints(scatter(12, 3), (p) => {
      const t = helmert(p);
      return { x: t.x + 0.015 * noise(), y: t.y + 0.015 * noise() };
    }).map((p) => (p.id === 'P07' ? { ...p, target: { x: p.target.x + 0.3, y: p.target.y - 0.4 } } : p));

    it('flags exactly the blunder at |v| > 3σ₀ for Helmert and affine', () => {
      for (const kind of ['helmert', 'affine'] as const) {
        const fit = fitModel(kind, points);
        expect(fit.outliers).toEqual(['P07']);
        expect(fit.residuals.find((r) => r.id === 'P07')!.v).toBeGreaterThan(3 * fit.sigma0!);
      }
    });

    it('computes the same residual table as the closed-form Helmert', () => {
      const fit = fitModel('helmert', points);
      const cf = closedFormHelmert(points);
      let sumSq = 0;
      for (const r of fit.residuals) {
        const p = points.find((q) => q.id === r.id)!;
        const vx = cf.a * p.source.x - cf.b * p.source.y + cf.tx - p.target.x;
        const vy = cf.b * p.source.x + cf.a * p.source.y + cf.ty - p.target.y;
        expect(Math.abs(r.vx - vx)).toBeLessThan(1e-7);
        expect(Math.abs(r.vy - vy)).toBeLessThan(1e-7);
        sumSq += vx * vx + vy * vy;
      }
      expect(fit.rms).toBeCloseTo(Math.sqrt(sumSq / 12), 9);
      expect(fit.sigma0).toBeCloseTo(Math.sqrt(sumSq / (2 * 12 - 4)), 9);
      expect(fit.maxResidual).toBe(Math.max(...fit.residuals.map((r) => r.v)));
    });

    it('leaves a dropped blunder out of the fit and reports it with its reason', () => {
      const dropped = points.map((p) => (p.id === 'P07' ? { ...p, dropReason: 'mark disturbed (site visit)' } : p));
      const fit = fitModel('helmert', dropped);
      expect(fit.fitPointCount).toBe(11);
      expect(fit.outliers).toEqual([]);
      expect(fit.rms).toBeLessThan(0.03);
      expect(fit.residuals.find((r) => r.id === 'P07')).toMatchObject({
        role: 'dropped',
        dropReason: 'mark disturbed (site visit)',
      });
    });
  });

  it('keeps check points out of the fit and measures them', () => {
    const noise = gaussian(seededRandom(7));
    const points = tiePoints(scatter(12, 4), (p) => {
      const t = helmert(p);
      return { x: t.x + 0.01 * noise(), y: t.y + 0.01 * noise() };
    }).map((p, i) => (i % 4 === 0 ? { ...p, check: true } : p));
    const fit = fitModel('helmert', points);
    const alone = fitModel(
      'helmert',
      points.filter((p) => !p.check),
    );
    expect(fit.parameters).toEqual(alone.parameters);
    expect(fit.fitPointCount).toBe(9);
    expect(fit.checkPointCount).toBe(3);
    const checks = fit.residuals.filter((r) => r.role === 'check');
    expect(fit.checkRms).toBeCloseTo(Math.sqrt(checks.reduce((s, r) => s + r.v ** 2, 0) / 3), 12);
    expect(fit.checkRms!).toBeLessThan(0.05);
  });

  it('applies a fitted model to new points', () => {
    const fit = fitModel('helmert', tiePoints(scatter(8, 5), helmert));
    const fresh = scatter(3, 6);
    applyModel(fit.model, fresh).forEach((p, i) => {
      const expected = helmert(fresh[i]!);
      expect(Math.hypot(p.x - expected.x, p.y - expected.y)).toBeLessThan(1e-6);
    });
  });

  it('chooses the simplest model within tolerance and says why the simpler ones failed', () => {
    const noise = gaussian(seededRandom(11));
    const points = tiePoints(scatter(10, 8), (p) => {
      const t = helmert(p);
      return { x: t.x + 0.01 * noise(), y: t.y + 0.01 * noise() };
    });
    const choice = chooseModel(fitModels(points), 0.05);
    expect(choice.chosen?.kind).toBe('helmert');
    expect(choice.rejected).toEqual([
      { kind: 'shift', reason: expect.stringContaining('exceeds the tolerance 50.0 mm') },
    ]);
    expect(chooseModel(fitModels(points), 0.001).chosen).toBeUndefined();
  });

  it('passes over an exact fit: no redundancy, no evidence', () => {
    const points = tiePoints(scatter(6, 9), (p) => ({ x: p.x + 1e-9 * (p.x - ORIGIN.x) ** 2, y: p.y }));
    const fits = fitModels(points);
    expect(fits.map((f) => f.kind)).toEqual(['shift', 'helmert', 'affine', 'polynomial2']);
    expect(fits[3]!.sigma0).toBeUndefined();
    const choice = chooseModel(fits, 0.001);
    expect(choice.rejected.find((r) => r.kind === 'polynomial2')?.reason).toMatch(/no redundancy/);
  });

  it('refuses collinear tie points for an affine fit', () => {
    const line = [0, 1, 2, 3].map((i) => ({ x: ORIGIN.x + 1000 * i, y: ORIGIN.y + 500 * i }));
    expect(() => fitModel('affine', tiePoints(line, helmert))).toThrowError(
      expect.objectContaining({ code: 'request-invalid' }),
    );
  });
});

describe('fit of the Kharkiv SK-63 X5 → LCS-63 fixture', () => {
  interface FixturePoint {
    id: string;
    check: boolean;
    source: { X: number; Y: number };
    target: { X: number; Y: number };
  }
  const fixture = JSON.parse(
    readFileSync(new URL('../../test/fixtures/tie-points/kharkiv-sk63-to-lcs63.json', import.meta.url), 'utf8'),
  ) as { outlier: string; points: FixturePoint[] };
  // The fixture speaks Ukrainian X (north) / Y (east); the fit works in [easting, northing].
  const toPlanar = (p: { X: number; Y: number }): PlanarPoint => {
    const [x, y] = fromUkrainianXY({ x: p.X, y: p.Y });
    return { x, y };
  };
  const points: TiePoint[] = fixture.points.map((p) => ({
    id: p.id,
    check: p.check,
    source: toPlanar(p.source),
    target: toPlanar(p.target),
  }));

  it('flags the planted 0.4 m outlier T06 under Helmert and affine', () => {
    expect(fixture.outlier).toBe('T06');
    for (const kind of ['helmert', 'affine'] as const) expect(fitModel(kind, points).outliers).toEqual(['T06']);
  });

  it('shows the expected rotation between the two grids: the meridian convergence of 1° of longitude at 50°N', () => {
    const fit = fitModel('helmert', points);
    // γ difference ≈ Δλ·sin φ = 3600″·sin 50° ≈ 2758″, clockwise from SK-63 X5 (35°30′) to LCS-63 (36°30′)
    expect(fit.rotationArcsec).toBeCloseTo(-3600 * Math.sin(50 * (Math.PI / 180)), -1);
  });

  it('once T06 is dropped with a reason, chooses the Helmert within 5 cm', () => {
    const dropped = points.map((p) => (p.id === 'T06' ? { ...p, dropReason: 'blunder confirmed at the mark' } : p));
    const choice = chooseModel(fitModels(dropped), 0.05);
    expect(choice.chosen?.kind).toBe('helmert');
    expect(choice.chosen!.rms).toBeLessThan(0.03);
    expect(choice.chosen!.checkRms).toBeLessThan(0.05);
  });
});
