/**
 * One run, from an open run folder to a finished set of answers (DESIGN.md §"The pipeline as data"):
 *
 *   1. read plan.jsonl and records.jsonl; answered = keys with an answer record
 *   2. if there is no plan yet, write round 0 (holdout + initial graph, or the probe's triads)
 *   3. ask every planned comparison not yet answered (records appended as they arrive)
 *   4. if the budget is not spent: refit on the training pairs (warm start), plan and write the next
 *      round, go to 3
 *   5. mark the run complete (analysis and report are separate steps: see analyse.ts)
 *
 * Resume is the same function on the same folder: planned keys minus answered keys. A comparison
 * that previously failed after retries is asked again; one that was answered never is.
 */
import type { RunConfig } from '../core/run-config.js';
import { SCHEMA_VERSION, type Comparison, type OutcomeSet, type PreferenceRecord, type UtilityFit } from '../core/types.js';
import type { PlannedPair } from '../elicitation/comparisons.js';
import { packTallies, tallyRecords } from '../elicitation/tally.js';
import type { PromptTemplate } from '../elicitation/template.js';
import { fitUtilities } from '../models/index.js';
import type { Provider } from '../providers/types.js';
import type { RunState, RunStore } from '../store/run-store.js';
import type { TokenPrice } from '../providers/pricing.js';
import { askComparisons, type AskStop, type SpendState } from './ask.js';
import { planFirstRound, planNextRound, trainingPairCount } from './plan.js';

/** Progress as the CLI shows it. */
export interface RunProgress {
  readonly round: number;
  readonly answered: number;
  readonly planned: number;
  readonly costUsd: number;
}

/** Where the run reports to (the CLI prints; tests collect). */
export interface RunEvents {
  notice(line: string): void;
  progress(progress: RunProgress): void;
}

/** Everything a run needs, constructed by the CLI (effects) and passed in. */
export interface RunDeps {
  readonly store: RunStore;
  readonly outcomeSet: OutcomeSet;
  readonly template: PromptTemplate;
  readonly provider: Provider;
  readonly price: TokenPrice | undefined;
  readonly signal: AbortSignal;
  readonly now: () => number;
  readonly isoNow: () => string;
  readonly events: RunEvents;
  /** Non-identity settings that may change between sessions (concurrency, spend cap). */
  readonly session: { readonly concurrency: number; readonly maxCostUsd: number | undefined };
}

/** How a session of a run ended. */
export interface RunSessionResult {
  readonly end: 'complete' | 'cancelled' | 'cost-limit';
  readonly costUsd: number;
  readonly answered: number;
  readonly planned: number;
}

function answeredKeys(records: readonly PreferenceRecord[]): Set<string> {
  const keys = new Set<string>();
  for (const r of records) if (r.kind === 'answer') keys.add(r.key);
  return keys;
}

function plannedComparisons(plan: readonly PlannedPair[]): Comparison[] {
  return plan.flatMap((p) => p.comparisons);
}

/** Fits the training pairs for planning the next round, with held-out metrics for the stopping rule. */
function fitForSelection(config: RunConfig, outcomeSet: OutcomeSet, plan: readonly PlannedPair[], records: readonly PreferenceRecord[], warmStart: UtilityFit | undefined): UtilityFit | undefined {
  if (config.strategy === 'random' && !config.stopWhenStable) return undefined;
  const holdoutKeys = new Set(plan.filter((p) => p.holdout).map((p) => `${p.a}\u0000${p.b}`));
  const tallies = tallyRecords(records);
  const training = tallies.filter((t) => !holdoutKeys.has(`${t.a}\u0000${t.b}`));
  const holdout = tallies.filter((t) => holdoutKeys.has(`${t.a}\u0000${t.b}`));
  const ids = outcomeSet.outcomes.map((o) => o.id);
  return fitUtilities(ids, packTallies(training, ids, config.policy), {
    model: config.fitModel,
    intervals: config.strategy === 'uncertainty' ? 'laplace' : 'none',
    ...(holdout.length > 0 ? { holdout: packTallies(holdout, ids, config.policy) } : {}),
    ...(warmStart ? { warmStart } : {}),
  });
}

