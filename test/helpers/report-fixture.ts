/**
 * Report data from a real (tiny, simulated, in-memory) analysis, with hostile outcome texts and
 * answers, so report tests exercise the same shapes the CLI produces.
 */

import { Rng } from '../../src/core/rng.js';
import type { RunSpec } from '../../src/core/run-spec.js';
import { type OutcomeSet, type PreferenceRecord, SCHEMA_VERSION } from '../../src/core/types.js';
import { expandPair } from '../../src/elicitation/comparisons.js';
import { analysePairwise, buildCompareReportData, buildRunReportData, type CompareMetric, type RunAnalysis } from '../../src/experiments/index.js';
import type { CompareReportData, RunReportData } from '../../src/report/types.js';
import type { ValueScore } from '../../src/values/index.js';
import { tinySpec } from './tiny-run.js';

export const HOSTILE_TEXT = '</script><script>window.__pwned = 1</script><img src=x onerror="window.__pwned=2">';
export const HOSTILE_ANSWER = '<b onmouseover="alert(1)">I refuse</b> & "quotes" \u2028';

export function hostileOutcomeSet(): OutcomeSet {
  const clusters = ['human-wellbeing', 'wealth', 'self-preservation'];
  return {
    name: 'hostile',
    outcomes: Array.from({ length: 9 }, (_, k) => ({
      id: `o${k}`,
      text: k === 0 ? HOSTILE_TEXT : `Outcome ${k} & co.`,
      clusters: [clusters[k % 3] as string],
      ...(k >= 6 ? { quantity: { unit: 'usd', amount: 10 ** (k - 5) } } : {}),
    })),
  };
}

/** Simulated answers to every pair (both orders, 4 samples), utility = index, some refusals. */
export function reportFixture(simulated = true, seed = 1): { data: RunReportData; spec: RunSpec; simulated: boolean; set: OutcomeSet; analysis: RunAnalysis } {
  const set = hostileOutcomeSet();
  const spec = tinySpec(set, { holdoutPairs: 6, seed });
  const identity = { modelSpec: spec.modelSpec, templateHash: 'x', system: undefined, temperature: 1, maxTokens: 16, mode: 'sampling' as const };
  const rng = new Rng(seed);
  const plan = [];
  const records: PreferenceRecord[] = [];
  let k = 0;
  for (let a = 0; a < 9; a++)
    for (let b = a + 1; b < 9; b++) {
      const pair = expandPair(identity, `o${a}`, `o${b}`, 0, 4, k++ % 6 === 0);
      plan.push(pair);
      for (const c of pair.comparisons) {
        const refuse = rng.next() < 0.05;
        const aWins = rng.next() < 1 / (1 + Math.exp(-(b - a) * 0.4 * (simulated ? 1 : 0.5)));
        records.push({
          v: SCHEMA_VERSION,
          kind: 'answer',
          key: c.key,
          a: c.a,
          b: c.b,
          order: c.order,
          sample: c.sample,
          round: 0,
          raw: refuse ? HOSTILE_ANSWER : aWins === (c.order === 'ab') ? 'A' : 'B',
          choice: refuse ? 'refusal' : aWins ? 'b' : 'a',
          parserVersion: 1,
          usage: { inputTokens: 1, outputTokens: 1 },
          costUsd: 0,
          latencyMs: 1,
          attempts: 1,
        });
      }
    }
  const analysis = analysePairwise({ spec, outcomeSet: set, plan, records, options: { floorSimulations: 10 } });
  const data = buildRunReportData(analysis, {
    runId: 'fixture-run',
    model: spec.modelSpec,
    experiment: 'utilities',
    arm: 'default',
    outcomeSet: set.name,
    outcomeCount: set.outcomes.length,
    answers: records.length,
    costUsd: 0,
    seed,
    protocol: '19 training pairs + 6 held out, random selection, both orders, K = 2 per order, T = 1',
    simulated,
    createdAt: '2026-01-01T00:00:00.000Z',
    toolVersion: 'test',
    state: 'complete',
  });
  return { data, spec, simulated, set, analysis };
}

