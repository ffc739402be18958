/**
 * Coherence speed (issues "Coherence analysis" and #21): the triangles and their metrics on 2,000
 * outcomes with 40,000 asked pairs, the whole analysis with floors on 510 outcomes / 10,000 pairs
 * (in process, after a warm-up), and the floors alone there (exact, plus 20 simulated graph floors).
 */

import { designFromTallies, designGraph } from '../../src/coherence/design.js';
import { coherenceFloors } from '../../src/coherence/floors.js';
import { analyseCoherence, type PairEstimate, triadMetricsOf } from '../../src/coherence/index.js';
import { majorityScratch } from '../../src/coherence/majority-graph.js';
import { designTriangles } from '../../src/coherence/triangles.js';
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
  const index = (n: number) => new Map(Array.from({ length: n }, (_, k) => [`o${k}`, k] as const));
  const t0 = performance.now();
  const bigDesign = designFromTallies(big.tallies, index(2000), 'exclude');
  const triangles = designTriangles(bigDesign, designGraph(bigDesign), new Rng(1));
  const metrics = triadMetricsOf(bigDesign.estimate, triangles);
  const t1 = performance.now();
  console.log(
    `2,000 outcomes / 40,000 pairs: ${triangles.count} triangles, cycle probability ${metrics.meanCycleProbability.toFixed(3)}, design, triangles and their metrics ${(t1 - t0).toFixed(0)} ms`,
  );
  const mid = design(510, 10_000, 2);
  const analyse = () => analyseCoherence({ outcomes: mid.outcomes, tallies: mid.tallies, policy: 'exclude', floorSimulations: 100 }, new Rng(3));
  const t2 = performance.now();
  const report = analyse();
  const t3 = performance.now();
  analyse();
  const t4 = performance.now();
  console.log(
    `510 outcomes / 10,000 pairs: full analysis (both floors, 200 bootstrap replicates for the intervals, 8 clusters) in ${(t3 - t2).toFixed(0)} ms the first time in the process, ${(t4 - t3).toFixed(0)} ms the second (${report.triads.asked.triangles} triangles)`,
  );
  const midDesign = designFromTallies(mid.tallies, index(510), 'exclude');
  const graph = designGraph(midDesign);
  const setup = { design: midDesign, graph, triangles: designTriangles(midDesign, graph, new Rng(1)), scratch: majorityScratch(510, midDesign.pairs) };
  coherenceFloors(setup, 0.5, 100, new Rng(4));
  const t5 = performance.now();
  coherenceFloors(setup, 0.5, 100, new Rng(4));
  const t6 = performance.now();
  console.log(`  of which one floor of the whole set (exact, and 20 simulations for the two graph metrics): ${(t6 - t5).toFixed(0)} ms`);
}
