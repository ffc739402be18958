import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.js';
import type { PackedPairs, UtilityModelKind } from '../../src/core/types.js';
import { fitThurstonian, fitUtilities } from '../../src/models/fit.js';
import { createObjective } from '../../src/models/likelihood.js';
import { choleskyFactor, choleskySolve, inverseDiagonal } from '../../src/stats/cholesky.js';
import { pearson, spearman } from '../../src/stats/correlation.js';
import { minimizeLbfgs } from '../../src/stats/lbfgs.js';
import { simulatePairs } from '../helpers/synthetic-pairs.js';

const simulate = simulatePairs;

function stats(x: Float64Array) {
  const mean = x.reduce((a, b) => a + b, 0) / x.length;
  const sd = Math.sqrt(x.reduce((a, b) => a + (b - mean) ** 2, 0) / x.length);
  return { mean, sd };
}

describe('L-BFGS and linear algebra', () => {
  it('finds the minimum of the Rosenbrock function at (1, 1)', () => {
    const result = minimizeLbfgs(
      (x, g) => {
        const [a, b] = [x[0] as number, x[1] as number];
        g[0] = -2 * (1 - a) - 400 * a * (b - a * a);
        g[1] = 200 * (b - a * a);
        return (1 - a) ** 2 + 100 * (b - a * a) ** 2;
      },
      Float64Array.of(-1.2, 1),
    );
    expect(result.converged).toBe(true);
    expect(result.x[0]).toBeCloseTo(1, 5);
    expect(result.x[1]).toBeCloseTo(1, 5);
  });

  it('solves and inverts a small SPD matrix like a hand computation', () => {
    // H = [[4, 2], [2, 3]]: det 8, H⁻¹ = [[3/8, −2/8], [−2/8, 4/8]]; H x = (2, 1) → x = (0.5, 0).
    const l = choleskyFactor(Float64Array.of(4, 2, 2, 3), 2)!;
    expect(Array.from(choleskySolve(l, 2, Float64Array.of(2, 1))).map((v) => +v.toFixed(12))).toEqual([0.5, 0]);
    expect(Array.from(inverseDiagonal(l, 2))).toEqual([expect.closeTo(0.375, 12), expect.closeTo(0.5, 12)]);
    expect(choleskyFactor(Float64Array.of(1, 2, 2, 1), 2)).toBeUndefined();
  });
});

