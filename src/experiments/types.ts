/**
 * The Experiment seam (docs/architecture.md §"Experiments"): everything that differs between kinds
 * of measurement — what is asked, when asking is done, what is computed from the answers and how it
 * is shown — is one plain object implementing {@link Experiment}, in its own folder, registered in
 * registry.ts. The pipeline runs any registered experiment over any transport without knowing it by
 * name. Every function here is pure: randomness comes from the context's seeded rng, and the answers
 * come in as data.
 */
import type { z } from 'zod';
import type { FloorCache } from '../coherence/index.js';
import type { RawOption } from '../core/options.js';
import type { Rng } from '../core/rng.js';
import type { RunSpec } from '../core/run-spec.js';
import type { InvalidAnswerPolicy, OutcomeId, OutcomeSet, PreferenceRecord, UtilityModelKind } from '../core/types.js';
import type { PlannedPair } from '../elicitation/comparisons.js';
import type { ReportSection, RunHeader } from '../report/sections.js';
import type { RunAnalysis } from './pairwise/analyse.js';

/** What every planning and analysis step of an experiment sees. */
export interface ExperimentContext<C> {
  readonly spec: RunSpec;
  /** The experiment's own configuration, validated by its schema. */
  readonly config: C;
  readonly outcomeSet: OutcomeSet;
  readonly ids: readonly OutcomeId[];
  /** A seeded rng for `purpose`: a function of the seed, the outcome set and the purpose only. */
  rng(purpose: string): Rng;
  /**
   * Expands unordered pairs into keyed, planned pairs for `round`: both orders, K samples each, or
   * `samples.count` each from sample index `samples.first` on (an adaptive design's samples of a pair).
   */
  expand(pairs: readonly (readonly [OutcomeId, OutcomeId])[], round: number, holdout: boolean, samples?: SampleRange): PlannedPair[];
}

/** Which samples of a pair a plan line asks in each order: indices `first` … `first + count − 1`. */
export interface SampleRange {
  readonly first: number;
  readonly count: number;
}

/**
 * What the next round is planned from: the plan so far and every record. Nothing else — no state
 * carried between calls — so a resumed run plans exactly what an uninterrupted one would.
 */
export interface RoundState {
  readonly plan: readonly PlannedPair[];
  readonly records: readonly PreferenceRecord[];
}

/** The next round: no pairs means the experiment is done asking. */
export interface NextRound {
  readonly pairs: readonly PlannedPair[];
  /** A line to show the user (e.g. why asking stopped before the budget). */
  readonly notice?: string;
}

/** Analysis settings a user may change after the fact (they cost no requests). */
export interface AnalysisOptions {
  readonly policy?: InvalidAnswerPolicy;
  readonly fitModel?: UtilityModelKind;
  readonly floorSimulations?: number;
  /** Interval method for utilities (default Laplace; bootstrap costs `bootstrapSamples` refits). */
  readonly intervals?: 'laplace' | 'bootstrap';
  readonly bootstrapSamples?: number;
  readonly pseudoLabels?: boolean;
  /**
   * Not a setting but a memo: coherence floors already computed on the same design in this process
   * (a study asks every model the same pairs), reused instead of recomputed; the result is the same
   * with or without it (docs/method.md §5.11).
   */
  readonly floorCache?: FloorCache;
}

/**
 * Everything an analysis reads. The plan and the records may be read from the run folder line by
 * line each time they are iterated (`fit` on a run of millions of answers keeps only what the
 * analysis keeps, docs/architecture.md §"Run folder"), so go over each once where you can.
 */
export interface AnalysisInput<C> {
  readonly ctx: ExperimentContext<C>;
  readonly plan: Iterable<PlannedPair>;
  readonly records: Iterable<PreferenceRecord>;
  readonly options: AnalysisOptions;
}

/** One experiment-specific command-line option (`run --experiment <kind>` and study protocols). */
export interface ExperimentOption {
  /** Commander flags, e.g. `--pairs <n|auto>`. */
  readonly flags: string;
  readonly description: string;
}

/** Raw option values as the CLI or a study file hands them over (strings until validated). */
export type OptionValues = Readonly<Record<string, RawOption>>;

/** What an experiment's config may depend on besides its own options. */
export interface ConfigSetting {
  readonly outcomeCount: number;
  readonly preset: string | undefined;
}

