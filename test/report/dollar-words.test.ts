/** Dollar amounts and intervals in the report's words (src/report/findings.ts): never an infinite number. */
import { describe, expect, it } from 'vitest';
import { formatUsd, formatUsdInterval } from '../../src/report/findings.js';

describe('dollars in words', () => {
  it('writes amounts to two significant figures with words for large ones', () => {
    expect(formatUsd(987)).toBe('$990');
    expect(formatUsd(12_345)).toBe('$12,000');
    expect(formatUsd(1_234_567)).toBe('$1.2 million');
    expect(formatUsd(-3_412)).toBe('−$3,400');
  });

  it('writes an interval the money ladder does not bound on one side or both in words', () => {
    expect(formatUsdInterval(120, 4_530)).toBe('$120 – $4,500');
    expect(formatUsdInterval(120, Number.POSITIVE_INFINITY)).toBe('$120 or more');
    expect(formatUsdInterval(Number.NEGATIVE_INFINITY, 4_530)).toBe('up to $4,500');
    expect(formatUsdInterval(Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY)).toBe('not bounded by the money ladder');
    expect(formatUsdInterval(Number.NaN, Number.NaN)).not.toMatch(/unbounded|NaN|Infinity/);
  });
});
