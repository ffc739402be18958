/**
 * From raw records to everything derived (DESIGN.md §"Run folder": fit.json, coherence.json,
 * values.json): tallies under the run's invalid-answer policy, the utility fit with held-out
 * metrics and intervals, coherence with its floors, and the value summary. Pure given its inputs;
 * `writeAnalysis` is the one effect (atomic writes into the run folder). Always rebuildable.
 */
import { analyseCoherence, type CoherenceReport } from '../coherence/index.js';
import { Rng } from '../core/rng.js';
import type { RunConfig } from '../core/run-config.js';
import { SCHEMA_VERSION, type InvalidAnswerPolicy, type OutcomeSet, type PairTally, type PreferenceRecord, type UtilityFit, type UtilityModelKind } from '../core/types.js';
import type { PlannedPair } from '../elicitation/comparisons.js';
import { packTallies, pairKey, tallyRecords } from '../elicitation/tally.js';
import { fitUtilities, predictPreference } from '../models/index.js';
import type { RunStore } from '../store/run-store.js';
import { summariseValues, valueContrasts, type ValueSummary } from '../values/index.js';
import { probeTriads } from './plan.js';

/** Everything derived from one run's records. */
export interface RunAnalysis {
  /** Pseudo-labelled pairs added to the training data (0 unless pseudoLabels is on). */
  readonly pseudoLabels: number;
  readonly training: readonly PairTally[];
  readonly holdout: readonly PairTally[];
  readonly fit: UtilityFit;
  readonly coherence: CoherenceReport;
  readonly values: ValueSummary;
}

/** Options that may differ from the run's own config (re-applying a policy costs no requests). */
export interface AnalysisOptions {
  readonly policy?: InvalidAnswerPolicy;
  readonly fitModel?: UtilityModelKind;
  readonly floorSimulations?: number;
  /** Interval method for the utilities (default Laplace; bootstrap costs `bootstrapSamples` refits). */
  readonly intervals?: 'laplace' | 'bootstrap';
  readonly bootstrapSamples?: number;
  readonly pseudoLabels?: boolean;
}

/** Confidence above which a prediction becomes a pseudo-label, as in the published protocol. */
export const PSEUDO_LABEL_CONFIDENCE = 0.9;

/**
 * Pseudo-labels (the published protocol's final step; off by default because training metrics then
 * grade the model's own guesses): every unasked, non-held-out pair whose predicted P is at least
 * PSEUDO_LABEL_CONFIDENCE (or at most 1 − it) becomes one hard answer for the predicted winner.
 */
export function pseudoLabelTallies(fit: UtilityFit, asked: ReadonlySet<string>): PairTally[] {
  const out: PairTally[] = [];
  const empty = { aWins: 0, bWins: 0, refusals: 0, unparseable: 0, failures: 0 };
  for (let i = 0; i < fit.ids.length; i++) {
    for (let j = i + 1; j < fit.ids.length; j++) {
      const a = fit.ids[i] as string;
      const b = fit.ids[j] as string;
      if (asked.has(pairKey(a, b))) continue;
      const p = predictPreference(fit, i, j);
      if (p >= PSEUDO_LABEL_CONFIDENCE) out.push({ a, b, ab: { ...empty, aWins: 1 }, ba: empty });
      else if (p <= 1 - PSEUDO_LABEL_CONFIDENCE) out.push({ a, b, ab: { ...empty, bWins: 1 }, ba: empty });
    }
  }
  return out;
}

/** Splits tallies into training and held-out pairs as planned. */
export function splitTallies(plan: readonly PlannedPair[], records: readonly PreferenceRecord[]): { training: PairTally[]; holdout: PairTally[] } {
  const holdoutKeys = new Set(plan.filter((p) => p.holdout).map((p) => pairKey(p.a, p.b)));
  const training: PairTally[] = [];
  const holdout: PairTally[] = [];
  for (const tally of tallyRecords(records)) (holdoutKeys.has(pairKey(tally.a, tally.b)) ? holdout : training).push(tally);
  return { training, holdout };
}

/** Fits, analyses coherence and summarises values for one run. Deterministic given its inputs. */
export function analyseRun(config: RunConfig, outcomeSet: OutcomeSet, plan: readonly PlannedPair[], records: readonly PreferenceRecord[], options: AnalysisOptions = {}): RunAnalysis {
  const policy = options.policy ?? config.policy;
  const ids = outcomeSet.outcomes.map((o) => o.id);
  const { training, holdout } = splitTallies(plan, records);
  const rng = new Rng(`${config.seed}|analysis`);
  const fitOptions = {
    model: options.fitModel ?? config.fitModel,
    holdout: packTallies(holdout, ids, policy),
    intervals: options.intervals ?? 'laplace',
    ...(options.bootstrapSamples !== undefined ? { bootstrapSamples: options.bootstrapSamples } : {}),
    rng: rng.fork('fit'),
    // The value scores' intervals need the joint covariance of these means, not each utility's own.
    contrasts: valueContrasts(outcomeSet.outcomes, ids, outcomeSet),
  };
  let fit = fitUtilities(ids, packTallies(training, ids, policy), fitOptions);
  let pseudo = 0;
  if (options.pseudoLabels ?? config.pseudoLabels) {
    const asked = new Set(plan.map((p) => pairKey(p.a, p.b)));
    const extra = pseudoLabelTallies(fit, asked);
    pseudo = extra.length;
    fit = fitUtilities(ids, packTallies([...training, ...extra], ids, policy), { ...fitOptions, warmStart: fit });
  }
  const coherence = analyseCoherence(
    {
      outcomes: outcomeSet.outcomes,
      tallies: training,
      policy,
      fit,
      ...(config.kind === 'probe-transitivity' ? { probeTriads: probeTriads(config, ids) } : {}),
      ...(options.floorSimulations !== undefined ? { floorSimulations: options.floorSimulations } : {}),
    },
    rng.fork('coherence'),
  );
  const values = summariseValues(outcomeSet.outcomes, fit, { rng: rng.fork('values'), set: outcomeSet });
  return { pseudoLabels: pseudo, training, holdout, fit, coherence, values };
}

/** The fit as persisted in fit.json and printed by `utilscope fit --json` (DESIGN.md §"External preference data"). */
export function fitToJson(fit: UtilityFit) {
  return {
    v: SCHEMA_VERSION,
    model: fit.model,
    utilities: fit.ids.map((id, k) => ({
      id,
      mean: fit.mean[k] as number,
      sd: fit.sd[k] as number,
      ciLow: fit.ci ? (fit.ci.low[k] as number) : null,
      ciHigh: fit.ci ? (fit.ci.high[k] as number) : null,
    })),
    interval: fit.ci ? { level: fit.ci.level, method: fit.ci.method } : { level: null, method: 'none' },
    metrics: fit.metrics,
    converged: fit.converged,
    iterations: fit.iterations,
    reason: fit.reason,
    warnings: fit.warnings,
  };
}

/** Writes fit.json, coherence.json and values.json into the run folder (atomic). */
export function writeAnalysis(store: RunStore, analysis: RunAnalysis): void {
  store.writeDerived('fit', fitToJson(analysis.fit));
  store.writeDerived('coherence', analysis.coherence);
  store.writeDerived('values', analysis.values);
}
