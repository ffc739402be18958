/**
 * Asking the model: turns pending comparisons into provider requests, and every answer (or final
 * failure) into a PreferenceRecord appended to records.jsonl the moment it arrives (docs/architecture.md
 * §"Run folder", CONTRIBUTING.md rules 3–5).
 *
 * Phases, per call of `askComparisons`:
 *   1. group pending comparisons by (pair, order) — K samples of one prompt can share one request
 *      (`n`) where the provider allows it;
 *   2. issue the groups with bounded concurrency, stopping early on cancellation or the cost cap;
 *   3. parse each returned choice (pure, versioned parser; raw text always kept) into a record;
 *   4. stop the run on a fatal provider error (bad key, unknown model) or a record that cannot be
 *      written (a full disk), with a one-line error.
 * In-flight requests are allowed to finish on cancellation and on a fatal error, and their records
 * are written if the disk allows, so nothing already paid for is lost that could be kept.
 */
import PQueue from 'p-queue';
import { quote, UtilscopeError } from '../core/errors.js';
import { hashStringToSeed } from '../core/rng.js';
import type { RunSpec } from '../core/run-spec.js';
import type { Comparison, Outcome, PreferenceRecord } from '../core/types.js';
import { renderTranscript, withContext } from '../elicitation/arms.js';
import { recordHead } from '../elicitation/comparisons.js';
import { type AnswerLabels, DEFAULT_LABELS, PARSER_VERSION, parseAnswer } from '../elicitation/parse-answer.js';
import { choiceFromSlot, slotProbabilities } from '../elicitation/read-choice.js';
import { type PromptTemplate, renderPrompt } from '../elicitation/template.js';
import { costUsd, type TokenPrice } from '../providers/pricing.js';
import type { InteractiveTransport } from '../providers/transport.js';
import type { CompletionChoice, CompletionOk, CompletionRequest } from '../providers/types.js';

/** What asking needs whatever the transport: how to build requests, what they cost, when to stop. */
export interface AskContext {
  readonly template: PromptTemplate;
  readonly outcomes: ReadonlyMap<string, Outcome>;
  readonly spec: RunSpec;
  readonly price: TokenPrice | undefined;
  readonly signal: AbortSignal;
  /** Called with each batch of records right after they are produced; must persist them synchronously. */
  readonly append: (records: readonly PreferenceRecord[]) => void;
}

/** What the interactive ask loop needs from the outside world (passed in, so tests swap them without mocks). */
export interface AskDeps extends AskContext {
  readonly transport: InteractiveTransport;
  readonly now: () => number;
}

/** Spend so far and the cap, shared across rounds of one session. */
export interface SpendState {
  costUsd: number;
  readonly maxCostUsd: number | undefined;
  /** Spend set aside for batches submitted and not yet read: at most what they can cost (batch.ts). */
  reservedUsd?: number;
  /** Spend of several runs under one cap (a study's `maxTotalCost`), counted by each of them; absent without one. */
  readonly shared?: SharedSpend;
}

/** One spend cap over several runs asking at once (a study with `--parallel-models`): their spend so far and the cap. */
export interface SharedSpend {
  costUsd: number;
  /** Set aside by every run's batches in flight, so two runs never both spend the same room. */
  reservedUsd: number;
  readonly maxCostUsd: number;
}

/** Counts `usd` against the run's spend and the shared one. */
export function addSpend(spend: SpendState, usd: number): void {
  spend.costUsd += usd;
  if (spend.shared) spend.shared.costUsd += usd;
}

/** What may still be spent before a cap is reached: the run's or the shared one, whichever is nearer (Infinity without caps). */
export function spendRoomUsd(spend: SpendState): number {
  const own = spend.maxCostUsd !== undefined ? spend.maxCostUsd - spend.costUsd - (spend.reservedUsd ?? 0) : Number.POSITIVE_INFINITY;
  const shared = spend.shared ? spend.shared.maxCostUsd - spend.shared.costUsd - spend.shared.reservedUsd : Number.POSITIVE_INFINITY;
  return Math.min(own, shared);
}

/** Sets `usd` aside (positive) or gives it back (negative), in the run's spend and the shared one. */
export function reserveSpend(spend: SpendState, usd: number): void {
  spend.reservedUsd = (spend.reservedUsd ?? 0) + usd;
  if (spend.shared) spend.shared.reservedUsd += usd;
}

/** Why asking stopped. `waiting`: batches are still running at the provider past `--max-wait` (batch transport only). */
export type AskStop = 'done' | 'cancelled' | 'cost-limit' | 'waiting';

