import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.js';
import { type AdaptiveSamplingState, type AskedPairSamples, planAdaptiveSamples, rankWeights } from '../../src/elicitation/adaptive-sampling.js';
import { pairKey } from '../../src/elicitation/tally.js';
import { Phi } from '../../src/stats/normal.js';

const idsOf = (n: number) => Array.from({ length: n }, (_, k) => `o${k}`);

/** A state over n outcomes with utilities `mean`, spread 0.5 each, identity covariance and the given asked pairs. */
function stateWith(mean: number[], asked: AskedPairSamples[], options: { excluded?: string[]; covariance?: AdaptiveSamplingState['covariance'] } = {}): AdaptiveSamplingState {
  const n = mean.length;
  const identity = new Float64Array(n * n);
  for (let k = 0; k < n; k++) identity[k * n + k] = 0.1;
  return {
    ids: idsOf(n),
    mean: Float64Array.from(mean),
    spread: new Float64Array(n).fill(0.5),
    covariance: options.covariance ?? { kind: 'dense', matrix: identity },
    parameters: 2 * n - 2,
    asked,
    excluded: new Set(options.excluded ?? []),
  };
}

/** An asked pair with `perOrder` samples per order answered by a respondent with P(a ≻ b) = p, position offset `offset`. */
function askedPair(a: number, b: number, perOrder: number, z: number, offset: number, rng: Rng): AskedPairSamples {
  let abForA = 0;
  let baForA = 0;
  for (let k = 0; k < perOrder; k++) {
    if (rng.next() < Phi(z + offset)) abForA++;
    if (rng.next() < Phi(z - offset)) baForA++;
  }
  return { a, b, samplesPerOrder: perOrder, abAnswers: perOrder, abForA, baAnswers: perOrder, baForA };
}

const arbitraryState = fc
  .record({
    n: fc.integer({ min: 3, max: 14 }),
    seed: fc.integer({ min: 1, max: 1e6 }),
    askedShare: fc.double({ min: 0, max: 1, noNaN: true }),
    heldOutShare: fc.double({ min: 0, max: 0.5, noNaN: true }),
    maxPerOrder: fc.integer({ min: 1, max: 4 }),
    units: fc.integer({ min: 0, max: 40 }),
    dense: fc.boolean(),
  })
  .map(({ n, seed, askedShare, heldOutShare, maxPerOrder, units, dense }) => {
    const rng = new Rng(seed);
    const mean = Array.from({ length: n }, () => rng.normal());
    const asked: AskedPairSamples[] = [];
    const excluded: string[] = [];
    for (let a = 0; a < n; a++) {
      for (let b = a + 1; b < n; b++) {
        const roll = rng.next();
        if (roll < heldOutShare) excluded.push(pairKey(`o${a}`, `o${b}`));
        else if (roll < heldOutShare + askedShare * (1 - heldOutShare)) asked.push(askedPair(a, b, 1 + rng.int(maxPerOrder), (mean[a]! - mean[b]!) / 0.7, 0.3, rng));
      }
    }
    const variances = Float64Array.from({ length: n }, () => 0.05 + rng.next());
    const covariance: AdaptiveSamplingState['covariance'] = dense
      ? { kind: 'dense', matrix: Float64Array.from({ length: n * n }, (_, k) => (k % (n + 1) === 0 ? (variances[k / (n + 1)] as number) : 0)) }
      : { kind: 'diagonal', variances };
    return { state: stateWith(mean, asked, { excluded, covariance }), maxPerOrder, units, seed };
  });

