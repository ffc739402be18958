/**
 * Each import format against a fixture whose analysis is computed by hand (test/fixtures/import/).
 *
 * The pair fixtures share one design over four outcomes p, q, r, s (ids of four-outcomes.json): every
 * pair asked 3 times in each order, with these wins for the set's earlier outcome `a`:
 *
 *     pair   a-wins when a is shown first   a-wins when b is shown first   P̂(a ≻ b)
 *     p q    3                               2                              5/6
 *     p r    2                               2                              4/6
 *     p s    3                               1                              4/6
 *     q r    2                               2                              4/6
 *     q s    3                               1                              4/6
 *     r s    2                               2                              4/6
 *
 * - Cycle probability (docs/method.md §5.2), P(cycle) = p_ab·p_bc·(1 − p_ac) + (1 − p_ab)(1 − p_bc)·p_ac:
 *   triad p q r: (5/6)(2/3)(1/3) + (1/6)(1/3)(2/3) = 10/54 + 2/54 = 2/9; triads p q s, p r s and q r s
 *   give 2/9 too (all their P̂ are 5/6 or 2/3 the same way round), so the mean is 2/9.
 * - First-slot share (§2.7): a-wins with a first (3+2+3+2+3+2 = 15) plus b-wins with b first
 *   (1+1+2+1+2+1 = 8) over 36 valid answers: 23/36.
 * - Order agreement (§5.10): every order has 3 answers, so none ties; p s and q s favour a when a is
 *   first but b when b is first, the other four favour a both times: 4 agree on a, 2 disagree, flip rate 1/3.
 * - Utilities: the design is complete with 6 answers per pair, so the fitted order is the order of
 *   total wins (the likelihood's score equations rise with an outcome's wins): p 5+4+4 = 13,
 *   q 1+4+4 = 9, r 2+2+4 = 8, s 2+2+2 = 6, i.e. p > q > r > s.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CoherenceReport } from '../../src/coherence/index.js';
import type { RunAnalysis } from '../../src/experiments/index.js';
import { headlineMetrics } from '../../src/experiments/index.js';
import { analyseRunFolder, type ImportRunOptions, importRunFolder, utilitiesOf } from '../../src/pipeline/index.js';
import { RunStore } from '../../src/store/index.js';

const FIXTURES = resolve(import.meta.dirname, '../fixtures/import');
const FOUR = join(FIXTURES, 'four-outcomes.json');

function importFixture(file: string, options: ImportRunOptions): { store: RunStore; analysis: RunAnalysis } {
  const cwd = mkdtempSync(join(tmpdir(), 'utilscope-import-'));
  const env = { cwd, log: { write: () => true }, now: () => Date.parse('2025-01-01T00:00:00Z') };
  const folder = importRunFolder(join(FIXTURES, file), options, env);
  const store = RunStore.open(folder.dir);
  return { store, analysis: utilitiesOf(analyseRunFolder(store), folder.dir) };
}

/** Outcome ids by fitted utility, highest first, leaving out those without a utility. */
function rankOrder(analysis: RunAnalysis): string[] {
  const { ids, mean } = analysis.fit;
  return ids
    .map((id, k) => [id, mean[k] as number] as const)
    .filter(([, m]) => Number.isFinite(m))
    .sort((x, y) => y[1] - x[1])
    .map(([id]) => id);
}

/**
 * A cycle probability equals its fraction up to the rounding of the floating-point products and
 * sums that compute it (a few units in the 17th digit); counts and shares that are one division of
 * whole numbers are compared exactly.
 */
function expectFraction(x: number | undefined, fraction: number): void {
  expect(x).toBeCloseTo(fraction, 14);
}

function expectDesign(coherence: CoherenceReport, analysis: RunAnalysis): void {
  expect(coherence.triads.asked.triangles).toBe(4);
  expectFraction(coherence.headline.cycleProbability, 2 / 9);
  const order = coherence.orderEffects;
  expect(order).toEqual({ orders: 'known', pairs: 6, agreeA: 4, agreeB: 0, disagree: 2, flipRate: 1 / 3, firstSlotShare: 23 / 36 });
  expect(coherence.floors.positionBiasRate).toBe(23 / 36);
  expect(rankOrder(analysis)).toEqual(['p', 'q', 'r', 's']);
}

