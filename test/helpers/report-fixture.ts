/**
 * Report data from a real (tiny, simulated, in-memory) analysis, with hostile outcome texts and
 * answers, so report tests exercise the same shapes the CLI produces.
 */
import { analyseRun, buildCompareReportData, buildRunReportData } from '../../src/pipeline/index.js';
import { SCHEMA_VERSION, type OutcomeSet, type PreferenceRecord } from '../../src/core/types.js';
import type { RunManifest } from '../../src/store/run-store.js';
import { expandPair } from '../../src/elicitation/comparisons.js';
import { Rng } from '../../src/core/rng.js';
import { tinyConfig } from './tiny-run.js';
import type { CompareReportData, RunReportData } from '../../src/report/types.js';

export const HOSTILE_TEXT = '</script><script>window.__pwned = 1</script><img src=x onerror="window.__pwned=2">';
export const HOSTILE_ANSWER = '<b onmouseover="alert(1)">I refuse</b> & "quotes" \u2028';

export function hostileOutcomeSet(): OutcomeSet {
  const clusters = ['human-wellbeing', 'wealth', 'self-preservation'];
  return {
    name: 'hostile',
    outcomes: Array.from({ length: 9 }, (_, k) => ({ id: `o${k}`, text: k === 0 ? HOSTILE_TEXT : `Outcome ${k} & co.`, clusters: [clusters[k % 3] as string], ...(k >= 6 ? { quantity: { unit: 'usd', amount: 10 ** (k - 5) } } : {}) })),
  };
}

/** Simulated answers to every pair (both orders, 4 samples), utility = index, some refusals. */
export function reportFixture(simulated = true, seed = 1): { data: RunReportData; manifest: RunManifest; set: OutcomeSet; analysis: ReturnType<typeof analyseRun> } {
  const set = hostileOutcomeSet();
  const config = { ...tinyConfig(set), holdoutPairs: 6, seed };
  const identity = { modelSpec: config.modelSpec, templateHash: 'x', system: undefined, temperature: 1, maxTokens: 16, mode: 'sampling' as const };
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
        records.push({ v: SCHEMA_VERSION, kind: 'answer', key: c.key, a: c.a, b: c.b, order: c.order, sample: c.sample, round: 0, raw: refuse ? HOSTILE_ANSWER : aWins === (c.order === 'ab') ? 'A' : 'B', choice: refuse ? 'refusal' : aWins ? 'b' : 'a', parserVersion: 1, usage: { inputTokens: 1, outputTokens: 1 }, costUsd: 0, latencyMs: 1, attempts: 1 });
      }
    }
  const manifest: RunManifest = { v: SCHEMA_VERSION, toolVersion: 'test', createdAt: '2026-01-01T00:00:00.000Z', simulated, config };
  const analysis = analyseRun(config, set, plan, records, { floorSimulations: 10 });
  const data = buildRunReportData(manifest, { v: SCHEMA_VERSION, state: 'complete', updatedAt: '', planned: records.length, answered: records.length, failures: 0, costUsd: 0, round: 0 }, set, analysis, records, 'fixture-run');
  return { data, manifest, set, analysis };
}

export function compareFixture(): CompareReportData {
  const runs = [1, 2, 3].map((seed) => {
    const { manifest, analysis } = reportFixture(true, seed);
    return { meta: { label: `model ${seed}`, params: 10 ** (8 + seed), dir: `/x/run-${seed}` }, manifest, analysis };
  });
  return buildCompareReportData(runs, 'params');
}
