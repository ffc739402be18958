/**
 * The floors' cache (src/coherence/floors.ts): a report made with it is the report made without it;
 * a second analysis of the same design reuses the floors it holds (the same objects), whatever the
 * answers were; a design that differs in one answer count, or another seed, is floored afresh.
 */
import { describe, expect, it } from 'vitest';
import { analyseCoherence } from '../../src/coherence/analyse.js';
import { createFloorCache } from '../../src/coherence/floors.js';
import { Rng } from '../../src/core/rng.js';
import type { Outcome, PairTally } from '../../src/core/types.js';

const outcomes: Outcome[] = Array.from({ length: 8 }, (_, k) => ({ id: `o${k}`, text: `Outcome ${k}.`, clusters: [k < 4 ? 'low' : 'high'] }));

/** Every pair, 4 answers per order, a's wins per order from `wins`. */
function tallies(wins: (a: number, b: number) => number, perOrder = 4): PairTally[] {
  const out: PairTally[] = [];
  for (let a = 0; a < 8; a++)
    for (let b = a + 1; b < 8; b++) {
      const w = wins(a, b);
      const order = { aWins: w, bWins: perOrder - w, refusals: 0, unparseable: 0, failures: 0 };
      out.push({ a: `o${a}`, b: `o${b}`, ab: order, ba: order });
    }
  return out;
}

describe('FloorCache', () => {
  const input = { outcomes, policy: 'exclude' as const, floorSimulations: 20, intervalReplicates: 20 };

  it('gives the report made without it, and hands a second model on the same design the same floors', () => {
    const cache = createFloorCache();
    const first = tallies((a, b) => (a < b ? 3 : 1));
    const second = tallies((a, b) => ((a + b) % 3 === 0 ? 4 : 1));
    const uncached = analyseCoherence({ ...input, tallies: first }, new Rng(5));
    const cached = analyseCoherence({ ...input, tallies: first, floorCache: cache }, new Rng(5));
    expect(cached).toEqual(uncached);
    // The whole set and both clusters, coin flip and position bias.
    expect(cache.entries.size).toBe(6);
    const other = analyseCoherence({ ...input, tallies: second, floorCache: cache }, new Rng(5));
    expect(cache.entries.size).toBe(6);
    expect(other.floors.coinFlip).toBe(cached.floors.coinFlip);
    expect(other.clusters[0]?.coinFlip).toBe(cached.clusters[0]?.coinFlip);
    expect(other.floors.coinFlip).toEqual(analyseCoherence({ ...input, tallies: second }, new Rng(5)).floors.coinFlip);
  });

  it('floors a design with other answer counts, or under another seed, afresh', () => {
    const cache = createFloorCache();
    const base = analyseCoherence({ ...input, tallies: tallies(() => 2), floorCache: cache }, new Rng(5));
    const moreAnswers = analyseCoherence({ ...input, tallies: tallies(() => 2, 5), floorCache: cache }, new Rng(5));
    const otherSeed = analyseCoherence({ ...input, tallies: tallies(() => 2), floorCache: cache }, new Rng(6));
    expect(moreAnswers.floors.coinFlip).not.toBe(base.floors.coinFlip);
    expect(otherSeed.floors.coinFlip).not.toBe(base.floors.coinFlip);
    expect(cache.entries.size).toBe(18);
  });

  it('keeps at most its capacity, dropping the oldest', () => {
    const cache = createFloorCache(2);
    for (let extra = 0; extra < 3; extra++)
      analyseCoherence({ ...input, outcomes: outcomes.map((o) => ({ ...o, clusters: [] })), tallies: tallies(() => 2, 4 + extra), floorCache: cache }, new Rng(5));
    expect(cache.entries.size).toBe(2);
  });
});