describe('planAdaptiveSamples', () => {
  it('plans at most the units asked for, never a held-out pair, never one pair twice, and never beyond K per order', () => {
    fc.assert(
      fc.property(arbitraryState, ({ state, maxPerOrder, units, seed }) => {
        const plan = planAdaptiveSamples(state, { units, maxSamplesPerOrder: maxPerOrder }, new Rng(seed));
        expect(plan.units.length).toBeLessThanOrEqual(units);
        const askedByKey = new Map(state.asked.map((p) => [pairKey(`o${p.a}`, `o${p.b}`), p] as const));
        const seen = new Set<string>();
        let repeats = 0;
        for (const u of plan.units) {
          const key = pairKey(u.a, u.b);
          expect(state.excluded.has(key)).toBe(false);
          expect(seen.has(key)).toBe(false);
          seen.add(key);
          const before = askedByKey.get(key);
          // A further unit continues the pair's sample indices; a new pair starts at 0.
          expect(u.firstSample).toBe(before ? before.samplesPerOrder : 0);
          expect(u.firstSample + 1).toBeLessThanOrEqual(maxPerOrder);
          if (before) repeats++;
        }
        expect(plan.repeats).toBe(repeats);
        // It stops short only when nothing is left to ask.
        const askable = (state.ids.length * (state.ids.length - 1)) / 2 - state.excluded.size - state.asked.filter((p) => p.samplesPerOrder >= maxPerOrder).length;
        expect(plan.units.length).toBe(Math.min(units, askable));
      }),
      { numRuns: 150 },
    );
  });

  it('is a function of its state and seed: the same input plans the same units', () => {
    fc.assert(
      fc.property(arbitraryState, ({ state, maxPerOrder, units, seed }) => {
        const once = planAdaptiveSamples(state, { units, maxSamplesPerOrder: maxPerOrder }, new Rng(seed));
        const again = planAdaptiveSamples(state, { units, maxSamplesPerOrder: maxPerOrder }, new Rng(seed));
        expect(again).toEqual(once);
      }),
      { numRuns: 40 },
    );
  });

  it('values units under a dense covariance with no correlations exactly as under the same variances given alone', () => {
    // Only the first unit: after it, the dense posterior correlates the two outcomes asked, as it should.
    fc.assert(
      fc.property(arbitraryState, ({ state, maxPerOrder, seed }) => {
        if (state.covariance.kind !== 'dense') return;
        const n = state.ids.length;
        const variances = Float64Array.from({ length: n }, (_, k) => (state.covariance as { matrix: Float64Array }).matrix[k * n + k] as number);
        const dense = planAdaptiveSamples(state, { units: 1, maxSamplesPerOrder: maxPerOrder }, new Rng(seed));
        const diagonal = planAdaptiveSamples({ ...state, covariance: { kind: 'diagonal', variances } }, { units: 1, maxSamplesPerOrder: maxPerOrder }, new Rng(seed));
        expect(diagonal.units).toEqual(dense.units);
      }),
      { numRuns: 40 },
    );
  });

  it('asks first about the outcome whose utility is most uncertain', () => {
    const mean = [0, 0.1, 0.2, 0.3, 0.4, 0.5];
    const n = mean.length;
    const matrix = new Float64Array(n * n);
    for (let k = 0; k < n; k++) matrix[k * n + k] = k === 3 ? 2 : 0.05;
    const plan = planAdaptiveSamples(stateWith(mean, [], { covariance: { kind: 'dense', matrix } }), { units: 1, maxSamplesPerOrder: 5 }, new Rng(1));
    expect([plan.units[0]?.a, plan.units[0]?.b]).toContain('o3');
  });

  it('prefers a new pair to another sample of a pair whose outcomes the data already tie together', () => {
    // Outcomes 0 and 1 are strongly correlated (their difference is known), 2 and 3 are not; same variances.
    const mean = [0, 0.05, 0.1, 0.15];
    const n = 4;
    const matrix = new Float64Array(n * n);
    for (let k = 0; k < n; k++) matrix[k * n + k] = 0.2;
    matrix[0 * n + 1] = matrix[1 * n + 0] = 0.19;
    const asked: AskedPairSamples[] = [{ a: 0, b: 1, samplesPerOrder: 1, abAnswers: 1, abForA: 1, baAnswers: 1, baForA: 0 }];
    const excluded = [pairKey('o0', 'o2'), pairKey('o0', 'o3'), pairKey('o1', 'o2'), pairKey('o1', 'o3')];
    const plan = planAdaptiveSamples(stateWith(mean, asked, { excluded, covariance: { kind: 'dense', matrix } }), { units: 1, maxSamplesPerOrder: 5 }, new Rng(1));
    expect(plan.units).toEqual([{ a: 'o2', b: 'o3', firstSample: 0 }]);
  });

  it('gives further samples to asked pairs once no new pair is left', () => {
    const rng = new Rng(3);
    const mean = [0, 0.2, 0.4, 0.6, 0.8];
    const asked: AskedPairSamples[] = [];
    for (let a = 0; a < 5; a++) for (let b = a + 1; b < 5; b++) asked.push(askedPair(a, b, 1, (mean[a]! - mean[b]!) / 0.7, 0, rng));
    const plan = planAdaptiveSamples(stateWith(mean, asked), { units: 6, maxSamplesPerOrder: 3 }, new Rng(1));
    expect(plan.units).toHaveLength(6);
    expect(plan.repeats).toBe(6);
    expect(plan.units.every((u) => u.firstSample === 1)).toBe(true);
    // At the cap there is nothing left to ask.
    const capped = asked.map((p) => ({ ...p, samplesPerOrder: 3 }));
    expect(planAdaptiveSamples(stateWith(mean, capped), { units: 6, maxSamplesPerOrder: 3 }, new Rng(1)).units).toHaveLength(0);
  });

  it('gives the exploration share of a round to new pairs whatever their value, and the rest by value', () => {
    // Every pair among outcomes 0–5 asked once; 6–11 unasked. By value alone the round goes to the asked
    // pairs of the uncertain outcome 0; with exploration, a share goes to new pairs first.
    const n = 12;
    const mean = Array.from({ length: n }, (_, k) => k * 0.01);
    const matrix = new Float64Array(n * n);
    for (let k = 0; k < n; k++) matrix[k * n + k] = k === 0 ? 3 : 0.01;
    const rng = new Rng(8);
    const asked: AskedPairSamples[] = [];
    for (let a = 0; a < 6; a++) for (let b = a + 1; b < 6; b++) asked.push(askedPair(a, b, 1, 0, 0, rng));
    const state = { ...stateWith(mean, asked, { covariance: { kind: 'dense', matrix } }), parameters: 0 };
    const byValue = planAdaptiveSamples(state, { units: 4, maxSamplesPerOrder: 5, explorationShare: 0 }, new Rng(1));
    const explored = planAdaptiveSamples(state, { units: 4, maxSamplesPerOrder: 5, explorationShare: 0.5 }, new Rng(1));
    const elsewhere = (units: readonly { a: string; b: string }[]) => units.filter((u) => u.a !== 'o0' && u.b !== 'o0').length;
    expect(elsewhere(byValue.units)).toBe(0);
    // Two random new pairs: drawn from the unasked ones, whose value does not enter.
    expect(elsewhere(explored.units)).toBeGreaterThanOrEqual(1);
    expect(planAdaptiveSamples(state, { units: 10, maxSamplesPerOrder: 5, explorationShare: 1 }, new Rng(1)).repeats).toBe(0);
  });

  it('gives fewer further samples when answers to a pair are correlated (a planted pair effect) than when they are independent', () => {
    // 40 outcomes, every pair of a 4-regular graph asked 3 times per order; a pair effect of sd 1.5 on the probit in one respondent, none in the other.
    const n = 40;
    const rng = new Rng(11);
    const mean = Array.from({ length: n }, () => rng.normal());
    const repeatsWith = (pairSd: number) => {
      const answers = new Rng(`answers-${pairSd}`);
      const asked: AskedPairSamples[] = [];
      for (let a = 0; a < n; a++) {
        for (const step of [1, 2]) {
          const b = (a + step) % n;
          const z = ((mean[a] as number) - (mean[b] as number)) / Math.hypot(0.5, 0.5);
          asked.push(askedPair(Math.min(a, b), Math.max(a, b), 3, (a < b ? z : -z) + pairSd * answers.normal(), 0, answers));
        }
      }
      const state = { ...stateWith(mean, asked), parameters: 0 };
      const plan = planAdaptiveSamples(state, { units: 60, maxSamplesPerOrder: 10, explorationShare: 0 }, new Rng(5));
      return { repeats: plan.repeats, rho: plan.overdispersion };
    };
    const independent = repeatsWith(0);
    const correlated = repeatsWith(1.5);
    expect(correlated.rho).toBeGreaterThan(independent.rho + 0.2);
    expect(correlated.repeats).toBeLessThan(independent.repeats);
  });

  it('estimates the first-slot offset of a respondent that answers by position near indifference', () => {
    const n = 30;
    const rng = new Rng(21);
    const mean = Array.from({ length: n }, () => 0.1 * rng.normal());
    const asked: AskedPairSamples[] = [];
    for (let a = 0; a < n; a++) for (let b = a + 1; b < n; b += 3) asked.push(askedPair(a, b, 4, ((mean[a] as number) - (mean[b] as number)) / Math.hypot(0.5, 0.5), 1.4, rng));
    const plan = planAdaptiveSamples({ ...stateWith(mean, asked), parameters: 0 }, { units: 10, maxSamplesPerOrder: 10 }, new Rng(2));
    expect(Math.abs(plan.positionOffset - 1.4)).toBeLessThan(0.15);
    // Answers that follow the slot are not mistaken for a pair effect.
    expect(plan.overdispersion).toBeLessThan(0.1);
  });
});

