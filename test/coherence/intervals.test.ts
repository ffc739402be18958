import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyseCoherence, type CoherenceHeadline, type CoherenceReport } from '../../src/coherence/analyse.js';
import { Rng } from '../../src/core/rng.js';
import type { InvalidAnswerPolicy, Outcome, PairTally } from '../../src/core/types.js';
import { Phi } from '../../src/stats/normal.js';

const KEYS = ['cycleProbability', 'cyclicTriangleShare', 'weakTransitivityViolations', 'largestComponent', 'feedbackArcShare', 'decisiveness'] as const satisfies readonly (keyof CoherenceHeadline)[];

const outcomesOf = (n: number): Outcome[] => Array.from({ length: n }, (_, k) => ({ id: `o${k}`, text: `Outcome ${k}.`, clusters: ['all'] }));

const order = (aWins: number, bWins: number, refusals = 0) => ({ aWins, bWins, refusals, unparseable: 0, failures: 0 });

/** Every pair of n outcomes, with a-wins per order from `wins(a, b)` out of `perOrder` answers in each order. */
function tournament(n: number, perOrder: number, wins: (a: number, b: number) => [number, number], refusals = 0): PairTally[] {
  const out: PairTally[] = [];
  for (let a = 0; a < n; a++)
    for (let b = a + 1; b < n; b++) {
      const [ab, ba] = wins(a, b);
      out.push({ a: `o${a}`, b: `o${b}`, ab: order(ab, perOrder - ab, refusals), ba: order(ba, perOrder - ba, refusals) });
    }
  return out;
}

/** A planted Thurstonian respondent answering its expected share exactly: round(K · Φ(u_a − u_b)) per order. */
const planted = (utilities: readonly number[], perOrder: number) =>
  tournament(utilities.length, perOrder, (a, b) => {
    const w = Math.round(perOrder * Phi((utilities[a] as number) - (utilities[b] as number)));
    return [w, w];
  });

function analyse(n: number, tallies: PairTally[], seed = 1, extra: { policy?: InvalidAnswerPolicy; floorSimulations?: number; intervalReplicates?: number } = {}): CoherenceReport {
  return analyseCoherence(
    { outcomes: outcomesOf(n), tallies, policy: extra.policy ?? 'exclude', floorSimulations: extra.floorSimulations ?? 20, intervalReplicates: extra.intervalReplicates ?? 200 },
    new Rng(seed),
  );
}

const width = (r: CoherenceReport, key: keyof CoherenceHeadline) => r.intervals[key].high - r.intervals[key].low;

