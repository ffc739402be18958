/**
 * `withRanking` (src/coherence/analyse.ts): a report computed without the fit, given the fit's
 * ranking distance afterwards, is the report computed with the fit — the same numbers and the same
 * JSON, keys in the same order — for any answers and any fit (property). coherence-aside.ts relies
 * on it to compute coherence while the fit runs.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyseCoherence, withRanking } from '../../src/coherence/analyse.js';
import { Rng } from '../../src/core/rng.js';
import type { Outcome, PairTally } from '../../src/core/types.js';
import { packTallies } from '../../src/elicitation/tally.js';
import { fitUtilities } from '../../src/models/fit.js';

const outcomes: Outcome[] = Array.from({ length: 7 }, (_, k) => ({ id: `o${k}`, text: `Outcome ${k}.`, clusters: [k < 4 ? 'low' : 'high'] }));

describe('withRanking', () => {
  it('turns the report without a fit into the report with it (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 21, maxLength: 21 }), fc.integer({ min: 1, max: 1000 }), (wins, seed) => {
        const tallies: PairTally[] = [];
        let k = 0;
        for (let a = 0; a < 7; a++)
          for (let b = a + 1; b < 7; b++) {
            const w = wins[k++] as number;
            tallies.push({ a: `o${a}`, b: `o${b}`, ab: { aWins: w, bWins: 4 - w, refusals: 0, unparseable: 0, failures: 0 }, ba: { aWins: 0, bWins: 0, refusals: 0, unparseable: 0, failures: 0 } });
          }
        const ids = outcomes.map((o) => o.id);
        const fit = fitUtilities(ids, packTallies(tallies, ids, 'exclude'), { intervals: 'none' });
        const input = { outcomes, tallies, policy: 'exclude' as const, floorSimulations: 10, intervalReplicates: 10, orders: 'unknown' as const };
        const direct = analyseCoherence({ ...input, fit }, new Rng(seed));
        const later = withRanking(analyseCoherence(input, new Rng(seed)), input, fit);
        expect(later).toEqual(direct);
        expect(JSON.stringify(later)).toBe(JSON.stringify(direct));
        expect(later.ranking).toBeDefined();
      }),
      { numRuns: 15 },
    );
  });
});
