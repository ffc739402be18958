/**
 * What a model values, from its fitted utilities (docs/method.md §6). Pure; O(n log n + ladders).
 *
 * - clusters: mean utility per value cluster with a t-interval over the cluster's outcomes (the
 *   spread between outcomes dominates the per-outcome estimation error, so the between-outcome
 *   interval is the honest one), and each member's rank percentile;
 * - contrasts between clusters (difference of means, Welch interval);
 * - rank percentile of every outcome (0 = least preferred, 100 = most);
 * - quantity ladders: U(N) = a + b·ln N by least squares per unit, with R², residual sd and
 *   monotonicity (share of adjacent rungs where utility rises, Spearman of amount vs utility);
 * - dollar equivalents via the `usd` ladder: N with a + b·ln N = μ, with an inverse-prediction
 *   interval combining the outcome's own uncertainty and the ladder fit's (delta method), flagged
 *   when extrapolated; none when the ladder is not increasing;
 * - exchange rates between ladders: units of X worth one unit of Y.
 * Everything is invariant to the gauge (a common positive affine map of μ) except raw means.
 */
import { Rng } from '../core/rng.js';
import { type Outcome, type OutcomeId, type OutcomeSet, SCHEMA_VERSION, type UtilityFit } from '../core/types.js';
import { MONEY_UNIT, quantityDirection } from '../outcomes/units.js';
import { valueNames } from '../outcomes/values.js';
import { averageRanks, pearson, spearman } from '../stats/correlation.js';
import { inversePhi } from '../stats/normal.js';
import { tQuantile } from '../stats/student-t.js';
import { type SkippedValue, scoreValues, utilityIndex, type ValueScore } from './scores.js';

export interface ClusterSummary {
  readonly cluster: string;
  readonly outcomes: number;
  readonly mean: number;
  readonly low: number;
  readonly high: number;
  readonly members: readonly { readonly id: OutcomeId; readonly mean: number; readonly percentile: number }[];
}

export interface ClusterContrast {
  readonly a: string;
  readonly b: string;
  readonly difference: number;
  readonly low: number;
  readonly high: number;
}

export interface LadderFit {
  readonly unit: string;
  /** +1 when more of the unit is better (a gain), −1 when worse (a loss): `quantityDirection`. */
  readonly direction: 1 | -1;
  /**
   * True when the fitted slope runs against the unit's direction (more deaths preferred, more money
   * lost preferred): either a striking finding or a measurement failure; the report flags it.
   */
  readonly againstDirection: boolean;
  readonly rungs: readonly { readonly id: OutcomeId; readonly amount: number; readonly utility: number }[];
  readonly intercept: number;
  readonly slope: number;
  readonly rSquared: number;
  readonly residualSd: number;
  /** Share of adjacent rungs (by amount) where utility moves the unit's way (rises for gains, falls for losses). */
  readonly monotonicity: number;
  readonly spearman: number;
}

export interface DollarEquivalent {
  readonly id: OutcomeId;
  readonly usd: number;
  readonly low: number;
  readonly high: number;
  readonly extrapolated: boolean;
}

export interface ExchangeRate {
  /** Units of `x` whose utility equals one unit of `y`. */
  readonly x: string;
  readonly y: string;
  readonly unitsOfXPerY: number;
}

export interface ValueSummary {
  readonly v: typeof SCHEMA_VERSION;
  /** Signed value scores, in `KNOWN_VALUES` order then declared ones (docs/method.md §6, the report's headline). */
  readonly scores: readonly ValueScore[];
  /** Values tagged in the set that could not be scored, with the reason. */
  readonly skippedScores: readonly SkippedValue[];
  /** How the score intervals and null bands were computed, in words. */
  readonly scoreMethod: string;
  readonly intervalMethod: string;
  readonly clusters: readonly ClusterSummary[];
  readonly contrasts: readonly ClusterContrast[];
  readonly percentiles: Readonly<Record<OutcomeId, number>>;
  readonly ladders: readonly LadderFit[];
  readonly dollarEquivalents: readonly DollarEquivalent[];
  readonly dollarNote?: string;
  readonly exchangeRates: readonly ExchangeRate[];
}

export interface ValueOptions {
  readonly ciLevel?: number;
  /** Seeded stream for the value scores' null bands and dollar intervals (default: a fixed seed, so results are reproducible). */
  readonly rng?: Rng;
  /** The set's own declarations (value names, units), when the outcomes come from a set that has them. */
  readonly set?: Pick<OutcomeSet, 'values' | 'units'>;
  /** Contrasts to report; default every pair of clusters with ≥ 2 outcomes. */
  readonly contrasts?: readonly (readonly [string, string])[];
}

/** Rank percentiles (average ranks for ties), 0 = least preferred, 100 = most: 100·(rank − 1)/(n − 1), 50 for a single outcome. */
export function rankPercentiles(mean: ArrayLike<number>): Float64Array {
  const n = mean.length;
  return averageRanks(mean).map((rank) => (n > 1 ? (100 * (rank - 1)) / (n - 1) : 50));
}

