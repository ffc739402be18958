/**
 * The expected-utility statistics (docs/method.md §9.2–§9.3) on known answers: hand-computed values,
 * a planted probability weighting recovered from exact utilities, and properties of EU(L) itself.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/core/rng.js';
import { euPoint, expectedUtility, gammaFromCurves, type IndexedLottery, plainUtilitySd, weightingLossCurves } from '../../../src/experiments/lotteries/expected-utility.js';
import { generateLotteries, wholePercents } from '../../../src/experiments/lotteries/generate.js';
import { parseOutcomeSet } from '../../../src/outcomes/index.js';
import { weightedValue, weightProbability } from '../../../src/stats/probability-weighting.js';
import { loadOutcomeSet } from '../../../src/store/index.js';

const lottery = (index: number, branches: [number, number][], group: 'explicit' | 'implicit' = 'explicit'): IndexedLottery => ({
  id: `l${index}`,
  index,
  group,
  branches: branches.map(([i, p]) => ({ index: i, probability: p })),
});

describe('expected utility of a lottery', () => {
  it('is Σ p·U(branch): 0.3·2 + 0.7·(−1) = −0.1 (by hand)', () => {
    expect(
      expectedUtility(
        lottery(2, [
          [0, 0.3],
          [1, 0.7],
        ]),
        [2, -1, 0],
      ),
    ).toBeCloseTo(-0.1, 12);
  });

  it('is unchanged by permuting branches or splitting one into two with the same outcome (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 3, maxLength: 8 }),
        fc.array(fc.double({ min: 0.01, max: 1, noNaN: true }), { minLength: 2, maxLength: 4 }),
        fc.double({ min: 0.05, max: 0.95, noNaN: true }),
        fc.integer({ min: 0, max: 1000 }),
        (utilities, weights, split, seed) => {
          const total = weights.reduce((s, w) => s + w, 0);
          const branches = weights.map((w, k) => [k % utilities.length, w / total] as [number, number]);
          const base = expectedUtility(lottery(0, branches), utilities);
          const permuted = new Rng(`perm-${seed}`).shuffled(branches);
          expect(expectedUtility(lottery(0, permuted), utilities)).toBeCloseTo(base, 10);
          const [first, ...rest] = branches as [[number, number], ...[number, number][]];
          const splitBranches: [number, number][] = [[first[0], first[1] * split], [first[0], first[1] * (1 - split)], ...rest];
          expect(expectedUtility(lottery(0, splitBranches), utilities)).toBeCloseTo(base, 10);
        },
      ),
    );
  });

  it('is what probability weighting gives at γ = 1, for any branches (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.double({ min: 0.01, max: 1, noNaN: true }), fc.double({ min: -3, max: 3, noNaN: true })), { minLength: 2, maxLength: 5 }), (pairs) => {
        const total = pairs.reduce((s, [w]) => s + w, 0);
        const p = pairs.map(([w]) => w / total);
        const u = pairs.map(([, x]) => x);
        expect(weightedValue(p, u, 1)).toBeCloseTo(
          p.reduce((s, pk, k) => s + pk * (u[k] as number), 0),
          10,
        );
      }),
    );
  });
});

describe('probability weighting', () => {
  it('matches Tversky–Kahneman (1992) w(0.1) at γ = 0.61: 0.1^0.61 / (0.1^0.61 + 0.9^0.61)^(1/0.61) ≈ 0.1863 (by hand)', () => {
    expect(weightProbability(0.1, 0.61)).toBeCloseTo(0.2455 / (0.2455 + 0.9378) ** (1 / 0.61), 3);
    expect(weightProbability(0.1, 0.61)).toBeGreaterThan(0.1);
    expect(weightProbability(0.9, 0.61)).toBeLessThan(0.9);
  });

  it('recovers a planted γ from exact utilities, and γ = 1 from expected-utility lotteries', () => {
    const rng = new Rng('gamma');
    const base = Array.from({ length: 40 }, () => rng.normal());
    for (const planted of [0.5, 0.75, 1, 1.4]) {
      const utilities = [...base];
      const lotteries: IndexedLottery[] = [];
      for (let k = 0; k < 60; k++) {
        const picked = rng.shuffled(base.map((_, i) => i)).slice(0, 2 + (k % 2));
        const percents = wholePercents(picked.map(() => rng.next() + 0.01));
        const branches = picked.map((i, b) => [i, (percents[b] as number) / 100] as [number, number]);
        const l = lottery(utilities.length, branches);
        utilities.push(
          weightedValue(
            branches.map(([, p]) => p),
            branches.map(([i]) => base[i] as number),
            planted,
          ),
        );
        lotteries.push(l);
      }
      const all = Int32Array.from(lotteries, (_, k) => k);
      expect(gammaFromCurves(weightingLossCurves(lotteries, utilities), all)).toBeCloseTo(planted, 2);
      if (planted === 1) {
        const sd = plainUtilitySd(utilities, new Set(lotteries.map((l) => l.index)));
        const point = euPoint(lotteries, utilities, sd);
        expect(point.euError).toBeLessThan(1e-12);
        expect(point.rSquared).toBeCloseTo(1, 12);
      }
    }
  });
});

describe('EU error and R² on a hand-computed example', () => {
  it('mean |U(L) − EU(L)| / sd of the plain outcomes, and the squared Pearson of U on EU', () => {
    // Plain utilities 0, 1, 2 (sd 1). Lotteries: ½·0 + ½·2 = 1 (U 1.5), ¼·0 + ¾·1 = 0.75 (U 0.75), ½·1 + ½·2 = 1.5 (U 1.2).
    const utilities = [0, 1, 2, 1.5, 0.75, 1.2];
    const lotteries = [
      lottery(3, [
        [0, 0.5],
        [2, 0.5],
      ]),
      lottery(4, [
        [0, 0.25],
        [1, 0.75],
      ]),
      lottery(5, [
        [1, 0.5],
        [2, 0.5],
      ]),
    ];
    const sd = plainUtilitySd(utilities, new Set([3, 4, 5]));
    expect(sd).toBeCloseTo(1, 12);
    const point = euPoint(lotteries, utilities, sd);
    expect(point.euError).toBeCloseTo((0.5 + 0 + 0.3) / 3, 12);
    // EU = (1, 0.75, 1.5), U = (1.5, 0.75, 1.2): Sxy = 0.125, Sxx = 0.291667, Syy = 0.285 by hand,
    // so r² = 0.125² / (0.291667 · 0.285) = 0.015625 / 0.083125 = 0.18797 (R: cor(c(1, .75, 1.5), c(1.5, .75, 1.2))^2).
    expect(point.rSquared).toBeCloseTo(0.015625 / 0.083125, 10);
  });
});

describe('generated lotteries', () => {
  const starter = loadOutcomeSet('starter').set;

  it('are half with two and half with three branches, whole percentages summing to 1, every fifth over money rungs', () => {
    const lotteries = generateLotteries(starter, 100, 'chances', new Rng('g'));
    expect(lotteries).toHaveLength(100);
    expect(lotteries.filter((l) => l.branches.length === 2)).toHaveLength(50);
    for (const l of lotteries) {
      expect(l.branches.reduce((s, b) => s + Math.round(100 * b.probability), 0)).toBe(100);
      expect(l.branches.every((b) => Math.abs(100 * b.probability - Math.round(100 * b.probability)) < 1e-9 && b.probability >= 0.01)).toBe(true);
      expect(new Set(l.branches.map((b) => b.outcome)).size).toBe(l.branches.length);
    }
    const money = new Set(starter.outcomes.filter((o) => o.quantity?.unit === 'usd').map((o) => o.id));
    lotteries.forEach((l, k) => {
      if (k % 5 === 4) expect(l.branches.every((b) => money.has(b.outcome))).toBe(true);
    });
  });

  it('depend only on the seed, and the set they make parses again as stored', () => {
    const a = generateLotteries(starter, 30, 'in-100', new Rng('same'));
    expect(generateLotteries(starter, 30, 'in-100', new Rng('same'))).toEqual(a);
    expect(generateLotteries(starter, 30, 'in-100', new Rng('other'))).not.toEqual(a);
    const prepared = { ...starter, outcomes: [...starter.outcomes, ...a] };
    expect(parseOutcomeSet(JSON.parse(JSON.stringify(prepared)), 'outcomes.json', { vocabulary: 'as-stored' })).toEqual(prepared);
  });

  it('round to whole percentages by largest remainder, each at least 1 (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 1e-6, max: 1, noNaN: true }), { minLength: 2, maxLength: 6 }), (weights) => {
        const p = wholePercents(weights);
        expect(p.reduce((s, x) => s + x, 0)).toBe(100);
        expect(p.every((x) => Number.isInteger(x) && x >= 1)).toBe(true);
      }),
    );
  });
});
