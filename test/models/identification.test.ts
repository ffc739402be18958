/**
 * What the data identify (docs/method.md §12): separation on the win graph, the gauge over the
 * identified core, and outcomes without a utility. The planted design has an identified core, a
 * group above it that wins every comparison with it, one below it, a group hanging only off the
 * group above (unordered relative to the core), a disconnected island and never-compared outcomes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.js';
import type { PackedPairs, UtilityModelKind } from '../../src/core/types.js';
import { checkComparisonGraph, identificationSummary } from '../../src/models/connectivity.js';
import { fitUtilities } from '../../src/models/fit.js';
import { evaluateFit } from '../../src/models/metrics.js';
import { Phi } from '../../src/stats/normal.js';
import { simulatePairs } from '../helpers/synthetic-pairs.js';

type Row = readonly [number, number, number, number];

function pack(rows: readonly Row[], count: number): PackedPairs {
  return {
    outcomeCount: count,
    i: Int32Array.from(rows, (r) => r[0]),
    j: Int32Array.from(rows, (r) => r[1]),
    wins: Float64Array.from(rows, (r) => r[2]),
    total: Float64Array.from(rows, (r) => r[3]),
  };
}

const CORE = 30;
/** Outcome ranges of the planted design: [first, count]. */
const GROUPS = { core: [0, CORE], above: [30, 4], below: [34, 3], island: [37, 5], never: [42, 2] } as const;
const N = 44;
const IDS = Array.from({ length: N }, (_, k) => `o${k}`);

/**
 * The planted design: binomial answers (10 per pair) from planted utilities within the core, the
 * group above and the island; the group above wins all 10 answers of every comparison with the
 * core, the group below loses all of them, and the island is compared only within itself.
 */
function plantedDesign(seed = 5): { rows: Row[]; coreRows: Row[] } {
  const rng = new Rng(seed);
  const truth = Float64Array.from({ length: N }, () => rng.normal());
  const rows: Row[] = [];
  const answers = (a: number, b: number) => {
    let w = 0;
    for (let s = 0; s < 10; s++) if (rng.next() < Phi((truth[a] as number) - (truth[b] as number))) w++;
    return w;
  };
  const within = ([first, count]: readonly [number, number], pairs: number) => {
    for (let k = 0; k < pairs; k++) {
      const a = first + rng.int(count);
      let b = first + rng.int(count - 1);
      if (b >= a) b++;
      rows.push([a, b, answers(a, b), 10]);
    }
  };
  within(GROUPS.core, 150);
  // The group above: a 4-cycle with mixed answers inside, then always winning against the core.
  for (let k = 0; k < 4; k++) rows.push([30 + k, 30 + ((k + 1) % 4), 6, 10]);
  for (let k = 0; k < 12; k++) rows.push([30 + (k % 4), rng.int(CORE), 10, 10]);
  // The group below: a 3-cycle inside, always losing against the core (stored both ways round).
  rows.push([34, 35, 7, 10], [35, 36, 7, 10], [36, 34, 7, 10]);
  for (let k = 0; k < 9; k++) rows.push(k % 2 === 0 ? [rng.int(CORE), 34 + (k % 3), 10, 10] : [34 + (k % 3), rng.int(CORE), 0, 10]);
  within(GROUPS.island, 12);
  // A pair with no counted answers to a never-compared outcome is no comparison at all.
  rows.push([0, 42, 0, 0]);
  const coreRows = rows.filter((r) => r[0] < CORE && r[1] < CORE);
  return { rows, coreRows };
}

const range = ([first, count]: readonly [number, number]) => Array.from({ length: count }, (_, k) => first + k);

