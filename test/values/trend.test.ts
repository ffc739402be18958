import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type FittedTrend, fitLinearTrend, linearGrid, type TrendPoint, trendBand } from '../../src/values/index.js';

function fitted(points: readonly TrendPoint[]): FittedTrend {
  const trend = fitLinearTrend(points);
  if (trend.kind !== 'fitted') throw new Error(`expected a fit, got ${trend.reason}`);
  return trend;
}

describe('fitLinearTrend', () => {
  // x = 0..3, y = 1, 3, 2, 5, se = 1, ½, 1, ½ (weights 1, 4, 1, 4). Expected values by the
  // closed-form WLS formulas in exact fractions: Σw = 10, x̄ = 9/5, ȳ = 7/2, Sxx = 58/5, Sxy = 13,
  // slope = 65/58, intercept = 43/29, RSS = 114/29, σ̂ = √(57/29), se(slope) = σ̂/√Sxx; t(0.975, 2)
  // = 4.302652729749462 (scipy.stats.t.ppf). Cross-checked by the matrix form σ̂²(XᵀWX)⁻¹ in numpy,
  // which is what R's summary(lm(y ~ x, weights = w)) and predict(..., interval = "confidence") compute.
  const points: TrendPoint[] = [
    { x: 0, y: 1, se: 1 },
    { x: 1, y: 3, se: 0.5 },
    { x: 2, y: 2, se: 1 },
    { x: 3, y: 5, se: 0.5 },
  ];

  it('matches the closed-form weighted least-squares answer', () => {
    const t = fitted(points);
    expect(t.weighting).toBe('inverse-variance');
    expect(t.n).toBe(4);
    expect(t.df).toBe(2);
    expect(t.slope).toBeCloseTo(65 / 58, 12);
    expect(t.intercept).toBeCloseTo(43 / 29, 12);
    expect(t.residualScale).toBeCloseTo(Math.sqrt(57 / 29), 12);
    expect(t.slopeSe).toBeCloseTo(0.41163228918321804, 10);
    expect(t.slopeLow).toBeCloseTo(-0.6504211375347793, 8);
    expect(t.slopeHigh).toBeCloseTo(2.8918004478796067, 8);
    // Spearman ρ of x = 0..3 with y = 1, 3, 2, 5 is 0.8 (one swapped pair of four).
    expect(t.spearman).toBeCloseTo(0.8, 12);
  });

  it('gives the confidence band of the fitted line at the grid points', () => {
    const band = trendBand(fitted(points), [0, 1.5, 3]);
    const expected = [
      { x: 0, fit: 1.4827586206896552, half: 3.7151133409619095 },
      { x: 1.5, fit: 3.163793103448276, half: 1.9801620640884106 },
      { x: 3, fit: 4.844827586206897, half: 2.85583034231975 },
    ];
    band.forEach((b, k) => {
      const e = expected[k]!;
      expect(b.x).toBe(e.x);
      expect(b.fit).toBeCloseTo(e.fit, 10);
      expect(b.low).toBeCloseTo(e.fit - e.half, 8);
      expect(b.high).toBeCloseTo(e.fit + e.half, 8);
    });
  });

  it('falls back to an unweighted fit when a point has no standard error', () => {
    // Unweighted least squares of y = 1, 3, 2, 5 on x = 0..3: slope = intercept = 1.1 (numpy lstsq).
    const t = fitted(points.map((p, k) => (k === 2 ? { x: p.x, y: p.y } : p)));
    expect(t.weighting).toBe('unweighted');
    expect(t.slope).toBeCloseTo(1.1, 12);
    expect(t.intercept).toBeCloseTo(1.1, 12);
  });

  it('says why it cannot fit fewer than three points or a single x', () => {
    expect(fitLinearTrend(points.slice(0, 2))).toMatchObject({ kind: 'insufficient', n: 2 });
    expect(fitLinearTrend(points.map((p) => ({ ...p, x: 1 })))).toMatchObject({ kind: 'insufficient', reason: 'every point has the same x' });
    expect(fitLinearTrend([...points.slice(0, 2), { x: Number.NaN, y: 1 }])).toMatchObject({ kind: 'insufficient', n: 2 });
  });

  it('is stable when x sits far from zero', () => {
    // log10 parameters ≈ 9–11: the same data shifted by 10 has the same slope and a shifted intercept.
    const shifted = fitted(points.map((p) => ({ ...p, x: p.x * 1e-3 + 10 })));
    expect(shifted.slope).toBeCloseTo((65 / 58) * 1e3, 6);
    expect(shifted.slopeSe).toBeCloseTo(0.41163228918321804 * 1e3, 4);
  });
});

const finite = (min: number, max: number) => fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
/** x on a 0.01 grid: log sizes and capability scores, without the subnormal doubles that make every fit degenerate. */
const gridX = fc.integer({ min: -300, max: 300 }).map((k) => k / 100);
/** Equal up to rounding, relative to the size of the numbers. */
const near = (a: number, b: number) => Math.abs(a - b) <= 1e-8 * Math.max(1, Math.abs(a), Math.abs(b));

describe('fitLinearTrend properties', () => {
  it('recovers an exact line with a zero-width band, weighted or not', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(gridX, { minLength: 3, maxLength: 10 }),
        finite(-5, 5),
        finite(-5, 5),
        fc.array(finite(0.05, 2), { minLength: 10, maxLength: 10 }),
        fc.boolean(),
        (xs, slope, intercept, ses, weighted) => {
          const t = fitted(xs.map((x, k) => ({ x, y: intercept + slope * x, ...(weighted ? { se: ses[k] } : {}) })));
          expect(t.slope).toBeCloseTo(slope, 6);
          expect(t.intercept).toBeCloseTo(intercept, 6);
          expect(t.slopeHigh - t.slopeLow).toBeCloseTo(0, 6);
          for (const b of trendBand(t, linearGrid(-4, 4, 9))) expect(b.high - b.low).toBeCloseTo(0, 6);
        },
      ),
    );
  });

  it('does not depend on the order of the points', () => {
    fc.assert(
      fc.property(
        fc
          .array(fc.record({ x: gridX, y: finite(-3, 3), se: finite(0.05, 2) }), { minLength: 3, maxLength: 12 })
          .chain((ps) => fc.tuple(fc.constant(ps), fc.shuffledSubarray(ps, { minLength: ps.length, maxLength: ps.length }))),
        ([points, permuted]) => {
          const a = fitLinearTrend(points);
          const b = fitLinearTrend(permuted);
          expect(b.kind).toBe(a.kind);
          if (a.kind !== 'fitted' || b.kind !== 'fitted') return;
          for (const key of ['slope', 'intercept', 'slopeSe', 'slopeLow', 'slopeHigh', 'residualScale', 'spearman'] as const) {
            if (Number.isNaN(a[key])) expect(b[key]).toBeNaN();
            else expect(near(a[key], b[key]), `${key}: ${a[key]} vs ${b[key]}`).toBe(true);
          }
        },
      ),
    );
  });
});
