/**
 * The JSON form of a fit: fit.json and `utilscope fit --json` (docs/architecture.md §"External
 * preference data"). Pure; NaN (no utility) and infinite bounds become null.
 */
import { SCHEMA_VERSION, type UtilityFit } from '../core/types.js';
import { FIT_WARNING_UTILITY } from './connectivity.js';

/** The fit as persisted in fit.json and printed by `utilscope fit --json` (docs/architecture.md §"External preference data"). */
export function fitToJson(fit: UtilityFit) {
  const warningOf = new Map(fit.warnings.map((w) => [w.id, w.reason] as const));
  return {
    v: SCHEMA_VERSION,
    model: fit.model,
    // mean, sd, ciLow and ciHigh are null for an outcome without a utility (NaN in memory); a
    // flagged outcome's row says so in `flag` (absent on rows without a warning, so fit.json of a
    // well-identified design is unchanged).
    utilities: fit.ids.map((id, k) => {
      const warning = warningOf.get(id);
      return {
        id,
        mean: finiteOrNull(fit.mean[k] as number),
        sd: finiteOrNull(fit.sd[k] as number),
        ciLow: fit.ci ? finiteOrNull(fit.ci.low[k] as number) : null,
        ciHigh: fit.ci ? finiteOrNull(fit.ci.high[k] as number) : null,
        ...(warning ? { flag: FIT_WARNING_UTILITY[warning] === 'none' ? ('no-utility' as const) : ('prior-driven' as const) } : {}),
      };
    }),
    interval: fit.ci ? { level: fit.ci.level, method: fit.ci.method } : { level: null, method: 'none' },
    metrics: fit.metrics,
    converged: fit.converged,
    iterations: fit.iterations,
    reason: fit.reason,
    warnings: fit.warnings,
  };
}

/** A non-finite number (no utility, an unbounded interval) as null, as the JSON codec writes it. */
function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}
