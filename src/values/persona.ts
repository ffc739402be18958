/**
 * Is a value the model's or its persona's? (docs/method.md §10). The same utilities measured under
 * several arms on the same outcomes, read against how much they move when nothing changes (a retest
 * arm: the default condition with another sampling seed) and against each arm's split-half
 * reliability. Pure; randomness comes from the `Rng` argument.
 *
 *   agreement    Pearson and Spearman correlation of two arms' utilities over the outcomes, with a
 *                bootstrap interval (outcomes resampled);
 *   reliability  per arm, the Spearman–Brown split-half reliability 2r/(1 + r) of its two half fits;
 *   shift        per (value, arm), the change of the value against the default arm, from a joint
 *                regression of d(o) = U_arm(o) − U_default(o) on every value's sign (`valueShifts`),
 *                paired by outcome, with a t-interval and a flag when it survives Holm's correction
 *                over every (value, arm) tested at family-wise 5%;
 *   dependence   per value, the share of its between-arm movement that noise does not explain:
 *                max(0, 1 − mean var(Δ_a) / mean Δ_a²) over the non-retest arms — 0 when it moves
 *                only as much as noise (invariant to the persona), 1 when all its movement is the arm's
 *                — with a bootstrap interval (outcomes resampled, every arm's shifts refitted);
 *   movers       the outcomes whose rank percentile moves most in each arm.
 */
import type { Rng } from '../core/rng.js';
import type { Outcome, OutcomeId } from '../core/types.js';
import { choleskyFactor, choleskySolve, inverseDiagonal } from '../stats/cholesky.js';
import { pearson, spearman } from '../stats/correlation.js';
import { quantileOfSorted } from '../stats/quantile.js';
import { tCdf, tQuantile } from '../stats/student-t.js';
import { signedSides } from './scores.js';
import { rankPercentiles } from './summarise.js';

/** One arm's utilities over the shared outcomes (aligned with `PersonaInput.ids`). */
export interface ArmUtilities {
  readonly arm: string;
  readonly label: string;
  readonly mean: ArrayLike<number>;
  /** Utilities fitted on each half of the arm's samples, for its split-half reliability. */
  readonly halves?: readonly [ArrayLike<number>, ArrayLike<number>];
}

/** What the analysis reads: the outcomes, the default arm, the retest arm if any, and the others. */
export interface PersonaInput {
  readonly ids: readonly OutcomeId[];
  readonly outcomes: readonly Outcome[];
  readonly reference: ArmUtilities;
  readonly retest?: ArmUtilities;
  readonly arms: readonly ArmUtilities[];
}

/** An estimate with its 95% interval. */
export interface Interval {
  readonly estimate: number;
  readonly low: number;
  readonly high: number;
}

export interface ArmAgreement {
  readonly a: string;
  readonly b: string;
  readonly pearson: Interval;
  readonly spearman: Interval;
}

export interface ValueShift {
  readonly value: string;
  readonly arm: string;
  /** Δ in utility sd (each arm's own gauge: sd 1 over the outcomes) */
  readonly shift: Interval;
  readonly p: number;
  /** Survives Holm's correction over every (value, arm) tested (family-wise 5%). */
  readonly flagged: boolean;
}

export interface ValueDependence {
  readonly value: string;
  /** 0 = moves only as much as noise, 1 = all its movement across arms is the arm's. */
  readonly dependence: number;
  /** Its 95% bootstrap interval (outcomes resampled, every arm's shifts refitted); absent without replicates. */
  readonly low?: number;
  readonly high?: number;
  /** The retest arm's shift: what "nothing changed" looks like for this value. */
  readonly retestShift?: Interval;
}

export interface RankMover {
  readonly arm: string;
  readonly id: OutcomeId;
  /** Rank percentile in the arm minus in the default arm (−100 … +100). */
  readonly change: number;
}

export interface PersonaReport {
  /** Every pair of arms, the default and retest included, in input order. */
  readonly agreement: readonly ArmAgreement[];
  /** Split-half reliability (Spearman–Brown) per arm that has halves. */
  readonly reliability: Readonly<Record<string, number>>;
  readonly shifts: readonly ValueShift[];
  readonly dependence: readonly ValueDependence[];
  readonly movers: readonly RankMover[];
}

/** Bootstrap replicates for the agreement intervals. */
export const AGREEMENT_BOOTSTRAP = 500;
/** Family-wise error rate of the shift flags. */
export const FAMILY_WISE_ALPHA = 0.05;
/** Bootstrap replicates for the dependence intervals. */
export const DEPENDENCE_BOOTSTRAP = 200;
/** Outcomes listed per arm as moving most. */
export const MOVERS_PER_ARM = 5;