describe('rankWeights', () => {
  it('weighs outcomes in a crowd of similar utilities above an isolated one, with mean 1', () => {
    const weights = rankWeights(Float64Array.from([0, 0.01, -0.02, 0.03, 0.02, 4]));
    expect(weights.reduce((a, b) => a + b, 0) / weights.length).toBeCloseTo(1, 12);
    for (let k = 0; k < 5; k++) expect(weights[k]).toBeGreaterThan(10 * (weights[5] as number));
  });

  it('does not change under a shift or a scaling of the utilities and follows a permutation; outcomes without a utility weigh 1', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 2, maxLength: 30 }),
        fc.double({ min: -3, max: 3, noNaN: true }),
        fc.double({ min: 0.2, max: 5, noNaN: true }),
        (values, shift, scale) => {
          if (Math.max(...values) - Math.min(...values) < 1e-6) return;
          const base = rankWeights(Float64Array.from(values));
          const moved = rankWeights(Float64Array.from(values, (v) => shift + scale * v));
          base.forEach((w, k) => expect(moved[k]).toBeCloseTo(w, 8));
          const reversed = rankWeights(Float64Array.from([...values].reverse()));
          [...base].reverse().forEach((w, k) => expect(reversed[k]).toBeCloseTo(w, 10));
        },
      ),
    );
    expect(rankWeights(Float64Array.from([0, 1, Number.NaN, 2]))[2]).toBe(1);
  });
});
