import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.js';
import { answerOverdispersion, effectiveAnswers, type OrderedAnswers, positionBiasOffset, probitAnswerInformation } from '../../src/elicitation/answer-information.js';
import { inversePhi, Phi } from '../../src/stats/normal.js';

/** Pairs with fitted probits z ~ N(0, zSd²), `answers` per order, answered with first-slot offset `offset` and a pair effect of sd `pairSd` on the probit. */
function simulatePairs(count: number, answers: number, offset: number, pairSd: number, rng: Rng, zSd = 1): OrderedAnswers[] {
  return Array.from({ length: count }, () => {
    const z = zSd * rng.normal();
    const own = z + pairSd * rng.normal();
    let abForA = 0;
    let baForA = 0;
    for (let k = 0; k < answers; k++) {
      if (rng.next() < Phi(own + offset)) abForA++;
      if (rng.next() < Phi(own - offset)) baForA++;
    }
    return { z, abAnswers: answers, abForA, baAnswers: answers, baForA };
  });
}

describe('probitAnswerInformation', () => {
  it('is φ(z)²/(Φ(z)Φ(−z)): 2/π at 0 and the mpmath values at 0.5, 2, −3, 8 and 30 (mpmath at 30 digits, rounded to doubles)', () => {
    expect(probitAnswerInformation(0)).toBeCloseTo(2 / Math.PI, 15);
    const reference: [number, number][] = [
      [0.5, 0.5809916526023986],
      [2, 0.1311150858650423],
      [-3, 0.014569863390000545],
      [8, 4.103135327220913e-14],
      [30, 4.425839702671741e-195],
    ];
    for (const [z, value] of reference) expect(Math.abs(probitAnswerInformation(z) - value) / value, `z = ${z}`).toBeLessThan(1e-12);
  });

  it('is symmetric in z, positive, at most 2/π and falls as |z| grows', () => {
    fc.assert(
      fc.property(fc.double({ min: -37, max: 37, noNaN: true }), fc.double({ min: 0, max: 5, noNaN: true }), (z, step) => {
        const here = probitAnswerInformation(z);
        expect(here).toBe(probitAnswerInformation(-z));
        expect(here).toBeGreaterThan(0);
        expect(here).toBeLessThanOrEqual(2 / Math.PI + 1e-15);
        expect(probitAnswerInformation(Math.abs(z) + step)).toBeLessThanOrEqual(here * (1 + 1e-12));
      }),
    );
    expect(probitAnswerInformation(Number.NaN)).toBe(0);
  });
});

describe('positionBiasOffset', () => {
  it('recovers a planted first-slot offset from simulated answers, and 0 where there is none', () => {
    for (const planted of [0, 0.4, 1.3, -0.7]) {
      const estimate = positionBiasOffset(simulatePairs(3000, 2, planted, 0, new Rng(`offset-${planted}`)));
      expect(Math.abs(estimate - planted), `planted ${planted}`).toBeLessThan(0.06);
    }
  });

  it('changes sign when every pair is presented the other way round, and is 0 without answers', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e6 }), fc.double({ min: -2, max: 2, noNaN: true }), (seed, planted) => {
        const pairs = simulatePairs(40, 3, planted, 0, new Rng(seed));
        // Swapping the orders: what was asked with a first is now asked with b first.
        const mirrored = pairs.map((p) => ({ z: p.z, abAnswers: p.baAnswers, abForA: p.baForA, baAnswers: p.abAnswers, baForA: p.abForA }));
        expect(positionBiasOffset(mirrored)).toBeCloseTo(-positionBiasOffset(pairs), 6);
      }),
      { numRuns: 50 },
    );
    expect(positionBiasOffset([])).toBe(0);
    expect(positionBiasOffset([{ z: 0.3, abAnswers: 0, abForA: 0, baAnswers: 0, baForA: 0 }])).toBe(0);
  });

  it('stays inside ±4 when one slot wins every answer', () => {
    const allFirst = Array.from({ length: 20 }, (_, k) => ({ z: k / 10 - 1, abAnswers: 5, abForA: 5, baAnswers: 5, baForA: 0 }));
    const b = positionBiasOffset(allFirst);
    expect(b).toBeGreaterThan(2);
    expect(b).toBeLessThanOrEqual(4);
  });
});

describe('answerOverdispersion', () => {
  it('recovers the intraclass correlation of a planted pair effect, and finds none in binomial answers', () => {
    // With a probit pair effect of sd τ, answers to one pair correlate by about Var(P_pair)/(P(1 − P)).
    const rng = new Rng('dispersion');
    const binomial = simulatePairs(4000, 3, 0.5, 0, rng);
    expect(answerOverdispersion(binomial, 0.5, 0)).toBeLessThan(0.02);
    const tau = 0.8;
    const correlated = simulatePairs(4000, 3, 0.5, tau, rng);
    // Reference: the average of Var(Φ(z + τε)) / (E·(1 − E)) over the simulated z, by simulation.
    let ratio = 0;
    const draws = new Rng('reference');
    for (const p of correlated.slice(0, 400)) {
      const values = Array.from({ length: 400 }, () => Phi(p.z + tau * draws.normal()));
      const m = values.reduce((a, b) => a + b, 0) / values.length;
      ratio += values.reduce((a, b) => a + (b - m) ** 2, 0) / values.length / (m * (1 - m)) / 400;
    }
    const estimate = answerOverdispersion(correlated, 0.5, 0);
    expect(estimate).toBeGreaterThan(0.5 * ratio);
    expect(estimate).toBeLessThan(1.5 * ratio);
  });

  it('lies in [0, 1], and is 0 when there are no more pairs than fitted parameters', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e6 }), fc.double({ min: 0, max: 3, noNaN: true }), (seed, tau) => {
        const pairs = simulatePairs(30, 2, 0.2, tau, new Rng(seed));
        const rho = answerOverdispersion(pairs, 0.2, 5);
        expect(rho).toBeGreaterThanOrEqual(0);
        expect(rho).toBeLessThanOrEqual(1);
        expect(answerOverdispersion(pairs, 0.2, 30)).toBe(0);
      }),
      { numRuns: 50 },
    );
  });

  it('reads answers against each order’s own probability: a respondent answering by position is not overdispersed', () => {
    // Near indifference with P(first) = 0.95 each order splits its answers almost surely, which a
    // pooled binomial would call underdispersed and a per-order one calls exactly binomial.
    const offset = inversePhi(0.95);
    const pairs = simulatePairs(4000, 2, offset, 0, new Rng('position'), 0.05);
    expect(answerOverdispersion(pairs, offset, 0)).toBeLessThan(0.05);
  });
});

describe('effectiveAnswers', () => {
  it('is n for independent answers, 1 for perfectly correlated ones, and n/(1 + (n − 1)ρ) between (Kish 1965)', () => {
    expect(effectiveAnswers(10, 0)).toBe(10);
    expect(effectiveAnswers(10, 1)).toBe(1);
    expect(effectiveAnswers(4, 0.25)).toBeCloseTo(4 / 1.75, 15);
    expect(effectiveAnswers(0, 0.3)).toBe(0);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100 }), fc.double({ min: 0, max: 1, noNaN: true }), (n, rho) => {
        // More answers are never worth less, and two more are worth at most two.
        const gain = effectiveAnswers(n + 2, rho) - effectiveAnswers(n, rho);
        expect(gain).toBeGreaterThanOrEqual(-1e-12);
        expect(gain).toBeLessThanOrEqual(2 + 1e-12);
      }),
    );
  });
});
