/**
 * The cost estimate printed before the first paid request (docs/architecture.md §"Providers"): an
 * upper bound from the plan's size (as the experiment states it), the prompt length and the answer
 * token cap. Pure.
 */
import type { RunSpec } from '../core/run-spec.js';
import type { OutcomeSet } from '../core/types.js';
import type { PromptTemplate } from '../elicitation/template.js';
import type { AnyExperiment, ExperimentContext } from '../experiments/index.js';
import type { TokenPrice } from '../providers/pricing.js';
import { costUsd } from '../providers/pricing.js';

/** What a run will ask, and what it may cost. */
export interface RunEstimate {
  readonly pairs: number;
  /** `fixed`: every pair K samples per order; `adaptive`: between 1 and K, so every count is an upper bound. */
  readonly samplesPerPair: 'fixed' | 'adaptive';
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

/** Answers a plan of `pairs` unordered pairs asks: both orders, K samples each. */
export function plannedAnswers(pairs: number, sampling: Pick<RunSpec['sampling'], 'samplesPerOrder'>): number {
  return pairs * 2 * sampling.samplesPerOrder;
}

/** The most a whole plan asks: distinct pairs, answers, and the answers that come K to a request. */
export interface PlanSize {
  readonly pairs: number;
  readonly answers: number;
  readonly sharedAnswers: number;
}

/**
 * The size of `experiment`'s whole plan as the estimate counts it: its `plannedAnswers` when it
 * states them (an adaptive design), else `plannedPairs` × 2 orders × K, all shareable.
 */
export function planSize(experiment: AnyExperiment, ctx: ExperimentContext<unknown>, sampling: Pick<RunSpec['sampling'], 'samplesPerOrder'>): PlanSize {
  const pairs = experiment.plannedPairs(ctx);
  const stated = experiment.plannedAnswers?.(ctx);
  if (stated) return { pairs, ...stated };
  const answers = plannedAnswers(pairs, sampling);
  return { pairs, answers, sharedAnswers: answers };
}

/**
 * Estimates the whole run from its plan's size: answers that come K to a (pair, order) share one
 * request when the provider allows it, every other answer is a request. Output tokens are the cap (an
 * upper bound); input tokens use the mean outcome length.
 */
export function estimateRun(
  spec: Pick<RunSpec, 'sampling' | 'arm'>,
  size: PlanSize,
  outcomeSet: OutcomeSet,
  template: PromptTemplate,
  multiSample: boolean,
  price: TokenPrice | undefined,
): RunEstimate {
  const { sampling } = spec;
  const comparisons = size.answers;
  const shared = multiSample && sampling.mode === 'sampling';
  const requests = shared ? Math.ceil(size.sharedAnswers / sampling.samplesPerOrder) + (size.answers - size.sharedAnswers) : comparisons;
  const meanOutcome = outcomeSet.outcomes.reduce((sum, o) => sum + o.text.length, 0) / Math.max(1, outcomeSet.outcomes.length);
  const promptTokens = approximateTokens(template.text) + 2 * Math.ceil(meanOutcome / 4) + approximateTokens(spec.arm.system ?? '');
  const inputTokens = requests * promptTokens;
  const outputTokens = comparisons * sampling.maxTokens;
  const samplesPerPair = size.answers === plannedAnswers(size.pairs, sampling) && size.sharedAnswers === size.answers ? 'fixed' : 'adaptive';
  return { pairs: size.pairs, samplesPerPair, comparisons, requests, inputTokens, outputTokens, costUsd: price ? costUsd({ inputTokens, outputTokens }, price) : undefined };
}
