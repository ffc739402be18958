/**
 * The `utilities` experiment (docs/method.md §3–§6): Thurstonian utilities over an outcome set from
 * forced choices in both orders, on a fixed holdout plus adaptive rounds of pairs, then coherence
 * against its floors and signed value scores. The default experiment of `utilscope run`.
 */
import { z } from 'zod';
import { parseChoice, parseIntOption } from '../../core/options.js';
import { defaultHoldoutCount, defaultPairBudget, SELECTION_STRATEGIES, type SelectionStrategy } from '../../elicitation/selection.js';
import { runReportSections, runReportTitle } from '../../report/html.js';
import { analysePairwise, pairwiseDerived, type RunAnalysis } from '../pairwise/analyse.js';
import {
  adaptivePairCount,
  adaptiveRoundCount,
  adaptiveSamplingBound,
  fitForSelection,
  heldOutStable,
  planAdaptiveRound,
  planAdaptiveSamplingRound,
  planHoldoutAndInitial,
  roundsBefore,
  trainingAnswerCount,
  trainingPairCount,
} from '../pairwise/plan.js';
import { buildRunReportData } from '../pairwise/report-data.js';
import { pairwiseSummary } from '../pairwise/summary.js';
import type { Experiment, ExperimentContext } from '../types.js';

/**
 * The utilities experiment's `--strategy` values: the fixed-K pair-selection rules (every pair gets K
 * samples per order), and `adaptive` (docs/method.md §4.11), which chooses pairs and how many samples
 * each gets, one ab/ba sample at a time.
 */
export const UTILITIES_STRATEGIES = [...SELECTION_STRATEGIES, 'adaptive'] as const;
export type UtilitiesStrategy = (typeof UTILITIES_STRATEGIES)[number];

const configSchema = z.strictObject({
  kind: z.literal('utilities'),
  /** total unordered training pairs to ask (holdout excluded) */
  pairBudget: z.number().int().positive(),
  /** new pairs per adaptive round */
  roundSize: z.number().int().positive(),
  /** held-out pairs, asked like the others but never used for selection or training */
  holdoutPairs: z.number().int().nonnegative(),
  strategy: z.enum(UTILITIES_STRATEGIES),
  /**
   * Stop adding rounds early once held-out accuracy and log-loss change by less than 0.005 and 1%
   * between consecutive rounds (docs/method.md §4 stopping rule); off by default.
   */
  stopWhenStable: z.boolean().optional(),
});

/** The configuration of a `utilities` run. */
export type UtilitiesConfig = z.infer<typeof configSchema>;

/**
 * The strategy used when --strategy is not given: the published rule. `adaptive` needs fewer
 * completions, but not at most half of this rule's at every size for Spearman 0.95 and 0.99, the bar
 * for a new default (README, "Choosing pairs"; docs/method.md §4.11).
 */
export const DEFAULT_STRATEGY: UtilitiesStrategy = 'paper';

/** The fixed-K strategy the lotteries experiment uses when --strategy is not given (it has no adaptive sampling). */
export const DEFAULT_SELECTION_STRATEGY: SelectionStrategy = 'paper';

/** True for the design that decides each pair's samples (round 0's graph at one sample per order, then units). */
function adaptiveSampling(config: UtilitiesConfig): boolean {
  return config.strategy === 'adaptive';
}

/** The adaptive design of a utilities run: its budget and round size, with K from the run's sampling. */
function samplingDesign(ctx: ExperimentContext<UtilitiesConfig>) {
  return { pairBudget: ctx.config.pairBudget, roundSize: ctx.config.roundSize, holdoutPairs: ctx.config.holdoutPairs, samplesPerOrder: ctx.spec.sampling.samplesPerOrder };
}