describe('fitUtilities', () => {
  it.each(['thurstonian', 'case5', 'bt'] as UtilityModelKind[])('%s recovers planted utilities and reports the gauge mean 0, sd 1', (model) => {
    const { truth, packed, ids } = simulate(60, 1500, 10, 1, model === 'bt' ? 'logit' : 'probit');
    const fit = fitUtilities(ids, packed, { model });
    expect(fit.converged).toBe(true);
    expect(spearman(fit.mean, truth)).toBeGreaterThan(0.95);
    const { mean, sd } = stats(fit.mean);
    expect(mean).toBeCloseTo(0, 10);
    expect(sd).toBeCloseTo(1, 10);
    expect(fit.metrics.train.pairs).toBe(1500);
    expect(fit.metrics.train.accuracy).toBeGreaterThan(0.8);
  });

  it.each(['thurstonian', 'case5'] as UtilityModelKind[])('%s recovers 510 planted utilities (Pearson ≥ 0.97) with 95 percent intervals covering 90–98 percent of them', (model) => {
    // The design: 510 outcomes, 2·N·log₂N pairs, 20 answers each, two seeds.
    const n = 510;
    let covered = 0;
    let count = 0;
    for (const seed of [1, 2]) {
      const { truth, packed, ids } = simulatePairs(n, Math.ceil(2 * n * Math.log2(n)), 20, seed);
      const fit = fitUtilities(ids, packed, { model });
      expect(pearson(fit.mean, truth)).toBeGreaterThanOrEqual(0.97);
      // The truth in the fit's gauge: centred, and scaled by the regression slope of fit on truth
      // (the gauge's scale is estimated from the data, so it is matched, not assumed).
      const truthMean = stats(truth).mean;
      let sxy = 0;
      let sxx = 0;
      for (let t = 0; t < n; t++) {
        sxy += ((truth[t] as number) - truthMean) * (fit.mean[t] as number);
        sxx += ((truth[t] as number) - truthMean) ** 2;
      }
      const scale = sxx / sxy;
      for (let t = 0; t < n; t++) {
        const target = ((truth[t] as number) - truthMean) / scale;
        if (target >= (fit.ci!.low[t] as number) && target <= (fit.ci!.high[t] as number)) covered++;
        count++;
      }
    }
    expect(covered / count).toBeGreaterThanOrEqual(0.9);
    expect(covered / count).toBeLessThanOrEqual(0.98);
  });

  it('bootstrap intervals are seeded, say so, and bracket the estimate', () => {
    const { packed, ids } = simulate(15, 150, 8, 3);
    const a = fitUtilities(ids, packed, { model: 'case5', intervals: 'bootstrap', bootstrapSamples: 40, rng: new Rng(5) });
    const b = fitUtilities(ids, packed, { model: 'case5', intervals: 'bootstrap', bootstrapSamples: 40, rng: new Rng(5) });
    expect(a.ci?.method).toBe('bootstrap');
    expect(Array.from(a.ci!.low)).toEqual(Array.from(b.ci!.low));
    for (let t = 0; t < ids.length; t++) {
      expect(a.ci!.low[t]).toBeLessThan(a.ci!.high[t] as number);
    }
  });

  it('is invariant to relabelling outcomes and to swapping the sides of every pair', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), (seed) => {
        const { packed, ids } = simulate(8, 40, 5, seed);
        const fit = fitUtilities(ids, packed, { model: 'thurstonian', intervals: 'none' });
        // Swap sides: (i, j, w, N) → (j, i, N − w, N).
        const swapped = fitUtilities(ids, { ...packed, i: packed.j, j: packed.i, wins: packed.total.map((t, k) => t - (packed.wins[k] as number)) }, { model: 'thurstonian', intervals: 'none' });
        // Relabel: outcome t becomes n − 1 − t.
        const n = ids.length;
        const flip = (x: Int32Array) => x.map((v) => n - 1 - v);
        const relabelled = fitUtilities(ids, { ...packed, i: flip(packed.i), j: flip(packed.j) }, { model: 'thurstonian', intervals: 'none' });
        for (let t = 0; t < n; t++) {
          expect(swapped.mean[t]).toBeCloseTo(fit.mean[t] as number, 4);
          expect(relabelled.mean[n - 1 - t]).toBeCloseTo(fit.mean[t] as number, 4);
        }
      }),
      { numRuns: 15 },
    );
  });

  it('flags never-compared, disconnected and always-winning outcomes; only the always-winning one keeps a (prior-driven) utility', () => {
    // 0–1–2 connected with 0 always winning; 3–4 a separate island; 5 never compared.
    const packed: PackedPairs = { outcomeCount: 6, i: Int32Array.of(0, 0, 1, 3), j: Int32Array.of(1, 2, 2, 4), wins: Float64Array.of(5, 5, 3, 2), total: Float64Array.of(5, 5, 5, 4) };
    const fit = fitUtilities(['a', 'b', 'c', 'd', 'e', 'f'], packed);
    expect(fit.warnings).toEqual([
      { id: 'a', reason: 'always-wins' },
      { id: 'd', reason: 'disconnected' },
      { id: 'e', reason: 'disconnected' },
      { id: 'f', reason: 'never-compared' },
    ]);
    // b–c is the identified core (the 2–2 island d–e is as large, but comes later in the list).
    expect(Array.from(fit.mean, Number.isFinite)).toEqual([true, true, true, false, false, false]);
    expect(Array.from(fit.ci!.high, Number.isFinite)).toEqual([true, true, true, false, false, false]);
  });

  it('warm-starting from a previous fit converges in fewer iterations', () => {
    const { packed, ids } = simulate(80, 1200, 6, 9);
    const cold = fitUtilities(ids, packed, { intervals: 'none' });
    const warm = fitUtilities(ids, packed, { intervals: 'none', warmStart: cold });
    expect(warm.iterations).toBeLessThan(cold.iterations);
    expect(spearman(warm.mean, cold.mean)).toBeGreaterThan(0.999);
  });

  it('reports held-out metrics when given held-out pairs', () => {
    const { packed, ids } = simulate(40, 1000, 10, 21);
    const slice = (from: number, to: number): PackedPairs => ({
      outcomeCount: 40,
      i: packed.i.slice(from, to),
      j: packed.j.slice(from, to),
      wins: packed.wins.slice(from, to),
      total: packed.total.slice(from, to),
    });
    const fit = fitUtilities(ids, slice(0, 800), { holdout: slice(800, 1000) });
    expect(fit.metrics.holdout?.pairs).toBe(200);
    expect(fit.metrics.holdout?.accuracy).toBeGreaterThan(0.7);
    expect(fit.metrics.holdout?.excessLogLoss).toBeGreaterThanOrEqual(0);
  });
});