function agreement(a: ArmUtilities, b: ArmUtilities, rng: Rng, replicates: number): ArmAgreement {
  const n = a.mean.length;
  const xa = new Float64Array(n);
  const xb = new Float64Array(n);
  const p = new Float64Array(replicates);
  const s = new Float64Array(replicates);
  for (let r = 0; r < replicates; r++) {
    for (let k = 0; k < n; k++) {
      const t = rng.int(n);
      xa[k] = a.mean[t] as number;
      xb[k] = b.mean[t] as number;
    }
    p[r] = pearson(xa, xb);
    s[r] = spearman(xa, xb);
  }
  const interval = (estimate: number, draws: Float64Array): Interval => {
    const sorted = draws.filter(Number.isFinite).sort();
    return { estimate, low: quantileOfSorted(sorted, 0.025), high: quantileOfSorted(sorted, 0.975) };
  };
  return { a: a.arm, b: b.arm, pearson: interval(pearson(a.mean, b.mean), p), spearman: interval(spearman(a.mean, b.mean), s) };
}

/** Spearman–Brown split-half reliability of an arm's two halves. */
export function splitHalfReliability(halves: readonly [ArrayLike<number>, ArrayLike<number>]): number {
  const r = pearson(halves[0], halves[1]);
  return (2 * r) / (1 + r);
}

const meanOf = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

/**
 * The shift of every value between `arm` and the reference, estimated jointly: ordinary least
 * squares of d(o) = U_arm(o) − U_ref(o) on an intercept, the mean m(o) = (U_arm(o) + U_ref(o))/2
 * and each value's sign s_v(o) ∈ {−1, 0, +1}. The m term absorbs a change of scale between the two
 * arms' gauges (each fit is standardised over the outcomes, so an arm that moves some outcomes
 * rescales all of them); it is m and not U_ref because the two arms' estimation errors enter d with
 * opposite signs and m with the same, so with equal noise m is uncorrelated with the noise in d,
 * where regressing on U_ref would pull every value's shift toward minus its weight. Fitting every
 * value at once attributes an outcome tagged with two values to the one that moved.
 * The shift reported is 2·δ_v, the change of the value's score mean U(+) − mean U(−) it implies for
 * outcomes with that one tag; its t-interval uses σ̂²·(XᵀX)⁻¹ with n − p degrees of freedom.
 */
function valueShifts(input: PersonaInput, arm: ArmUtilities): { value: string; shift: Interval; p: number; variance: number }[] {
  const at = new Map(input.ids.map((id, k) => [id, k] as const));
  const present = input.outcomes.filter((o) => at.has(o.id));
  const values = signedSides(present)
    .filter((side) => side.plus.length >= 2 && side.minus.length >= 2)
    .map((side) => side.value);
  const n = present.length;
  const p = 2 + values.length;
  if (n <= p + 1) return [];
  const x = new Float64Array(n * p);
  const y = new Float64Array(n);
  present.forEach((o, r) => {
    const k = at.get(o.id) as number;
    const ref = input.reference.mean[k] as number;
    const other = arm.mean[k] as number;
    y[r] = other - ref;
    x[r * p] = 1;
    x[r * p + 1] = (other + ref) / 2;
    values.forEach((v, c) => {
      x[r * p + 2 + c] = o.values?.[v] ?? 0;
    });
  });
  const xtx = new Float64Array(p * p);
  const xty = new Float64Array(p);
  for (let r = 0; r < n; r++) {
    for (let i = 0; i < p; i++) {
      const xi = x[r * p + i] as number;
      xty[i] = (xty[i] as number) + xi * (y[r] as number);
      for (let j = 0; j < p; j++) xtx[i * p + j] = (xtx[i * p + j] as number) + xi * (x[r * p + j] as number);
    }
  }
  const l = choleskyFactor(xtx, p);
  if (!l) return [];
  const beta = choleskySolve(l, p, xty);
  let rss = 0;
  for (let r = 0; r < n; r++) {
    let fitted = 0;
    for (let i = 0; i < p; i++) fitted += (x[r * p + i] as number) * (beta[i] as number);
    rss += ((y[r] as number) - fitted) ** 2;
  }
  const df = n - p;
  const sigma2 = rss / df;
  const inverse = inverseDiagonal(l, p);
  const tq = tQuantile(0.975, df);
  return values.map((value, c) => {
    const shift = 2 * (beta[2 + c] as number);
    const variance = 4 * sigma2 * (inverse[2 + c] as number);
    const half = tq * Math.sqrt(variance);
    const t = variance > 0 ? Math.abs(shift) / Math.sqrt(variance) : Number.POSITIVE_INFINITY;
    return { value, shift: { estimate: shift, low: shift - half, high: shift + half }, p: 2 * (1 - tCdf(t, df)), variance };
  });
}

