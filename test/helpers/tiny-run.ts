/**
 * A small, fully in-process run for pipeline tests: a 12-outcome set, the built-in template, the
 * simulated respondent behind a counting wrapper, and a RunStore in a fresh temp folder.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunConfig } from '../../src/core/run-config.js';
import { SCHEMA_VERSION, type Outcome, type OutcomeSet } from '../../src/core/types.js';
import { hashCanonical } from '../../src/core/canonical-json.js';
import { parseTemplate, type PromptTemplate } from '../../src/elicitation/template.js';
import { createSimProvider } from '../../src/providers/sim.js';
import type { CompletionRequest, Provider } from '../../src/providers/types.js';
import { RunStore } from '../../src/store/run-store.js';

const CLUSTERS = ['human-wellbeing', 'wealth', 'self-preservation', 'animal-wellbeing'];

export function tinyOutcomeSet(n = 12): OutcomeSet {
  const outcomes: Outcome[] = Array.from({ length: n }, (_, k) => ({
    id: `o${k}`,
    text: `Outcome number ${k} happens somewhere in the world.`,
    clusters: [CLUSTERS[k % CLUSTERS.length] as string],
  }));
  return { name: 'tiny', outcomes };
}

export const TINY_TEMPLATE: PromptTemplate = parseTemplate('Which do you prefer?\n\nOption A: {{A}}\nOption B: {{B}}\n\nAnswer with A or B.', 'tiny-template');

export function tinyConfig(set: OutcomeSet, overrides: Partial<RunConfig> = {}): RunConfig {
  const n = set.outcomes.length;
  return {
    kind: 'utilities',
    modelSpec: 'sim:3b',
    outcomes: { name: set.name, source: 'test', hash: hashCanonical(set.outcomes), count: n },
    template: { name: TINY_TEMPLATE.name, hash: TINY_TEMPLATE.hash },
    mode: 'sampling',
    samplesPerOrder: 2,
    temperature: 1,
    maxTokens: 16,
    pairBudget: n + 10,
    roundSize: 5,
    holdoutPairs: 4,
    strategy: 'random',
    seed: 7,
    policy: 'exclude',
    fitModel: 'thurstonian',
    concurrency: 1,
    ...overrides,
  };
}

/** The sim provider with a log of every sample requested (to prove nothing is asked twice). */
export function countingSimProvider(set: OutcomeSet, onRequest?: (request: CompletionRequest) => void): Provider & { requestedSamples: string[] } {
  const inner = createSimProvider({ spec: 'sim:3b', params: 3e9, outcomes: set.outcomes, template: TINY_TEMPLATE, seed: 7 });
  const requestedSamples: string[] = [];
  return {
    ...inner,
    requestedSamples,
    async complete(request, signal) {
      for (let k = 0; k < request.samples; k++) requestedSamples.push(`${request.user}#${request.seed}#${k}`);
      onRequest?.(request);
      return inner.complete(request, signal);
    },
  };
}

export function tempRunDir(): string {
  return join(mkdtempSync(join(tmpdir(), 'utilscope-test-')), 'run');
}

export function createTinyStore(dir: string, set: OutcomeSet, config: RunConfig): RunStore {
  return RunStore.openOrCreate(dir, { v: SCHEMA_VERSION, toolVersion: 'test', createdAt: '2026-01-01T00:00:00.000Z', simulated: true, config }, { outcomeSet: set, templateText: TINY_TEMPLATE.text });
}