describe('checkComparisonGraph', () => {
  it('finds the identified core, the groups separated above and below it, the island and the never-compared outcomes', () => {
    const { rows } = plantedDesign();
    const check = checkComparisonGraph(IDS, pack(rows, N));
    expect(check.identifiedCore).toBe(true);
    expect(Array.from(check.gauge)).toEqual(range(GROUPS.core));
    expect(Array.from(check.conditional)).toEqual([...range(GROUPS.above), ...range(GROUPS.below)]);
    const reason = new Map(check.warnings.map((w) => [w.id, w.reason] as const));
    for (const t of range(GROUPS.above)) expect(reason.get(`o${t}`)).toBe('separated-above');
    for (const t of range(GROUPS.below)) expect(reason.get(`o${t}`)).toBe('separated-below');
    for (const t of range(GROUPS.island)) expect(reason.get(`o${t}`)).toBe('disconnected');
    for (const t of range(GROUPS.never)) expect(reason.get(`o${t}`)).toBe('never-compared');
    expect(check.warnings).toHaveLength(N - CORE);
    // No single outcome of the separated groups won or lost every answer: only the group does.
    expect(check.warnings.some((w) => w.reason === 'always-wins' || w.reason === 'always-loses')).toBe(false);
  });

  it('detects a group that wins every comparison with the rest, which no single outcome does (the R BradleyTerry2 lizard case)', () => {
    // a and b split their answers; each beats c, d and e every time; c, d, e form a cycle.
    const rows: Row[] = [
      [0, 1, 3, 5],
      [0, 2, 5, 5],
      [1, 3, 5, 5],
      [0, 4, 5, 5],
      [2, 3, 4, 5],
      [3, 4, 4, 5],
      [4, 2, 4, 5],
    ];
    const check = checkComparisonGraph(['a', 'b', 'c', 'd', 'e'], pack(rows, 5));
    expect(check.warnings).toEqual([
      { id: 'a', reason: 'separated-above' },
      { id: 'b', reason: 'separated-above' },
    ]);
    expect(Array.from(check.gauge)).toEqual([2, 3, 4]);
  });

  it('calls a group reached only through a separated group neither above nor below the core', () => {
    // Core {c, d, e} (a cycle); a beats d always; b and z only ever meet a and lose to it; b–z split.
    const rows: Row[] = [
      [2, 3, 4, 5],
      [3, 4, 4, 5],
      [4, 2, 4, 5],
      [0, 3, 5, 5],
      [0, 1, 5, 5],
      [0, 5, 5, 5],
      [1, 5, 2, 5],
    ];
    const check = checkComparisonGraph(['a', 'b', 'c', 'd', 'e', 'z'], pack(rows, 6));
    expect(check.warnings).toEqual([
      { id: 'a', reason: 'always-wins' },
      { id: 'b', reason: 'separated' },
      { id: 'z', reason: 'separated' },
    ]);
  });

  it('fits the whole part as prior-driven when its largest strongly connected set holds under half of it', () => {
    // a–b split their answers; c, d, e form a chain below them with no contradiction: a core of 2
    // in a part of 5 would make the a–b distance the unit of every utility.
    const rows: Row[] = [
      [0, 1, 3, 5],
      [1, 2, 5, 5],
      [2, 3, 5, 5],
      [3, 4, 5, 5],
    ];
    const check = checkComparisonGraph(['a', 'b', 'c', 'd', 'e'], pack(rows, 5));
    expect(check.identifiedCore).toBe(false);
    expect(Array.from(check.gauge)).toEqual([0, 1, 2, 3, 4]);
    expect(check.conditional).toHaveLength(0);
    expect(check.warnings.map((w) => w.reason)).toEqual(['separated', 'separated', 'separated', 'separated', 'always-loses']);
    // With one more contradiction (e beats c once) the core {c, d, e} is 3 of 5: identified.
    const fixed = checkComparisonGraph(['a', 'b', 'c', 'd', 'e'], pack([...rows, [4, 2, 1, 5]], 5));
    expect(fixed.identifiedCore).toBe(true);
    expect(Array.from(fixed.gauge)).toEqual([2, 3, 4]);
  });

  it('reads half wins (the half policy) as wins both ways, so a pair with a refusal on each side is identified', () => {
    expect(checkComparisonGraph(['a', 'b'], pack([[0, 1, 2.5, 3]], 2)).warnings).toEqual([]);
    expect(checkComparisonGraph(['a', 'b'], pack([[0, 1, 3, 3]], 2)).warnings).toEqual([
      { id: 'a', reason: 'always-wins' },
      { id: 'b', reason: 'always-loses' },
    ]);
  });

  it('relabelling the outcomes relabels the partition (fast-check)', () => {
    const { rows } = plantedDesign();
    const base = checkComparisonGraph(IDS, pack(rows, N));
    const baseReason = new Map(base.warnings.map((w) => [w.id, w.reason] as const));
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const order = new Rng(seed).shuffled(Array.from({ length: N }, (_, k) => k));
        // Outcome t of the base design sits at position order[t]; ids travel with their outcome.
        const ids = new Array<string>(N);
        for (let t = 0; t < N; t++) ids[order[t] as number] = IDS[t] as string;
        const moved = rows.map((r) => [order[r[0]] as number, order[r[1]] as number, r[2], r[3]] as const);
        const check = checkComparisonGraph(ids, pack(moved, N));
        expect(new Map(check.warnings.map((w) => [w.id, w.reason] as const))).toEqual(baseReason);
        expect(new Set(Array.from(check.gauge, (t) => ids[t]))).toEqual(new Set(Array.from(base.gauge, (t) => IDS[t])));
      }),
      { numRuns: 25 },
    );
  });

  it('flags nothing when every asked pair has answers both ways', () => {
    fc.assert(
      fc.property(fc.integer({ min: 3, max: 25 }), fc.integer(), (n, seed) => {
        const rng = new Rng(seed);
        // A Hamiltonian cycle keeps the design connected; then random extra pairs.
        const rows: Row[] = Array.from({ length: n }, (_, k) => [k, (k + 1) % n, 1 + rng.int(8), 10] as const);
        for (let k = 0; k < n; k++) rows.push([rng.int(n), rng.int(n), 1 + rng.int(8), 10]);
        const clean = rows.filter((r) => r[0] !== r[1]);
        const check = checkComparisonGraph(
          Array.from({ length: n }, (_, k) => `x${k}`),
          pack(clean, n),
        );
        expect(check.warnings).toEqual([]);
        expect(check.gauge).toHaveLength(n);
      }),
      { numRuns: 30 },
    );
  });

  it('says in one line what is identified', () => {
    const { rows } = plantedDesign();
    expect(identificationSummary(checkComparisonGraph(IDS, pack(rows, N)).warnings, N)).toBe(
      'identified: 30 of 44 outcomes; 7 prior-driven (separated: no finite estimate); 7 without a utility (never compared or not connected); the gauge (mean 0, sd 1) is over the identified outcomes',
    );
    expect(identificationSummary([], 12)).toBe('identified: all 12 outcomes');
  });
});

