/**
 * Coherence designs written by hand for tests: pairs (a, b) with an observed P̂ and the valid
 * answers per order, as `designFromTallies` would build them from tallies.
 */
import type { CoherenceDesign } from '../../src/coherence/design.js';

/** A design of `outcomes` outcomes whose pair k is `pairs[k]` = [a, b, P̂, answers in order ab, answers in order ba]. */
export function designOf(outcomes: number, pairs: readonly (readonly [number, number, number, number?, number?])[]): CoherenceDesign {
  const count = pairs.length;
  const column = (pick: (p: readonly [number, number, number, number?, number?]) => number) => Float64Array.from(pairs, pick);
  return {
    outcomeCount: outcomes,
    pairs: count,
    a: Int32Array.from(pairs, (p) => p[0]),
    b: Int32Array.from(pairs, (p) => p[1]),
    estimate: column((p) => p[2]),
    answers: column((p) => (p[3] ?? 1) + (p[4] ?? 0)),
    validAB: column((p) => p[3] ?? 1),
    validBA: column((p) => p[4] ?? 0),
    shareAB: column((p) => p[2]),
    shareBA: column((p) => p[2]),
    fixedWins: new Float64Array(count),
    fixedTotal: new Float64Array(count),
  };
}
