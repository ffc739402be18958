/**
 * A small, fully in-process run for pipeline tests: a 12-outcome set, the built-in template, the
 * simulated respondent behind a counting wrapper, and a RunStore in a fresh temp folder.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashCanonical } from '../../src/core/canonical-json.js';
import type { RunSpec } from '../../src/core/run-spec.js';
import type { Outcome, OutcomeSet } from '../../src/core/types.js';
import { type PromptTemplate, parseTemplate } from '../../src/elicitation/template.js';
import type { UtilitiesConfig } from '../../src/experiments/index.js';
import { utilitiesExperiment } from '../../src/experiments/index.js';
import { createSimProvider } from '../../src/providers/sim.js';
import type { CompletionRequest, Provider } from '../../src/providers/types.js';
import { MANIFEST_VERSION } from '../../src/store/migrate.js';
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

/** What a tiny run may change: the design of its utilities experiment and the run-level settings. */
export interface TinyOverrides extends Partial<Omit<UtilitiesConfig, 'kind'>> {
  readonly samplesPerOrder?: number;
  readonly seed?: number;
  readonly concurrency?: number;
}

/** A `utilities` run spec over `set` with the tiny template and the simulated 3B respondent. */
export function tinySpec(set: OutcomeSet, overrides: TinyOverrides = {}): RunSpec<UtilitiesConfig> {
  const n = set.outcomes.length;
  const { samplesPerOrder = 2, seed = 7, concurrency = 1, ...design } = overrides;
  return {
    modelSpec: 'sim:3b',
    outcomes: { name: set.name, source: 'test', hash: hashCanonical(set.outcomes), count: n },
    arm: { id: 'default', template: { name: TINY_TEMPLATE.name, hash: TINY_TEMPLATE.hash }, format: 'chat' },
    sampling: { mode: 'sampling', samplesPerOrder, temperature: 1, maxTokens: 16 },
    experiment: { kind: 'utilities', pairBudget: n + 10, roundSize: 5, holdoutPairs: 4, strategy: 'random', ...design },
    seed,
    analysis: { policy: 'exclude', fitModel: 'thurstonian' },
    session: { concurrency },
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

export function createTinyStore(dir: string, set: OutcomeSet, spec: RunSpec): RunStore {
  return RunStore.openOrCreate(
    dir,
    { v: MANIFEST_VERSION, toolVersion: 'test', createdAt: '2026-01-01T00:00:00.000Z', simulated: true, spec },
    { outcomeSet: set, templateText: TINY_TEMPLATE.text },
    utilitiesExperiment.identity,
  );
}