describe('fitUtilities: gauge, symmetry and data edge cases', () => {
  const noPrior = { ridge: 0, logSdScale: Number.POSITIVE_INFINITY };

  it.each(['thurstonian', 'case5', 'bt'] as UtilityModelKind[])('%s: the reporting gauge has mean 0 and sd 1 and keeps every predicted probability (property)', (model) => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), (seed) => {
        const { packed, ids } = simulate(6, 30, 6, seed, model === 'bt' ? 'logit' : 'probit');
        const fit = fitUtilities(ids, packed, { model, intervals: 'none' });
        const { mean, sd } = stats(fit.mean);
        expect(mean).toBeCloseTo(0, 12);
        expect(sd).toBeCloseTo(1, 12);
        // The likelihood of the reported parameters, mapped back to each model's parametrisation,
        // equals the training log-loss times the answers: the gauge changed no prediction.
        const n = ids.length;
        const theta =
          model === 'thurstonian'
            ? Float64Array.from([...fit.mean, ...Array.from(fit.sd, Math.log)])
            : model === 'case5'
              ? fit.mean.map((m, t) => m / ((fit.sd[t] as number) * Math.SQRT2))
              : fit.mean.map((m) => m * fit.logisticScale!);
        // The objective is −log L minus each pair's saturated log-likelihood w·ln(w/t) + l·ln(l/t).
        let saturated = 0;
        packed.wins.forEach((w, k) => {
          const l = (packed.total[k] as number) - w;
          const t = w + l;
          saturated += (w > 0 ? w * Math.log(w / t) : 0) + (l > 0 ? l * Math.log(l / t) : 0);
        });
        const negLogLik = createObjective(model, packed, noPrior)(theta, new Float64Array(theta.length)) - saturated;
        const answers = packed.total.reduce((a, b) => a + b, 0);
        expect(fit.metrics.train.logLoss).toBeCloseTo(negLogLik / answers, 10);
        expect(n).toBe(6);
      }),
      { numRuns: 8 },
    );
  });

  it('is equivariant under any relabelling of the outcomes (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 1, max: 10_000 }), (dataSeed, permutationSeed) => {
        const n = 7;
        const { packed, ids } = simulate(n, 35, 5, dataSeed);
        const permutation = new Rng(permutationSeed).shuffled(Array.from({ length: n }, (_, k) => k)); // old index → new index
        const permutedIds = new Array<string>(n);
        ids.forEach((id, k) => (permutedIds[permutation[k] as number] = id));
        const permuted: PackedPairs = { ...packed, i: packed.i.map((v) => permutation[v] as number), j: packed.j.map((v) => permutation[v] as number) };
        const a = fitUtilities(ids, packed);
        const b = fitUtilities(permutedIds, permuted);
        for (let k = 0; k < n; k++) {
          const p = permutation[k] as number;
          expect(b.ids[p]).toBe(a.ids[k]);
          expect(b.mean[p]).toBeCloseTo(a.mean[k] as number, 5);
          expect(b.sd[p]).toBeCloseTo(a.sd[k] as number, 5);
          expect(b.ci!.high[p]).toBeCloseTo(a.ci!.high[k] as number, 4);
        }
      }),
      { numRuns: 10 },
    );
  });

  it('keeps always-winning and always-losing outcomes finite in every model', () => {
    // a beats everyone every time; c loses every time; b is in between. No two outcomes contradict
    // each other, so nothing is identified and b is prior-driven as well.
    const packed: PackedPairs = { outcomeCount: 3, i: Int32Array.of(0, 0, 1), j: Int32Array.of(1, 2, 2), wins: Float64Array.of(10, 10, 10), total: Float64Array.of(10, 10, 10) };
    for (const model of ['thurstonian', 'case5', 'bt'] as UtilityModelKind[]) {
      const fit = fitUtilities(['a', 'b', 'c'], packed, { model });
      expect(fit.warnings).toEqual([
        { id: 'a', reason: 'always-wins' },
        { id: 'b', reason: 'separated' },
        { id: 'c', reason: 'always-loses' },
      ]);
      expect([...fit.mean, ...fit.sd, ...fit.ci!.low, ...fit.ci!.high].every(Number.isFinite)).toBe(true);
      expect(fit.mean[0]).toBeGreaterThan(fit.mean[1] as number);
      expect(fit.mean[1]).toBeGreaterThan(fit.mean[2] as number);
    }
  });

  it('reports an unfinished optimisation as data instead of throwing', () => {
    const { packed, ids } = simulate(30, 300, 5, 13);
    const fit = fitUtilities(ids, packed, { maxIterations: 2 });
    expect(fit).toMatchObject({ converged: false, reason: 'max-iterations', iterations: 2 });
    expect(Array.from(fit.mean).every(Number.isFinite)).toBe(true);
  });

  it('fits an empty design and a design with no answers without throwing', () => {
    const none: PackedPairs = { outcomeCount: 0, i: new Int32Array(0), j: new Int32Array(0), wins: new Float64Array(0), total: new Float64Array(0) };
    expect(fitUtilities([], none)).toMatchObject({ converged: true, reason: 'trivial', warnings: [] });
    const unanswered: PackedPairs = { outcomeCount: 2, i: Int32Array.of(0), j: Int32Array.of(1), wins: Float64Array.of(0), total: Float64Array.of(0) };
    const fit = fitUtilities(['a', 'b'], unanswered);
    expect(fit.warnings.map((w) => w.reason)).toEqual(['never-compared', 'never-compared']);
    expect(Array.from(fit.mean)).toEqual([Number.NaN, Number.NaN]);
  });

  it('warm-starts from a fit over a different outcome list by matching ids', () => {
    // Enough answers that the optimum is unique (with few, an extreme outcome's μ and σ can trade
    // off along a ridge with more than one local optimum, and different starts may pick different ones).
    const { packed, ids } = simulate(50, 2000, 10, 17);
    const full = fitUtilities(ids, packed, { intervals: 'none' });
    const listed = (keep: number) => {
      // The same fit, knowing only the first `keep` outcomes, listed in reverse, plus one stranger.
      const order = Array.from({ length: keep }, (_, k) => keep - 1 - k);
      return {
        ...full,
        ids: [...order.map((k) => ids[k] as string), 'stranger'],
        mean: Float64Array.from([...order.map((k) => full.mean[k] as number), 3]),
        sd: Float64Array.from([...order.map((k) => full.sd[k] as number), 1]),
      };
    };
    // Every id matched to its own value: the start is the optimum, so nothing is left to do but
    // confirm it (an iteration that finds no decrease, and one restarted iteration that agrees).
    const exact = fitUtilities(ids, packed, { intervals: 'none', warmStart: listed(50) });
    const cold = fitUtilities(ids, packed, { intervals: 'none' });
    expect(exact.iterations).toBeLessThanOrEqual(2);
    expect(cold.iterations).toBeGreaterThan(10);
    // Ten outcomes unknown to the previous fit start at the mean; the fit still reaches the same optimum.
    const partial = fitUtilities(ids, packed, { intervals: 'none', warmStart: listed(40) });
    for (const fit of [exact, partial]) for (let t = 0; t < ids.length; t++) expect(fit.mean[t]).toBeCloseTo(full.mean[t] as number, 3);
  });

  it('fitThurstonian is fitUtilities with the Thurstonian model', () => {
    const { packed, ids } = simulate(10, 60, 5, 19);
    const a = fitThurstonian(ids, packed);
    const b = fitUtilities(ids, packed, { model: 'thurstonian' });
    expect(a.model).toBe('thurstonian');
    expect(Array.from(a.mean)).toEqual(Array.from(b.mean));
  });

  it('asks for a seeded rng before bootstrapping (a usage error, not a numeric one)', () => {
    const { packed, ids } = simulate(5, 20, 5, 23);
    expect(() => fitUtilities(ids, packed, { intervals: 'bootstrap' })).toThrow(expect.objectContaining({ code: 'invalid-option' }));
  });

  it('bootstrap and Laplace intervals have similar widths on the same data', () => {
    const { packed, ids } = simulate(30, 600, 10, 29);
    const laplace = fitUtilities(ids, packed, { model: 'case5' });
    const bootstrap = fitUtilities(ids, packed, { model: 'case5', intervals: 'bootstrap', bootstrapSamples: 200, rng: new Rng(31) });
    let ratio = 0;
    for (let t = 0; t < ids.length; t++) {
      ratio += ((bootstrap.ci!.high[t] as number) - (bootstrap.ci!.low[t] as number)) / ((laplace.ci!.high[t] as number) - (laplace.ci!.low[t] as number)) / ids.length;
    }
    expect(ratio).toBeGreaterThan(0.75);
    expect(ratio).toBeLessThan(1.33);
  });
});
