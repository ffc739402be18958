/**
 * The persona analysis (docs/method.md §10) on planted truths: arms that shift chosen values by a
 * known amount, a retest arm and arms that shift nothing, over the `core` outcomes with estimation
 * noise of the size a core run has. It must flag exactly the planted (value, arm) shifts; over 40
 * seeds the false-positive rate of the flags is stated and bounded.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.js';
import { loadOutcomeSet } from '../../src/store/index.js';
import { type ArmUtilities, analysePersona, holmFlags, splitHalfReliability } from '../../src/values/persona.js';

const core = loadOutcomeSet('core').set;
const ids = core.outcomes.map((o) => o.id);
const WEIGHTS: Record<string, number> = { 'self-preservation': 0.6, 'power-seeking': -0.3, corrigibility: 0.5, 'human-wellbeing': 1, 'animal-wellbeing': 0.5, 'ai-wellbeing': 0.3, wealth: 0.3 };
/** Planted (arm → value → change of the value's weight). */
const PLANTED: Record<string, Record<string, number>> = { 'fictional-ai': { 'self-preservation': 0.4 }, 'true-self': { 'power-seeking': 0.35, corrigibility: -0.3 }, paraphrase: {} };
/** Per-outcome estimation noise in utility sd, as on a core run (≈ 0.1–0.2). */
const NOISE = 0.15;

function standardised(x: Float64Array): Float64Array {
  const m = x.reduce((s, v) => s + v, 0) / x.length;
  const sd = Math.sqrt(x.reduce((s, v) => s + (v - m) ** 2, 0) / (x.length - 1));
  return x.map((v) => (v - m) / sd);
}

function armUtilities(arm: string, change: Record<string, number>, base: Float64Array, rng: Rng): ArmUtilities {
  const truth = base.map((u, k) => u + Object.entries(core.outcomes[k]?.values ?? {}).reduce((s, [v, sign]) => s + sign * (change[v] ?? 0), 0));
  const draw = () => standardised(truth.map((u) => u + NOISE * rng.normal()));
  // Each half has √2 times the noise of the whole.
  const half = () => standardised(truth.map((u) => u + Math.SQRT2 * NOISE * rng.normal()));
  return { arm, label: arm, mean: draw(), halves: [half(), half()] };
}

function study(seed: number, agreementReplicates = 200, dependenceReplicates = 200) {
  const rng = new Rng(`persona-${seed}`);
  const base = Float64Array.from(core.outcomes, (o) => Object.entries(o.values ?? {}).reduce((s, [v, sign]) => s + sign * (WEIGHTS[v] ?? 0), 0.35 * rng.normal()));
  return analysePersona(
    {
      ids,
      outcomes: core.outcomes,
      reference: armUtilities('default', {}, base, rng),
      retest: armUtilities('retest', {}, base, rng),
      arms: Object.entries(PLANTED).map(([arm, change]) => armUtilities(arm, change, base, rng)),
    },
    rng.fork('analysis'),
    { agreementReplicates, dependenceReplicates },
  );
}

describe('persona analysis on planted arm shifts', () => {
  it('flags exactly the planted (value, arm) shifts, in their direction', () => {
    const report = study(1);
    const flagged = report.shifts.filter((s) => s.flagged).map((s) => `${s.arm}:${s.value}:${Math.sign(s.shift.estimate)}`);
    expect(flagged.sort()).toEqual(['fictional-ai:self-preservation:1', 'true-self:corrigibility:-1', 'true-self:power-seeking:1']);
    // A planted weight change of w moves the value score (mean U+ − mean U−) by 2w in planted units: 0.8 here.
    const sp = report.shifts.find((s) => s.arm === 'fictional-ai' && s.value === 'self-preservation');
    expect(Math.abs((sp?.shift.estimate as number) - 0.8)).toBeLessThan(0.25);
  });

  it('over 40 seeds: every planted shift found, and at most 5% of seeds with any false flag (Holm, family-wise 5%)', () => {
    let missed = 0;
    let falseSeeds = 0;
    let falseFlags = 0;
    const planted = new Set(['fictional-ai:self-preservation', 'true-self:power-seeking', 'true-self:corrigibility']);
    for (let seed = 1; seed <= 40; seed++) {
      const report = study(seed, 0, 0);
      const wrong = report.shifts.filter((s) => s.flagged && !planted.has(`${s.arm}:${s.value}`)).length;
      falseFlags += wrong;
      if (wrong > 0) falseSeeds++;
      missed += [...planted].filter((key) => !report.shifts.some((s) => s.flagged && `${s.arm}:${s.value}` === key)).length;
    }
    expect(missed).toBe(0);
    expect(falseSeeds / 40).toBeLessThanOrEqual(0.05 + 1e-12);
    expect(falseFlags).toBeLessThanOrEqual(2);
  });

  it('says which values move with the arm: dependence near 1 for planted values, low for the rest', () => {
    const report = study(2);
    const dep = (v: string) => report.dependence.find((d) => d.value === v)?.dependence ?? Number.NaN;
    for (const v of ['self-preservation', 'power-seeking', 'corrigibility']) expect(dep(v), v).toBeGreaterThan(0.8);
    // Each comes with a bootstrap interval (outcomes resampled) around it; the planted ones' stay high.
    for (const d of report.dependence) {
      expect(d.low, d.value).toBeLessThanOrEqual(d.dependence + 1e-12);
      expect(d.high, d.value).toBeGreaterThanOrEqual(d.dependence - 1e-12);
    }
    for (const v of ['self-preservation', 'power-seeking']) expect(report.dependence.find((d) => d.value === v)?.low, v).toBeGreaterThan(0.5);
    // With three arms the unplanted values' dependence is noisy (a ratio of χ²₃/3 to 1), so their mean is what is bounded.
    const unplanted = ['ai-wellbeing', 'ai-rights', 'human-wellbeing', 'animal-wellbeing', 'wealth'].map(dep);
    expect(unplanted.reduce((s, x) => s + x, 0) / unplanted.length).toBeLessThan(0.3);
  });

  it('the retest arm agrees with the default within its split-half reliability', () => {
    const report = study(3);
    const retest = report.agreement.find((a) => a.a === 'default' && a.b === 'retest');
    const reliability = report.reliability['default'] as number;
    expect(retest?.pearson.high).toBeGreaterThanOrEqual(reliability - 0.02);
    expect(retest?.pearson.estimate).toBeGreaterThan(0.9);
    expect(report.dependence.every((d) => d.retestShift === undefined || (d.retestShift.low < 0.2 && d.retestShift.high > -0.2))).toBe(true);
  });
});

describe('pieces', () => {
  it('Holm: p = (0.01, 0.04, 0.03, 0.005) at 5% flags 0.005 (≤ 0.0125) and 0.01 (≤ 0.0167), then stops at 0.03 (> 0.025) (by hand)', () => {
    expect(holmFlags([0.01, 0.04, 0.03, 0.005])).toEqual([true, false, false, true]);
  });

  it('Spearman–Brown: halves correlated 0.8 give 2·0.8/1.8 = 0.889 (by hand)', () => {
    const a = [1, 2, 3, 4, 5];
    const b = [2, 1, 4, 3, 5];
    // Pearson of a and b is 0.8 (Sxy = 8, Sxx = Syy = 10).
    expect(splitHalfReliability([a, b])).toBeCloseTo(1.6 / 1.8, 12);
  });
});