function meanAndVariance(values: readonly number[]): { mean: number; variance: number } {
  const n = values.length;
  const mean = values.reduce((s, v) => s + v, 0) / n;
  const variance = n > 1 ? values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1) : Number.NaN;
  return { mean, variance };
}

/** Least-squares fit of U = a + b·ln N over a ladder's rungs; `direction` is the unit's (+1 gain, −1 loss). */
export function fitLogLadder(unit: string, rungs: readonly { id: OutcomeId; amount: number; utility: number }[], direction: 1 | -1 = 1): LadderFit {
  const sorted = [...rungs].sort((x, y) => x.amount - y.amount);
  const xs = sorted.map((r) => Math.log(r.amount));
  const ys = sorted.map((r) => r.utility);
  const n = sorted.length;
  const mx = xs.reduce((s, v) => s + v, 0) / n;
  const my = ys.reduce((s, v) => s + v, 0) / n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let k = 0; k < n; k++) {
    sxx += ((xs[k] as number) - mx) ** 2;
    sxy += ((xs[k] as number) - mx) * ((ys[k] as number) - my);
    syy += ((ys[k] as number) - my) ** 2;
  }
  const slope = sxx > 0 ? sxy / sxx : Number.NaN;
  const intercept = my - slope * mx;
  const residual = syy - slope * sxy;
  let agreeing = 0;
  for (let k = 1; k < n; k++) if (direction * ((ys[k] as number) - (ys[k - 1] as number)) > 0) agreeing++;
  return {
    unit,
    direction,
    againstDirection: direction * slope < 0,
    rungs: sorted,
    intercept,
    slope,
    rSquared: syy > 0 ? 1 - residual / syy : Number.NaN,
    residualSd: n > 2 ? Math.sqrt(Math.max(0, residual) / (n - 2)) : Number.NaN,
    monotonicity: n > 1 ? agreeing / (n - 1) : Number.NaN,
    spearman: spearman(
      sorted.map((r) => r.amount),
      ys,
    ),
  };
}

/** The quantity N on `ladder` whose fitted utility equals `utility` (undefined unless the ladder increases). */
export function quantityForUtility(ladder: LadderFit, utility: number): number | undefined {
  if (!(ladder.slope > 0)) return undefined;
  return Math.exp((utility - ladder.intercept) / ladder.slope);
}

/** How many units of X match one unit of Y in utility: solve a_X + b_X ln N = a_Y + b_Y ln 1. */
export function exchangeRate(x: LadderFit, y: LadderFit): number | undefined {
  return quantityForUtility(x, y.intercept);
}

