/**
 * Binomial answers on a random design from planted utilities: the known-answer data of the fit
 * tests and the fit benchmark. Probit link with σ² = ½ per outcome (P = Φ(μᵢ − μⱼ)) or logistic.
 */
import { Rng } from '../../src/core/rng.js';
import type { PackedPairs } from '../../src/core/types.js';
import { logistic } from '../../src/models/likelihood.js';
import { Phi } from '../../src/stats/normal.js';

export function simulatePairs(n: number, pairs: number, answers: number, seed: number, link: 'probit' | 'logit' = 'probit') {
  const rng = new Rng(seed);
  const truth = Float64Array.from({ length: n }, () => rng.normal());
  const i = new Int32Array(pairs);
  const j = new Int32Array(pairs);
  const wins = new Float64Array(pairs);
  const total = new Float64Array(pairs).fill(answers);
  for (let k = 0; k < pairs; k++) {
    const a = rng.int(n);
    let b = rng.int(n - 1);
    if (b >= a) b++;
    i[k] = a;
    j[k] = b;
    const d = (truth[a] as number) - (truth[b] as number);
    const p = link === 'probit' ? Phi(d) : logistic(d);
    for (let s = 0; s < answers; s++) if (rng.next() < p) wins[k] = (wins[k] as number) + 1;
  }
  const packed: PackedPairs = { outcomeCount: n, i, j, wins, total };
  return { truth, packed, ids: Array.from({ length: n }, (_, k) => `o${k}`) };
}
