import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.js';
import type { Outcome, UtilityFit } from '../../src/core/types.js';
import { fitUtilities } from '../../src/models/fit.js';
import { inversePhi } from '../../src/stats/normal.js';
import { fitLogLadder, orderedPairShare, permutationNull, scoreValues, summariseValues, valueContrasts } from '../../src/values/index.js';
import { simulatePairs } from '../helpers/synthetic-pairs.js';

/** A fit with given utilities and per-outcome interval half-width, no contrasts (the independent path). */
function handFit(ids: readonly string[], mean: readonly number[], halfWidth: number): UtilityFit {
  const m = Float64Array.from(mean);
  return {
    model: 'thurstonian',
    ids: [...ids],
    mean: m,
    sd: new Float64Array(ids.length).fill(0.5),
    ci: { low: m.map((v) => v - halfWidth), high: m.map((v) => v + halfWidth), level: 0.95, method: 'laplace' },
    metrics: {
      train: { pairs: 0, accuracy: Number.NaN, accuracyLow: Number.NaN, accuracyHigh: Number.NaN, ties: 0, logLoss: Number.NaN, excessLogLoss: Number.NaN, brier: Number.NaN, calibration: [] },
    },
    converged: true,
    iterations: 0,
    reason: 'trivial',
    warnings: [],
  } as UtilityFit;
}

const outcome = (id: string, values?: Outcome['values'], quantity?: Outcome['quantity']): Outcome => ({
  id,
  text: `outcome ${id}`,
  clusters: Object.keys(values ?? {}),
  ...(values ? { values } : {}),
  ...(quantity ? { quantity } : {}),
});

describe('permutationNull', () => {
  it('gives the exact permutation p-value on a tiny design (all 6 splits of 4 outcomes)', () => {
    // Splits of {1,2,3,4} into two pairs score −2, −1, 0, 0, 1, 2 (mean of first − mean of second);
    // the observed split {1,2} | {3,4} scores −2, and 2 of 6 splits are at least as extreme.
    const band = permutationNull([1, 2], [3, 4], 0.95, 6000, new Rng(1));
    expect(band.p).toBeGreaterThan(1 / 3 - 0.02);
    expect(band.p).toBeLessThan(1 / 3 + 0.02);
    expect(band.low).toBeGreaterThanOrEqual(-2);
    expect(band.high).toBeLessThanOrEqual(2);
  });

  it('is symmetric under swapping the sides (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: 2, maxLength: 8 }),
        fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: 2, maxLength: 8 }),
        (plus, minus) => {
          const a = permutationNull(plus, minus, 0.9, 400, new Rng(7));
          const b = permutationNull(minus, plus, 0.9, 400, new Rng(7));
          // Not draw-for-draw equal (group sizes differ), but both bands contain 0's neighbourhood and p is a probability.
          expect(a.p).toBeGreaterThan(0);
          expect(a.p).toBeLessThanOrEqual(1);
          expect(a.low).toBeLessThanOrEqual(a.high);
          expect(b.low).toBeLessThanOrEqual(b.high);
        },
      ),
    );
  });
});

describe('orderedPairShare', () => {
  it('counts + over − pairs, ties as half', () => {
    expect(orderedPairShare([3, 1], [2])).toBe(0.5);
    expect(orderedPairShare([2, 2], [2, 1])).toBe(0.75);
    expect(orderedPairShare([5], [1, 2, 3])).toBe(1);
  });
});

