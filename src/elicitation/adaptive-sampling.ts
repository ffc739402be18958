/**
 * The adaptive design's next round (docs/method.md §4.11): which pairs get one more answer in each
 * order — a new pair, or one more ab/ba sample of a pair already asked — chosen by one value per
 * sample, so the two compete on the same scale. Pure; randomness only from the Rng argument.
 *
 * A *unit* is one answer in each presentation order of one pair (2 completions); a new pair's first
 * unit and a further unit of an asked pair cost the same. Units come in ab/ba pairs so that a pair's
 * answers stay balanced over the orders and position bias keeps cancelling in its P̂ (§2.5).
 *
 * The value of a unit on (i, j) is the drop it would cause in the rank-weighted posterior variance
 * of the utilities, Σ_k w_k·Var(m_k), under the Laplace posterior of the current fit (covariance C):
 *
 *   value = I · Σ_k w_k·(C g)_k² / (1 + I·gᵀC g),   g = e_i − e_j,
 *
 * the exact drop for a Gaussian posterior that gains information I about m_i − m_j (a rank-one
 * update). Three choices make it fit this problem:
 *   w_k = f̂(m_k)²        an outcome's squared rank error is about (N·f̂(m_k))²·Var(m_k), with f̂ the
 *                        density of utilities around it (a kernel estimate), so weighting by f̂² aims
 *                        the variance at the ranking (Spearman), not at outliers nobody confuses;
 *   I = Δn_eff · Ī / r²  Ī = ½[I(z + b) + I(z − b)] the Fisher information of the unit's two answers
 *                        (answer-information.ts) with z the fitted probit, r its scale and b the
 *                        first-slot offset, so a respondent that answers by position is not mistaken
 *                        for an undecided one; Δn_eff the effective answers the unit adds to the pair
 *                        (n + 2 answers are worth n_eff(n + 2), design effect ρ), so a repeat is worth
 *                        less than a new pair exactly by what answers to one pair share;
 *   C g                  with the dense covariance, a unit's value counts what it tells about every
 *                        outcome correlated with i or j, which is why a new pair (a new path through
 *                        the comparison graph) usually beats another sample of a pair already asked.
 * Units are picked greedily by value; after each pick C takes the rank-one update, and only units
 * touching i or j are re-scored before they can be picked (lazy greedy). At most one unit per pair
 * per round. Candidates are the asked pairs below K samples per order and a random pool of unasked,
 * non-held-out pairs (40 × the round's units, or all of them), so a round costs
 * O(candidates·N + units·N²) with the dense covariance and O(candidates + units·log) with variances only.
 */
import type { Rng } from '../core/rng.js';
import type { OutcomeId } from '../core/types.js';
import { answerOverdispersion, effectiveAnswers, type OrderedAnswers, positionBiasOffset, probitAnswerInformation } from './answer-information.js';

/** The posterior covariance of the reported utilities: dense (N × N, row-major) or only its diagonal. */
export type UtilityCovariance = { readonly kind: 'dense'; readonly matrix: Float64Array } | { readonly kind: 'diagonal'; readonly variances: Float64Array };

/** A training pair asked so far: outcome indices, samples planned per order, and its valid answers. */
export interface AskedPairSamples {
  readonly a: number;
  readonly b: number;
  /** Samples per order in the plan (equal in both orders: units come in ab/ba pairs). */
  readonly samplesPerOrder: number;
  readonly abAnswers: number;
  readonly abForA: number;
  readonly baAnswers: number;
  readonly baForA: number;
}

/** What the adaptive design knows: the current fit (reporting gauge) and the pairs asked so far. */
export interface AdaptiveSamplingState {
  readonly ids: readonly OutcomeId[];
  /** Utilities in utility sd; NaN for outcomes without one (they are read as the centre, uncertain). */
  readonly mean: Float64Array;
  /** Probit scale per outcome: P(i ≻ j) = Φ((m_i − m_j)/hypot(spread_i, spread_j)). */
  readonly spread: Float64Array;
  readonly covariance: UtilityCovariance;
  /** Free parameters of the fit (for the dispersion estimate's degrees of freedom). */
  readonly parameters: number;
  readonly asked: readonly AskedPairSamples[];
  /** pairKeys never to ask (held out). */
  readonly excluded: ReadonlySet<string>;
}

