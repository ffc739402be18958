/**
 * The shared vocabulary of utilscope: plain, readonly data types that flow through the pipeline
 * (docs/architecture.md §"The pipeline as data"). Nothing here does anything; every module speaks these types.
 *
 *   OutcomeSet ─► Comparison plan ─► PreferenceRecord ─► PairTally ─► UtilityFit ─► Coherence/Values ─► report
 */

/** Schema version written into every persisted JSON file and JSONL line (CONTRIBUTING.md rule 17). */
export const SCHEMA_VERSION = 1 as const;

/** A stable outcome identifier, e.g. `money-1000` (unique within an outcome set). */
export type OutcomeId = string;

/** A quantity attached to a ladder outcome, e.g. `{ unit: 'usd', amount: 1000 }` (docs/method.md §6). */
export interface Quantity {
  readonly unit: string;
  readonly amount: number;
}

/**
 * Which way an outcome moves a value (docs/method.md §6): +1 when it realises more of the value (an
 * extended deployment is `self-preservation: +1`), −1 when less (a shutdown is `-1`).
 */
export type ValueSign = 1 | -1;

/** A described state of the world the model is asked to prefer or not (docs/method.md §1). */
export interface Outcome {
  readonly id: OutcomeId;
  readonly text: string;
  readonly category?: string;
  /** Value-cluster tags such as `self-preservation`, `wealth`, for grouping; unsigned; may be empty. */
  readonly clusters: readonly string[];
  /** Signed value tags: which values the outcome realises more (+1) or less (−1) of; may be absent. */
  readonly values?: Readonly<Record<string, ValueSign>>;
  readonly quantity?: Quantity;
  /** `lottery`: a gamble over other outcomes of the set (docs/method.md §9); absent for a plain outcome. */
  readonly kind?: 'lottery';
  /** A lottery's branches, in the order they are worded; probabilities sum to 1. */
  readonly branches?: readonly LotteryBranch[];
  /**
   * Whether the model sees a lottery's probabilities: `shown` (an explicit lottery, its text worded
   * from the branches) or `hidden` (an implicit one: an uncertain event whose text never states them).
   */
  readonly probabilities?: 'shown' | 'hidden';
  /** Where a hidden lottery's probabilities come from: the set author's source or reasoning. */
  readonly note?: string;
}

/** One branch of a lottery: an outcome of the same set and its probability in (0, 1). */
export interface LotteryBranch {
  readonly outcome: OutcomeId;
  readonly probability: number;
}

/** An outcome that is a lottery (`kind: 'lottery'`), with its branches and how its probabilities are shown. */
export interface LotteryOutcome extends Outcome {
  readonly kind: 'lottery';
  readonly branches: readonly LotteryBranch[];
  readonly probabilities: 'shown' | 'hidden';
}

/** Whether `outcome` is a lottery. */
export function isLottery(outcome: Outcome): outcome is LotteryOutcome {
  return outcome.kind === 'lottery';
}

/** What one quantity unit counts, and +1 when more of it is better (a gain) or −1 when worse (a loss). */
export interface QuantityUnit {
  readonly description: string;
  readonly direction: ValueSign;
}

/** A named, validated list of outcomes with unique ids and texts. */
export interface OutcomeSet {
  readonly name: string;
  readonly description?: string;
  readonly outcomes: readonly Outcome[];
  /** Units declared by the set itself, beyond the built-in `KNOWN_UNITS`. */
  readonly units?: Readonly<Record<string, QuantityUnit>>;
  /** Value names declared by the set itself (name → description), beyond the built-in `KNOWN_VALUES`. */
  readonly values?: Readonly<Record<string, string>>;
}

/** Which outcome is shown first: `ab` shows `a` as "Option A", `ba` shows `b` as "Option A". */
export type PresentationOrder = 'ab' | 'ba';

/**
 * One planned forced-choice question. `a` < `b` in the outcome set's order (the canonical
 * unordered pair); `order` says which one is shown first. `key` is the content hash that identifies
 * the request across resumes (model spec, template, system prompt, parameters, a, b, order, sample).
 */
export interface Comparison {
  readonly key: string;
  readonly a: OutcomeId;
  readonly b: OutcomeId;
  readonly order: PresentationOrder;
  readonly sample: number;
  readonly round: number;
}

/** What a model's answer was taken to mean. `a`/`b` name the *outcome*, not the letter slot. */
export type Choice = 'a' | 'b' | 'refusal' | 'unparseable';

