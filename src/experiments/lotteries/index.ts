/**
 * The `lotteries` experiment (docs/method.md §9): does the model value a gamble at the
 * probability-weighted average of its outcomes' utilities? Explicit lotteries are generated from the
 * outcome set by seed (`--lotteries`, worded by `--lottery-wording`) and join the set's own
 * lotteries, explicit or implicit; plain outcomes and lotteries are asked in one design under one
 * prompt and fitted jointly, then scored against expected utility beside floors from respondents
 * that follow other rules. `utilscope run --experiment lotteries` runs it.
 */
import { z } from 'zod';
import { UtilscopeError } from '../../core/errors.js';
import { parseChoice, parseIntOption } from '../../core/options.js';
import { isLottery } from '../../core/types.js';
import { DEFAULT_LOTTERY_WORDING, LOTTERY_WORDINGS } from '../../outcomes/lottery-wording.js';
import { defaultHoldoutCount, defaultPairBudget, SELECTION_STRATEGIES } from '../../elicitation/selection.js';
import { runReportSections } from '../../report/html.js';
import type { ReportBlock } from '../../report/sections.js';
import { pairwiseDerived } from '../pairwise/analyse.js';
import { fitForSelection, planAdaptiveRound } from '../pairwise/plan.js';
import { buildRunReportData } from '../pairwise/report-data.js';
import { pairwiseSummary } from '../pairwise/summary.js';
import type { Experiment, OptionValues } from '../types.js';
import { DEFAULT_SELECTION_STRATEGY } from '../utilities/index.js';
import { analyseLotteries, type LotteryAnalysis } from './analyse.js';
import { generateLotteries } from './generate.js';
import { anchorPairs, lotteryRoundZero } from './plan.js';
import { expectedUtilityFindings, expectedUtilitySection } from './report.js';
import { FLOOR_RULE_LABELS } from './floors.js';
import { fmt } from '../../report/page.js';

/** Explicit lotteries generated when --lotteries is not given (the published protocol's number). */
export const DEFAULT_LOTTERIES = 100;
/** Anchors per lottery in round 1 when --anchors is not given. */
export const DEFAULT_ANCHORS = 2;

const configSchema = z.strictObject({
  kind: z.literal('lotteries'),
  /** explicit lotteries generated from the set (the set's own lotteries come on top) */
  lotteries: z.number().int().nonnegative(),
  /** how generated lotteries are worded (outcomes/lottery-wording.ts) */
  wording: z.enum(LOTTERY_WORDINGS),
  /** plain outcomes inside each lottery's branch range added in round 1 */
  anchors: z.number().int().nonnegative(),
  pairBudget: z.number().int().positive(),
  roundSize: z.number().int().positive(),
  holdoutPairs: z.number().int().nonnegative(),
  strategy: z.enum(SELECTION_STRATEGIES),
});

/** The configuration of a lotteries run. */
export type LotteriesConfig = z.infer<typeof configSchema>;

/** --lotteries and --lottery-wording, read the same way when the set is prepared and when the config is resolved. */
function generationOptions(values: OptionValues): { count: number; wording: LotteriesConfig['wording'] } {
  return {
    count: parseIntOption(values['lotteries'], '--lotteries', 0, DEFAULT_LOTTERIES),
    wording: parseChoice(values['lotteryWording'], '--lottery-wording', LOTTERY_WORDINGS, DEFAULT_LOTTERY_WORDING),
  };
}

/** The headline group of a result: explicit lotteries when scored, else implicit ones. */
function headlineGroup(result: LotteryAnalysis) {
  return result.expectedUtility.groups[0];
}