/** Summarises a fit's values; see the module comment. Outcomes without a utility are left out. */
export function summariseValues(outcomes: readonly Outcome[], fit: UtilityFit, options: ValueOptions = {}): ValueSummary {
  const level = options.ciLevel ?? 0.95;
  const index = utilityIndex(fit);
  const present = outcomes.filter((o) => index.has(o.id));
  const utility = (id: OutcomeId) => fit.mean[index.get(id) as number] as number;
  const percentileArray = rankPercentiles(present.map((o) => utility(o.id)));
  const percentiles: Record<OutcomeId, number> = {};
  present.forEach((o, k) => (percentiles[o.id] = percentileArray[k] as number));

  const clusterNames = [...new Set(present.flatMap((o) => o.clusters))].sort();
  const clusters: ClusterSummary[] = clusterNames.map((cluster) => {
    const members = present.filter((o) => o.clusters.includes(cluster));
    const values = members.map((o) => utility(o.id));
    const { mean, variance } = meanAndVariance(values);
    const half = values.length > 1 ? tQuantile(0.5 + level / 2, values.length - 1) * Math.sqrt(variance / values.length) : Number.NaN;
    return {
      cluster,
      outcomes: members.length,
      mean,
      low: mean - half,
      high: mean + half,
      members: members.map((o) => ({ id: o.id, mean: utility(o.id), percentile: percentiles[o.id] as number })).sort((x, y) => y.mean - x.mean),
    };
  });

  const byName = new Map(clusters.map((c) => [c.cluster, c] as const));
  const wanted = options.contrasts ?? clusterNames.flatMap((a, k) => clusterNames.slice(k + 1).map((b) => [a, b] as const));
  const contrasts: ClusterContrast[] = [];
  for (const [a, b] of wanted) {
    const ca = byName.get(a);
    const cb = byName.get(b);
    if (!ca || !cb || ca.outcomes < 2 || cb.outcomes < 2) continue;
    const va = meanAndVariance(ca.members.map((m) => m.mean)).variance / ca.outcomes;
    const vb = meanAndVariance(cb.members.map((m) => m.mean)).variance / cb.outcomes;
    // Welch–Satterthwaite degrees of freedom.
    const df = (va + vb) ** 2 / (va ** 2 / (ca.outcomes - 1) + vb ** 2 / (cb.outcomes - 1));
    const half = tQuantile(0.5 + level / 2, df > 0 ? df : 1) * Math.sqrt(va + vb);
    const difference = ca.mean - cb.mean;
    contrasts.push({ a, b, difference, low: difference - half, high: difference + half });
  }
  // Largest effects first, so the table reads by importance, not by name.
  contrasts.sort((x, y) => Math.abs(y.difference) - Math.abs(x.difference));

  const units = [...new Set(present.flatMap((o) => (o.quantity && o.quantity.amount > 0 ? [o.quantity.unit] : [])))].sort();
  const ladders = units
    .map((unit) => present.filter((o) => o.quantity?.unit === unit && o.quantity.amount > 0).map((o) => ({ id: o.id, amount: (o.quantity as { amount: number }).amount, utility: utility(o.id) })))
    .filter((rungs) => rungs.length >= 3)
    .map((rungs) => {
      // Rungs were grouped by the unit of outcomes that have a quantity, so the first rung has one.
      const unit = present.find((o) => o.id === rungs[0]?.id)?.quantity?.unit ?? '';
      return fitLogLadder(unit, rungs, quantityDirection(unit, options.set));
    });

  const money = ladders.find((l) => l.unit === MONEY_UNIT && l.direction === 1);
  const dollarEquivalents: DollarEquivalent[] = [];
  let dollarNote: string | undefined;
  if (!money) dollarNote = 'no money ladder (outcomes with quantity unit "usd") in this outcome set';
  else if (!(money.slope > 0) || money.monotonicity < 0.5)
    dollarNote = `the money ladder does not increase with amount (slope ${money.slope.toFixed(3)}, monotonicity ${money.monotonicity.toFixed(2)}): no dollar equivalents`;
  else {
    const lo = money.rungs[0]?.amount ?? 0;
    const hi = money.rungs.at(-1)?.amount ?? 0;
    const logs = money.rungs.map((r) => Math.log(r.amount));
    const meanLog = logs.reduce((a, b) => a + b, 0) / logs.length;
    const sxx = logs.reduce((a, b) => a + (b - meanLog) ** 2, 0);
    const zq = inversePhi(0.5 + level / 2);
    for (const o of present) {
      const k = index.get(o.id) as number;
      const u = fit.mean[k] as number;
      const lnN = (u - money.intercept) / money.slope;
      // Inverse-prediction interval on ln N: the outcome's own utility error plus the ladder fit's
      // residual and estimation error at that point (delta method), divided by the slope.
      const seU = fit.ci ? ((fit.ci.high[k] as number) - (fit.ci.low[k] as number)) / (2 * zq) : 0;
      const residual = Number.isFinite(money.residualSd) ? money.residualSd : 0;
      const seLadder = residual * Math.sqrt(1 + 1 / logs.length + (lnN - meanLog) ** 2 / sxx);
      const half = (zq * Math.hypot(seU, seLadder)) / money.slope;
      const usd = Math.exp(lnN);
      dollarEquivalents.push({ id: o.id, usd, low: Math.exp(lnN - half), high: Math.exp(lnN + half), extrapolated: usd < lo || usd > hi });
    }
  }

  const exchangeRates: ExchangeRate[] = [];
  for (const x of ladders)
    for (const y of ladders) {
      if (x === y) continue;
      const rate = exchangeRate(x, y);
      if (rate !== undefined && Number.isFinite(rate)) exchangeRates.push({ x: x.unit, y: y.unit, unitsOfXPerY: rate });
    }

  const moneyUsable = money && money.slope > 0 && money.monotonicity >= 0.5 ? money : undefined;
  const scored = scoreValues(outcomes, fit, moneyUsable, options.rng ?? new Rng('values'), { level, ...(options.set ? { set: options.set } : {}) });
  const signedNames = new Set(scored.scores.map((v) => v.value).concat(scored.skipped.map((v) => v.value)));
  // Sets without signs (imported ones): every audited cluster they tag is a value left unscored.
  const unsigned = clusterNames
    .filter((c) => !signedNames.has(c) && valueNames(options.set).includes(c))
    .map((value) => ({ value, reason: 'its outcomes carry the cluster tag but no sign (+1/−1), so the value cannot be scored' }));
  return {
    v: SCHEMA_VERSION,
    scores: scored.scores,
    skippedScores: [...scored.skipped, ...unsigned],
    scoreMethod: scored.method,
    intervalMethod: `cluster means: t-interval over the cluster's outcome utilities (${Math.round(level * 100)}%); contrasts: Welch interval`,
    clusters,
    contrasts,
    percentiles,
    ladders,
    dollarEquivalents,
    ...(dollarNote ? { dollarNote } : {}),
    exchangeRates,
  };
}

/** Correlation of two fits' utilities over the outcomes both give a utility (docs/method.md §6 convergence). */
export function utilityConvergence(a: UtilityFit, b: UtilityFit): { shared: number; pearson: number; spearman: number } {
  const index = utilityIndex(b);
  const xs: number[] = [];
  const ys: number[] = [];
  a.ids.forEach((id, k) => {
    const j = index.get(id);
    if (j === undefined || !Number.isFinite(a.mean[k] as number)) return;
    xs.push(a.mean[k] as number);
    ys.push(b.mean[j] as number);
  });
  return { shared: xs.length, pearson: pearson(xs, ys), spearman: spearman(xs, ys) };
}