/** How much to plan. */
export interface AdaptiveSamplingOptions {
  /** Units (one answer per order) this round. */
  readonly units: number;
  /** K: no pair gets more samples per order than this. */
  readonly maxSamplesPerOrder: number;
  /** Share of the units given to uniformly random new pairs (default {@link EXPLORATION_SHARE}). */
  readonly explorationShare?: number;
}

/**
 * Share of each round's units given to new pairs drawn uniformly at random rather than by value. The
 * value aims at the ranking, so it asks near ties almost only; but how sharply preferences fall off
 * with the utility gap (the utilities' scale against σ) is learned from pairs across the whole range
 * of gaps, which is also what held-out pairs are. Without them the fit's predictions for distant
 * pairs were overconfident: on sim:7b held-out log-loss at the published protocol's budget for
 * Spearman 0.95 was 0.551 and 0.533 (seeds 1, 2) against its 0.511 and 0.516; with 0.25 it was 0.507
 * and 0.511, at about 10% more completions to reach Spearman 0.99 (README, "Choosing pairs").
 */
export const EXPLORATION_SHARE = 0.25;

/** One unit to ask: `firstSample` is the sample index it takes in each order (0 for a new pair). */
export interface SampleUnit {
  readonly a: OutcomeId;
  readonly b: OutcomeId;
  readonly firstSample: number;
}

/** What the round's values were computed with (shown in tests and the bench). */
export interface AdaptiveSamplingPlan {
  readonly units: readonly SampleUnit[];
  /** First-slot probit offset b. */
  readonly positionOffset: number;
  /** Intraclass correlation ρ of answers to one pair. */
  readonly overdispersion: number;
  /** How many of the units are further samples of asked pairs. */
  readonly repeats: number;
}

/** Candidate pool of unasked pairs per unit wanted (as the fixed-K strategies use, docs/method.md §4.3). */
const POOL_PER_UNIT = 40;

/**
 * Weights w_k = f̂(m_k)², normalised to mean 1, with f̂ a Gaussian kernel density estimate of the
 * utilities (Silverman's bandwidth 1.06·sd·N^(−1/5)). Outcomes without a utility get weight 1. O(N²).
 */
export function rankWeights(mean: Float64Array): Float64Array {
  const finite = [...mean].filter(Number.isFinite);
  const n = finite.length;
  const weights = new Float64Array(mean.length).fill(1);
  if (n < 2) return weights;
  const centre = finite.reduce((s, x) => s + x, 0) / n;
  const sd = Math.sqrt(finite.reduce((s, x) => s + (x - centre) ** 2, 0) / n);
  const bandwidth = 1.06 * (sd > 0 ? sd : 1) * n ** -0.2;
  let total = 0;
  let counted = 0;
  for (let k = 0; k < mean.length; k++) {
    const m = mean[k] as number;
    if (!Number.isFinite(m)) continue;
    let density = 0;
    for (const x of finite) {
      const u = (m - x) / bandwidth;
      density += Math.exp(-0.5 * u * u);
    }
    weights[k] = density * density;
    total += density * density;
    counted += 1;
  }
  const scale = counted / total;
  for (let k = 0; k < mean.length; k++) if (Number.isFinite(mean[k] as number)) weights[k] = (weights[k] as number) * scale;
  return weights;
}

interface Candidate {
  readonly a: number;
  readonly b: number;
  /** Information about m_a − m_b that one more unit adds (utility sd⁻²). */
  readonly information: number;
  readonly firstSample: number;
  readonly repeat: boolean;
}

/** A max-heap of (value, candidate) on typed arrays. */
class ValueHeap {
  private values = new Float64Array(64);
  private items = new Int32Array(64);
  size = 0;
  push(value: number, item: number): void {
    if (this.size === this.values.length) {
      const values = new Float64Array(this.size * 2);
      values.set(this.values);
      const items = new Int32Array(this.size * 2);
      items.set(this.items);
      this.values = values;
      this.items = items;
    }
    let k = this.size++;
    while (k > 0) {
      const parent = (k - 1) >> 1;
      if ((this.values[parent] as number) >= value) break;
      this.values[k] = this.values[parent] as number;
      this.items[k] = this.items[parent] as number;
      k = parent;
    }
    this.values[k] = value;
    this.items[k] = item;
  }
  /** The top item, removed. */
  pop(): number {
    const top = this.items[0] as number;
    const value = this.values[--this.size] as number;
    const item = this.items[this.size] as number;
    let k = 0;
    for (;;) {
      let child = 2 * k + 1;
      if (child >= this.size) break;
      if (child + 1 < this.size && (this.values[child + 1] as number) > (this.values[child] as number)) child++;
      if ((this.values[child] as number) <= value) break;
      this.values[k] = this.values[child] as number;
      this.items[k] = this.items[child] as number;
      k = child;
    }
    this.values[k] = value;
    this.items[k] = item;
    return top;
  }
}

