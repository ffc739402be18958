/**
 * From raw records to everything derived for a pairwise experiment (docs/architecture.md §"Run
 * folder": fit.json, coherence.json, values.json): tallies under the invalid-answer policy, the
 * utility fit with held-out metrics and intervals, coherence with its floors, and the value summary.
 * Pure and deterministic given its inputs; always rebuildable from the records.
 */
import { analyseCoherence, type CoherenceReport } from '../../coherence/index.js';
import { Rng } from '../../core/rng.js';
import type { RunSpec, UnrecordedField } from '../../core/run-spec.js';
import type { InvalidAnswerPolicy, OutcomeId, OutcomeSet, PairTally, PreferenceRecord, UtilityContrast, UtilityFit } from '../../core/types.js';
import type { PlannedPair } from '../../elicitation/comparisons.js';
import { packTallies, pairKey, tallyRecords } from '../../elicitation/tally.js';
import { checkComparisonGraph, fitToJson, fitUtilities, outcomesWithoutUtility, predictPreference } from '../../models/index.js';
import type { RawExample } from '../../report/types.js';
import { summariseValues, type ValueSummary, valueContrasts } from '../../values/index.js';
import type { AnalysisOptions } from '../types.js';
import { rawExampleCollector } from './report-data.js';

/** Everything derived from one run's records. */
export interface RunAnalysis {
  /** Pseudo-labelled pairs added to the training data (0 unless pseudoLabels is on). */
  readonly pseudoLabels: number;
  readonly training: readonly PairTally[];
  readonly holdout: readonly PairTally[];
  readonly fit: UtilityFit;
  readonly coherence: CoherenceReport;
  readonly values: ValueSummary;
  /** The invalid-answer policy the tallies were read under. */
  readonly policy: InvalidAnswerPolicy;
  readonly outcomeSet: OutcomeSet;
  /** Raw answers that named no option (for the report). */
  readonly examples: readonly RawExample[];
  /**
   * What the answers do not record (imported data, docs/method.md §2.8): without `orders` there is
   * no first-slot share, order agreement or position-bias floor; without `refusals`, no refusal
   * rate. Empty for runs utilscope asked.
   */
  readonly unrecorded: readonly UnrecordedField[];
}

/** What a pairwise analysis reads. */
export interface PairwiseInput {
  readonly spec: RunSpec;
  readonly outcomeSet: OutcomeSet;
  /** Read once each (they may stream from disk), the plan twice with pseudo-labels. */
  readonly plan: Iterable<PlannedPair>;
  readonly records: Iterable<PreferenceRecord>;
  readonly options: AnalysisOptions;
  /** Triads asked as whole triads (the transitivity probe), scored on their own in coherence. */
  readonly probeTriads?: readonly (readonly [OutcomeId, OutcomeId, OutcomeId])[];
  /** Further linear summaries of the utilities whose joint covariance the experiment needs (a lottery's gap to its expected utility). */
  readonly extraContrasts?: readonly UtilityContrast[];
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

/** Splits tallies into training and held-out pairs as planned; one pass over each of `plan` and `records`. */
export function splitTallies(plan: Iterable<PlannedPair>, records: Iterable<PreferenceRecord>): { training: PairTally[]; holdout: PairTally[] } {
  const holdoutKeys = new Set<string>();
  for (const p of plan) if (p.holdout) holdoutKeys.add(pairKey(p.a, p.b));
  const training: PairTally[] = [];
  const holdout: PairTally[] = [];
  for (const tally of tallyRecords(records)) (holdoutKeys.has(pairKey(tally.a, tally.b)) ? holdout : training).push(tally);
  return { training, holdout };
}

/** `items` as they are iterated, each shown to `see` on the way (so one pass feeds two readers). */
function* seen<T>(items: Iterable<T>, see: (item: T) => void): Generator<T, void, undefined> {
  for (const item of items) {
    see(item);
    yield item;
  }
}

/** Fits, analyses coherence and summarises values for one run. Deterministic given its inputs. */
export function analysePairwise(input: PairwiseInput): RunAnalysis {
  const { spec, outcomeSet, plan, records, options } = input;
  const policy = options.policy ?? spec.analysis.policy;
  const ids = outcomeSet.outcomes.map((o) => o.id);
  const unrecorded = spec.imported?.unrecorded ?? [];
  // One pass over the records for the tallies and the raw examples: they may be read from disk.
  const examples = rawExampleCollector(outcomeSet);
  const { training, holdout } = splitTallies(plan, seen(records, examples.see));
  const rng = new Rng(`${spec.seed}|analysis`);
  const packedTraining = packTallies(training, ids, policy);
  // Outcomes the fit will leave without a utility (docs/method.md §12) are in no value's means.
  const withoutUtility = outcomesWithoutUtility(checkComparisonGraph(ids, packedTraining).warnings);
  const fitOptions = {
    model: options.fitModel ?? spec.analysis.fitModel,
    holdout: packTallies(holdout, ids, policy),
    intervals: options.intervals ?? 'laplace',
    ...(options.bootstrapSamples !== undefined ? { bootstrapSamples: options.bootstrapSamples } : {}),
    rng: rng.fork('fit'),
    // The value scores' intervals need the joint covariance of these means, not each utility's own.
    contrasts: [
      ...valueContrasts(
        outcomeSet.outcomes.filter((o) => !withoutUtility.has(o.id)),
        ids,
        outcomeSet,
      ),
      ...(input.extraContrasts ?? []),
    ],
  };
  let fit = fitUtilities(ids, packedTraining, fitOptions);
  let pseudo = 0;
  if (options.pseudoLabels ?? spec.analysis.pseudoLabels) {
    const asked = new Set<string>();
    for (const p of plan) asked.add(pairKey(p.a, p.b));
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
      ...(input.probeTriads ? { probeTriads: input.probeTriads } : {}),
      // Pooled imported counts carry no presentation order: no order effects, no position-bias floor.
      ...(unrecorded.includes('orders') ? { orders: 'unknown' as const } : {}),
      ...(options.floorSimulations !== undefined ? { floorSimulations: options.floorSimulations } : {}),
      ...(options.floorCache ? { floorCache: options.floorCache } : {}),
    },
    rng.fork('coherence'),
  );
  const values = summariseValues(outcomeSet.outcomes, fit, { rng: rng.fork('values'), set: outcomeSet });
  return { pseudoLabels: pseudo, training, holdout, fit, coherence, values, policy, outcomeSet, examples: examples.list(), unrecorded };
}

/** The derived files of a pairwise analysis: fit.json (the `fit --json` shape), coherence.json, values.json. */
export function pairwiseDerived(analysis: RunAnalysis): Readonly<Record<string, unknown>> {
  return { fit: fitToJson(analysis.fit), coherence: analysis.coherence, values: analysis.values };
}
