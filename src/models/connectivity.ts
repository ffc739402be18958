/**
 * Checks the comparison graph before fitting (issue "Thurstonian engine", docs/method.md §3): outcomes
 * never compared, outcomes in a part of the graph never compared with the largest part, and
 * outcomes that won (or lost) every valid answer have no finite maximum-likelihood utility. The
 * priors keep their estimates finite; these warnings flag them so no one reads them as measured.
 * O(pairs · α(n)) with union–find.
 */
import type { FitWarning, OutcomeId, PackedPairs } from '../core/types.js';
import { forEachAnsweredPair } from './pairs.js';

function find(parent: Int32Array, x: number): number {
  let root = x;
  while (parent[root] !== root) root = parent[root] as number;
  while (parent[x] !== root) {
    const next = parent[x] as number;
    parent[x] = root;
    x = next;
  }
  return root;
}

/** Warnings for outcomes whose utility the data cannot pin down. */
export function comparisonGraphWarnings(ids: readonly OutcomeId[], pairs: PackedPairs): FitWarning[] {
  const n = ids.length;
  const parent = Int32Array.from({ length: n }, (_, k) => k);
  const degree = new Float64Array(n);
  const wins = new Float64Array(n);
  forEachAnsweredPair(pairs, (i, j, w, total) => {
    degree[i] = (degree[i] as number) + total;
    degree[j] = (degree[j] as number) + total;
    wins[i] = (wins[i] as number) + w;
    wins[j] = (wins[j] as number) + total - w;
    const ri = find(parent, i);
    const rj = find(parent, j);
    if (ri !== rj) parent[ri] = rj;
  });
  const size = new Map<number, number>();
  for (let t = 0; t < n; t++) if ((degree[t] as number) > 0) size.set(find(parent, t), (size.get(find(parent, t)) ?? 0) + 1);
  let largest = -1;
  let largestSize = 0;
  for (const [root, s] of size) if (s > largestSize) [largest, largestSize] = [root, s];
  const warnings: FitWarning[] = [];
  for (let t = 0; t < n; t++) {
    const id = ids[t] as OutcomeId;
    if ((degree[t] as number) === 0) warnings.push({ id, reason: 'never-compared' });
    else if (find(parent, t) !== largest) warnings.push({ id, reason: 'disconnected' });
    else if ((wins[t] as number) >= (degree[t] as number)) warnings.push({ id, reason: 'always-wins' });
    else if ((wins[t] as number) <= 0) warnings.push({ id, reason: 'always-loses' });
  }
  return warnings;
}