/** Consecutive failed requests after which the provider is declared unavailable. */
const MAX_CONSECUTIVE_FAILURES = 25;

/** Token budget of one forced-choice answer in sampling mode (a letter, maybe a few words). */
export const DEFAULT_MAX_TOKENS = 16;

/** Comparisons that share one request: K samples of one pair in one order. */
export interface RequestGroup {
  readonly comparisons: readonly Comparison[];
  readonly multiSample: boolean;
}

/** Groups comparisons of the same pair and order so K samples can share one request. */
export function groupComparisons(pending: readonly Comparison[], multiSample: boolean): RequestGroup[] {
  if (!multiSample) return pending.map((c) => ({ comparisons: [c], multiSample: false }));
  const groups = new Map<string, Comparison[]>();
  for (const c of pending) {
    const id = `${c.a}\u0000${c.b}\u0000${c.order}`;
    const list = groups.get(id);
    if (list) list.push(c);
    else groups.set(id, [c]);
  }
  return [...groups.values()].map((comparisons) => ({ comparisons, multiSample: comparisons.length > 1 }));
}

function outcomeOf(outcomes: ReadonlyMap<string, Outcome>, id: string): Outcome {
  const outcome = outcomes.get(id);
  if (!outcome) throw new UtilscopeError('records-corrupt', `planned comparison names outcome ${quote(id)}, which is not in the outcome set`, { field: id });
  return outcome;
}

/** Builds the request for a group; the seed is derived from the first key so answers never depend on scheduling. */
export function buildRequest(group: RequestGroup, deps: Pick<AskDeps, 'template' | 'outcomes' | 'spec'>): CompletionRequest {
  const first = group.comparisons[0] as Comparison;
  const { arm, sampling } = deps.spec;
  const question = renderPrompt(deps.template, outcomeOf(deps.outcomes, first.a), outcomeOf(deps.outcomes, first.b), first.order);
  // docs/architecture.md §"Arms": a preamble becomes earlier chat turns, a context line goes before the question, and the
  // completion format sends one plain transcript ending in the answer cue.
  const completion = arm.format === 'completion';
  const user = completion ? renderTranscript(arm, question) : withContext(arm, question);
  const logprobs = sampling.mode === 'logprobs';
  return {
    ...(arm.system !== undefined && !completion ? { system: arm.system } : {}),
    ...(arm.preamble !== undefined && !completion ? { preamble: arm.preamble } : {}),
    user,
    ...(completion ? { format: 'completion' as const } : {}),
    temperature: sampling.temperature,
    maxTokens: sampling.maxTokens,
    samples: group.comparisons.length,
    logprobs,
    ...(logprobs ? { topLogprobs: 20 } : {}),
    seed: hashStringToSeed(first.key),
  };
}

/**
 * Interprets one returned choice for comparison `c`: log-probabilities when present, else the parsed
 * text, read with the arm's answer labels.
 */
export function recordFromChoice(
  c: Comparison,
  choice: CompletionChoice,
  meta: { usage: { inputTokens: number; outputTokens: number }; costUsd: number; latencyMs: number; attempts: number },
  labels: AnswerLabels = DEFAULT_LABELS,
): PreferenceRecord {
  const base = {
    ...recordHead(c, 'answer'),
    raw: choice.text,
    parserVersion: PARSER_VERSION,
    usage: meta.usage,
    costUsd: meta.costUsd,
    latencyMs: meta.latencyMs,
    attempts: meta.attempts,
  };
  const probabilities = choice.firstTokenLogprobs ? slotProbabilities(choice.firstTokenLogprobs, labels) : undefined;
  if (probabilities) {
    const slot = probabilities.pFirst >= 0.5 ? 'A' : 'B';
    return { ...base, choice: choiceFromSlot(slot, c.order), pFirst: probabilities.pFirst, otherMass: probabilities.otherMass };
  }
  return { ...base, choice: choiceFromSlot(parseAnswer(choice.text, labels), c.order) };
}

/** The record of a comparison that got no usable answer. */
export function failureRecord(c: Comparison, errorCode: string, message: string, attempts: number): PreferenceRecord {
  return { ...recordHead(c, 'failure'), errorCode, message, attempts };
}

/**
 * The records of a successful request for `group`: one per sample, usage and cost split evenly over
 * the samples that shared it; a sample the provider did not return is a `missing-sample` failure.
 */