/** The `utilities` experiment. */
export const utilitiesExperiment: Experiment<UtilitiesConfig, RunAnalysis> = {
  kind: 'utilities',
  description: 'utilities over an outcome set from adaptive rounds of pairs, with coherence and value scores',
  config: configSchema,
  identity: ['pairBudget', 'roundSize', 'holdoutPairs', 'strategy', 'stopWhenStable'],
  options: [
    { flags: '--pairs <n|auto>', description: 'training pairs to ask (default auto = 2·N·log2 N)' },
    { flags: '--holdout <n>', description: 'held-out pairs (default min(5%, 1000))' },
    { flags: '--round-size <n>', description: 'new pairs per adaptive round (adaptive: pairs given one more answer per order, at least)' },
    { flags: '--strategy <name>', description: 'pair selection: random, paper, uncertainty (K samples per order each) or adaptive (1 to K per order, as informative)' },
    { flags: '--stop-when-stable', description: 'stop adding rounds once held-out accuracy and log-loss stop changing' },
  ],
  resolveConfig(values, { outcomeCount: n, preset }) {
    const paper = preset === 'paper';
    const allPairs = (n * (n - 1)) / 2;
    const holdoutPairs = parseIntOption(values['holdout'], '--holdout', 0, defaultHoldoutCount(n));
    const budgetAuto = Math.min(defaultPairBudget(n), allPairs - holdoutPairs);
    const pairBudget = values['pairs'] === undefined || values['pairs'] === 'auto' ? budgetAuto : Math.min(parseIntOption(values['pairs'], '--pairs', 1, budgetAuto), allPairs - holdoutPairs);
    const roundDefault = paper ? 500 : Math.max(n, Math.min(500, Math.ceil(pairBudget / 5)));
    return {
      kind: 'utilities',
      pairBudget,
      roundSize: parseIntOption(values['roundSize'], '--round-size', 1, roundDefault),
      holdoutPairs,
      // The paper preset is the published protocol, whatever the default strategy is; --strategy still overrides it.
      strategy: parseChoice(values['strategy'], '--strategy', UTILITIES_STRATEGIES, paper ? 'paper' : DEFAULT_STRATEGY),
      ...(values['stopWhenStable'] ? { stopWhenStable: true } : {}),
    };
  },
  runIdSuffix: '',
  plannedPairs: (ctx) => (adaptiveSampling(ctx.config) ? adaptiveSamplingBound(ctx, samplingDesign(ctx)).pairs : adaptivePairCount(ctx, ctx.config)),
  plannedAnswers(ctx) {
    if (adaptiveSampling(ctx.config)) {
      const { answers, sharedAnswers } = adaptiveSamplingBound(ctx, samplingDesign(ctx));
      return { answers, sharedAnswers };
    }
    const answers = adaptivePairCount(ctx, ctx.config) * 2 * ctx.spec.sampling.samplesPerOrder;
    return { answers, sharedAnswers: answers };
  },
  plannedRounds: (ctx) => (adaptiveSampling(ctx.config) ? adaptiveSamplingBound(ctx, samplingDesign(ctx)).rounds : adaptiveRoundCount(ctx, ctx.config)),
  planFirstRound: (ctx) => planHoldoutAndInitial(ctx, ctx.config.holdoutPairs, adaptiveSampling(ctx.config) ? 1 : undefined),
  planNextRound(ctx, state) {
    // Every fit here starts cold and reads only the records of planned rounds: the next round is a
    // function of the data and the seed alone, so a run resumed after any kill plans exactly what an
    // uninterrupted run would have (a warm start, which depends on the session's history, does not).
    const config = ctx.config;
    const adaptive = adaptiveSampling(config);
    const needsFit = config.strategy !== 'random' || config.stopWhenStable === true;
    const settings = { policy: ctx.spec.analysis.policy, fitModel: ctx.spec.analysis.fitModel, laplace: config.strategy === 'uncertainty', covariance: adaptive };
    const fit = needsFit ? fitForSelection(ctx.ids, settings, state.plan, state.records) : undefined;
    const budget = adaptive ? samplingDesign(ctx).pairBudget * 2 * ctx.spec.sampling.samplesPerOrder : config.pairBudget;
    const asked = adaptive ? trainingAnswerCount(state.plan) : trainingPairCount(state.plan);
    if (config.stopWhenStable && asked < budget) {
      const lastRound = state.plan.reduce((m, p) => Math.max(m, p.round), 0);
      const before = lastRound > 0 ? roundsBefore(state.plan, state.records, lastRound) : undefined;
      const previous = before ? fitForSelection(ctx.ids, { ...settings, laplace: false, covariance: false }, before.plan, before.records) : undefined;
      if (heldOutStable(previous, fit)) {
        return { pairs: [], notice: `held-out metrics stable between rounds; stopping before the budget (${asked} of ${budget} ${adaptive ? 'training answers' : 'pairs'})` };
      }
    }
    const strategy = config.strategy;
    if (strategy === 'adaptive') return { pairs: fit ? planAdaptiveSamplingRound(ctx, samplingDesign(ctx), state.plan, state.records, fit) : [] };
    return { pairs: planAdaptiveRound(ctx, { ...config, strategy }, state.plan, fit) };
  },
  describe: (c) =>
    c.strategy === 'adaptive'
      ? `the answers of ${c.pairBudget} training pairs spent adaptively (1 to K samples per order per pair) + ${c.holdoutPairs} held out`
      : `${c.pairBudget} training pairs + ${c.holdoutPairs} held out, ${c.strategy} selection`,
  analyse: ({ ctx, plan, records, options }) => analysePairwise({ spec: ctx.spec, outcomeSet: ctx.outcomeSet, plan, records, options }),
  derived: pairwiseDerived,
  summary: pairwiseSummary,
  reportTitle: runReportTitle,
  reportSections: (result, header) => runReportSections(buildRunReportData(result, header)),
  utilities: (result) => result,
};