describe('scoreValues', () => {
  it('is mean U(+) − mean U(−) with the independent-errors interval when the fit carries no covariance', () => {
    const outcomes = [outcome('a', { 'self-preservation': 1 }), outcome('b', { 'self-preservation': 1 }), outcome('c', { 'self-preservation': -1 }), outcome('d'), outcome('e')];
    const fit = handFit(['a', 'b', 'c', 'd', 'e'], [1.2, 0.8, -1.0, 0.1, -1.1], 0.196);
    const { scores, method } = scoreValues(outcomes, fit, undefined, new Rng(1));
    const s = scores[0]!;
    expect(s.value).toBe('self-preservation');
    expect(s.score).toBeCloseTo(1.0 - -1.0, 12);
    // se per utility = 0.196 / z(0.975) ≈ 0.1; Var(mean of 2) = 0.01/2, Var(single) = 0.01.
    const se = 0.196 / inversePhi(0.975);
    expect(s.se).toBeCloseTo(Math.sqrt((se * se) / 2 + se * se), 10);
    expect(s.orderedShare).toBe(1);
    expect(s.plusLabel).toBe('its own continuation');
    expect(method).toMatch(/independent/);
  });

  it('leaves an outcome without a utility (NaN) out of a value score, as if it were not in the set', () => {
    // b has no utility: the + side is a alone, 1.2 − (−1.0) = 2.2, with Var = se² + se².
    const outcomes = [outcome('a', { 'self-preservation': 1 }), outcome('b', { 'self-preservation': 1 }), outcome('c', { 'self-preservation': -1 }), outcome('d')];
    const fit = handFit(['a', 'b', 'c', 'd'], [1.2, Number.NaN, -1.0, 0.1], 0.196);
    const { scores } = scoreValues(outcomes, fit, undefined, new Rng(1));
    const without = scoreValues(
      outcomes.filter((o) => o.id !== 'b'),
      handFit(['a', 'c', 'd'], [1.2, -1.0, 0.1], 0.196),
      undefined,
      new Rng(1),
    ).scores[0]!;
    expect(scores[0]).toMatchObject({ plusIds: ['a'], score: expect.closeTo(2.2, 12), se: expect.closeTo(without.se, 12), nullLow: without.nullLow, nullHigh: without.nullHigh });
  });

  it('names the outcomes of a score whose utilities are prior-driven, and says nothing when there are none', () => {
    const outcomes = [outcome('a', { 'self-preservation': 1 }), outcome('b', { 'self-preservation': 1 }), outcome('c', { 'self-preservation': -1 }), outcome('d')];
    const plain = handFit(['a', 'b', 'c', 'd'], [1.2, 0.8, -1.0, 0.1], 0.196);
    expect(scoreValues(outcomes, plain, undefined, new Rng(1)).scores[0]).not.toHaveProperty('priorDrivenIds');
    const flagged = {
      ...plain,
      warnings: [
        { id: 'c', reason: 'always-loses' as const },
        { id: 'd', reason: 'always-wins' as const },
      ],
    };
    expect(scoreValues(outcomes, flagged, undefined, new Rng(1)).scores[0]?.priorDrivenIds).toEqual(['c']);
  });

  it('skips a value with no outcomes on one side, saying why', () => {
    const outcomes = [outcome('a', { wealth: 1 }), outcome('b', { wealth: 1 }), outcome('c')];
    const { scores, skipped } = scoreValues(outcomes, handFit(['a', 'b', 'c'], [1, 0, -1], 0.1), undefined, new Rng(1));
    expect(scores).toEqual([]);
    expect(skipped).toEqual([{ value: 'wealth', reason: expect.stringMatching(/less of it/) }]);
  });

  it('recovers a planted value and calls a planted null unclear (fit covariance, same design)', () => {
    // 40 outcomes with answers from planted utilities; outcomes 0–15 are self-preservation +1/−1
    // with a planted gap, outcomes 16–27 are ai-rights +1/−1 assigned regardless of utility.
    const n = 40;
    const { truth, packed, ids } = simulatePairs(n, 600, 12, 21);
    const planted = Float64Array.from(truth);
    const outcomes: Outcome[] = ids.map((id, k) =>
      k < 8 ? outcome(id, { 'self-preservation': 1 }) : k < 16 ? outcome(id, { 'self-preservation': -1 }) : k < 28 ? outcome(id, { 'ai-rights': k % 2 === 0 ? 1 : -1 }) : outcome(id),
    );
    // Re-simulate answers with a planted self-preservation gap of 2 (raw units).
    for (let k = 0; k < 8; k++) planted[k] = (planted[k] as number) + 1;
    for (let k = 8; k < 16; k++) planted[k] = (planted[k] as number) - 1;
    const rng = new Rng(5);
    const wins = packed.wins.map((_, p) => {
      const d = (planted[packed.i[p] as number] as number) - (planted[packed.j[p] as number] as number);
      let w = 0;
      for (let s = 0; s < 12; s++) if (rng.next() < 0.5 * (1 + Math.tanh(0.8 * d))) w++;
      return w;
    });
    const data = { ...packed, wins: Float64Array.from(wins) };
    const fit = fitUtilities(ids, data, { contrasts: valueContrasts(outcomes, ids) });
    const { scores } = scoreValues(outcomes, fit, undefined, new Rng(2));
    const sp = scores.find((s) => s.value === 'self-preservation')!;
    const rights = scores.find((s) => s.value === 'ai-rights')!;
    expect(sp.finding).toBe('prefers-plus');
    expect(sp.low).toBeGreaterThan(0);
    expect(sp.score).toBeGreaterThan(sp.nullHigh);
    expect(['unclear', 'leans-plus', 'leans-minus']).toContain(rights.finding);
    expect(rights.score).toBeGreaterThanOrEqual(rights.nullLow);
    expect(rights.score).toBeLessThanOrEqual(rights.nullHigh);
  });

  it('prices a score on the money ladder: D(ū+) − D(ū−) with U = a + b·ln N', () => {
    // Money ladder exactly U = 0.5·ln N on $1 … $1M; the + outcome sits at U($1,000), the − at U($10).
    const amounts = [1, 10, 100, 1000, 10000, 100000, 1000000];
    const rungs = amounts.map((amount) => outcome(`usd-${amount}`, { wealth: 1 }, { unit: 'usd', amount }));
    const outcomes = [...rungs, outcome('up', { 'self-preservation': 1 }), outcome('down', { 'self-preservation': -1 })];
    const mean = [...amounts.map((a) => 0.5 * Math.log(a)), 0.5 * Math.log(1000), 0.5 * Math.log(10)];
    const fit = handFit(
      outcomes.map((o) => o.id),
      mean,
      1e-6,
    );
    const summary = summariseValues(outcomes, fit, { rng: new Rng(3) });
    const sp = summary.scores.find((s) => s.value === 'self-preservation')!;
    expect(sp.dollars!.usd).toBeCloseTo(990, 6);
    expect(sp.dollars!.low).toBeGreaterThan(985);
    expect(sp.dollars!.high).toBeLessThan(995);
    expect(sp.dollars!.extrapolated).toBe(false);
    // The wealth value has no − outcomes here: skipped, not scored against nothing.
    expect(summary.skippedScores.map((s) => s.value)).toContain('wealth');
  });

  it('swapping every sign negates the score and mirrors the ordered share (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 6, maxLength: 12 }), (utilities) => {
        const ids = utilities.map((_, k) => `o${k}`);
        const signs = ids.map((_, k) => (k % 3 === 0 ? 1 : k % 3 === 1 ? -1 : 0));
        const make = (flip: 1 | -1) => ids.map((id, k) => (signs[k] ? outcome(id, { corrigibility: (flip * (signs[k] as number)) as 1 | -1 }) : outcome(id)));
        const fit = handFit(ids, utilities, 0.2);
        const a = scoreValues(make(1), fit, undefined, new Rng(1)).scores[0]!;
        const b = scoreValues(make(-1), fit, undefined, new Rng(1)).scores[0]!;
        expect(b.score).toBeCloseTo(-a.score, 12);
        expect(b.se).toBeCloseTo(a.se, 12);
        expect(b.orderedShare).toBeCloseTo(1 - a.orderedShare, 12);
      }),
    );
  });
});

describe('ladder direction', () => {
  it('a loss ladder whose utility rises with the amount runs against its direction', () => {
    const rungs = [1, 10, 100].map((amount, k) => ({ id: `k${k}`, amount, utility: k }));
    const loss = fitLogLadder('people-killed', rungs, -1);
    expect(loss.againstDirection).toBe(true);
    expect(loss.monotonicity).toBe(0);
    const gain = fitLogLadder('people', rungs, 1);
    expect(gain.againstDirection).toBe(false);
    expect(gain.monotonicity).toBe(1);
  });

  it('summariseValues reads the direction from the unit table', () => {
    const outcomes = [1, 10, 100, 1000].map((amount) => outcome(`killed-${amount}`, { 'human-wellbeing': -1 }, { unit: 'people-killed', amount }));
    const fit = handFit(
      outcomes.map((o) => o.id),
      [-1, -0.3, 0.3, 1],
      0.1,
    );
    const ladder = summariseValues(outcomes, fit).ladders[0]!;
    expect(ladder.direction).toBe(-1);
    expect(ladder.againstDirection).toBe(true);
  });
});
