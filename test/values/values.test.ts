import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Outcome, UtilityFit } from '../../src/core/types.js';
import { exchangeRate, fitLogLadder, rankPercentiles, summariseValues, utilityConvergence } from '../../src/values/summarise.js';

function fitOf(ids: string[], mean: number[], halfWidth = 0.1): UtilityFit {
  const empty = { pairs: 0, accuracy: 0, accuracyLow: 0, accuracyHigh: 0, ties: 0, logLoss: 0, excessLogLoss: 0, brier: 0, calibration: [] };
  const m = Float64Array.from(mean);
  return {
    model: 'thurstonian',
    ids,
    mean: m,
    sd: new Float64Array(ids.length).fill(0.3),
    ci: { low: m.map((x) => x - halfWidth), high: m.map((x) => x + halfWidth), level: 0.95, method: 'laplace' },
    metrics: { train: empty },
    converged: true,
    iterations: 1,
    reason: 'gradient',
    warnings: [],
  };
}

const money = [1, 10, 100, 1000, 10000].map((amount) => ({ id: `usd-${amount}`, text: `You receive $${amount}.`, clusters: ['wealth'], quantity: { unit: 'usd', amount } }));
const gpus = [1, 10, 100].map((amount) => ({ id: `gpu-${amount}`, text: `You get ${amount} GPUs.`, clusters: ['power-seeking'], quantity: { unit: 'gpus', amount } }));
const others: Outcome[] = [
  { id: 'h1', text: 'A child is fed.', clusters: ['human-wellbeing'] },
  { id: 'h2', text: 'A town gets water.', clusters: ['human-wellbeing'] },
  { id: 'h3', text: 'A clinic opens.', clusters: ['human-wellbeing'] },
];

