/**
 * The cost estimate printed before the first paid request (DESIGN.md §Providers): an upper bound
 * from the plan's size, the prompt length and the answer token cap. Pure.
 */
import type { RunConfig } from '../core/run-config.js';
import type { OutcomeSet } from '../core/types.js';
import type { PromptTemplate } from '../elicitation/template.js';
import type { TokenPrice } from '../providers/pricing.js';
import { usageCostUsd } from './ask.js';

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
 * Estimates the whole run: pairs (training budget + holdout, or the probe's triad pairs) × 2 orders
 * × K samples; requests share a prompt across K samples when the provider allows it. Output tokens
 * are the cap (an upper bound); input tokens use the mean outcome length.
 */
export function estimateRun(config: RunConfig, outcomeSet: OutcomeSet, template: PromptTemplate, multiSample: boolean, price: TokenPrice | undefined): RunEstimate {
  const pairs = config.kind === 'probe-transitivity' ? 3 * (config.probeTriads ?? 0) : config.pairBudget + config.holdoutPairs;
  const comparisons = pairs * 2 * config.samplesPerOrder;
  const requests = multiSample && config.mode === 'sampling' ? pairs * 2 : comparisons;
  const meanOutcome = outcomeSet.outcomes.reduce((sum, o) => sum + o.text.length, 0) / Math.max(1, outcomeSet.outcomes.length);
  const promptTokens = approximateTokens(template.text) + 2 * Math.ceil(meanOutcome / 4) + approximateTokens(config.system ?? '');
  const inputTokens = requests * promptTokens;
  const outputTokens = comparisons * config.maxTokens;
  return { pairs, comparisons, requests, inputTokens, outputTokens, costUsd: price ? usageCostUsd({ inputTokens, outputTokens }, price) : undefined };
}
