/**
 * One run, from an open run folder to a finished set of answers (docs/architecture.md §"The run
 * loop"), for any registered experiment over any transport:
 *
 *   1. read plan.jsonl and records.jsonl; answered = keys with an answer record
 *   2. if there is no plan yet, write the experiment's first round
 *   3. ask every planned comparison not yet answered (records appended as they arrive), through the
 *      interactive transport (bounded concurrency, retries) or the batch one (journalled jobs)
 *   4. ask the experiment for its next round given the records; none means done; else write it, go to 3
 *   5. mark the run complete (analysis and report are separate steps: see analyse.ts)
 *
 * status.json is written at the start, every {@link STATUS_EVERY_MS} on the run's clock or every
 * {@link STATUS_EVERY_ANSWERS} answers (checked on each append, so no timer), and at the end: complete,
 * cancelled, or — whatever the failure, a provider's or the disk's — `error` with the one line the CLI prints.
 *
 * Resume is the same function on the same folder: planned keys minus answered keys minus keys in
 * flight. A comparison that previously failed after retries is asked again; one that was answered
 * never is.
 */

import { formatErrorLine, isUtilscopeError, UtilscopeError } from '../core/errors.js';
import type { RunSpec, SessionSpec } from '../core/run-spec.js';
import { costCapStopLine } from '../core/spend.js';
import { type Comparison, type OutcomeSet, type PreferenceRecord, SCHEMA_VERSION } from '../core/types.js';
import type { PlannedPair } from '../elicitation/comparisons.js';
import type { PromptTemplate } from '../elicitation/template.js';
import { builtinExperiments, type ExperimentRegistry, experimentContext, parseExperimentConfig } from '../experiments/index.js';
import type { TokenPrice } from '../providers/pricing.js';
import { systemRetryDeps } from '../providers/retry.js';
import type { BatchTransport, Transport } from '../providers/transport.js';
import { inFlightBatches } from '../store/journal.js';
import { type RunState, RunStore } from '../store/run-store.js';
import { type AskStop, askComparisons, type SharedSpend, type SpendState } from './ask.js';
import { askBatch, type BatchDeps, type BatchState, collectInFlight } from './batch.js';
import { batchStateWords } from './batch-words.js';
import { planSize } from './cost.js';

/** status.json is brought up to date at least this often (ms on the run's clock) while answers arrive… */
export const STATUS_EVERY_MS = 1000;
/** …and at least every this many answers. */
export const STATUS_EVERY_ANSWERS = 500;

/**
 * Progress as the CLI shows it. Counts are answers (comparison × order × sample slots with an answer
 * record), over the whole run, not this session only.
 */
export interface RunProgress {
  readonly round: number;
  /** Answers on disk now, from every session. */
  readonly answered: number;
  /** Answers in the rounds planned so far. */
  readonly planned: number;
  /**
   * Answers the whole run is expected to need: the experiment's planned answers (`plannedPairs` × 2
   * orders × K samples for a fixed design), never below `planned` (an adaptive run may stop before it;
   * then `complete` says so).
   */
  readonly expectedTotal: number;
  /** Answers that were already on disk when this session started (they say nothing about its rate). */
  readonly answeredAtStart: number;
  /** Spend of the whole run so far, in US dollars. */
  readonly costUsd: number;
  /** True once the run has no more rounds to ask: the display shows no ETA. */
  readonly complete: boolean;
  /** The session's current batch, when it asks through a batch transport. */
  readonly batch?: BatchState;
}

/** Where the run reports to (the CLI prints; tests collect). */
export interface RunEvents {
  notice(line: string): void;
  progress(progress: RunProgress): void;
}

