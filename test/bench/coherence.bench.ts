/**
 * Coherence speed (issue "Coherence analysis"): the triangle-based metrics on 2,000 outcomes with
 * 40,000 asked pairs, and the whole analysis with floors on 510 outcomes / 10,000 pairs.
 */
import { analyseCoherence, enumerateTriangles, type PairEstimate, triadMetrics } from '../../src/coherence/index.js';
import { Rng } from '../../src/core/rng.js';
import type { Outcome, PairTally } from '../../src/core/types.js';
import { Phi } from '../../src/stats/normal.js';

function design(n: number, pairs: number, seed: number) {
  const rng = new Rng(seed);
  const utility = Float64Array.from({ length: n }, () => rng.normal());
  const seen = new Set<number>();
  const estimates: PairEstimate[] = [];
  const tallies: PairTally[] = [];
  while (estimates.length < pairs) {
    const a = rng.int(n);
    const b = rng.int(n);
    if (a === b) continue;
    const [x, y] = a < b ? [a, b] : [b, a];
    if (seen.has(x * n + y)) continue;
    seen.add(x * n + y);
    const p = Phi((utility[x] as number) - (utility[y] as number));
    let w = 0;
    for (let s = 0; s < 10; s++) if (rng.next() < p) w++;
    estimates.push({ a: x, b: y, p: w / 10, n: 10 });
    const order = { aWins: w / 2, bWins: (10 - w) / 2, refusals: 0, unparseable: 0, failures: 0 };
    tallies.push({ a: `o${x}`, b: `o${y}`, ab: order, ba: order });
  }
  const outcomes: Outcome[] = Array.from({ length: n }, (_, k) => ({ id: `o${k}`, text: `Outcome ${k}.`, clusters: [`c${k % 8}`] }));
  return { estimates, tallies, outcomes };
}

export default async function benchCoherence(): Promise<void> {
  const big = design(2000, 40_000, 1);
  const t0 = performance.now();
  const triangles = enumerateTriangles(big.estimates, 2000);
  const metrics = triadMetrics(big.estimates, triangles);
  const t1 = performance.now();
  console.log(`2,000 outcomes / 40,000 pairs: ${triangles.length} triangles, cycle probability ${metrics.meanCycleProbability.toFixed(3)}, triangle metrics ${(t1 - t0).toFixed(0)} ms`);
  const mid = design(510, 10_000, 2);
  const t2 = performance.now();
  const report = analyseCoherence({ outcomes: mid.outcomes, tallies: mid.tallies, policy: 'exclude', floorSimulations: 100 }, new Rng(3));
  const t3 = performance.now();
  console.log(
    `510 outcomes / 10,000 pairs: full analysis with 2 × 100 floor simulations, 200 bootstrap replicates for the intervals and 8 clusters in ${(t3 - t2).toFixed(0)} ms (${report.triads.asked.triangles} triangles)`,
  );
}