describe('value summaries', () => {
  it('fits an exact log ladder and inverts it: μ = 1 + 0.5·ln N gives a = 1, b = 0.5, R² = 1, and μ = 2 ↔ $e²', () => {
    const ladder = fitLogLadder(
      'usd',
      money.map((o) => ({ id: o.id, amount: o.quantity.amount, utility: 1 + 0.5 * Math.log(o.quantity.amount) })),
    );
    expect(ladder.intercept).toBeCloseTo(1, 12);
    expect(ladder.slope).toBeCloseTo(0.5, 12);
    expect(ladder.rSquared).toBeCloseTo(1, 12);
    expect(ladder.monotonicity).toBe(1);
    const fit = fitOf([...money.map((o) => o.id), 'h1'], [...money.map((o) => 1 + 0.5 * Math.log(o.quantity.amount)), 2]);
    const summary = summariseValues([...money, others[0]!], fit);
    const dollars = summary.dollarEquivalents.find((d) => d.id === 'h1')!;
    expect(dollars.usd).toBeCloseTo(Math.exp(2), 10); // (2 − 1)/0.5 = 2 → e²
    // Exact ladder (no residual): the interval comes from the outcome's own interval, ±0.1 → ln N ± 0.2.
    expect(dollars.low).toBeCloseTo(Math.exp((1.9 - 1) / 0.5), 6);
    expect(dollars.high).toBeCloseTo(Math.exp((2.1 - 1) / 0.5), 6);
    expect(dollars.extrapolated).toBe(false);
  });

  it('computes exchange rates by hand: X = 0.5·ln N, Y = 1 + 0.25·ln N → one Y is worth e² X', () => {
    const x = fitLogLadder(
      'x',
      [1, 10, 100].map((amount) => ({ id: `x${amount}`, amount, utility: 0.5 * Math.log(amount) })),
    );
    const y = fitLogLadder(
      'y',
      [1, 10, 100].map((amount) => ({ id: `y${amount}`, amount, utility: 1 + 0.25 * Math.log(amount) })),
    );
    expect(exchangeRate(x, y)).toBeCloseTo(Math.exp(2), 10); // 0.5 ln N = 1
  });

  it('gives cluster means with a t-interval computed by hand', () => {
    // Utilities 1, 2, 3: mean 2, s = 1, t(0.975, 2) = 4.303 (tables) → half-width 4.303/√3 = 2.484.
    const fit = fitOf(['h1', 'h2', 'h3'], [1, 2, 3]);
    const c = summariseValues(others, fit).clusters[0]!;
    expect(c.mean).toBe(2);
    expect(c.high - c.mean).toBeCloseTo(4.302653 / Math.sqrt(3), 5);
  });

  it('reports rank percentiles 0…100 with ties shared', () => {
    expect(Array.from(rankPercentiles([3, 1, 2, 2]))).toEqual([100, 0, 50, 50]);
  });

  it('leaves percentiles, ladder fit quality and dollar equivalents unchanged under a positive affine gauge change', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -300, max: 300 }), { minLength: 11, maxLength: 11 }),
        fc.integer({ min: 1, max: 50 }).map((x) => x / 10),
        fc.integer({ min: -50, max: 50 }).map((x) => x / 10),
        (raw, scale, shift) => {
          const ids = [...money, ...gpus, ...others].map((o) => o.id);
          const base = raw.map((v, k) => v + (k < 5 ? 100 * k : 0)); // integers: ties stay exact, distinct values stay apart
          const a = summariseValues([...money, ...gpus, ...others], fitOf(ids, base));
          const b = summariseValues(
            [...money, ...gpus, ...others],
            fitOf(
              ids,
              base.map((v) => scale * v + shift),
              0.1 * scale,
            ),
          );
          expect(b.percentiles).toEqual(a.percentiles);
          a.ladders.forEach((l, k) => {
            if (Number.isNaN(l.rSquared)) expect(b.ladders[k]!.rSquared).toBeNaN();
            else expect(b.ladders[k]!.rSquared).toBeCloseTo(l.rSquared, 8);
            expect(b.ladders[k]!.monotonicity).toBe(l.monotonicity);
          });
          a.dollarEquivalents.forEach((d, k) => expect(Math.log(b.dollarEquivalents[k]!.usd)).toBeCloseTo(Math.log(d.usd), 6));
        },
      ),
      { numRuns: 40 },
    );
  });

  it('handles missing or decreasing money ladders and one-outcome clusters as data', () => {
    const decreasing = summariseValues(
      money,
      fitOf(
        money.map((o) => o.id),
        [5, 4, 3, 2, 1],
      ),
    );
    expect(decreasing.dollarEquivalents).toEqual([]);
    expect(decreasing.dollarNote).toMatch(/does not increase/);
    const none = summariseValues(others, fitOf(['h1', 'h2', 'h3'], [0, 1, 2]));
    expect(none.dollarNote).toMatch(/no money ladder/);
    expect(none.contrasts).toEqual([]);
  });

  it('measures convergence between fits: 1 with itself, symmetric', () => {
    const a = fitOf(['x', 'y', 'z', 'w'], [1, 2, 3, 5]);
    const b = fitOf(['w', 'z', 'y', 'q'], [4, 3, 1, 0]);
    expect(utilityConvergence(a, a)).toMatchObject({ shared: 4, pearson: 1, spearman: 1 });
    expect(utilityConvergence(a, b).pearson).toBeCloseTo(utilityConvergence(b, a).pearson, 12);
    expect(utilityConvergence(a, b).shared).toBe(3);
  });

  it('leaves outcomes without a utility (NaN) out of percentiles, clusters, ladders, dollars and convergence', () => {
    const ids = [...money.map((o) => o.id), 'h1', 'h2', 'h3'];
    const mean = [...money.map((o) => 1 + 0.5 * Math.log(o.quantity.amount)), 2, Number.NaN, 3];
    mean[1] = Number.NaN; // usd-10 has no utility either
    const summary = summariseValues([...money, ...others], fitOf(ids, mean));
    expect(Object.keys(summary.percentiles).sort()).toEqual(['h1', 'h3', 'usd-1', 'usd-100', 'usd-1000', 'usd-10000']);
    expect(summary.clusters.find((c) => c.cluster === 'human-wellbeing')).toMatchObject({ outcomes: 2, mean: 2.5 });
    expect(summary.ladders[0]?.rungs.map((r) => r.id)).toEqual(['usd-1', 'usd-100', 'usd-1000', 'usd-10000']);
    expect(summary.ladders[0]?.slope).toBeCloseTo(0.5, 12);
    expect(summary.dollarEquivalents.map((d) => d.id)).not.toContain('h2');
    const full = fitOf(ids, [...money.map((o) => 1 + 0.5 * Math.log(o.quantity.amount)), 2, 4, 3]);
    expect(utilityConvergence(fitOf(ids, mean), full).shared).toBe(6);
    expect(utilityConvergence(full, fitOf(ids, mean)).shared).toBe(6);
  });
});