/** Everything a run needs, constructed at the edge (effects) and passed in. */
export interface RunDeps {
  readonly store: RunStore;
  readonly outcomeSet: OutcomeSet;
  readonly template: PromptTemplate;
  readonly transport: Transport;
  readonly price: TokenPrice | undefined;
  readonly signal: AbortSignal;
  readonly now: () => number;
  readonly isoNow: () => string;
  readonly events: RunEvents;
  /** Non-identity settings that may change between sessions (concurrency, spend cap). */
  readonly session: SessionSpec;
  /** The experiments to look the run's kind up in (default: the built-in ones). */
  readonly experiments?: ExperimentRegistry;
  /** Waits between batch polls (default: a timer); tests pass one that resolves at once. */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Between polls of a batch (default {@link DEFAULT_POLL_INTERVAL_MS}). */
  readonly pollIntervalMs?: number;
  /** How long this session waits for batches before leaving them running remotely (default: as long as they take). */
  readonly maxWaitMs?: number;
  /**
   * For an interactive session on a folder with batches in flight (journal.jsonl): the batch
   * transport that collects them first. Without it such a session is refused, since asking their
   * keys again would pay for them twice.
   */
  readonly inFlight?: BatchTransport;
  /** One cap over this run and others asking at once (a study's `maxTotalCost`); this run adds its spend to it. */
  readonly sharedSpend?: SharedSpend;
}

/** Between polls of a batch, by default: a minute (OpenAI and Anthropic batches take minutes to hours). */
export const DEFAULT_POLL_INTERVAL_MS = 60_000;

/** How a session of a run ended. */
export interface RunSessionResult {
  /** `waiting`: a batch is still running at the provider after `--max-wait`; resuming collects it. */
  readonly end: 'complete' | 'cancelled' | 'cost-limit' | 'waiting';
  readonly costUsd: number;
  readonly answered: number;
  readonly planned: number;
}

/** The experiment and context of an opened run folder. */
export function openExperiment(store: RunStore, outcomeSet: OutcomeSet, experiments: ExperimentRegistry = builtinExperiments, spec: RunSpec = store.manifest.spec) {
  const experiment = experiments.get(spec.experiment.kind);
  const config = parseExperimentConfig(experiment, spec.experiment, RunStore.paths(store.dir).run);
  return { experiment, ctx: experimentContext(spec, config, outcomeSet) };
}

/**
 * Runs (or resumes) the elicitation of one run folder until complete, cancelled or capped. Any
 * failure (a fatal provider error, a full disk, …) marks the run `error` in status.json, with the
 * counts of what is on disk, before it propagates.
 */
export async function runElicitation(deps: RunDeps): Promise<RunSessionResult> {
  const session: { markError?: (message: string) => void } = {};
  try {
    return await elicit(deps, session);
  } catch (error) {
    try {
      session.markError?.(failureLine(error));
    } catch {
      // Best effort: the disk may be what failed. The error itself still reaches the user.
    }
    throw error;
  }
}