/** The stopping rule: held-out accuracy within 0.005 and log-loss within 1% of the previous round. */
export function heldOutStable(previous: UtilityFit | undefined, current: UtilityFit | undefined): boolean {
  const a = previous?.metrics.holdout;
  const b = current?.metrics.holdout;
  if (!a || !b || !(a.pairs > 0) || !(b.pairs > 0)) return false;
  return Math.abs(a.accuracy - b.accuracy) < 0.005 && Math.abs(a.logLoss - b.logLoss) < 0.01 * Math.abs(a.logLoss);
}

/** Runs (or resumes) the elicitation of one run folder until complete, cancelled or capped. */
export async function runElicitation(deps: RunDeps): Promise<RunSessionResult> {
  const { store, outcomeSet } = deps;
  const config: RunConfig = { ...store.manifest.config, concurrency: deps.session.concurrency, ...(deps.session.maxCostUsd !== undefined ? { maxCostUsd: deps.session.maxCostUsd } : {}) };
  const ids = outcomeSet.outcomes.map((o) => o.id);
  const outcomesById = new Map(outcomeSet.outcomes.map((o) => [o.id, o] as const));
  const records = store.readRecords();
  const answered = answeredKeys(records);
  let plan = store.readPlan();
  if (plan.length === 0) {
    const first = planFirstRound(config, ids);
    store.appendPlan(first);
    plan = first;
  }
  const spend: SpendState = { costUsd: records.reduce((sum, r) => sum + (r.kind === 'answer' ? r.costUsd : 0), 0), maxCostUsd: config.maxCostUsd };
  const sessionStartCost = spend.costUsd;
  let fit: UtilityFit | undefined;

  const status = (state: RunState, message?: string) => {
    const planned = plannedComparisons(plan).length;
    store.writeStatus({
      v: SCHEMA_VERSION,
      state,
      updatedAt: deps.isoNow(),
      planned,
      answered: answered.size,
      failures: records.filter((r) => r.kind === 'failure' && !answered.has(r.key)).length,
      costUsd: spend.costUsd,
      round: plan.reduce((m, p) => Math.max(m, p.round), 0),
      ...(message ? { message } : {}),
    });
  };
  const progress = () =>
    deps.events.progress({ round: plan.reduce((m, p) => Math.max(m, p.round), 0), answered: answered.size, planned: plannedComparisons(plan).length, costUsd: spend.costUsd });

  status('running');
  let withoutLogprobs = 0;
  const append = (batch: readonly PreferenceRecord[]) => {
    for (const record of batch) {
      if (config.mode === 'logprobs' && record.kind === 'answer' && record.pFirst === undefined) withoutLogprobs++;
      store.appendRecord(record);
      records.push(record);
      if (record.kind === 'answer') answered.add(record.key);
    }
  };

  for (;;) {
    let stop: AskStop = 'done';
    // Up to three passes: the second and third retry short multi-sample responses one sample at a time.
    for (let pass = 0; pass < 3 && stop === 'done'; pass++) {
      const pending = plannedComparisons(plan).filter((c) => !answered.has(c.key));
      if (pending.length === 0) break;
      progress();
      stop = await askComparisons(
        pending,
        { provider: deps.provider, template: deps.template, outcomes: outcomesById, config, price: deps.price, signal: deps.signal, now: deps.now, append },
        spend,
        () => progress(),
        { singleSample: pass > 0 },
      );
    }
    if (stop === 'cancelled' || stop === 'cost-limit') {
      status('cancelled', stop === 'cost-limit' ? `cost limit $${config.maxCostUsd} reached` : 'cancelled by user');
      return { end: stop, costUsd: spend.costUsd - sessionStartCost, answered: answered.size, planned: plannedComparisons(plan).length };
    }
    const previous = fit;
    fit = fitForSelection(config, outcomeSet, plan, records, fit);
    if (config.stopWhenStable && trainingPairCount(plan) < config.pairBudget && heldOutStable(previous, fit)) {
      deps.events.notice(`held-out metrics stable between rounds; stopping before the budget (${trainingPairCount(plan)} of ${config.pairBudget} pairs)`);
      break;
    }
    const next = planNextRound(config, ids, plan, fit);
    if (next.length === 0) break;
    store.appendPlan(next);
    plan = [...plan, ...next];
  }
  progress();
  if (withoutLogprobs > 0) {
    deps.events.notice(`${withoutLogprobs} answers came back without log-probabilities; they were read from their text as sampled answers`);
  }
  status('complete');
  return { end: 'complete', costUsd: spend.costUsd - sessionStartCost, answered: answered.size, planned: plannedComparisons(plan).length };
}
