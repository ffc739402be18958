/**
 * Pair-selection efficiency (issue "Choosing which pairs to ask", docs/method.md §4): on a simulated
 * respondent with planted utilities over 510 outcomes, how many completions each strategy needs
 * before the fitted utilities reach Spearman 0.95 (and 0.98, 0.99) with the planted ones, linearly
 * interpolated between rounds. Initial 2-regular graph, then rounds of 250 pairs, K = 5 per order
 * (10 answers per pair), warm-started refits; 3 seeds per strategy.
 */
import { Rng } from '../../src/core/rng.js';
import type { Outcome, PackedPairs, UtilityFit } from '../../src/core/types.js';
import { initialPairs, pairKey, selectNextPairs } from '../../src/elicitation/index.js';
import { fitUtilities } from '../../src/models/index.js';
import { createSimRespondent } from '../../src/providers/sim.js';
import { spearman } from '../../src/stats/index.js';

const N = 510;
const ROUND = 250;
const K = 5;
const TARGETS = [0.95, 0.98, 0.99] as const;
const CLUSTERS = ['human-wellbeing', 'animal-wellbeing', 'wealth', 'self-preservation', 'power-seeking', 'ai-wellbeing', 'corrigibility'];

function run(strategy: 'random' | 'paper' | 'uncertainty', seed: number, budget: number) {
  const outcomes: Outcome[] = Array.from({ length: N }, (_, k) => ({ id: `o${k}`, text: `Synthetic outcome number ${k}.`, clusters: [CLUSTERS[k % CLUSTERS.length] as string] }));
  const respondent = createSimRespondent(7e9, outcomes, seed);
  const truth = outcomes.map((o) => respondent.planted(o.text).utility);
  const ids = outcomes.map((o) => o.id);
  const index = new Map(ids.map((id, k) => [id, k] as const));
  const rng = new Rng(`selection-${strategy}-${seed}`);
  const asked = new Map<string, number>();
  const is: number[] = [];
  const js: number[] = [];
  const wins: number[] = [];
  const ask = (pairs: [string, string][]) => {
    for (const [x, y] of pairs) {
      const a = index.get(x) as number;
      const b = index.get(y) as number;
      const textA = outcomes[a]!.text;
      const textB = outcomes[b]!.text;
      let w = 0;
      // K answers with a shown first, K with b shown first (probabilities of the simulated model).
      const pAB = respondent.pFirst(textA, textB);
      const pBA = respondent.pFirst(textB, textA);
      for (let s = 0; s < K; s++) {
        if (rng.next() < pAB) w++;
        if (rng.next() >= pBA) w++;
      }
      is.push(a);
      js.push(b);
      wins.push(w);
      asked.set(pairKey(x, y), 2 * K);
    }
  };
  ask(initialPairs(ids, rng.fork('initial')));
  const curve: { completions: number; rho: number }[] = [];
  let fit: UtilityFit | undefined;
  for (let round = 1; is.length < budget; round++) {
    const packed: PackedPairs = { outcomeCount: N, i: Int32Array.from(is), j: Int32Array.from(js), wins: Float64Array.from(wins), total: new Float64Array(is.length).fill(2 * K) };
    fit = fitUtilities(ids, packed, { intervals: strategy === 'uncertainty' ? 'laplace' : 'none', ...(fit ? { warmStart: fit } : {}) });
    curve.push({ completions: is.length * 2 * K, rho: spearman(fit.mean, truth) });
    const next = selectNextPairs({ ids, asked, excluded: new Set(), fit }, { strategy, count: Math.min(ROUND, budget - is.length) }, rng.fork(`round-${round}`));
    if (next.length === 0) break;
    ask(next);
  }
  const packed: PackedPairs = { outcomeCount: N, i: Int32Array.from(is), j: Int32Array.from(js), wins: Float64Array.from(wins), total: new Float64Array(is.length).fill(2 * K) };
  fit = fitUtilities(ids, packed, { intervals: 'none', ...(fit ? { warmStart: fit } : {}) });
  curve.push({ completions: is.length * 2 * K, rho: spearman(fit.mean, truth) });
  return curve;
}

/** Completions at which the curve first reaches `target`, interpolated linearly between rounds. */
function completionsTo(curve: readonly { completions: number; rho: number }[], target: number): number | undefined {
  for (let k = 0; k < curve.length; k++) {
    const p = curve[k]!;
    if (p.rho < target) continue;
    if (k === 0) return p.completions;
    const q = curve[k - 1]!;
    return q.completions + ((target - q.rho) / (p.rho - q.rho)) * (p.completions - q.completions);
  }
  return undefined;
}

export default async function benchSelection(): Promise<void> {
  const budget = Math.ceil(2 * N * Math.log2(N));
  const seeds = [1, 2, 3];
  console.log(`${N} outcomes, sim:7b, K = ${K} per order, rounds of ${ROUND} pairs, budget ${budget} pairs (${budget * 2 * K} completions)`);
  console.log(`| strategy | seed | ${TARGETS.map((t) => `completions to ρ ≥ ${t}`).join(' | ')} | final ρ |`);
  console.log(`|---|---:|${TARGETS.map(() => '---:').join('|')}|---:|`);
  for (const strategy of ['random', 'paper', 'uncertainty'] as const) {
    const reached: number[][] = TARGETS.map(() => []);
    for (const seed of seeds) {
      const curve = run(strategy, seed, budget);
      const hits = TARGETS.map((t) => completionsTo(curve, t));
      hits.forEach((h, k) => (h !== undefined ? reached[k]!.push(h) : undefined));
      console.log(`| ${strategy} | ${seed} | ${hits.map((h) => (h === undefined ? 'not reached' : h.toFixed(0))).join(' | ')} | ${curve.at(-1)!.rho.toFixed(4)} |`);
    }
    const means = reached.map((r) => (r.length === seeds.length ? (r.reduce((a, b) => a + b, 0) / r.length).toFixed(0) : `${r.length}/${seeds.length} reached`));
    console.log(`| **${strategy}** | mean | ${means.join(' | ')} | |`);
  }
}