/** Random unasked, non-excluded pairs (index pairs a < b), at most `count`, without listing all pairs when N is large. */
function unaskedPool(n: number, count: number, blocked: ReadonlySet<number>, rng: Rng): [number, number][] {
  const all = (n * (n - 1)) / 2;
  const available = all - blocked.size;
  const target = Math.min(count, Math.max(0, available));
  const out: [number, number][] = [];
  if (target <= 0) return out;
  const code = (a: number, b: number) => a * n + b;
  if (target > all / 3) {
    const everything: [number, number][] = [];
    for (let a = 0; a < n; a++) for (let b = a + 1; b < n; b++) if (!blocked.has(code(a, b))) everything.push([a, b]);
    return rng.shuffled(everything).slice(0, target);
  }
  const chosen = new Set<number>();
  while (out.length < target) {
    let a = rng.int(n);
    let b = rng.int(n);
    if (a === b) continue;
    if (a > b) [a, b] = [b, a];
    const key = code(a, b);
    if (blocked.has(key) || chosen.has(key)) continue;
    chosen.add(key);
    out.push([a, b]);
  }
  return out;
}

/**
 * Plans one round of the adaptive design: up to `options.units` units, each a new pair or one more
 * ab/ba sample of an asked pair below K per order, by greedy value (module comment). Never a held-out
 * pair, never two units of one pair in a round. Deterministic given (state, options, rng).
 */