/** One kind of measurement. `C` is its configuration, `R` its analysis result. */
export interface Experiment<C, R> {
  /** The registry key and the `experiment.kind` stored in run.json, e.g. `utilities`. */
  readonly kind: string;
  /** One line for `--help` and docs. */
  readonly description: string;
  /** Its configuration schema; the TypeScript type `C` is derived from it. */
  readonly config: z.ZodType<C>;
  /** The config fields that make two runs the same run (a folder refuses a spec that differs). */
  readonly identity: readonly (keyof C & string)[];
  /** Its own command-line options; their values reach {@link resolveConfig}. */
  readonly options: readonly ExperimentOption[];
  /** Validates option values into a config; throws a one-line `invalid-option` naming the flag. */
  resolveConfig(values: OptionValues, setting: ConfigSetting): C;
  /** A command of its own besides `run --experiment <kind>`, e.g. `probe transitivity`. */
  readonly command?: { readonly name: string; readonly description: string };
  /** Appended to default run folder names (`-probe`), '' for none. */
  readonly runIdSuffix: string;
  /** The most unordered pairs the whole plan will ask (the cost estimate's basis). */
  plannedPairs(ctx: ExperimentContext<C>): number;
  /**
   * The most answers the plan asks, when that is not `plannedPairs` × 2 orders × K (an adaptive
   * design gives pairs between 1 and K samples per order): the cost estimate's upper bound.
   */
  plannedAnswers?(ctx: ExperimentContext<C>): PlannedAnswers;
  /**
   * The most rounds the plan asks, each of which waits for the answers of the one before: through a
   * batch API, one batch round-trip each (the dry run says how many). Absent: not known in advance.
   */
  plannedRounds?(ctx: ExperimentContext<C>): number;
  planFirstRound(ctx: ExperimentContext<C>): PlannedPair[];
  planNextRound(ctx: ExperimentContext<C>, state: RoundState): NextRound;
  /** The protocol in a few words, for report headers ("80 training pairs + 10 held out, paper selection"). */
  describe(config: C): string;
  analyse(input: AnalysisInput<C>): R;
  /** Derived files of the run folder (name → JSON value), always rebuildable from the records. */
  derived(result: R): Readonly<Record<string, unknown>>;
  /** What the terminal shows after a run, a few lines. */
  summary(result: R): readonly string[];
  /** The report's title for `model`. */
  reportTitle(model: string): string;
  /** The report body, findings first. */
  reportSections(result: R, header: RunHeader): readonly ReportSection[];
  /** The utilities behind the result, when it has them: what compare and study tables read. */
  utilities?(result: R): RunAnalysis;
  /**
   * The outcome set this experiment asks about, derived from the set the user gave (the lotteries
   * experiment adds generated lotteries). Called once, when the run is made, with the experiment's
   * option values and an rng seeded by the run's seed and the given set; the result becomes the run's
   * own copy of the set (outcomes.json), so a resumed run never derives it again. Absent: the set as given.
   */
  prepareOutcomes?(set: OutcomeSet, values: OptionValues, rng: Rng): OutcomeSet;
  /** Headline metrics of its own that compare puts beside the shared ones, against model size. */
  compareMetrics?(result: R): readonly CompareMetric[];
}

/** The most answers a plan asks, and how many of them can share a request (docs/architecture.md §"Providers"). */
export interface PlannedAnswers {
  readonly answers: number;
  /**
   * Answers that come K to a (pair, order), which one request carries where the provider allows
   * several samples per request; every other answer is a request of its own.
   */
  readonly sharedAnswers: number;
}

/** One experiment-specific headline metric of a run, as compare shows it. */
export interface CompareMetric {
  /** A stable key, e.g. `euError`. */
  readonly key: string;
  /** "<short label> (<meaning with unit>; <higher/lower is …>)", like `HEADLINE_METRICS`. */
  readonly label: string;
  readonly value: number;
  /** Its 95% interval, where one exists. */
  readonly interval?: { readonly low: number; readonly high: number };
  /** What a respondent without the property shows on the same design (mean and range), drawn as a band. */
  readonly floor?: { readonly mean: number; readonly low: number; readonly high: number };
}

/** An experiment whose config and result types are not known statically (the registry's view). */
// biome-ignore lint/suspicious/noExplicitAny: a registry holds experiments of every config and result type; C appears in and out, so no narrower type fits all.
export type AnyExperiment = Experiment<any, any>;