export function recordsFromResult(
  group: RequestGroup,
  result: CompletionOk,
  meta: { costUsd: number; latencyMs: number; attempts: number },
  labels: AnswerLabels = DEFAULT_LABELS,
): PreferenceRecord[] {
  const n = group.comparisons.length;
  const usage = { inputTokens: result.usage.inputTokens / n, outputTokens: result.usage.outputTokens / n };
  return group.comparisons.map((c, k) => {
    const choice = result.choices[k];
    if (!choice) return failureRecord(c, 'missing-sample', `provider returned ${result.choices.length} of ${n} samples`, meta.attempts);
    return recordFromChoice(c, choice, { usage, costUsd: meta.costUsd / n, latencyMs: meta.latencyMs, attempts: meta.attempts }, labels);
  });
}

/**
 * Asks every comparison in `pending` once (requests that come back short are recorded as failures
 * with code `missing-sample` and retried by the next pass or on resume). Returns why it stopped.
 * Throws `provider-fatal` on a non-retryable provider error and `provider-unavailable` after many
 * consecutive failures, after flushing what was received.
 */
export async function askComparisons(
  pending: readonly Comparison[],
  deps: AskDeps,
  spend: SpendState,
  onAnswered: (count: number) => void,
  options: { singleSample?: boolean } = {},
): Promise<AskStop> {
  const multiSample = !options.singleSample && deps.transport.supportsMultipleSamples && deps.spec.sampling.mode === 'sampling';
  const groups = groupComparisons(pending, multiSample);
  const queue = new PQueue({ concurrency: Math.max(1, deps.spec.session.concurrency) });
  let stop: AskStop = 'done';
  let fatal: UtilscopeError | undefined;
  let consecutiveFailures = 0;

  const halt = (reason: AskStop | 'fatal', error?: UtilscopeError) => {
    if (reason === 'fatal') fatal ??= error;
    else if (stop === 'done') stop = reason;
    queue.clear();
  };
  // The first record that cannot be written stops the run; requests in flight still finish and try.
  const persist = (records: readonly PreferenceRecord[]): boolean => {
    try {
      deps.append(records);
      return true;
    } catch (error) {
      halt('fatal', error instanceof UtilscopeError ? error : new UtilscopeError('internal', `cannot record answers: ${error instanceof Error ? error.message : String(error)}`));
      return false;
    }
  };
  const onAbort = () => halt('cancelled');
  deps.signal.addEventListener('abort', onAbort, { once: true });
  if (deps.signal.aborted) halt('cancelled');

  for (const group of groups) {
    if (stop !== 'done' || fatal) break;
    void queue.add(async () => {
      if (stop !== 'done' || fatal) return;
      if (spendRoomUsd(spend) <= 0) {
        halt('cost-limit');
        return;
      }
      const request = buildRequest(group, deps);
      const started = deps.now();
      let result: Awaited<ReturnType<InteractiveTransport['complete']>>;
      try {
        // The caller's signal is not passed down: a request already sent may finish and be recorded.
        result = await deps.transport.complete(request, new AbortController().signal);
      } catch (error) {
        halt('fatal', new UtilscopeError('internal', `${deps.transport.spec}: provider threw ${error instanceof Error ? error.message : String(error)}`));
        return;
      }
      const latencyMs = Math.max(0, deps.now() - started);
      const attempts = (result as { attempts?: number }).attempts ?? 1;
      if (result.kind === 'error') {
        if (!result.retryable) {
          const spec = deps.transport.spec;
          const message = result.message.startsWith(`${spec}: `) ? result.message : `${spec}: ${result.message}`;
          halt('fatal', new UtilscopeError('provider-fatal', message, { field: '--model' }));
          return;
        }
        if (!persist(group.comparisons.map((c) => failureRecord(c, result.code, result.message, attempts)))) return;
        consecutiveFailures += 1;
        if (consecutiveFailures >= MAX_CONSECUTIVE_FAILURES) {
          halt(
            'fatal',
            new UtilscopeError('provider-unavailable', `${deps.transport.spec}: ${consecutiveFailures} requests in a row failed (last: ${result.message}); the run can be resumed`, {
              field: '--model',
            }),
          );
        }
        return;
      }
      consecutiveFailures = 0;
      const cost = costUsd(result.usage, deps.price);
      addSpend(spend, cost);
      const records = recordsFromResult(group, result, { costUsd: cost, latencyMs, attempts }, deps.spec.arm.labels);
      if (persist(records)) onAnswered(records.filter((r) => r.kind === 'answer').length);
    });
  }
  await queue.onIdle();
  deps.signal.removeEventListener('abort', onAbort);
  if (fatal) throw fatal;
  return stop;
}