export function planAdaptiveSamples(state: AdaptiveSamplingState, options: AdaptiveSamplingOptions, rng: Rng): AdaptiveSamplingPlan {
  const { ids } = state;
  const n = ids.length;
  const units = Math.max(0, Math.floor(options.units));
  const spreadOf = (k: number) => {
    const s = state.spread[k] as number;
    return Number.isFinite(s) && s > 0 ? s : 1;
  };
  // Outcomes without a utility sit at the centre with the largest variance any outcome has.
  const variances =
    state.covariance.kind === 'dense'
      ? Float64Array.from({ length: n }, (_, k) => (state.covariance as { matrix: Float64Array }).matrix[k * n + k] as number)
      : Float64Array.from(state.covariance.variances);
  const largest = variances.reduce((m, v) => (Number.isFinite(v) ? Math.max(m, v) : m), 1);
  const mean = Float64Array.from(state.mean, (m) => (Number.isFinite(m) ? m : 0));
  const dense = state.covariance.kind === 'dense' ? Float64Array.from(state.covariance.matrix, (v) => (Number.isFinite(v) ? v : 0)) : undefined;
  for (let k = 0; k < n; k++) {
    if (Number.isFinite(state.mean[k] as number) && Number.isFinite(variances[k] as number)) continue;
    variances[k] = largest;
    if (dense) {
      for (let l = 0; l < n; l++) dense[k * n + l] = dense[l * n + k] = 0;
      dense[k * n + k] = largest;
    }
  }
  const weights = rankWeights(state.mean);
  const probit = (a: number, b: number) => ((mean[a] as number) - (mean[b] as number)) / Math.hypot(spreadOf(a), spreadOf(b));

  const answers: OrderedAnswers[] = state.asked.map((p) => ({ z: probit(p.a, p.b), abAnswers: p.abAnswers, abForA: p.abForA, baAnswers: p.baAnswers, baForA: p.baForA }));
  const positionOffset = positionBiasOffset(answers);
  const overdispersion = answerOverdispersion(answers, positionOffset, state.parameters);
  const unitInformation = (a: number, b: number, answered: number) => {
    const z = probit(a, b);
    const perAnswer = 0.5 * (probitAnswerInformation(z + positionOffset) + probitAnswerInformation(z - positionOffset));
    const gained = effectiveAnswers(answered + 2, overdispersion) - effectiveAnswers(answered, overdispersion);
    const r = Math.hypot(spreadOf(a), spreadOf(b));
    return (gained * perAnswer) / (r * r);
  };

  const candidates: Candidate[] = [];
  const blocked = new Set<number>();
  const index = new Map(ids.map((id, k) => [id, k] as const));
  for (const key of state.excluded) {
    const [x, y] = key.split('\u0000') as [OutcomeId, OutcomeId];
    const a = index.get(x);
    const b = index.get(y);
    if (a !== undefined && b !== undefined) blocked.add(Math.min(a, b) * n + Math.max(a, b));
  }
  for (const p of state.asked) {
    blocked.add(Math.min(p.a, p.b) * n + Math.max(p.a, p.b));
    if (p.samplesPerOrder >= options.maxSamplesPerOrder) continue;
    candidates.push({ a: p.a, b: p.b, information: unitInformation(p.a, p.b, p.abAnswers + p.baAnswers), firstSample: p.samplesPerOrder, repeat: true });
  }
  const firstNew = candidates.length;
  const pool = unaskedPool(n, POOL_PER_UNIT * units, blocked, rng);
  for (const [a, b] of pool) candidates.push({ a, b, information: unitInformation(a, b, 0), firstSample: 0, repeat: false });

  const column = new Float64Array(n);
  const value = (c: Candidate): number => {
    const info = c.information;
    if (!(info > 0)) return 0;
    if (!dense) {
      const va = variances[c.a] as number;
      const vb = variances[c.b] as number;
      return (info * ((weights[c.a] as number) * va * va + (weights[c.b] as number) * vb * vb)) / (1 + info * (va + vb));
    }
    const rowA = c.a * n;
    const rowB = c.b * n;
    let weighted = 0;
    for (let k = 0; k < n; k++) {
      const u = (dense[rowA + k] as number) - (dense[rowB + k] as number);
      weighted += (weights[k] as number) * u * u;
    }
    const gap = Math.max(0, (dense[rowA + c.a] as number) + (dense[rowB + c.b] as number) - 2 * (dense[rowA + c.b] as number));
    return (info * weighted) / (1 + info * gap);
  };
  const update = (c: Candidate) => {
    const info = c.information;
    if (!dense) {
      const va = variances[c.a] as number;
      const vb = variances[c.b] as number;
      const shrink = info / (1 + info * (va + vb));
      variances[c.a] = va - va * va * shrink;
      variances[c.b] = vb - vb * vb * shrink;
      return;
    }
    const rowA = c.a * n;
    const rowB = c.b * n;
    for (let k = 0; k < n; k++) column[k] = (dense[rowA + k] as number) - (dense[rowB + k] as number);
    const shrink = info / (1 + info * Math.max(0, (column[c.a] as number) - (column[c.b] as number)));
    for (let k = 0; k < n; k++) {
      const uk = (column[k] as number) * shrink;
      if (uk === 0) continue;
      const row = k * n;
      for (let l = 0; l < n; l++) dense[row + l] = (dense[row + l] as number) - uk * (column[l] as number);
    }
  };

  // Lazy greedy: a candidate's value is recomputed only when one of its outcomes changed since.
  const version = new Int32Array(n);
  const seenA = new Int32Array(candidates.length);
  const seenB = new Int32Array(candidates.length);
  const picked: SampleUnit[] = [];
  let repeats = 0;
  const take = (c: Candidate) => {
    picked.push({ a: ids[c.a] as OutcomeId, b: ids[c.b] as OutcomeId, firstSample: c.firstSample });
    if (c.repeat) repeats++;
    update(c);
    version[c.a] = (version[c.a] as number) + 1;
    version[c.b] = (version[c.b] as number) + 1;
  };
  // Exploration first: the pool is already a uniform random sample of the unasked pairs, in random order.
  const exploring = Math.min(pool.length, Math.round((options.explorationShare ?? EXPLORATION_SHARE) * units));
  for (let k = 0; k < exploring; k++) take(candidates[firstNew + k] as Candidate);
  const heap = new ValueHeap();
  // A tiny seeded jitter orders exact ties (common in round 1, when every pair looks alike) at random.
  candidates.forEach((c, k) => (k >= firstNew && k < firstNew + exploring ? undefined : heap.push(value(c) * (1 + 1e-9 * rng.next()), k)));
  while (picked.length < units && heap.size > 0) {
    const k = heap.pop();
    const c = candidates[k] as Candidate;
    if (seenA[k] !== version[c.a] || seenB[k] !== version[c.b]) {
      seenA[k] = version[c.a] as number;
      seenB[k] = version[c.b] as number;
      heap.push(value(c), k);
      continue;
    }
    take(c);
  }
  return { units: picked, positionOffset, overdispersion, repeats };
}
