import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PackedPairs, UtilityFit } from '../../src/core/types.js';
import { evaluateFit, predictPreference } from '../../src/models/metrics.js';

const emptyMetrics = { pairs: 0, accuracy: Number.NaN, accuracyLow: Number.NaN, accuracyHigh: Number.NaN, ties: 0, logLoss: Number.NaN, excessLogLoss: Number.NaN, brier: Number.NaN, calibration: [] };

function fitOf(mean: number[], sd: number[], logisticScale?: number): UtilityFit {
  return {
    model: logisticScale === undefined ? 'thurstonian' : 'bt',
    ids: mean.map((_, k) => `o${k}`),
    mean: Float64Array.from(mean),
    sd: Float64Array.from(sd),
    ...(logisticScale === undefined ? {} : { logisticScale }),
    metrics: { train: emptyMetrics },
    converged: true,
    iterations: 0,
    reason: 'gradient',
    warnings: [],
  };
}

describe('predictPreference', () => {
  it('is Φ((μ_i − μ_j)/√(σ_i² + σ_j²)) for a Thurstonian fit and logistic(scale·Δμ) for Bradley–Terry', () => {
    // Φ(1) = 0.841344746068543 (A&S Table 26.1); logistic(ln 3) = 3/(1 + 3) = 0.75.
    expect(predictPreference(fitOf([1, 0], [Math.SQRT1_2, Math.SQRT1_2]), 0, 1)).toBeCloseTo(0.841344746068543, 14);
    expect(predictPreference(fitOf([0.5, -0.5], [0, 0], Math.log(3)), 0, 1)).toBeCloseTo(0.75, 14);
  });

  it('gives P(i ≻ j) + P(j ≻ i) = 1 and ½ for an outcome against itself (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -4, max: 4, noNaN: true }),
        fc.double({ min: -4, max: 4, noNaN: true }),
        fc.double({ min: 0.05, max: 3, noNaN: true }),
        fc.double({ min: 0.05, max: 3, noNaN: true }),
        (a, b, sa, sb) => {
          for (const fit of [fitOf([a, b], [sa, sb]), fitOf([a, b], [0, 0], sa)]) {
            expect(predictPreference(fit, 0, 1) + predictPreference(fit, 1, 0)).toBeCloseTo(1, 14);
            expect(predictPreference(fit, 0, 0)).toBe(0.5);
          }
        },
      ),
    );
  });
});

