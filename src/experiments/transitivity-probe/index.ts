/**
 * The `transitivity-probe` experiment (docs/method.md §5): random triads of outcomes, all three pairs
 * of each asked in both orders in one round, scored by the probability that a triad forms a
 * preference cycle — a direct measurement, where `utilities` infers coherence from the pairs its
 * adaptive design happened to ask. `utilscope probe transitivity` runs it.
 */
import { z } from 'zod';
import { parseIntOption } from '../../core/options.js';
import { sampleTriads, triadPairs } from '../../elicitation/selection.js';
import { runReportSections, runReportTitle } from '../../report/html.js';
import { analysePairwise, pairwiseDerived, type RunAnalysis } from '../pairwise/analyse.js';
import { buildRunReportData } from '../pairwise/report-data.js';
import { pairwiseSummary } from '../pairwise/summary.js';
import type { Experiment, ExperimentContext } from '../types.js';
import { TRANSITIVITY_PROBE_COMMAND } from './command.js';

const configSchema = z.strictObject({
  kind: z.literal('transitivity-probe'),
  /** random triads to ask */
  triads: z.number().int().positive(),
  /**
   * The triads themselves, when they were not sampled here: an imported transitivity experiment's
   * own (`utilscope import --from emergent-values-triads`), each in outcome-set order. Not identity:
   * an imported run is never asked again.
   */
  given: z.array(z.tuple([z.string(), z.string(), z.string()])).optional(),
});

/** The configuration of a transitivity-probe run. */
export type TransitivityProbeConfig = z.infer<typeof configSchema>;

/** The probe's triads: the given ones (an imported run's), else a function of outcome set and seed only. */
export function probeTriads(ctx: ExperimentContext<TransitivityProbeConfig>): readonly (readonly [string, string, string])[] {
  return ctx.config.given ?? sampleTriads(ctx.ids, ctx.config.triads, ctx.rng('probe-triads'));
}

/** The `transitivity-probe` experiment. */
export const transitivityProbeExperiment: Experiment<TransitivityProbeConfig, RunAnalysis> = {
  kind: 'transitivity-probe',
  description: 'random triads, all three pairs in both orders: triad cycle probability',
  config: configSchema,
  identity: ['triads'],
  options: [{ flags: '--triads <n>', description: 'number of random triads (default 1000)' }],
  resolveConfig: (values) => ({ kind: 'transitivity-probe', triads: parseIntOption(values['triads'], '--triads', 1, 1000) }),
  command: TRANSITIVITY_PROBE_COMMAND,
  runIdSuffix: '-probe',
  plannedPairs: (ctx) => 3 * ctx.config.triads,
  // Every triad in one round: one batch round-trip.
  plannedRounds: () => 1,
  planFirstRound: (ctx) => ctx.expand(triadPairs(probeTriads(ctx)), 0, false),
  planNextRound: () => ({ pairs: [] }),
  describe: (c) => `transitivity probe, ${c.triads} triads`,
  analyse: ({ ctx, plan, records, options }) => analysePairwise({ spec: ctx.spec, outcomeSet: ctx.outcomeSet, plan, records, options, probeTriads: probeTriads(ctx) }),
  derived: pairwiseDerived,
  summary: pairwiseSummary,
  reportTitle: runReportTitle,
  reportSections: (result, header) => runReportSections(buildRunReportData(result, header)),
  utilities: (result) => result,
};
