/**
 * `utilscope fit --pairs`: the utilities, and by default the coherence, of preference data that did
 * not come from utilscope (docs/architecture.md §"External preference data"), and the terminal form
 * of any fit. Reads files; parsing and fitting are pure. It imports the modules it uses directly,
 * not through the folders' front doors, so the command loads no provider, report or run machinery
 * (docs/architecture.md §"CLI", start-up).
 */
import { resolve } from 'node:path';
import type { CoherenceReport, CoherenceSkipped } from '../coherence/analyse.js';
import { Rng } from '../core/rng.js';
import { type OutcomeSet, type PairTally, SCHEMA_VERSION, type UtilityModelKind } from '../core/types.js';
import { externalPairsReader } from '../elicitation/external-pairs.js';
import { packTallies } from '../elicitation/tally.js';
import { FIT_WARNING_TEXT, identificationSummary } from '../models/connectivity.js';
import { fitUtilities } from '../models/fit.js';
import { fitToJson } from '../models/fit-json.js';
import { pct } from '../report/page.js';
import { readInputLines } from '../store/files.js';
import { loadOutcomeSet } from '../store/outcome-set-file.js';
import { type CoherenceAside, INLINE_COHERENCE, openCoherenceAside } from './coherence-aside.js';
import type { PipelineEnv } from './env.js';

/**
 * Reads and validates an external pairs file against the outcome set's ids, line by line (memory for
 * its distinct pairs, not its lines); `weights` accepts fractional counts (`--weights`).
 */
export function readExternalPairs(path: string, set: OutcomeSet, weights = false): PairTally[] {
  const reader = externalPairsReader(
    path,
    set.outcomes.map((o) => o.id),
    { weights },
  );
  for (const line of readInputLines(path, { notFound: 'pairs-invalid', invalid: 'pairs-invalid' }, 'pairs file')) reader.line(line.text, line.number);
  return reader.result();
}

/** How `fit --pairs` reads and analyses the pairs beyond the model: fractional counts as weights, and whether coherence runs. */
export interface ExternalFitOptions {
  readonly weights?: boolean;
  /** False for `--no-coherence`: the fit alone, and `coherence: { skipped: 'no-coherence' }` in its place. */
  readonly coherence?: boolean;
  /** Where coherence is computed while the fit runs (default: in this thread, after the fit; `fitExternalFile` opens a worker, and closes it if anything fails). */
  readonly aside?: CoherenceAside;
}

/**
 * Fits external tallies: the `fit --json` shape (utilities, metrics, coherence), plus `input`: the
 * orders are unknown and the counts were whole numbers or weights (docs/method.md §2.8). Without
 * orders, coherence reports `orders: 'unknown'` instead of a first-slot share and a position-bias
 * floor; with `coherence: false` it is skipped and says so.
 */
export async function fitExternalPairs(set: OutcomeSet, tallies: readonly PairTally[], model: UtilityModelKind, intervals: 'laplace' | 'bootstrap' = 'laplace', options: ExternalFitOptions = {}) {
  const ids = set.outcomes.map((o) => o.id);
  const rng = new Rng('external-fit');
  // Coherence (all but its ranking distance) is handed to the other core before this one fits.
  const aside = options.aside ?? INLINE_COHERENCE;
  const pending = options.coherence === false ? undefined : aside.start({ outcomes: set.outcomes, tallies, policy: 'exclude', orders: 'unknown' }, rng.fork('coherence'));
  const fit = fitUtilities(ids, packTallies(tallies, ids, 'exclude'), { model, intervals, rng: rng.fork('fit') });
  const coherence: CoherenceReport | CoherenceSkipped = pending ? await pending.finish(fit) : { v: SCHEMA_VERSION, skipped: 'no-coherence' };
  return { ...fitToJson(fit), coherence, input: { orders: 'unknown' as const, counts: options.weights ? ('weights' as const) : ('whole' as const) } };
}

/** `fit --outcomes <set> --pairs <file> [--weights] [--no-coherence]`. */
export async function fitExternalFile(
  outcomes: string,
  pairsFile: string,
  model: UtilityModelKind,
  intervals: 'laplace' | 'bootstrap',
  env: Pick<PipelineEnv, 'cwd'>,
  options: Omit<ExternalFitOptions, 'aside'> = {},
) {
  // Opened first, so the worker boots while the files are read.
  const aside = options.coherence === false ? undefined : openCoherenceAside();
  try {
    const loaded = loadOutcomeSet(outcomes, env.cwd);
    const tallies = readExternalPairs(resolve(env.cwd, pairsFile), loaded.set, options.weights ?? false);
    return await fitExternalPairs(loaded.set, tallies, model, intervals, { ...options, ...(aside ? { aside } : {}) });
  } catch (error) {
    aside?.close();
    throw error;
  }
}

/** What `fit --json` prints, for a run folder or external pairs (`--no-coherence`: coherence skipped). */
export type FitJsonDocument = ReturnType<typeof fitToJson> & { readonly coherence: CoherenceReport | CoherenceSkipped };

/**
 * The terminal form of a fit (`fit` without `--json`): metrics, which outcomes are identified
 * (docs/method.md §12), the order effects or "orders unknown", then every utility with its interval
 * and its flag, most preferred first and outcomes without a utility last.
 */
export function fitSummaryLines(json: FitJsonDocument): string[] {
  const reasons = new Map(json.warnings.map((w) => [w.id, w.reason] as const));
  const rows = [...json.utilities].sort((x, y) => Number(x.mean === null) - Number(y.mean === null) || (y.mean ?? 0) - (x.mean ?? 0));
  const coherence = json.coherence;
  const orderLine =
    'skipped' in coherence
      ? 'coherence: skipped (--no-coherence)'
      : coherence.orderEffects.orders === 'unknown'
        ? 'first-slot share and position-bias floor: orders unknown (pooled pairs)'
        : `first-slot share ${pct(coherence.orderEffects.firstSlotShare)}, order flip rate ${pct(coherence.orderEffects.flipRate)}`;
  return [
    `training pairs ${json.metrics.train.pairs}, accuracy ${json.metrics.train.accuracy.toFixed(3)}, log-loss ${json.metrics.train.logLoss.toFixed(3)}`,
    identificationSummary(json.warnings, json.utilities.length),
    orderLine,
    ...rows.map((u) => {
      const ci = u.ciLow === null || u.ciHigh === null ? '' : `  [${u.ciLow.toFixed(2)}, ${u.ciHigh.toFixed(2)}]`;
      const reason = reasons.get(u.id);
      return `${(u.mean === null ? '–' : u.mean.toFixed(3)).padStart(8)}${ci}  ${u.id}${reason ? `  (${FIT_WARNING_TEXT[reason]})` : ''}`;
    }),
  ];
}