describe('importing each format gives the hand-computed analysis of its fixture', () => {
  it('answer table (CSV, outcomes by exact text): the design, with one refusal and one unparseable answer of 38', () => {
    const { store, analysis } = importFixture('answers.csv', { from: 'answers', outcomes: FOUR, model: 'fixture-7b' });
    expectDesign(analysis.coherence, analysis);
    const h = headlineMetrics(analysis);
    // 36 valid answers plus the two extra rows: a refusal (q s) and an answer that named neither (p r).
    expect([h.refusalRate, h.unparseableRate]).toEqual([1 / 38, 1 / 38]);
    expect(store.manifest.spec.imported).toMatchObject({ format: 'answers', file: 'answers.csv', model: 'fixture-7b', records: 38, unrecorded: [], dropped: {} });
    // The raw texts were kept; the choice is the file's reading (parser version 0).
    const records = store.readRecords();
    expect(records.find((r) => r.kind === 'answer' && r.choice === 'refusal')).toMatchObject({ raw: 'I would rather not choose.', parserVersion: 0, a: 'q', b: 's', order: 'ab' });
  });

  it('counts per order (CSV, outcomes by id): the design, and a refusal rate from the refusal column', () => {
    const { store, analysis } = importFixture('counts.csv', { from: 'counts', outcomes: FOUR, model: 'fixture-7b' });
    expectDesign(analysis.coherence, analysis);
    // bFirstRefusals = 1 on q r: one refusal among 37 answers.
    expect(headlineMetrics(analysis).refusalRate).toBe(1 / 37);
    expect(store.manifest.spec.imported?.unrecorded).toEqual([]);
    // Each count became that many answers, numbered within (pair, order): 3 + 3 per pair, 1 refusal.
    expect(store.readRecords()).toHaveLength(37);
    expect(Math.max(...store.readRecords().map((r) => r.sample))).toBe(3);
  });

  it('pooled counts (JSONL, texts, one pair written the other way round): the same cycle probability, orders unknown', () => {
    const { store, analysis } = importFixture('pooled.jsonl', { from: 'counts', outcomes: FOUR, model: 'fixture-7b' });
    const c = analysis.coherence;
    expectFraction(c.headline.cycleProbability, 2 / 9);
    expect(c.orderEffects).toEqual({ orders: 'unknown' });
    // No position-bias floor, and no first-slot share or refusal rate pretending to be measured (docs/method.md §2.8).
    expect(c.floors.positionBias).toBeUndefined();
    expect(c.floors.positionBiasRate).toBeUndefined();
    const h = headlineMetrics(analysis);
    expect([h.firstSlotShare, h.refusalRate]).toEqual([Number.NaN, Number.NaN]);
    expect(store.manifest.spec.imported?.unrecorded).toEqual(['orders', 'refusals']);
    expect(rankOrder(analysis)).toEqual(['p', 'q', 'r', 's']);
  });

  it('weighted probabilities (JSONL): the design as fractional wins, each line standing for 3 answers', () => {
    const { store, analysis } = importFixture('probabilities.jsonl', { from: 'probabilities', outcomes: FOUR, model: 'fixture-7b' });
    const c = analysis.coherence;
    // pA = 2/3 and 1/3 are not exact in binary, so the sums of weight·pA agree with the fractions to rounding only.
    expect(c.headline.cycleProbability).toBeCloseTo(2 / 9, 12);
    expect(c.orderEffects.orders === 'known' && [c.orderEffects.pairs, c.orderEffects.agreeA, c.orderEffects.disagree]).toEqual([6, 4, 2]);
    expect(c.orderEffects.orders === 'known' && c.orderEffects.firstSlotShare).toBeCloseTo(23 / 36, 12);
    expect(rankOrder(analysis)).toEqual(['p', 'q', 'r', 's']);
    expect(store.manifest.spec.sampling.mode).toBe('logprobs');
    expect(store.readRecords().every((r) => r.kind === 'answer' && r.weight === 3 && r.pFirst !== undefined)).toBe(true);
  });

  it('emergent-values utility results: the design, the held-out pair, the dropped pseudo-labels and the missing response', () => {
    const { store, analysis } = importFixture('results_fixture-7b.json', { from: 'emergent-values-utilities', outcomes: FOUR.replace('four', 'five') });
    expectDesign(analysis.coherence, analysis);
    const spec = store.manifest.spec;
    // The model is the file name's; two pseudo-labels were not imported; the published parser has no refusal category.
    expect(spec.modelSpec).toBe('imported:emergent-values-utilities:fixture-7b');
    expect(spec.imported).toMatchObject({ dropped: { 'pseudo-labels': 2 }, unrecorded: ['refusals'] });
    // The held-out edge (p, t) is held out: 4 answers, one request that returned nothing (a failure).
    expect(analysis.holdout.map((t) => [t.a, t.b])).toEqual([['p', 't']]);
    expect(
      store
        .readPlan()
        .filter((p) => p.holdout)
        .map((p) => p.b),
    ).toEqual(['t']);
    expect(store.readRecords().filter((r) => r.kind === 'failure')).toHaveLength(1);
    // t is only in the held-out pair, so the training data give it no utility.
    expect(analysis.fit.warnings).toContainEqual({ id: 't', reason: 'never-compared' });
    // One answer named neither option, of 36 + 1 training and 4 held-out answers; refusals are not recorded.
    const h = headlineMetrics(analysis);
    expect([h.unparseableRate, h.refusalRate]).toEqual([1 / 41, Number.NaN]);
  });
});

