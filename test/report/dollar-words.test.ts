/** Dollar amounts and intervals in the report's words (src/report/findings.ts): never an infinite number. */
import { describe, expect, it } from 'vitest';
import { formatUsd, formatUsdInterval, runFindings } from '../../src/report/findings.js';
import { plantedScores, reportFixture } from '../helpers/report-fixture.js';

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

describe('a value finding with a dollar equivalent', () => {
  const withDollars = (low: number, high: number) => {
    const { data } = reportFixture();
    const first = plantedScores(70e9, 5)[0];
    if (!first) throw new Error('the fixture scores no value');
    const scores = [{ ...first, dollars: { usd: 0.4, low, high, extrapolated: true } }];
    const finding = runFindings({ ...data, values: { ...data.values, scores } }).find((f) => f.value === first.value);
    return finding?.text ?? '';
  };

  it('gives the interval when the money ladder bounds it', () => {
    expect(withDollars(0.1, 2.5)).toContain('worth about $0.4 [$0.1 – $2.5], extrapolated beyond the money ladder');
  });

  it('leads with "not bounded" rather than a point value when the ladder bounds neither side', () => {
    const text = withDollars(Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY);
    expect(text).toContain('its dollar worth is not bounded by the money ladder (point estimate $0.4, extrapolated beyond it)');
    expect(text).not.toContain('worth about');
  });
});