describe('evaluateFit', () => {
  // Bradley–Terry fit with P(0 ≻ 1) = logistic(ln 3 · 1) = 3/4 exactly. Three asked pairs and one
  // never-answered pair (total 0, ignored):
  //   (0,1) 3 of 4 → P̂ = .75, model .75: right side
  //   (1,0) 2 of 4 → P̂ = .5: a tie, excluded from accuracy and counted
  //   (0,1) 1 of 4 → P̂ = .25, model .75: wrong side
  const fit = fitOf([0.5, -0.5], [0, 0], Math.log(3));
  const pairs: PackedPairs = { outcomeCount: 2, i: Int32Array.of(0, 1, 0, 1), j: Int32Array.of(1, 0, 1, 0), wins: Float64Array.of(3, 2, 1, 0), total: Float64Array.of(4, 4, 4, 0) };

  it('matches a hand computation of accuracy, ties, log-loss, its excess, Brier and calibration', () => {
    const metrics = evaluateFit(fit, pairs);
    expect(metrics.pairs).toBe(3);
    expect(metrics.ties).toBe(1);
    expect(metrics.accuracy).toBe(0.5); // 1 right of 2 decided
    // Wilson 95% for 1 of 2 (formula in wilsonInterval, z = 1.959963984540054): centre ½, half-width 0.405468794.
    expect(metrics.accuracyLow).toBeCloseTo(0.09453120573423074, 9);
    expect(metrics.accuracyHigh).toBeCloseTo(0.9054687942657693, 9);
    // Cross-entropy over 12 answers: −[(3 ln¾ + ln¼) + (2 ln¼ + 2 ln¾) + (ln¾ + 3 ln¼)] = −6(ln¾ + ln¼)
    //   ⇒ logLoss = −(ln 0.75 + ln 0.25)/2 = (0.2876820724517809 + 1.3862943611198906)/2 = 0.8369882167858358.
    expect(metrics.logLoss).toBeCloseTo(0.8369882167858358, 14);
    // Labels' own entropy: 2·(−3 ln¾ − ln¼) + (−4 ln½) = 2·2.249340578 + 2.772588722 = 7.271269879; /12 = 0.6059391566.
    const entropy = (2 * (-3 * Math.log(0.75) - Math.log(0.25)) - 4 * Math.log(0.5)) / 12;
    expect(entropy).toBeCloseTo(0.6059391566, 9);
    expect(metrics.excessLogLoss).toBeCloseTo(0.8369882167858358 - entropy, 14);
    // Brier: ((.75 − .75)² + (.25 − .5)² + (.75 − .25)²)/3 = (0 + 0.0625 + 0.25)/3.
    expect(metrics.brier).toBeCloseTo(0.3125 / 3, 15);
    // Calibration: predictions .75 (pairs 1 and 3, observed .75 and .25) and .25 (pair 2, observed .5).
    expect(metrics.calibration).toEqual([
      { lo: 0.2, hi: 0.3, pairs: 1, meanPredicted: expect.closeTo(0.25, 14), meanObserved: 0.5 },
      { lo: 0.7, hi: 0.8, pairs: 2, meanPredicted: expect.closeTo(0.75, 14), meanObserved: 0.5 },
    ]);
  });

  it('has zero excess log-loss when predictions equal the observed shares, and NaN metrics on no pairs', () => {
    const exact: PackedPairs = { outcomeCount: 2, i: Int32Array.of(0), j: Int32Array.of(1), wins: Float64Array.of(3), total: Float64Array.of(4) };
    expect(evaluateFit(fit, exact).excessLogLoss).toBeCloseTo(0, 14);
    const none = evaluateFit(fit, { outcomeCount: 2, i: new Int32Array(0), j: new Int32Array(0), wins: new Float64Array(0), total: new Float64Array(0) });
    expect(none.pairs).toBe(0);
    expect(none.accuracy).toBeNaN();
    expect(none.accuracyLow).toBeNaN();
    expect(none.accuracyHigh).toBeNaN();
    // Only a tie: no decided pair, so no accuracy and no interval.
    const tie = evaluateFit(fit, { outcomeCount: 2, i: Int32Array.of(0), j: Int32Array.of(1), wins: Float64Array.of(2), total: Float64Array.of(4) });
    expect([tie.accuracy, tie.accuracyLow, tie.accuracyHigh]).toEqual([Number.NaN, Number.NaN, Number.NaN]);
    expect(none.logLoss).toBeNaN();
  });

  it('gives the same metrics when every pair is written the other way round (p ↔ 1 − p)', () => {
    const swapped: PackedPairs = { ...pairs, i: pairs.j, j: pairs.i, wins: pairs.total.map((t, k) => t - (pairs.wins[k] as number)) };
    const a = evaluateFit(fit, pairs);
    const b = evaluateFit(fit, swapped);
    expect(b.accuracy).toBe(a.accuracy);
    expect([b.accuracyLow, b.accuracyHigh]).toEqual([a.accuracyLow, a.accuracyHigh]);
    expect(b.logLoss).toBeCloseTo(a.logLoss, 14);
    expect(b.excessLogLoss).toBeCloseTo(a.excessLogLoss, 14);
    expect(b.brier).toBeCloseTo(a.brier, 14);
  });

  it('stays finite when a fit is certain and wrong (probabilities are clipped at 1e-12)', () => {
    const certain = fitOf([40, -40], [0.1, 0.1]);
    const wrong: PackedPairs = { outcomeCount: 2, i: Int32Array.of(0), j: Int32Array.of(1), wins: Float64Array.of(0), total: Float64Array.of(5) };
    const metrics = evaluateFit(certain, wrong);
    expect(metrics.logLoss).toBeCloseTo(-Math.log(1e-12), 3); // 1 − (1 − 1e-12) rounds to 1.00002e-12
    expect(metrics.accuracy).toBe(0);
  });
});