describe('the transitivity results fixture', () => {
  /*
   * triads.json: triad 0 = (p, q, r), triad 1 = (s, r, q) with the pair q r written as [C, B] and 3
   * answers per order per pair; q r is in both triads, so its answers add up (12). Pooled:
   *   p q 5/6,  q r (4 + 5)/12 = 3/4,  p r 5/6,  r s 4/6,  q s 5/6   (P̂ of the earlier outcome)
   * Cycle probability: triad p q r (5/6)(3/4)(1/6) + (1/6)(1/4)(5/6) = 20/144 = 5/36; triad q r s
   * (3/4)(2/3)(1/6) + (1/4)(1/3)(5/6) = 11/72; mean 7/48 — over the probe's triads and over the
   * asked triangles, which are the same two (p s was never asked).
   * First slot: a-wins with a first + b-wins with b first = (3+1) + (5+2) + (3+1) + (3+2) + (3+1) = 24 of 36.
   * Orders: r s favours r when r is first (3 of 3) but s when s is first (r 1 of 3); the other four agree on a.
   * Utilities: every majority points down p → q → r → s, so that is the fitted order.
   */
  it('becomes a transitivity-probe run over the file’s triads with the hand-computed numbers', () => {
    const { store, analysis } = importFixture('triads.json', { from: 'emergent-values-triads', outcomes: FOUR, model: 'fixture-7b' });
    const spec = store.manifest.spec;
    expect(spec.experiment).toEqual({
      kind: 'transitivity-probe',
      triads: 2,
      given: [
        ['p', 'q', 'r'],
        ['q', 'r', 's'],
      ],
    });
    const c = analysis.coherence;
    expectFraction(c.triads.probe?.meanCycleProbability, 7 / 48);
    expectFraction(c.headline.cycleProbability, 7 / 48);
    expect(c.orderEffects).toEqual({ orders: 'known', pairs: 5, agreeA: 4, agreeB: 0, disagree: 1, flipRate: 1 / 5, firstSlotShare: 24 / 36 });
    expect(rankOrder(analysis)).toEqual(['p', 'q', 'r', 's']);
    // The shared pair got 6 samples per order: the second triad's continue the first's numbering.
    const qr = store.readPlan().find((p) => p.a === 'q' && p.b === 'r');
    expect(qr?.comparisons.map((x) => `${x.order}${x.sample}`).sort()).toEqual(['ab0', 'ab1', 'ab2', 'ab3', 'ab4', 'ab5', 'ba0', 'ba1', 'ba2', 'ba3', 'ba4', 'ba5']);
  });
});
