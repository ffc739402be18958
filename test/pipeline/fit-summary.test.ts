import { describe, expect, it } from 'vitest';
import { type FitJsonDocument, fitSummaryLines } from '../../src/pipeline/fit-pairs.js';

describe('fitSummaryLines', () => {
  it('lists utilities most preferred first and every outcome without a utility last, whatever their order in the file', () => {
    const u = (id: string, mean: number | null) => ({ id, mean, sd: mean === null ? null : 0.5, ciLow: mean === null ? null : mean - 1, ciHigh: mean === null ? null : mean + 1 });
    const json = {
      utilities: [u('a', null), u('b', 1), u('c', null), u('d', -1), u('e', 2)],
      warnings: [
        { id: 'a', reason: 'never-compared' },
        { id: 'c', reason: 'disconnected' },
      ],
      metrics: { train: { pairs: 4, accuracy: 1, logLoss: 0.1 } },
      coherence: { orderEffects: { orders: 'known', pairs: 2, agreeA: 1, agreeB: 0, disagree: 1, firstSlotShare: 0.55, flipRate: 0.5 } },
    } as unknown as FitJsonDocument;
    expect(fitSummaryLines(json)).toEqual([
      'training pairs 4, accuracy 1.000, log-loss 0.100',
      'identified: 3 of 5 outcomes; 2 without a utility (never compared or not connected); the gauge (mean 0, sd 1) is over the identified outcomes',
      'first-slot share 55.0%, order flip rate 50.0%',
      '   2.000  [1.00, 3.00]  e',
      '   1.000  [0.00, 2.00]  b',
      '  -1.000  [-2.00, 0.00]  d',
      '       –  a  (no utility: never compared)',
      '       –  c  (no utility: no comparison links it to the identified outcomes)',
    ]);
  });
});