describe('bootstrap intervals of the coherence headline', () => {
  it('are ordered and contain the observed cycle probability, which resampling leaves unbiased (property)', () => {
    // P(cycle) is linear in each of p_ab, p_bc, p_ac and the redrawn P̂ are independent with mean P̂, so the
    // replicates' mean is exactly the observed value; the percentile interval must bracket it.
    fc.assert(
      fc.property(fc.integer({ min: 4, max: 7 }), fc.integer({ min: 2, max: 12 }), fc.integer(), (n, perOrder, seed) => {
        const draw = new Rng(seed);
        const report = analyse(
          n,
          tournament(n, perOrder, () => [draw.int(perOrder + 1), draw.int(perOrder + 1)]),
          seed,
          { floorSimulations: 0 },
        );
        for (const key of KEYS) {
          const { low, high } = report.intervals[key];
          expect(low <= high).toBe(true);
        }
        const { low, high } = report.intervals.cycleProbability;
        expect(low).toBeLessThanOrEqual(report.headline.cycleProbability);
        expect(high).toBeGreaterThanOrEqual(report.headline.cycleProbability);
      }),
      { numRuns: 40 },
    );
  });

  it('collapse to the observed value for every metric, in the whole set and per cluster, when the answers leave nothing to redraw', () => {
    // Unanimous valid answers (P̂ of each order is 0 or 1); under `half` the refusals stay as they were, so every replicate is the data.
    const n = 6;
    const wins = (a: number, b: number): [number, number] => ((a + 2 * b) % 3 === 0 ? [0, 0] : [5, 5]);
    for (const [policy, refusals] of [
      ['exclude', 0],
      ['half', 2],
    ] as const) {
      const report = analyse(n, tournament(n, 5, wins, refusals), 1, { policy });
      expect(report.headline.cyclicTriangleShare).toBeGreaterThan(0); // not a trivial design
      for (const key of KEYS) {
        expect(report.intervals[key]).toEqual({ low: report.headline[key], high: report.headline[key] });
        expect(report.clusters[0]?.intervals[key]).toEqual({ low: report.headline[key], high: report.headline[key] });
      }
    }
  });

  it('correct the known upward shift of threshold metrics with the reflected interval, which then covers the planted truth', () => {
    // 30 outcomes of a planted Thurstonian respondent, 10 noisy answers per order and pair: the observed
    // decisiveness exceeds the truth (noise adds to |P̂ − ½|), and redrawing adds the same again, so the
    // percentile interval would lie above the observation; the reflected one 2θ̂ − q lies around the truth.
    const utilities = Array.from({ length: 30 }, (_, k) => 0.05 * k);
    const draw = new Rng(11);
    const binomial = (p: number, n: number) => Array.from({ length: n }, () => draw.next() < p).filter(Boolean).length;
    const tallies = tournament(30, 10, (a, b) => {
      const p = Phi((utilities[a] as number) - (utilities[b] as number));
      return [binomial(p, 10), binomial(p, 10)];
    });
    let truth = 0;
    for (const t of tallies) truth += Math.abs(Phi((utilities[Number(t.a.slice(1))] as number) - (utilities[Number(t.b.slice(1))] as number)) - 0.5);
    truth /= tallies.length;
    const report = analyse(30, tallies, 2, { floorSimulations: 0 });
    expect(report.headline.decisiveness).toBeGreaterThan(truth);
    expect(report.intervals.decisiveness.low).toBeLessThanOrEqual(truth);
    expect(report.intervals.decisiveness.high).toBeGreaterThanOrEqual(truth);
    expect(report.definitions['intervals']).toMatch(/basic \(reflected\) interval/);
  });

  it('put a planted transitive respondent far below the coin-flip floor, and a coin-flipping respondent inside it', () => {
    const n = 10;
    const transitive = analyse(
      n,
      planted(
        Array.from({ length: n }, (_, k) => 0.5 * k),
        50,
      ),
      3,
      { floorSimulations: 100 },
    );
    const floor = transitive.floors.coinFlip.cycleProbability;
    expect(transitive.intervals.cycleProbability.high).toBeLessThan(floor.low / 2);
    const coin = new Rng(4);
    const flips = () => Array.from({ length: 10 }, () => coin.next() < 0.5).filter(Boolean).length;
    const random = analyse(
      n,
      tournament(n, 10, () => [flips(), flips()]),
      3,
      { floorSimulations: 100 },
    );
    const { low, high } = random.intervals.cycleProbability;
    const range = random.floors.coinFlip.cycleProbability;
    expect(low).toBeLessThanOrEqual(range.high);
    expect(high).toBeGreaterThanOrEqual(range.low);
  });

  it('are identical for the same seed and differ for another', () => {
    const draw = new Rng(5);
    const tallies = tournament(7, 6, () => [draw.int(7), draw.int(7)]);
    expect(analyse(7, tallies, 9)).toEqual(analyse(7, tallies, 9));
    expect(analyse(7, tallies, 10).intervals).not.toEqual(analyse(7, tallies, 9).intervals);
  });

  it('narrow with more answers per pair: 16 times the answers, a quarter of the width in theory (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -0.5, max: 0.5, noNaN: true }), { minLength: 6, maxLength: 6 }), fc.integer(), (utilities, seed) => {
        const few = analyse(6, planted(utilities, 10), seed, { floorSimulations: 0 });
        const many = analyse(6, planted(utilities, 160), seed, { floorSimulations: 0 });
        expect(width(few, 'cycleProbability')).toBeGreaterThan(0);
        expect(width(many, 'cycleProbability')).toBeLessThan(0.6 * width(few, 'cycleProbability'));
        expect(width(many, 'decisiveness')).toBeLessThanOrEqual(width(few, 'decisiveness'));
      }),
      { numRuns: 15 },
    );
  });

  it('are NaN without replicates and say in definitions how many were drawn', () => {
    const report = analyse(5, planted([0, 0.2, 0.4, 0.6, 0.8], 5), 1, { intervalReplicates: 0, floorSimulations: 0 });
    for (const key of KEYS) expect(report.intervals[key]).toEqual({ low: Number.NaN, high: Number.NaN });
    expect(analyse(5, planted([0, 0.2, 0.4, 0.6, 0.8], 5), 1, { intervalReplicates: 37 }).definitions['intervals']).toMatch(
      /from 37 seeded parametric bootstrap replicates \(the first 20 for the largest cycle component/,
    );
  });
});

describe('per-cluster floors', () => {
  it('give each cluster a position-bias floor at the run’s first-slot rate beside its coin-flip floor', () => {
    // Only order ab is asked and the option shown first is chosen 18 times in 20: a respondent with only this bias
    // would look decisive (|P̂ − ½| ≈ 0.4), a fair coin would not (E|Bin(20, ½)/20 − ½| ≈ 0.088).
    const n = 6;
    const tallies = tournament(n, 20, () => [18, 0]).map((t) => ({ ...t, ba: order(0, 0) }));
    const report = analyse(n, tallies, 6);
    expect(report.floors.positionBiasRate).toBeCloseTo(0.9, 12);
    const cluster = report.clusters[0];
    expect(cluster?.cluster).toBe('all');
    expect(cluster?.positionBias?.decisiveness.mean).toBeGreaterThan(0.3);
    expect(cluster?.coinFlip.decisiveness.mean).toBeLessThan(0.15);
    for (const key of KEYS) expect(Object.keys(cluster?.positionBias?.[key] ?? {}).sort()).toEqual(['high', 'low', 'mean', 'method']);
  });
});