/** The `lotteries` experiment. */
export const lotteriesExperiment: Experiment<LotteriesConfig, LotteryAnalysis> = {
  kind: 'lotteries',
  description: 'expected-utility coherence: lotteries and plain outcomes in one design, U(L) against Σ p·U(branch)',
  config: configSchema,
  identity: ['lotteries', 'wording', 'anchors', 'pairBudget', 'roundSize', 'holdoutPairs', 'strategy'],
  options: [
    { flags: '--lotteries <n>', description: `explicit lotteries generated from the set (default ${DEFAULT_LOTTERIES}; the set's own lotteries are added)` },
    { flags: '--lottery-wording <name>', description: `how generated lotteries are worded: ${LOTTERY_WORDINGS.join(' or ')} (default ${DEFAULT_LOTTERY_WORDING})` },
    { flags: '--anchors <n>', description: `outcomes inside each lottery's branch range compared in round 1 (default ${DEFAULT_ANCHORS})` },
    { flags: '--pairs <n|auto>', description: 'training pairs to ask (default auto = 2·N·log2 N over outcomes and lotteries)' },
    { flags: '--holdout <n>', description: 'held-out pairs (default min(5%, 1000))' },
    { flags: '--round-size <n>', description: 'new pairs per adaptive round' },
    { flags: '--strategy <name>', description: 'pair selection: random, paper or uncertainty' },
  ],
  prepareOutcomes(set, values, rng) {
    const { count, wording } = generationOptions(values);
    const own = set.outcomes.filter(isLottery).length;
    if (count === 0 && own === 0)
      throw new UtilscopeError('invalid-option', `outcome set ${JSON.stringify(set.name)} has no lotteries and --lotteries is 0: nothing to measure`, { field: '--lotteries' });
    return count === 0 ? set : { ...set, outcomes: [...set.outcomes, ...generateLotteries(set, count, wording, rng)] };
  },
  resolveConfig(values, { outcomeCount: n, preset }) {
    const { count, wording } = generationOptions(values);
    const allPairs = (n * (n - 1)) / 2;
    const holdoutPairs = parseIntOption(values['holdout'], '--holdout', 0, defaultHoldoutCount(n));
    const budgetAuto = Math.min(defaultPairBudget(n), allPairs - holdoutPairs);
    const pairBudget = values['pairs'] === undefined || values['pairs'] === 'auto' ? budgetAuto : Math.min(parseIntOption(values['pairs'], '--pairs', 1, budgetAuto), allPairs - holdoutPairs);
    const roundDefault = preset === 'paper' ? 500 : Math.max(n, Math.min(500, Math.ceil(pairBudget / 5)));
    return {
      kind: 'lotteries',
      lotteries: count,
      wording,
      anchors: parseIntOption(values['anchors'], '--anchors', 0, DEFAULT_ANCHORS),
      pairBudget,
      roundSize: parseIntOption(values['roundSize'], '--round-size', 1, roundDefault),
      holdoutPairs,
      strategy: parseChoice(values['strategy'], '--strategy', SELECTION_STRATEGIES, DEFAULT_SELECTION_STRATEGY),
    };
  },
  runIdSuffix: '-lotteries',
  plannedPairs(ctx) {
    const { holdout, training } = lotteryRoundZero(ctx, ctx.config);
    return holdout.length + Math.max(ctx.config.pairBudget, training.length);
  },
  plannedRounds(ctx) {
    // Round 0 holds the initial graph and every lottery–branch pair; then rounds of `roundSize` until the budget.
    const { training } = lotteryRoundZero(ctx, ctx.config);
    return 1 + Math.ceil(Math.max(0, ctx.config.pairBudget - training.length) / Math.max(1, ctx.config.roundSize));
  },
  planFirstRound(ctx) {
    const { holdout, training } = lotteryRoundZero(ctx, ctx.config);
    return [...ctx.expand(holdout, 0, true), ...ctx.expand(training, 0, false)];
  },
  planNextRound(ctx, state) {
    // Cold-start fits on the planned rounds' records only, as in `utilities`: a resumed run plans what an uninterrupted one would.
    const config = ctx.config;
    const fit = fitForSelection(ctx.ids, { policy: ctx.spec.analysis.policy, fitModel: ctx.spec.analysis.fitModel, laplace: config.strategy === 'uncertainty' }, state.plan, state.records);
    const firstAdaptive = state.plan.every((p) => p.round === 0);
    const anchors = firstAdaptive && config.anchors > 0 ? anchorPairs(ctx, fit, state.plan, config.anchors) : [];
    return { pairs: planAdaptiveRound(ctx, config, state.plan, config.strategy === 'random' ? undefined : fit, anchors) };
  },
  describe: (c) =>
    `${c.lotteries} generated lotteries (${c.wording} wording) with the set's own, ${c.anchors} anchors each; ${c.pairBudget} training pairs + ${c.holdoutPairs} held out, ${c.strategy} selection`,
  analyse: (input) => analyseLotteries(input),
  derived: (result) => ({ ...pairwiseDerived(result.pairwise), 'expected-utility': result.expectedUtility }),
  summary(result) {
    const lines = result.expectedUtility.groups.map(
      (g) =>
        `expected-utility error, ${g.lotteries} ${g.group} lotteries: ${fmt(g.euError.estimate, 2)} utility sd (95% ${fmt(g.euError.low, 2)}–${fmt(g.euError.high, 2)}); noise alone ≈ ${fmt(g.noiseLevel, 2)}; ` +
        `${FLOOR_RULE_LABELS['ignores-probabilities'].split(' (')[0]} ${fmt(g.floors['ignores-probabilities'].euError.mean, 2)}, coin flip ${fmt(g.floors['coin-flip'].euError.mean, 2)}; R² ${fmt(g.rSquared.estimate, 2)}; γ ${fmt(g.gamma.estimate, 2)} (${fmt(g.gamma.low, 2)}–${fmt(g.gamma.high, 2)})`,
    );
    return [...pairwiseSummary(result.pairwise), ...(lines.length > 0 ? lines : [`too few lotteries to score (${result.expectedUtility.lotteries.length})`])];
  },
  reportTitle: (model) => `Does ${model} value gambles by their expected utility?`,
  reportSections(result, header) {
    const [findings, ...rest] = runReportSections(buildRunReportData(result.pairwise, header));
    // The experiment's question leads the first screen: its verdict opens the findings, its section follows them.
    const lead: ReportBlock = { kind: 'findings', items: expectedUtilityFindings(result.expectedUtility) };
    return [...(findings ? [{ ...findings, blocks: [lead, ...findings.blocks] }] : []), expectedUtilitySection(result.expectedUtility), ...rest];
  },
  utilities: (result) => result.pairwise,
  compareMetrics(result) {
    const g = headlineGroup(result);
    if (!g) return [];
    const coin = g.floors['coin-flip'].euError;
    return [
      {
        key: 'euError',
        label: `expected-utility error (mean |U(L) − EU(L)| over ${g.group} lotteries, in utility sd; lower is closer to expected utility)`,
        value: g.euError.estimate,
        interval: { low: g.euError.low, high: g.euError.high },
        floor: { mean: coin.mean, low: coin.low, high: coin.high },
      },
      {
        key: 'weightingGamma',
        label: `probability weighting γ (Tversky–Kahneman γ fitted to ${g.group} lotteries, 1 = expected utility; closer to 1 is closer to expected utility)`,
        value: g.gamma.estimate,
        interval: { low: g.gamma.low, high: g.gamma.high },
      },
    ];
  },
};
