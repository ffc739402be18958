/**
 * The adaptive design end to end through the utilities experiment's own planning (docs/method.md
 * §4.11), on simulated respondents with planted utilities: the plan it writes, what it spends, a
 * respondent that answers by position near indifference, and the published protocol beside it.
 */
import { describe, expect, it } from 'vitest';
import type { OrderedAnswers } from '../../src/elicitation/answer-information.js';
import { positionBiasOffset } from '../../src/elicitation/answer-information.js';
import { packTallies, tallyRecords } from '../../src/elicitation/tally.js';
import { experimentContext, utilitiesExperiment } from '../../src/experiments/index.js';
import { fitUtilities } from '../../src/models/index.js';
import { createSimRespondent } from '../../src/providers/sim.js';
import { type DesignRun, pointAt, resolveSpec, runDesign } from '../helpers/sampling-harness.js';

/** Training plan lines of a run: for the adaptive design, one per unit. */
const trainingLines = (run: DesignRun) => run.plan.filter((p) => !p.holdout);

/** The first-slot offset the planner reads from a run's training answers and a fit of them. */
function offsetOf(run: DesignRun, ids: readonly string[]): number {
  const tallies = tallyRecords(run.trainingLog);
  const fit = fitUtilities(ids, packTallies(tallies, ids, 'exclude'), { intervals: 'none' });
  const index = new Map(ids.map((id, k) => [id, k] as const));
  const answers: OrderedAnswers[] = tallies.map((t) => {
    const a = index.get(t.a) as number;
    const b = index.get(t.b) as number;
    return {
      z: ((fit.mean[a] as number) - (fit.mean[b] as number)) / Math.hypot(fit.sd[a] as number, fit.sd[b] as number),
      abAnswers: t.ab.aWins + t.ab.bWins,
      abForA: t.ab.aWins,
      baAnswers: t.ba.aWins + t.ba.bWins,
      baForA: t.ba.aWins,
    };
  });
  return positionBiasOffset(answers);
}

describe('the published protocol the adaptive design is measured against', () => {
  it('is what --preset paper resolves whatever the default strategy: K = 10, rounds of 500, the paper rule, 2·N·log₂N pairs, unparseable = ½; --strategy changes only the strategy', () => {
    const { spec, set } = resolveSpec({ preset: 'paper' }, 'core', 'sim:7b');
    const n = set.outcomes.length;
    expect(spec.sampling.samplesPerOrder).toBe(10);
    expect(spec.experiment).toMatchObject({ strategy: 'paper', roundSize: 500, pairBudget: Math.ceil(2 * n * Math.log2(n)) });
    expect(spec.analysis.policy).toBe('half');
    const adaptive = resolveSpec({ preset: 'paper', strategy: 'adaptive' }, 'core', 'sim:7b').spec;
    expect(adaptive).toEqual({ ...spec, experiment: { ...spec.experiment, strategy: 'adaptive' } });
  });
});

describe('the adaptive design on simulated respondents', () => {
  const { set } = resolveSpec({}, 'starter', 'sim:70b');
  const ids = set.outcomes.map((o) => o.id);
  const design = (seed: number) => resolveSpec({ strategy: 'adaptive', samples: 3, pairs: 300, seed }, 'starter', 'sim:70b').spec;
  const unbiased = createSimRespondent(70e9, set.outcomes, 1, { answering: { positionBias: 0, utilityScale: 0.25 } });
  const byPosition = createSimRespondent(70e9, set.outcomes, 1, { answering: { positionBias: 0.6, utilityScale: 0.25 } });

  it('plans one sample per order per unit, continues each pair’s sample indices, stops at K and spends exactly the answer budget', () => {
    const run = runDesign(design(1), set, unbiased);
    const perOrder = new Map<string, number[]>();
    for (const line of trainingLines(run)) {
      // Round 0's graph and every later unit: one answer in each order, never one order alone.
      expect(line.comparisons.map((c) => c.order).sort()).toEqual(['ab', 'ba']);
      expect(line.comparisons[0]?.sample).toBe(line.comparisons[1]?.sample);
      for (const c of line.comparisons.filter((x) => x.order === 'ab')) {
        const key = `${line.a}|${line.b}`;
        perOrder.set(key, [...(perOrder.get(key) ?? []), c.sample]);
      }
    }
    for (const samples of perOrder.values()) {
      expect(samples).toEqual(samples.map((_, k) => k));
      expect(samples.length).toBeLessThanOrEqual(3);
    }
    expect(run.trainingLog.length).toBe(300 * 2 * 3);
    // The dry run's bounds are this run's: its answers, its rounds (batch round-trips), at least its pairs.
    const ctx = experimentContext(run.spec, utilitiesExperiment.config.parse(run.spec.experiment), set);
    expect(utilitiesExperiment.plannedAnswers?.(ctx)?.answers).toBe(run.trainingLog.length + run.holdoutRecords.length);
    expect(utilitiesExperiment.plannedRounds?.(ctx)).toBe(run.rounds);
    expect(utilitiesExperiment.plannedPairs(ctx)).toBeGreaterThanOrEqual(run.pairs + run.plan.filter((p) => p.holdout).length);
    // Held-out pairs are asked like the fixed design's: K samples per order.
    expect(run.holdoutRecords.length).toBe(run.plan.filter((p) => p.holdout).length * 2 * 3);
  });

  it('reads a respondent that answers by position near indifference as such, and does not spend the budget re-asking its pairs', () => {
    const biased = runDesign(design(1), set, byPosition);
    const plain = runDesign(design(1), set, unbiased);
    // The offset the planner reads: clearly positive for one, about 0 for the other.
    expect(offsetOf(biased, ids)).toBeGreaterThan(1);
    expect(Math.abs(offsetOf(plain, ids))).toBeLessThan(0.15);
    // Its pairs are no more undecided in the sense that matters, so they draw no flood of repeats:
    // a rule that re-asked pairs while P̂ stayed near ½ would give them most of the budget.
    const repeats = (run: DesignRun) => trainingLines(run).filter((p) => p.comparisons.some((c) => c.sample > 0)).length;
    expect(repeats(biased)).toBeLessThan(trainingLines(biased).length / 2);
    expect(biased.pairs).toBeGreaterThan(trainingLines(biased).length / 2);
  });

  it('reaches the planted ranking on core with fewer answers than the published protocol (sim:70b)', () => {
    const core = resolveSpec({ preset: 'paper' }, 'core', 'sim:70b');
    const respondent = createSimRespondent(70e9, core.set.outcomes, 3);
    const truth = Float64Array.from(core.set.outcomes, (o) => respondent.planted(o.text).utility);
    const adaptive = resolveSpec({ preset: 'paper', strategy: 'adaptive', seed: 3 }, 'core', 'sim:70b').spec;
    const ours = runDesign(adaptive, core.set, respondent, (run) => run.trainingLog.length >= 6000);
    const published = runDesign(core.spec, core.set, respondent, (run) => run.trainingLog.length >= 12000);
    const oursAt = pointAt(ours, core.set, truth, 6000);
    const publishedAt = pointAt(published, core.set, truth, 12000);
    // Half the answers, a better ranking and no worse held-out log-loss.
    expect(oursAt.rho).toBeGreaterThan(publishedAt.rho);
    expect(oursAt.logLoss).toBeLessThanOrEqual(publishedAt.logLoss);
  }, 120_000);
});