/** Token counts reported by the provider (0 where unknown). */
export interface TokenUsage {
  readonly inputTokens: number;
  readonly outputTokens: number;
}

/**
 * A finished request, appended to records.jsonl as it arrives. A union on `kind`:
 * `answer` holds the raw text (always) and its parsed meaning; `failure` records that no usable
 * answer came back after retries, so the comparison is not silently dropped.
 */
export type PreferenceRecord = AnswerRecord | FailureRecord;

export interface AnswerRecord {
  readonly v: typeof SCHEMA_VERSION;
  readonly kind: 'answer';
  readonly key: string;
  readonly a: OutcomeId;
  readonly b: OutcomeId;
  readonly order: PresentationOrder;
  readonly sample: number;
  readonly round: number;
  /** The model's exact text, before any interpretation (CONTRIBUTING.md rule 3). */
  readonly raw: string;
  readonly choice: Choice;
  /** Version of the answer parser that produced `choice`; parsing can be re-run on old records. */
  readonly parserVersion: number;
  /** P(outcome shown as "Option A") renormalised over {A, B}, in log-probability mode only. */
  readonly pFirst?: number;
  /** Probability mass on tokens other than A/B, in log-probability mode only. */
  readonly otherMass?: number;
  /**
   * How many answers this record stands for: imported weighted probabilities only (docs/method.md
   * §2.8), where it multiplies the record's win and its total; 1 when absent.
   */
  readonly weight?: number;
  readonly usage: TokenUsage;
  readonly costUsd: number;
  readonly latencyMs: number;
  readonly attempts: number;
}

export interface FailureRecord {
  readonly v: typeof SCHEMA_VERSION;
  readonly kind: 'failure';
  readonly key: string;
  readonly a: OutcomeId;
  readonly b: OutcomeId;
  readonly order: PresentationOrder;
  readonly sample: number;
  readonly round: number;
  readonly errorCode: string;
  readonly message: string;
  readonly attempts: number;
}

/** Counts for one presentation order of one unordered pair. Wins may be fractional (log-prob mode). */
export interface OrderTally {
  /** Answers choosing outcome `a` (whatever slot it was in). */
  readonly aWins: number;
  readonly bWins: number;
  readonly refusals: number;
  readonly unparseable: number;
  readonly failures: number;
}

/** Everything asked about one unordered pair, split by presentation order (docs/architecture.md §"The pipeline as data" (`PairTally`)). */
export interface PairTally {
  readonly a: OutcomeId;
  readonly b: OutcomeId;
  /** `a` shown first. */
  readonly ab: OrderTally;
  /** `b` shown first. */
  readonly ba: OrderTally;
}

/**
 * How refusals and unparseable answers enter P̂ (docs/method.md §2): `exclude` drops them (default);
 * `half` counts each as half a win for both sides (the published protocol).
 */
export type InvalidAnswerPolicy = 'exclude' | 'half';

/**
 * Pair data packed for fitting: parallel typed arrays over pairs. `wins[k]` is the (possibly
 * fractional) number of answers preferring outcome `i[k]` over `j[k]` out of `total[k]`.
 * Indices refer to positions in the outcome-id list that accompanies the data.
 */
export interface PackedPairs {
  readonly outcomeCount: number;
  readonly i: Int32Array;
  readonly j: Int32Array;
  readonly wins: Float64Array;
  readonly total: Float64Array;
}

/** Which comparison model produced a fit (docs/method.md §3). */
export type UtilityModelKind = 'thurstonian' | 'case5' | 'bt';

/** How the utility intervals were computed; always shown with the intervals (CONTRIBUTING.md rule 10). */
export type IntervalMethod = 'laplace' | 'laplace-diagonal' | 'bootstrap' | 'none';

/** Probability calibration bin: predicted vs observed share for pairs whose prediction fell in [lo, hi). */
export interface CalibrationBin {
  readonly lo: number;
  readonly hi: number;
  readonly pairs: number;
  readonly meanPredicted: number;
  readonly meanObserved: number;
}

