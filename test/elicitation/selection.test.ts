import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.js';
import type { UtilityFit } from '../../src/core/types.js';
import { defaultHoldoutCount, defaultPairBudget, initialPairs, sampleTriads, selectHoldoutPairs, selectNextPairs, triadPairs } from '../../src/elicitation/selection.js';
import { pairKey } from '../../src/elicitation/tally.js';

const idsOf = (n: number) => Array.from({ length: n }, (_, k) => `o${k}`);

function fakeFit(ids: readonly string[], mean: number[]): UtilityFit {
  const n = ids.length;
  const empty = { pairs: 0, accuracy: 0, accuracyLow: 0, accuracyHigh: 0, ties: 0, logLoss: 0, excessLogLoss: 0, brier: 0, calibration: [] };
  return { model: 'thurstonian', ids, mean: Float64Array.from(mean), sd: new Float64Array(n).fill(0.5), metrics: { train: empty }, converged: true, iterations: 1, reason: 'gradient', warnings: [] };
}

describe('pair selection', () => {
  it('uses the published defaults: min(5% of pairs, 1000) held out, 2·N·log₂N pairs', () => {
    expect(defaultHoldoutCount(510)).toBe(1000); // 5% of 129,795 = 6,490 → capped
    expect(defaultHoldoutCount(50)).toBe(61); // 5% of 1,225 = 61.25
    expect(defaultPairBudget(510)).toBe(Math.ceil(2 * 510 * Math.log2(510)));
  });

  it('holds out the same pairs for the same ids and seed, different ones for another seed', () => {
    const ids = idsOf(100);
    const a = selectHoldoutPairs(ids, 200, new Rng('s1'));
    expect(selectHoldoutPairs(ids, 200, new Rng('s1'))).toEqual(a);
    expect(selectHoldoutPairs(ids, 200, new Rng('s2'))).not.toEqual(a);
    expect(new Set(a.map(([x, y]) => pairKey(x, y))).size).toBe(200);
    for (const [x, y] of a) expect(Number(x.slice(1))).toBeLessThan(Number(y.slice(1)));
  });

  it('starts from a 2-regular graph avoiding held-out pairs', () => {
    fc.assert(
      fc.property(fc.integer({ min: 3, max: 60 }), fc.integer(), (n, seed) => {
        const ids = idsOf(n);
        const holdout = new Set(selectHoldoutPairs(ids, defaultHoldoutCount(n), new Rng(seed)).map(([x, y]) => pairKey(x, y)));
        const pairs = initialPairs(ids, new Rng(seed + 1), holdout);
        const degree = new Map<string, number>();
        for (const [x, y] of pairs) {
          expect(holdout.has(pairKey(x, y))).toBe(false);
          degree.set(x, (degree.get(x) ?? 0) + 1);
          degree.set(y, (degree.get(y) ?? 0) + 1);
        }
        if (pairs.length === n) for (const id of ids) expect(degree.get(id)).toBe(2);
        else expect(pairs.length).toBeGreaterThanOrEqual(n - 2); // a held-out pair could not be avoided (tiny N)
      }),
      { numRuns: 60 },
    );
  });

  it('never returns an asked, held-out or repeated pair, under every strategy', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('random' as const, 'paper' as const, 'uncertainty' as const),
        fc.integer({ min: 5, max: 40 }),
        fc.integer({ min: 1, max: 80 }),
        fc.integer(),
        (strategy, n, count, seed) => {
          const ids = idsOf(n);
          const rng = new Rng(seed);
          const excluded = new Set(selectHoldoutPairs(ids, Math.floor(n / 2), rng.fork('h')).map(([x, y]) => pairKey(x, y)));
          const asked = new Map(initialPairs(ids, rng.fork('i'), excluded).map(([x, y]) => [pairKey(x, y), 4] as const));
          const fit = fakeFit(
            ids,
            ids.map((_, k) => Math.sin(k)),
          );
          const next = selectNextPairs({ ids, asked, excluded, fit }, { strategy, count }, rng.fork('n'));
          const keys = next.map(([x, y]) => pairKey(x, y));
          expect(new Set(keys).size).toBe(keys.length);
          for (const key of keys) {
            expect(asked.has(key)).toBe(false);
            expect(excluded.has(key)).toBe(false);
          }
          const available = (n * (n - 1)) / 2 - excluded.size - asked.size;
          expect(keys.length).toBe(Math.min(count, available));
        },
      ),
      { numRuns: 80 },
    );
  });

  it('the published rule picks pairs with much smaller utility gaps than random pairs', () => {
    const ids = idsOf(200);
    const fit = fakeFit(
      ids,
      ids.map((_, k) => (k - 100) / 50),
    );
    const gap = (pairs: [string, string][]) => pairs.reduce((s, [x, y]) => s + Math.abs(Number(x.slice(1)) - Number(y.slice(1))), 0) / pairs.length;
    const state = { ids, asked: new Map<string, number>(), excluded: new Set<string>(), fit };
    const paper = selectNextPairs(state, { strategy: 'paper', count: 100 }, new Rng(1));
    const random = selectNextPairs(state, { strategy: 'random', count: 100 }, new Rng(1));
    expect(gap(paper)).toBeLessThan(gap(random) / 3);
  });

  it('the uncertainty rule serves outcomes below the degree floor first', () => {
    const ids = idsOf(30);
    // Every outcome but o29 already has 3 pairs.
    const asked = new Map<string, number>();
    for (let k = 0; k < 28; k++) for (const d of [1, 2, 3]) if (k + d < 29) asked.set(pairKey(`o${k}`, `o${k + d}`), 2);
    asked.set(pairKey('o26', 'o28'), 2);
    asked.set(pairKey('o27', 'o28'), 2);
    const fit = fakeFit(
      ids,
      ids.map((_, k) => k / 10),
    );
    const next = selectNextPairs({ ids, asked, excluded: new Set(), fit }, { strategy: 'uncertainty', count: 3 }, new Rng(2));
    for (const [x, y] of next) expect(x === 'o29' || y === 'o29').toBe(true);
  });

  it('samples distinct triads and lists each of their pairs once', () => {
    const ids = idsOf(12);
    const triads = sampleTriads(ids, 50, new Rng(3));
    expect(new Set(triads.map((t) => t.join())).size).toBe(50);
    const pairs = triadPairs(triads);
    expect(new Set(pairs.map(([x, y]) => pairKey(x, y))).size).toBe(pairs.length);
    expect(sampleTriads(idsOf(4), 10, new Rng(1))).toHaveLength(4); // only C(4,3) exist
  });
});