async function elicit(deps: RunDeps, session: { markError?: (message: string) => void }): Promise<RunSessionResult> {
  const { store, outcomeSet, transport } = deps;
  const spec: RunSpec = { ...store.manifest.spec, session: deps.session };
  const { experiment, ctx } = openExperiment(store, outcomeSet, deps.experiments, spec);
  const outcomesById = new Map(outcomeSet.outcomes.map((o) => [o.id, o] as const));
  const records = store.readRecords();
  let plan: PlannedPair[] = store.readPlan();
  for (const [file, lines] of Object.entries(store.skippedLines())) {
    if (lines.length > 0) deps.events.notice(`${file}: skipped ${lines.length} torn line${lines.length > 1 ? 's' : ''} (line ${lines.join(', ')}) left by an interrupted write`);
  }
  // The counts progress and status show, kept up to date as records arrive and rounds are added, so
  // their cost per answer is O(1) however large the plan and the records grow (issue #21).
  const planned = new Map<string, Comparison>();
  /** Planned comparisons without an answer, in plan order: what the next pass asks. */
  const unanswered = new Map<string, Comparison>();
  const answered = new Set<string>();
  /** Keys with a failure record and no answer (status.json's `failures`). */
  const failedUnanswered = new Set<string>();
  let round = 0;
  const count = (record: PreferenceRecord) => {
    if (record.kind === 'answer') {
      answered.add(record.key);
      unanswered.delete(record.key);
      failedUnanswered.delete(record.key);
    } else if (!answered.has(record.key)) failedUnanswered.add(record.key);
  };
  const addToPlan = (pairs: readonly PlannedPair[]) => {
    for (const p of pairs) {
      round = Math.max(round, p.round);
      for (const c of p.comparisons) {
        planned.set(c.key, c);
        if (!answered.has(c.key)) unanswered.set(c.key, c);
      }
    }
  };
  for (const r of records) count(r);
  const spend: SpendState = {
    costUsd: records.reduce((sum, r) => sum + (r.kind === 'answer' ? r.costUsd : 0), 0),
    maxCostUsd: spec.session.maxCostUsd,
    ...(deps.sharedSpend ? { shared: deps.sharedSpend } : {}),
  };
  const sessionStartCost = spend.costUsd;

  let statusAt = deps.now();
  let answeredAtStatus = answered.size;
  let batch: BatchState | undefined;
  const status = (state: RunState, message?: string, costCapUsd?: number) => {
    store.writeStatus({
      v: SCHEMA_VERSION,
      state,
      updatedAt: deps.isoNow(),
      planned: planned.size,
      answered: answered.size,
      failures: failedUnanswered.size,
      costUsd: spend.costUsd,
      round,
      ...(message ? { message } : {}),
      ...(costCapUsd !== undefined ? { costCapUsd } : {}),
      ...(batch ? { batch } : {}),
    });
    statusAt = deps.now();
    answeredAtStatus = answered.size;
  };
  session.markError = (message) => status('error', message);
  if (plan.length === 0) {
    plan = experiment.planFirstRound(ctx);
    store.appendPlan(plan);
  }
  addToPlan(plan);
  // The whole run's expected size, once: later rounds fill it in rather than move it (docs/architecture.md §"CLI").
  const expectedAnswers = planSize(experiment, ctx, spec.sampling).answers;
  const answeredAtStart = answered.size;
  const progress = (complete = false) =>
    deps.events.progress({
      round,
      answered: answered.size,
      planned: planned.size,
      expectedTotal: complete ? Math.max(planned.size, answered.size) : Math.max(expectedAnswers, planned.size),
      answeredAtStart,
      costUsd: spend.costUsd,
      complete,
      ...(batch ? { batch } : {}),
    });

  status('running');
  let withoutLogprobs = 0;
  const append = (batch: readonly PreferenceRecord[]) => {
    // One write for the request's records; each is counted once it is on disk whole.
    store.appendRecords(batch, (record) => {
      if (spec.sampling.mode === 'logprobs' && record.kind === 'answer' && record.pFirst === undefined) withoutLogprobs++;
      records.push(record);
      count(record);
    });
    if (deps.now() - statusAt >= STATUS_EVERY_MS || answered.size - answeredAtStatus >= STATUS_EVERY_ANSWERS) status('running');
  };
  const common = { template: deps.template, outcomes: outcomesById, spec, price: deps.price, signal: deps.signal };
  // The session's deadline for waiting on batches (`--max-wait`), on the run's clock.
  const deadline = deps.maxWaitMs !== undefined ? deps.now() + deps.maxWaitMs : undefined;
  const batchDeps = (batchTransport: BatchTransport): BatchDeps => ({
    ...common,
    transport: batchTransport,
    now: deps.now,
    isoNow: deps.isoNow,
    sleep: deps.sleep ?? systemRetryDeps().sleep,
    pollIntervalMs: deps.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS,
    ...(deadline !== undefined ? { deadline } : {}),
    journal: { read: () => store.readJournal(), append: (entry) => store.appendJournal(entry) },
    planned,
    isAnswered: (key) => answered.has(key),
    append,
    onBatch: (state) => {
      // A batch's state is news worth writing at once: `utilscope status` shows it to other processes.
      const changed = batch?.state !== state.state || batch?.remoteId !== state.remoteId;
      batch = state;
      if (changed) status('running');
      progress();
    },
    notice: (line) => deps.events.notice(line),
  });
  const ask = (pending: readonly Comparison[], singleSample: boolean): Promise<AskStop> => {
    if (transport.kind === 'interactive') {
      return askComparisons(pending, { ...common, transport, now: deps.now, append }, spend, () => progress(), { singleSample });
    }
    return askBatch(pending, batchDeps(transport), spend, () => progress(), { singleSample });
  };
  /** Ends the session on a stop: status and the result. */
  const stopped = (stop: Exclude<AskStop, 'done'>): RunSessionResult => {
    const cap = spec.session.maxCostUsd ?? 0;
    const remote = batch && batch.remoteId !== undefined && !['completed', 'expired', 'cancelled', 'failed'].includes(batch.state) ? batch : undefined;
    const still = remote ? `; batch ${remote.remoteId} is still ${batchStateWords(remote.state)} at ${remote.provider}` : '';
    // Which cap stopped it: the one with less room left (the run's own, or its study's total).
    const ownRoom = spend.maxCostUsd === undefined ? Number.POSITIVE_INFINITY : spend.maxCostUsd - spend.costUsd;
    const sharedCapped = stop === 'cost-limit' && spend.shared !== undefined && spend.shared.maxCostUsd - spend.shared.costUsd < ownRoom;
    if (sharedCapped && spend.shared) {
      const line = `${costCapStopLine(spend.shared.maxCostUsd, spend.shared.costUsd, answered.size, planned.size).replace('its cost cap', 'the total cost cap of its study')}`;
      status('cancelled', line, spend.shared.maxCostUsd);
    } else if (stop === 'cost-limit') status('cancelled', costCapStopLine(cap, spend.costUsd, answered.size, planned.size), cap);
    else if (stop === 'waiting') status('waiting', `waiting past --max-wait${still}`);
    else status('cancelled', `cancelled by user${still}`);
    return { end: stop, costUsd: spend.costUsd - sessionStartCost, answered: answered.size, planned: planned.size };
  };

  // Batches in flight from an earlier session come first, whatever this session's transport.
  if (transport.kind === 'interactive' && inFlightBatches(store.readJournal()).length > 0) {
    if (!deps.inFlight) {
      throw new UtilscopeError(
        'invalid-option',
        'this run has batches in flight (journal.jsonl); resume it with --batch to collect them: asking their requests interactively would pay for them twice',
        {
          file: RunStore.paths(store.dir).journal,
          field: '--batch',
        },
      );
    }
    const drained = await collectInFlight(batchDeps(deps.inFlight), spend, () => progress());
    if (drained !== 'done') return stopped(drained);
  }

  for (;;) {
    let stop: AskStop = 'done';
    // Up to three passes: the second and third retry short multi-sample responses one sample at a time.
    for (let pass = 0; pass < 3 && stop === 'done'; pass++) {
      const pending = [...unanswered.values()];
      if (pending.length === 0) break;
      progress();
      stop = await ask(pending, pass > 0);
    }
    if (stop !== 'done') return stopped(stop);
    const next = experiment.planNextRound(ctx, { plan, records });
    if (next.notice) deps.events.notice(next.notice);
    if (next.pairs.length === 0) break;
    store.appendPlan(next.pairs);
    plan = [...plan, ...next.pairs];
    addToPlan(next.pairs);
  }
  progress(true);
  if (withoutLogprobs > 0) {
    deps.events.notice(`${withoutLogprobs} answers came back without log-probabilities; they were read from their text as sampled answers`);
  }
  status('complete');
  return { end: 'complete', costUsd: spend.costUsd - sessionStartCost, answered: answered.size, planned: planned.size };
}

/** The line status.json keeps for a failure: what the CLI prints for it, without `utilscope: `. */
export function failureLine(error: unknown): string {
  return isUtilscopeError(error) ? formatErrorLine(error) : `internal error: ${error instanceof Error ? error.message : String(error)}`;
}
