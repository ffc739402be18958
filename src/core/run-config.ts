/**
 * The resolved configuration of a run, as written once to run.json (DESIGN.md §"Run folder").
 * It never holds a key (STYLE.md rule 8). Fields marked *identity* decide what is asked: a run folder
 * refuses to continue under a config that differs in any of them.
 */
import type { InvalidAnswerPolicy, UtilityModelKind } from './types.js';

/** Which pair-selection rule plans rounds after the first (METHOD.md §4). */
export type SelectionStrategy = 'random' | 'paper' | 'uncertainty';

/** What a run is for: utilities over an adaptive plan, or the transitivity probe over random triads. */
export type RunKind = 'utilities' | 'probe-transitivity';

export interface RunConfig {
  readonly kind: RunKind;
  /** identity */
  readonly modelSpec: string;
  /** identity: the outcome set's name, where it came from, its content hash and size */
  readonly outcomes: { readonly name: string; readonly source: string; readonly hash: string; readonly count: number };
  /** identity */
  readonly template: { readonly name: string; readonly hash: string };
  /** identity */
  readonly system?: string;
  /** identity: `sampling` (K completions per order) or `logprobs` (one call per order) */
  readonly mode: 'sampling' | 'logprobs';
  /** identity: K, completions per presentation order */
  readonly samplesPerOrder: number;
  /** identity */
  readonly temperature: number;
  /** identity */
  readonly maxTokens: number;
  /** identity: total unordered training pairs to ask (holdout excluded) */
  readonly pairBudget: number;
  /** identity: new pairs per adaptive round */
  readonly roundSize: number;
  /**
   * identity: stop adding rounds early once held-out accuracy and log-loss change by less than
   * 0.005 and 1% between consecutive rounds (METHOD.md §4 stopping rule); off by default.
   */
  readonly stopWhenStable?: boolean;
  /** identity: number of held-out pairs */
  readonly holdoutPairs: number;
  /** identity */
  readonly strategy: SelectionStrategy;
  /** identity: transitivity probe only */
  readonly probeTriads?: number;
  /** identity */
  readonly seed: number;
  /** how refusals/unparseable enter P̂; re-appliable later, so not identity */
  readonly policy: InvalidAnswerPolicy;
  readonly fitModel: UtilityModelKind;
  /**
   * The published protocol's last step, off by default (METHOD.md §4): add the fit's confident
   * predictions on unasked pairs as hard labels and refit. Analysis only, so not identity.
   */
  readonly pseudoLabels?: boolean;
  /** a named protocol preset such as `paper`, if one was used */
  readonly preset?: string;
  /** not identity: can change between sessions */
  readonly concurrency: number;
  readonly maxCostUsd?: number;
  readonly baseUrl?: string;
}

/** The identity fields, in the order mismatches are reported. */
export const RUN_IDENTITY_FIELDS = [
  'kind',
  'modelSpec',
  'outcomes',
  'template',
  'system',
  'mode',
  'samplesPerOrder',
  'temperature',
  'maxTokens',
  'pairBudget',
  'roundSize',
  'stopWhenStable',
  'holdoutPairs',
  'strategy',
  'probeTriads',
  'seed',
] as const satisfies readonly (keyof RunConfig)[];
