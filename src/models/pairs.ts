/**
 * Iterating packed pairs (docs/architecture.md §"The pipeline as data" (`PackedPairs`)): the one loop header every non-hot consumer
 * shares (graph checks, Hessians). Pairs without counted answers carry no information and are
 * skipped. The likelihood keeps its own inline loop, since it runs hundreds of times per fit.
 */
import type { PackedPairs } from '../core/types.js';

/** Calls `visit(i, j, wins, total)` for every pair with at least one counted answer. O(pairs). */
export function forEachAnsweredPair(pairs: PackedPairs, visit: (i: number, j: number, wins: number, total: number) => void): void {
  for (let k = 0; k < pairs.i.length; k++) {
    const total = pairs.total[k] as number;
    if (!(total > 0)) continue;
    visit(pairs.i[k] as number, pairs.j[k] as number, pairs.wins[k] as number, total);
  }
}