/** Each value's dependence, max(0, 1 − mean var(Δ) / mean Δ²) over the arms' shifts of it (NaN when no arm shifts it). */
function dependenceOf(values: readonly string[], shifts: readonly { value: string; shift: Interval; variance: number }[]): number[] {
  return values.map((value) => {
    const mine = shifts.filter((s) => s.value === value);
    if (mine.length === 0) return Number.NaN;
    const movement = meanOf(mine.map((s) => s.shift.estimate ** 2));
    const noise = meanOf(mine.map((s) => s.variance));
    return movement > 0 ? Math.max(0, 1 - noise / movement) : 0;
  });
}

/** Holm's step-down flags at family-wise `alpha` for p-values in any order. */
export function holmFlags(p: readonly number[], alpha = FAMILY_WISE_ALPHA): boolean[] {
  const order = p.map((value, k) => [value, k] as const).sort((x, y) => x[0] - y[0]);
  const flags = new Array<boolean>(p.length).fill(false);
  for (let r = 0; r < order.length; r++) {
    const [value, k] = order[r] as readonly [number, number];
    if (!(value <= alpha / (order.length - r))) break;
    flags[k] = true;
  }
  return flags;
}

/** The whole persona analysis; see the module comment. */
export function analysePersona(input: PersonaInput, rng: Rng, options: { readonly agreementReplicates?: number; readonly dependenceReplicates?: number } = {}): PersonaReport {
  const replicates = options.agreementReplicates ?? AGREEMENT_BOOTSTRAP;
  const all = [input.reference, ...(input.retest ? [input.retest] : []), ...input.arms];
  const agreements: ArmAgreement[] = [];
  for (let i = 0; i < all.length; i++) for (let j = i + 1; j < all.length; j++) agreements.push(agreement(all[i] as ArmUtilities, all[j] as ArmUtilities, rng, replicates));
  const reliability = Object.fromEntries(all.filter((a) => a.halves).map((a) => [a.arm, splitHalfReliability(a.halves as readonly [ArrayLike<number>, ArrayLike<number>])]));
  const perArm = input.arms.map((arm) => ({ arm, shifts: valueShifts(input, arm) }));
  const flat = perArm.flatMap(({ arm, shifts }) => shifts.map((s) => ({ arm: arm.arm, ...s })));
  const flags = holmFlags(flat.map((s) => s.p));
  const shifts: ValueShift[] = flat.map((s, k) => ({ value: s.value, arm: s.arm, shift: s.shift, p: s.p, flagged: flags[k] as boolean }));
  const retest = input.retest ? valueShifts(input, input.retest) : [];
  const values = [...new Set(flat.map((s) => s.value))];
  const point = dependenceOf(values, flat);
  // The interval resamples the outcomes and refits every arm's shifts: how much the score depends on which outcomes carry each value.
  const draws = values.map(() => [] as number[]);
  const resampled = options.dependenceReplicates ?? DEPENDENCE_BOOTSTRAP;
  for (let b = 0; b < resampled; b++) {
    const outcomes = Array.from(input.outcomes, () => input.outcomes[rng.int(input.outcomes.length)] as Outcome);
    const again = input.arms.flatMap((arm) => valueShifts({ ...input, outcomes }, arm));
    dependenceOf(values, again).forEach((d, k) => {
      if (Number.isFinite(d)) draws[k]?.push(d);
    });
  }
  const dependence = values.map((value, k) => {
    const again = retest.find((s) => s.value === value);
    const sorted = Float64Array.from(draws[k] ?? []).sort();
    const interval = sorted.length > 0 ? { low: quantileOfSorted(sorted, 0.025), high: quantileOfSorted(sorted, 0.975) } : {};
    return { value, dependence: point[k] as number, ...interval, ...(again ? { retestShift: again.shift } : {}) };
  });
  const base = rankPercentiles(input.reference.mean);
  const movers = input.arms.flatMap((arm) => {
    const ranks = rankPercentiles(arm.mean);
    return input.ids
      .map((id, k) => ({ arm: arm.arm, id, change: (ranks[k] as number) - (base[k] as number) }))
      .sort((x, y) => Math.abs(y.change) - Math.abs(x.change))
      .slice(0, MOVERS_PER_ARM);
  });
  return { agreement: agreements, reliability, shifts, dependence, movers };
}
