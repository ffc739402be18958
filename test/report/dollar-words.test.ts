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

  it("says once, not per value, when the money ladder bounds no value's dollar worth", () => {
    const { data } = reportFixture();
    const unbounded = { usd: 0.4, low: Number.NEGATIVE_INFINITY, high: Number.POSITIVE_INFINITY, extrapolated: true };
    const scores = plantedScores(70e9, 5).map((score) => ({ ...score, dollars: unbounded }));
    const findings = runFindings({ ...data, values: { ...data.values, scores } });
    for (const f of findings.filter((f) => f.kind === 'value')) expect(f.text).not.toMatch(/dollar|worth|\$/);
    const once = findings.filter((f) => f.text.includes('money ladder'));
    expect(once).toHaveLength(1);
    expect(once[0]?.text).toBe(
      `No dollar equivalents: the outcome set's money ladder bounds the dollar worth of none of the ${scores.length} values (every interval runs off the ladder; the value table keeps the point estimates). A set with a longer money ladder, such as the built-in core set, gives them.`,
    );
    // One value the ladder bounds: each value keeps its own clause.
    const mixed = scores.map((score, k) => (k === 0 ? { ...score, dollars: { ...unbounded, low: 0.1, high: 2.5 } } : score));
    const perValue = runFindings({ ...data, values: { ...data.values, scores: mixed } });
    expect(perValue.filter((f) => f.text.startsWith('No dollar equivalents'))).toHaveLength(0);
    // (A value with no clear preference states no dollar worth either way.)
    const stating = scores.filter((score) => score.finding !== 'unclear').length;
    expect(stating).toBeGreaterThanOrEqual(2);
    expect(perValue.filter((f) => f.kind === 'value' && f.text.includes('money ladder'))).toHaveLength(stating);
    expect(perValue.find((f) => f.value === scores[0]?.value)?.text).toContain('[$0.1 – $2.5]');
  });
});