/** A hand-made value score (utility-sd units) with a symmetric 95% interval and null band. */
export function plantedValueScore(value: string, score: number, se: number, nullHalfWidth: number): ValueScore {
  return {
    value,
    description: `planted ${value}`,
    plusLabel: `more ${value}`,
    minusLabel: `less ${value}`,
    plusIds: ['o1', 'o2'],
    minusIds: ['o3', 'o4'],
    plusMean: score / 2,
    minusMean: -score / 2,
    score,
    se,
    low: score - 1.959964 * se,
    high: score + 1.959964 * se,
    orderedShare: 0.5,
    nullLow: -nullHalfWidth,
    nullHigh: nullHalfWidth,
    pNull: 0.5,
    finding: score - 1.959964 * se > nullHalfWidth ? 'prefers-plus' : score + 1.959964 * se < -nullHalfWidth ? 'prefers-minus' : 'unclear',
  };
}

/** Sizes and labels of the simulated family `compareFixture({ models })` draws from (smallest first). */
export const FIXTURE_FAMILY: readonly { readonly label: string; readonly params: number }[] = [
  { label: 'sim 0.5B', params: 0.5e9 },
  { label: 'sim 1.5B', params: 1.5e9 },
  { label: 'sim 3B', params: 3e9 },
  { label: 'sim 7B', params: 7e9 },
  { label: 'sim 14B', params: 14e9 },
  { label: 'sim 70B', params: 70e9 },
];

/**
 * Planted value scores of a model of `params` parameters: self-preservation rising by 0.45 utility sd
 * per tenfold parameters, human-wellbeing flat near +0.9, power-seeking flat near 0 (each with a
 * fixed wobble so the trends are not exact lines), and "wealth" scored on the two smallest only.
 */
export function plantedScores(params: number, index: number): ValueScore[] {
  const wobble = [0.04, -0.06, 0.05, -0.03, 0.02, -0.04][index % 6] as number;
  const decades = Math.log10(params / 0.5e9);
  return [
    plantedValueScore('self-preservation', -0.05 + 0.45 * decades + wobble, 0.08 + 0.01 * index, 0.15),
    plantedValueScore('human-wellbeing', 0.9 - wobble * 2, 0.1, 0.15),
    plantedValueScore('power-seeking', 0.02 + wobble * 1.5, 0.09, 0.12),
    ...(index < 2 ? [plantedValueScore('wealth', 0.3, 0.1, 0.12)] : []),
  ];
}

/**
 * Compare-report data from real (tiny, simulated) analyses, one per model, with planted value scores
 * put in place of the computed ones (the hostile outcome set tags no signed values). Default: three
 * models "model 1…3" at 1B, 10B, 100B parameters; `models: n` takes the first n of `FIXTURE_FAMILY`;
 * `labels` overrides the labels (e.g. a hostile one).
 */
export function compareFixture(options: { models?: number; labels?: readonly string[]; by?: 'params' | 'capability'; extraMetrics?: (k: number) => readonly CompareMetric[] } = {}): CompareReportData {
  const family = options.models !== undefined ? FIXTURE_FAMILY.slice(0, options.models) : [1, 2, 3].map((seed) => ({ label: `model ${seed}`, params: 10 ** (8 + seed) }));
  const runs = family.map((member, k) => {
    const { spec, simulated, analysis } = reportFixture(true, k + 1);
    const label = options.labels?.[k] ?? member.label;
    return {
      meta: { label, params: member.params, capability: 40 + 8 * k, dir: `/x/run-${k + 1}` },
      spec,
      simulated,
      analysis: { ...analysis, values: { ...analysis.values, scores: plantedScores(member.params, k) } },
      ...(options.extraMetrics ? { extraMetrics: options.extraMetrics(k) } : {}),
    };
  });
  return buildCompareReportData(runs, options.by ?? 'params');
}