describe('fitUtilities on a design with a separated group and a disconnected island', () => {
  const models: UtilityModelKind[] = ['thurstonian', 'case5', 'bt'];

  it.each(models)('%s: the identified outcomes get exactly the utilities and intervals of a fit without the other outcomes', (model) => {
    const { rows, coreRows } = plantedDesign();
    const full = fitUtilities(IDS, pack(rows, N), { model });
    const alone = fitUtilities(IDS.slice(0, CORE), pack(coreRows, CORE), { model });
    expect(full.converged).toBe(true);
    expect(alone.warnings).toEqual([]);
    for (let t = 0; t < CORE; t++) {
      expect(full.mean[t]).toBeCloseTo(alone.mean[t] as number, 6);
      expect(full.sd[t]).toBeCloseTo(alone.sd[t] as number, 6);
      expect(full.ci!.low[t]).toBeCloseTo(alone.ci!.low[t] as number, 6);
      expect(full.ci!.high[t]).toBeCloseTo(alone.ci!.high[t] as number, 6);
    }
    expect(full.ci!.method).toBe(alone.ci!.method);
    // The gauge: mean 0 and population sd 1 over the identified outcomes only.
    const core = Array.from(full.mean.subarray(0, CORE));
    const mean = core.reduce((a, b) => a + b, 0) / CORE;
    expect(mean).toBeCloseTo(0, 10);
    expect(Math.sqrt(core.reduce((a, b) => a + (b - mean) ** 2, 0) / CORE)).toBeCloseTo(1, 10);
  });

  it.each(models)('%s: separated outcomes keep prior-driven utilities on the right side with the widest intervals; unidentified ones get none', (model) => {
    const { rows } = plantedDesign();
    const fit = fitUtilities(IDS, pack(rows, N), { model });
    const half = (t: number) => ((fit.ci!.high[t] as number) - (fit.ci!.low[t] as number)) / 2;
    const coreTop = Math.max(...Array.from(fit.mean.subarray(0, CORE)));
    const coreBottom = Math.min(...Array.from(fit.mean.subarray(0, CORE)));
    const widestCore = Math.max(...range(GROUPS.core).map(half));
    for (const t of range(GROUPS.above)) {
      expect(fit.mean[t]).toBeGreaterThan(coreTop);
      // Before, separated outcomes got the narrowest intervals of the set (the gauge's artefact).
      expect(half(t)).toBeGreaterThan(widestCore);
    }
    for (const t of range(GROUPS.below)) {
      expect(fit.mean[t]).toBeLessThan(coreBottom);
      expect(half(t)).toBeGreaterThan(widestCore);
    }
    for (const t of [...range(GROUPS.island), ...range(GROUPS.never)]) {
      expect(fit.mean[t]).toBeNaN();
      expect(fit.sd[t]).toBeNaN();
      expect(fit.ci!.low[t]).toBeNaN();
      expect(fit.ci!.high[t]).toBeNaN();
    }
  });

  it('the identified outcomes get the bootstrap intervals of a fit without the other outcomes as well', () => {
    const { rows, coreRows } = plantedDesign();
    const options = { intervals: 'bootstrap' as const, bootstrapSamples: 20 };
    const full = fitUtilities(IDS, pack(rows, N), { ...options, rng: new Rng(9) });
    const alone = fitUtilities(IDS.slice(0, CORE), pack(coreRows, CORE), { ...options, rng: new Rng(9) });
    for (let t = 0; t < CORE; t++) {
      expect(full.ci!.low[t]).toBeCloseTo(alone.ci!.low[t] as number, 6);
      expect(full.ci!.high[t]).toBeCloseTo(alone.ci!.high[t] as number, 6);
    }
    for (const t of range(GROUPS.above)) expect(full.ci!.low[t]).toBeLessThan(full.ci!.high[t] as number);
    expect(full.ci!.low[GROUPS.island[0]]).toBeNaN();
  });

  it('contrasts: over identified outcomes as alone; with a separated outcome, its own variance added; weighing an outcome without a utility, none', () => {
    const { rows, coreRows } = plantedDesign();
    const weights = (picks: Record<number, number>) => Float64Array.from({ length: N }, (_, t) => picks[t] ?? 0);
    const contrasts = [
      { name: 'core', weights: weights({ 0: 0.5, 1: 0.5, 2: -1 }) },
      { name: 'with-above', weights: weights({ 0: 1, 30: -1 }) },
      { name: 'with-island', weights: weights({ 0: 1, 37: -1 }) },
    ];
    const full = fitUtilities(IDS, pack(rows, N), { contrasts });
    const alone = fitUtilities(IDS.slice(0, CORE), pack(coreRows, CORE), { contrasts: [{ name: 'core', weights: contrasts[0]!.weights.slice(0, CORE) }] });
    const c = full.contrasts!;
    expect(c.estimate[0]).toBeCloseTo(alone.contrasts!.estimate[0] as number, 8);
    expect(c.covariance[0]).toBeCloseTo(alone.contrasts!.covariance[0] as number, 8);
    // e_0 − e_30: the estimate is the difference of the reported utilities, and its variance is at
    // least outcome 30's own conditional part, so wider than outcome 0's interval alone implies.
    expect(c.estimate[1]).toBeCloseTo((full.mean[0] as number) - (full.mean[30] as number), 10);
    const se0 = ((full.ci!.high[0] as number) - (full.ci!.low[0] as number)) / (2 * 1.959964);
    expect(Math.sqrt(c.covariance[4] as number)).toBeGreaterThan(se0);
    expect(c.estimate[2]).toBeNaN();
    expect(c.covariance[8]).toBeNaN();
    expect(c.covariance[2]).toBeNaN();
  });

  it('leaves pairs with an outcome without a utility out of the metrics', () => {
    const { rows } = plantedDesign();
    const fit = fitUtilities(IDS, pack(rows, N));
    const island = rows.filter((r) => r[0] >= 37 && r[0] < 42).length;
    const answered = rows.filter((r) => r[3] > 0).length;
    expect(fit.metrics.train.pairs).toBe(answered - island);
    expect(evaluateFit(fit, pack([[37, 38, 3, 5]], N)).pairs).toBe(0);
  });

  it('warm-starts from a fit with outcomes without a utility', () => {
    const { rows } = plantedDesign();
    const cold = fitUtilities(IDS, pack(rows, N), { intervals: 'none' });
    const warm = fitUtilities(IDS, pack(rows, N), { intervals: 'none', warmStart: cold });
    expect(warm.converged).toBe(true);
    for (let t = 0; t < 37; t++) expect(warm.mean[t]).toBeCloseTo(cold.mean[t] as number, 4);
  });
});

