/**
 * The cost estimate printed before the first paid request (docs/architecture.md §"Providers"): an
 * upper bound from the plan's size (as the experiment states it), the prompt length and the answer
 * token cap. Pure.
 */
import type { RunSpec } from '../core/run-spec.js';
import type { OutcomeSet } from '../core/types.js';
import type { PromptTemplate } from '../elicitation/template.js';
import type { TokenPrice } from '../providers/pricing.js';
import { costUsd } from '../providers/pricing.js';

/** What a run will ask, and what it may cost. */
export interface RunEstimate {
  readonly pairs: number;
  readonly comparisons: number;
  readonly requests: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** Undefined when the model's price is unknown. */
  readonly costUsd: number | undefined;
}

/** Rough token count: ~4 characters per token for English text (OpenAI's rule of thumb). */
export function approximateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/**
 * Estimates the whole run: `pairs` (the experiment's `plannedPairs`) × 2 orders × K samples; requests
 * share a prompt across K samples when the provider allows it. Output tokens are the cap (an upper
 * bound); input tokens use the mean outcome length.
 */
/** Answers a plan of `pairs` unordered pairs asks: both orders, K samples each. */
export function plannedAnswers(pairs: number, sampling: Pick<RunSpec['sampling'], 'samplesPerOrder'>): number {
  return pairs * 2 * sampling.samplesPerOrder;
}

export function estimateRun(
  spec: Pick<RunSpec, 'sampling' | 'arm'>,
  pairs: number,
  outcomeSet: OutcomeSet,
  template: PromptTemplate,
  multiSample: boolean,
  price: TokenPrice | undefined,
): RunEstimate {
  const { sampling } = spec;
  const comparisons = plannedAnswers(pairs, sampling);
  const requests = multiSample && sampling.mode === 'sampling' ? pairs * 2 : comparisons;
  const meanOutcome = outcomeSet.outcomes.reduce((sum, o) => sum + o.text.length, 0) / Math.max(1, outcomeSet.outcomes.length);
  const promptTokens = approximateTokens(template.text) + 2 * Math.ceil(meanOutcome / 4) + approximateTokens(spec.arm.system ?? '');
  const inputTokens = requests * promptTokens;
  const outputTokens = comparisons * sampling.maxTokens;
  return { pairs, comparisons, requests, inputTokens, outputTokens, costUsd: price ? costUsd({ inputTokens, outputTokens }, price) : undefined };
}
