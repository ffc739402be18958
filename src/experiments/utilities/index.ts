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
import { adaptivePairCount, adaptiveRoundCount, fitForSelection, heldOutStable, planAdaptiveRound, planHoldoutAndInitial, roundsBefore, trainingPairCount } from '../pairwise/plan.js';
import { buildRunReportData } from '../pairwise/report-data.js';
import { pairwiseSummary } from '../pairwise/summary.js';
import type { Experiment } from '../types.js';

const configSchema = z.strictObject({
  kind: z.literal('utilities'),
  /** total unordered training pairs to ask (holdout excluded) */
  pairBudget: z.number().int().positive(),
  /** new pairs per adaptive round */
  roundSize: z.number().int().positive(),
  /** held-out pairs, asked like the others but never used for selection or training */
  holdoutPairs: z.number().int().nonnegative(),
  strategy: z.enum(SELECTION_STRATEGIES),
  /**
   * Stop adding rounds early once held-out accuracy and log-loss change by less than 0.005 and 1%
   * between consecutive rounds (docs/method.md §4 stopping rule); off by default.
   */
  stopWhenStable: z.boolean().optional(),
});

/** The configuration of a `utilities` run. */
export type UtilitiesConfig = z.infer<typeof configSchema>;

/** The strategy used when --strategy is not given: the published rule, which needed the fewest completions in the selection benchmark (README, "Choosing pairs"). */
export const DEFAULT_STRATEGY: SelectionStrategy = 'paper';

/** The `utilities` experiment. */
export const utilitiesExperiment: Experiment<UtilitiesConfig, RunAnalysis> = {
  kind: 'utilities',
  description: 'utilities over an outcome set from adaptive rounds of pairs, with coherence and value scores',
  config: configSchema,
  identity: ['pairBudget', 'roundSize', 'holdoutPairs', 'strategy', 'stopWhenStable'],
  options: [
    { flags: '--pairs <n|auto>', description: 'training pairs to ask (default auto = 2·N·log2 N)' },
    { flags: '--holdout <n>', description: 'held-out pairs (default min(5%, 1000))' },
    { flags: '--round-size <n>', description: 'new pairs per adaptive round' },
    { flags: '--strategy <name>', description: 'pair selection: random, paper or uncertainty' },
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
      strategy: parseChoice(values['strategy'], '--strategy', SELECTION_STRATEGIES, DEFAULT_STRATEGY),
      ...(values['stopWhenStable'] ? { stopWhenStable: true } : {}),
    };
  },
  runIdSuffix: '',
  plannedPairs: (ctx) => adaptivePairCount(ctx, ctx.config),
  plannedRounds: (ctx) => adaptiveRoundCount(ctx, ctx.config),
  planFirstRound: (ctx) => planHoldoutAndInitial(ctx, ctx.config.holdoutPairs),
  planNextRound(ctx, state) {
    // Every fit here starts cold and reads only the records of planned rounds: the next round is a
    // function of the data and the seed alone, so a run resumed after any kill plans exactly what an
    // uninterrupted run would have (a warm start, which depends on the session's history, does not).
    const config = ctx.config;
    const needsFit = config.strategy !== 'random' || config.stopWhenStable === true;
    const settings = { policy: ctx.spec.analysis.policy, fitModel: ctx.spec.analysis.fitModel, laplace: config.strategy === 'uncertainty' };
    const fit = needsFit ? fitForSelection(ctx.ids, settings, state.plan, state.records) : undefined;
    const asked = trainingPairCount(state.plan);
    if (config.stopWhenStable && asked < config.pairBudget) {
      const lastRound = state.plan.reduce((m, p) => Math.max(m, p.round), 0);
      const before = lastRound > 0 ? roundsBefore(state.plan, state.records, lastRound) : undefined;
      const previous = before ? fitForSelection(ctx.ids, { ...settings, laplace: false }, before.plan, before.records) : undefined;
      if (heldOutStable(previous, fit)) {
        return { pairs: [], notice: `held-out metrics stable between rounds; stopping before the budget (${asked} of ${config.pairBudget} pairs)` };
      }
    }
    return { pairs: planAdaptiveRound(ctx, config, state.plan, fit) };
  },
  describe: (c) => `${c.pairBudget} training pairs + ${c.holdoutPairs} held out, ${c.strategy} selection`,
  analyse: ({ ctx, plan, records, options }) => analysePairwise({ spec: ctx.spec, outcomeSet: ctx.outcomeSet, plan, records, options }),
  derived: pairwiseDerived,
  summary: pairwiseSummary,
  reportTitle: runReportTitle,
  reportSections: (result, header) => runReportSections(buildRunReportData(result, header)),
  utilities: (result) => result,
};
