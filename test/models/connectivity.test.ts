import { describe, expect, it } from 'vitest';
import type { PackedPairs } from '../../src/core/types.js';
import { checkComparisonGraph } from '../../src/models/connectivity.js';

const comparisonGraphWarnings = (...args: Parameters<typeof checkComparisonGraph>) => checkComparisonGraph(...args).warnings;

function packed(n: number, rows: [number, number, number, number][]): PackedPairs {
  return {
    outcomeCount: n,
    i: Int32Array.from(rows.map((r) => r[0])),
    j: Int32Array.from(rows.map((r) => r[1])),
    wins: Float64Array.from(rows.map((r) => r[2])),
    total: Float64Array.from(rows.map((r) => r[3])),
  };
}

describe('comparisonGraphWarnings', () => {
  it('is silent on a connected design where everyone wins and loses sometimes', () => {
    expect(
      comparisonGraphWarnings(
        ['a', 'b', 'c'],
        packed(3, [
          [0, 1, 2, 3],
          [1, 2, 2, 3],
          [2, 0, 2, 3],
        ]),
      ),
    ).toEqual([]);
  });

  it('flags an outcome that lost every answer, counting wins from either side of a pair', () => {
    // c is j in (b, c) and i in (c, a): it wins 0 of 3 and 0 of 2.
    expect(
      comparisonGraphWarnings(
        ['a', 'b', 'c'],
        packed(3, [
          [0, 1, 1, 2],
          [1, 2, 3, 3],
          [2, 0, 0, 2],
        ]),
      ),
    ).toEqual([{ id: 'c', reason: 'always-loses' }]);
  });

  it('treats pairs with no counted answers as never asked', () => {
    // The (a, c) pair has total 0, so c is never compared; (a, b) alone is a component of two.
    expect(
      comparisonGraphWarnings(
        ['a', 'b', 'c'],
        packed(3, [
          [0, 1, 1, 2],
          [0, 2, 0, 0],
        ]),
      ),
    ).toEqual([{ id: 'c', reason: 'never-compared' }]);
  });

  it('does not call a fractional half-win (the `half` policy) an always-win', () => {
    expect(comparisonGraphWarnings(['a', 'b'], packed(2, [[0, 1, 2.5, 3]]))).toEqual([]);
    expect(comparisonGraphWarnings(['a', 'b'], packed(2, [[0, 1, 3, 3]]))).toEqual([
      { id: 'a', reason: 'always-wins' },
      { id: 'b', reason: 'always-loses' },
    ]);
  });

  it('flags every outcome outside the largest component as disconnected', () => {
    // {a, b, c} and {d, e}: d and e are disconnected (their win records are not examined further).
    const warnings = comparisonGraphWarnings(
      ['a', 'b', 'c', 'd', 'e'],
      packed(5, [
        [0, 1, 1, 2],
        [1, 2, 1, 2],
        [3, 4, 2, 2],
      ]),
    );
    expect(warnings).toEqual([
      { id: 'd', reason: 'disconnected' },
      { id: 'e', reason: 'disconnected' },
    ]);
  });
});