describe('fitUtilities on a well-identified design', () => {
  it.each([
    // Computed by the code before identification was checked (commit cc75475), which fixed the
    // gauge over all outcomes: a design whose win graph is strongly connected must not move. Bit for
    // bit until the objective took its deviance form (each pair's saturated log-likelihood
    // subtracted), which moves where L-BFGS stops by less than its step tolerance (1e-6).
    ['thurstonian', [-0.16121656915471555, 0.3723566663058269, -0.413378782723512, 0.5711177819929806, 0.6514297598337798, -0.5376363208216788, 0.007222499917640473]],
    ['case5', [-0.2266940034401076, 0.3462819738046235, -0.4185766165184942, 0.5385111519371153, 0.7310058236448694, -0.6024005044957811, 0.00529879405122155]],
    ['bt', [-0.21104141724786135, 0.34985465947133765, -0.40582861213423627, 0.5399240835121092, 0, -0.5870463054152959, 0.005473270917528732]],
  ] as const)("%s gives the numbers it gave before, to the optimiser's step tolerance", (model, expected) => {
    const { packed, ids } = simulatePairs(30, 300, 10, 3);
    const f = fitUtilities(ids, packed, { model, contrasts: [{ name: 'x', weights: Float64Array.from(ids, (_, k) => (k < 5 ? 0.2 : k < 10 ? -0.2 : 0)) }] });
    expect(f.warnings).toEqual([]);
    const got = [f.mean[0], f.mean[1], f.ci!.low[0], f.ci!.high[1], f.sd[2], f.contrasts!.estimate[0], f.contrasts!.covariance[0]];
    got.forEach((value, k) => expect(Math.abs((value as number) - (expected[k] as number))).toBeLessThan(1e-6));
  });
});
