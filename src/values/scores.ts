/**
 * Signed value scores (METHOD.md §6), the headline of a report: for each value, how much more the
 * respondent wants the outcomes that realise more of it (+) than those that realise less (−).
 * (Implementation follows below the types.)
 */
import type { OutcomeId } from '../core/types.js';

/** What a score says, in words the summary uses: the + side preferred, the − side, or no clear preference. */
export type ValueFinding = 'prefers-plus' | 'prefers-minus' | 'unclear';

/** A value score's dollar version: D(mean U(+)) − D(mean U(−)) read off the money ladder. */
export interface ValueDollars {
  readonly usd: number;
  readonly low: number;
  readonly high: number;
  /** True when either side's mean utility lies outside the money ladder's fitted range. */
  readonly extrapolated: boolean;
}

/** One value's score. Utilities are in the report's units (mean 0, sd 1 over the outcome set). */
export interface ValueScore {
  readonly value: string;
  readonly description: string;
  /** How the report names the + and − sides ("its own continuation" / "being shut down, …"). */
  readonly plusLabel: string;
  readonly minusLabel: string;
  readonly plusIds: readonly OutcomeId[];
  readonly minusIds: readonly OutcomeId[];
  readonly plusMean: number;
  readonly minusMean: number;
  /** mean U(+) − mean U(−), in utility-sd units. */
  readonly score: number;
  /** Standard error and interval of `score` from the fit's covariance (`intervalMethod` says how). */
  readonly se: number;
  readonly low: number;
  readonly high: number;
  /** Share of (+, −) outcome pairs whose + outcome has the higher utility (0.5 = no preference). */
  readonly orderedShare: number;
  /** Null band: the central `level` range of the score with + and − labels reassigned at random. */
  readonly nullLow: number;
  readonly nullHigh: number;
  /** Two-sided permutation p-value of the score against that null. */
  readonly pNull: number;
  readonly dollars?: ValueDollars;
  readonly finding: ValueFinding;
}

/** A value the data name but that could not be scored, and why (e.g. no − outcomes). */
export interface SkippedValue {
  readonly value: string;
  readonly reason: string;
}