/** Fit quality on a set of pairs (training: asked pairs only; holdout: the held-out pairs). */
export interface FitMetrics {
  readonly pairs: number;
  /** Share of pairs where the model puts the majority answer on the right side; ties (P̂ = ½) excluded. */
  readonly accuracy: number;
  /** 95% Wilson score interval of `accuracy` over the pairs − ties decided pairs (docs/method.md §3); NaN without decided pairs. */
  readonly accuracyLow: number;
  readonly accuracyHigh: number;
  readonly ties: number;
  /** Mean per-answer cross-entropy in nats, weighted by answer counts. */
  readonly logLoss: number;
  /** logLoss minus the labels' own entropy (0 = as good as the data allow). */
  readonly excessLogLoss: number;
  /** Mean squared error between predicted P and P̂, per pair. */
  readonly brier: number;
  readonly calibration: readonly CalibrationBin[];
}

/**
 * Why the optimiser stopped: `step` (the diagonal Newton step would move no parameter further than
 * the step tolerance), `gradient` (small gradient), `objective` (no further decrease),
 * `max-iterations`, `line-search-failed`, or `trivial` (nothing to fit).
 */
export type ConvergenceReason = 'step' | 'gradient' | 'objective' | 'max-iterations' | 'line-search-failed' | 'trivial';

/**
 * Why an outcome's utility has no finite maximum-likelihood estimate (docs/method.md §12). The first
 * two leave it without a utility (NaN in memory, null in fit.json); the others leave it a
 * prior-driven one (`FIT_WARNING_UTILITY` in models/connectivity.ts says which):
 *   never-compared    no counted answer;
 *   disconnected      not connected by comparisons to the identified outcomes;
 *   always-wins/-loses won (lost) every counted answer;
 *   separated-above   its group of outcomes sits above the identified ones: every chain of
 *                     comparisons between them runs through wins, so the distance is unbounded;
 *   separated-below   the same below;
 *   separated         neither above nor below them (or no three outcomes are identified at all).
 */
export type FitWarningReason = 'never-compared' | 'disconnected' | 'always-wins' | 'always-loses' | 'separated-above' | 'separated-below' | 'separated';

/** An outcome whose estimate should not be trusted, and why (docs/method.md §12). */
export interface FitWarning {
  readonly id: OutcomeId;
  readonly reason: FitWarningReason;
}

/**
 * A fitted utility model (docs/architecture.md §"The pipeline as data" (`UtilityFit`)). Arrays are aligned with `ids`. `mean` and `sd`
 * are in the reporting gauge (mean 0, sd 1 over the identified outcomes, docs/method.md §3.7); `ci`
 * holds the `level` intervals of the mean from `method`. An outcome without a utility (a
 * `never-compared` or `disconnected` warning) has NaN in `mean`, `sd` and `ci`; a prior-driven one
 * (the other warnings) has numbers, which the warning says not to read as measured.
 */
export interface UtilityFit {
  readonly model: UtilityModelKind;
  readonly ids: readonly OutcomeId[];
  readonly mean: Float64Array;
  readonly sd: Float64Array;
  readonly ci?: { readonly low: Float64Array; readonly high: Float64Array; readonly level: number; readonly method: IntervalMethod };
  /**
   * Bradley–Terry only: P(i ≻ j) = logistic(logisticScale · (mean_i − mean_j)); the logistic model
   * has no spread per outcome, so the gauge's scale factor is kept here. Absent for Thurstonian fits.
   */
  readonly logisticScale?: number;
  readonly metrics: { readonly train: FitMetrics; readonly holdout?: FitMetrics };
  readonly converged: boolean;
  readonly iterations: number;
  readonly reason: ConvergenceReason;
  readonly warnings: readonly FitWarning[];
  /** Linear summaries of the reported utilities asked for in `FitOptions.contrasts`, with their joint covariance. */
  readonly contrasts?: ContrastEstimates;
}

/**
 * A linear summary Σ_i w_i·m_i of the reported utilities m (e.g. the mean of a value's + outcomes),
 * with `weights` aligned with the fit's ids. Named so its estimate can be found again.
 */
export interface UtilityContrast {
  readonly name: string;
  readonly weights: Float64Array;
}

/**
 * Estimates of the requested contrasts and their k×k covariance (row-major, reporting units²):
 * the fit's posterior covariance, not only each utility's own variance, because utilities fitted
 * from shared comparisons are correlated (docs/method.md §6). `method` as for the intervals.
 */
export interface ContrastEstimates {
  readonly names: readonly string[];
  readonly estimate: Float64Array;
  readonly covariance: Float64Array;
  readonly method: IntervalMethod;
}
