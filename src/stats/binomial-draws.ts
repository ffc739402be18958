/**
 * Repeated binomial draws for a fixed list of (trials, probability) slots: the answers of every
 * pair of a design, redrawn once per simulation or bootstrap replicate (docs/method.md §5.11–5.12).
 * The per-slot work that does not depend on the uniforms is done once, by `prepareBinomialDraws`
 * (once per distinct (n, p): a design repeats them a great deal), so a replicate costs O(1)
 * expected time per slot whatever the number of trials (10 or 10⁹) and allocates nothing.
 *
 * Per slot, with p ≤ ½ (for p > ½ the failures are drawn and subtracted from n):
 * - n = 0, p = 0 or p = 1: a constant, no uniform;
 * - npq ≤ INVERSION_VARIANCE_MAX: inversion of the CDF by a search that starts at the mode
 *   (Kemp 1986, "A modal method for generating binomial variables", Commun. Statist. 15): one
 *   uniform and about 0.8·√(npq) + 1 steps, over a PMF table (`binomialPmf`) for n ≤ 256 and by the
 *   PMF recurrence above;
 * - larger: BTRS, transformed rejection with squeeze (W. Hörmann, "The generation of binomial
 *   random variates", J. Statist. Comput. Simul. 46, 1993): two uniforms per try, about 1.15 tries,
 *   the log-density ratio through Stirling remainders so it stays accurate at n = 10⁹.
 * Both read 32-bit uniforms and are exact in distribution up to the rounding of the PMF and the 2⁻³²
 * grid of the uniforms (each outcome's probability within about 2·10⁻¹⁰, far below any simulation
 * error here). Neither draws the same stream as `sampleBinomial` (one uniform per trial below 65
 * trials), which stays for the callers that pin it. Units: counts of successes. Failure modes: a
 * slot with n not a non-negative integer or p outside [0, 1] throws RangeError at preparation.
 */
import { binomialPmf, stirlingRemainder } from './binomial-pmf.js';

/** Slots whose variance npq is at most this are drawn by modal inversion, the rest by BTRS (Hörmann recommends BTRS from npq ≈ 10 on). */
export const INVERSION_VARIANCE_MAX = 16;

/**
 * Inversion slots of at most this many trials read their PMF from a table shared by every slot with
 * the same (n, p), up to TABLE_ENTRIES_MAX entries in all, so the search adds and compares without
 * dividing; the others step the PMF recurrence.
 */
const TABULATED_TRIALS_MAX = 256;
const TABLE_ENTRIES_MAX = 1 << 22;

const CONSTANT = 0;
const INVERSION = 1;
const REJECTION = 2;

/** What the draws read: uniform 32-bit words (utilscope's `Rng` fits). */
export interface UniformSource {
  nextUint32(): number;
}

/** What `drawBinomials` needs per slot, computed once. */
export interface PreparedBinomialDraws {
  readonly slots: number;
  /** The slots that are not constants, in order: the only ones a draw visits. */
  readonly random: Int32Array;
  readonly kind: Uint8Array;
  /** 1 when the slot draws failures (p > ½): the result is n − draw. */
  readonly flipped: Uint8Array;
  readonly trials: Float64Array;
  /** min(p, 1 − p), and its odds min(p, 1 − p)/max(p, 1 − p). */
  readonly prob: Float64Array;
  readonly odds: Float64Array;
  /** The constant value (CONSTANT slots) or the mode m (INVERSION slots) or m = ⌊(n + 1)p⌋ (REJECTION slots). */
  readonly mode: Float64Array;
  /** INVERSION: P(X = m); REJECTION: the constant part of the log acceptance bound. */
  readonly atMode: Float64Array;
  /** INVERSION: P(X ≤ m); REJECTION: unused. */
  readonly belowMode: Float64Array;
  /**
   * INVERSION: where the slot's P(X = 0 … n) start in `table`, or −1 without a table; REJECTION:
   * where its BTRS constants (b, a, c, v_r, α) start there.
   */
  readonly tableStart: Int32Array;
  readonly table: Float64Array;
}

/** Prepares slots k = 0 … n.length − 1 drawing Binomial(n[k], p[k]). O(slots · (1 + √(npq))) once. */
export function prepareBinomialDraws(n: ArrayLike<number>, p: ArrayLike<number>): PreparedBinomialDraws {
  const slots = n.length;
  const kind = new Uint8Array(slots);
  const flipped = new Uint8Array(slots);
  const trials = new Float64Array(slots);
  const prob = new Float64Array(slots);
  const odds = new Float64Array(slots);
  const mode = new Float64Array(slots);
  const atMode = new Float64Array(slots);
  const belowMode = new Float64Array(slots);
  const tableStart = new Int32Array(slots).fill(-1);
  const table: number[] = [];
  // Designs repeat (trials, probability) a great deal (every coin-flip slot of a design is the same): prepare each once.
  const seen = new Map<number, Map<number, number>>();
  const random: number[] = [];
  for (let s = 0; s < slots; s++) {
    const count = n[s] as number;
    const chance = p[s] as number;
    if (!(count >= 0) || !Number.isInteger(count)) throw new RangeError(`prepareBinomialDraws: trials must be a non-negative integer, got ${count}`);
    if (!(chance >= 0 && chance <= 1)) throw new RangeError(`prepareBinomialDraws: probability must be in [0, 1], got ${chance}`);
    trials[s] = count;
    if (count === 0 || chance === 0 || chance === 1) {
      kind[s] = CONSTANT;
      mode[s] = chance === 1 ? count : 0;
      continue;
    }
    random.push(s);
    let byChance = seen.get(count);
    if (byChance === undefined) {
      byChance = new Map();
      seen.set(count, byChance);
    }
    const same = byChance.get(chance);
    if (same !== undefined) {
      kind[s] = kind[same] as number;
      flipped[s] = flipped[same] as number;
      prob[s] = prob[same] as number;
      odds[s] = odds[same] as number;
      mode[s] = mode[same] as number;
      atMode[s] = atMode[same] as number;
      belowMode[s] = belowMode[same] as number;
      tableStart[s] = tableStart[same] as number;
      continue;
    }
    byChance.set(chance, s);
    const flip = chance > 0.5;
    const small = flip ? 1 - chance : chance;
    flipped[s] = flip ? 1 : 0;
    prob[s] = small;
    odds[s] = small / (1 - small);
    const variance = count * small * (1 - small);
    if (variance <= INVERSION_VARIANCE_MAX) {
      kind[s] = INVERSION;
      const m = Math.floor((count + 1) * small);
      const f = binomialPmf(m, count, small);
      // P(X ≤ m) by summing down from the mode with the recurrence P(k − 1) = P(k)·k·q/((n − k + 1)·p); the terms fall geometrically.
      let below = 0;
      let term = f;
      for (let k = m; k >= 0 && term > 0; k--) {
        below += term;
        if (term < below * 1e-17) break;
        term *= (k * (1 - small)) / ((count - k + 1) * small);
      }
      mode[s] = m;
      atMode[s] = f;
      belowMode[s] = Math.min(1, below);
      if (count <= TABULATED_TRIALS_MAX && table.length + count + 1 <= TABLE_ENTRIES_MAX) {
        tableStart[s] = table.length;
        let cdf = 0;
        for (let k = 0; k <= count; k++) {
          const value = binomialPmf(k, count, small);
          table.push(value);
          if (k <= m) cdf += value;
        }
        // The table's own sum, so the search's steps and its start agree to the last ulp.
        belowMode[s] = Math.min(1, cdf);
      }
    } else {
      kind[s] = REJECTION;
      const m = Math.floor((count + 1) * small);
      const r = small / (1 - small);
      mode[s] = m;
      // The part of log P(k)/P(m) that does not depend on k (see drawRejection).
      atMode[s] = (m + 0.5) * Math.log((m + 1) / (r * (count - m + 1))) + stirlingRemainder(m + 1) + stirlingRemainder(count - m + 1);
      // Hörmann's constants: the hat's spread b, its shape a, its centre c, the squeeze v_r and the scale α.
      const spq = Math.sqrt(variance);
      const b = 1.15 + 2.53 * spq;
      tableStart[s] = table.length;
      table.push(b, -0.0873 + 0.0248 * b + 0.01 * small, count * small + 0.5, 0.92 - 4.2 / b, (2.83 + 5.1 / b) * spq);
    }
  }
  return { slots, random: Int32Array.from(random), kind, flipped, trials, prob, odds, mode, atMode, belowMode, tableStart, table: Float64Array.from(table) };
}

/** 2⁻³²: a 32-bit word times this is a uniform on a grid of 2³² points in [0, 1). */
const WORD = 2 ** -32;

/** Writes the constant slots' values into `out`, which `drawBinomials` then leaves alone: once per array of draws. */
export function writeConstantDraws(prepared: PreparedBinomialDraws, out: Float64Array): void {
  const { slots, kind, mode } = prepared;
  for (let s = 0; s < slots; s++) if (kind[s] === CONSTANT) out[s] = mode[s] as number;
}

/**
 * One draw per random slot into `out` (length ≥ slots; the constant slots come from
 * `writeConstantDraws`). O(random slots) expected; allocates nothing. One loop and nothing after
 * it, so the code V8 compiles while the loop runs has seen everything the function does.
 */
export function drawBinomials(prepared: PreparedBinomialDraws, source: UniformSource, out: Float64Array): void {
  const { random, kind, flipped, trials, odds, mode, atMode, belowMode, tableStart, table } = prepared;
  for (let j = 0; j < random.length; j++) {
    const s = random[j] as number;
    let draw: number;
    if (kind[s] === INVERSION) {
      // The smallest k with P(X ≤ k) > u, searching from the mode with P(k ± 1) from P(k).
      const u = source.nextUint32() * WORD;
      const n = trials[s] as number;
      const start = tableStart[s] as number;
      if (start >= 0) {
        let k = mode[s] as number;
        let cdf = belowMode[s] as number;
        if (cdf > u) {
          while (k > 0 && cdf - (table[start + k] as number) > u) cdf -= table[start + k--] as number;
        } else {
          while (cdf <= u && k < n) cdf += table[start + ++k] as number;
        }
        out[s] = flipped[s] === 1 ? n - k : k;
        continue;
      }
      const ratio = odds[s] as number;
      let k = mode[s] as number;
      let f = atMode[s] as number;
      let cdf = belowMode[s] as number;
      if (cdf > u) {
        while (k > 0 && cdf - f > u) {
          cdf -= f;
          f *= k / ((n - k + 1) * ratio);
          k--;
        }
      } else {
        // Rounding may leave the last few ulps of the CDF short of 1: stop at n.
        while (cdf <= u && k < n) {
          f *= ((n - k) * ratio) / (k + 1);
          k++;
          cdf += f;
        }
      }
      draw = k;
    } else draw = drawRejection(prepared, s, source);
    out[s] = flipped[s] === 1 ? (trials[s] as number) - draw : draw;
  }
}

/** BTRS (Hörmann 1993, algorithm BTRS) for p ≤ ½ and npq > INVERSION_VARIANCE_MAX, from 32-bit uniforms like the inversion. */
function drawRejection(prepared: PreparedBinomialDraws, s: number, source: UniformSource): number {
  const n = prepared.trials[s] as number;
  const r = prepared.odds[s] as number;
  const m = prepared.mode[s] as number;
  const constant = prepared.atMode[s] as number;
  const at = prepared.tableStart[s] as number;
  const table = prepared.table;
  const b = table[at] as number;
  const a = table[at + 1] as number;
  const c = table[at + 2] as number;
  const vr = table[at + 3] as number;
  const alpha = table[at + 4] as number;
  for (;;) {
    const u = source.nextUint32() * WORD - 0.5;
    const v = source.nextUint32() * WORD;
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + c);
    // The squeeze: inside this box every k is accepted without evaluating the density.
    if (us >= 0.07 && v <= vr) return k;
    if (k < 0 || k > n) continue;
    // log P(X = k) − log P(X = m) through ln j! = (j + ½)·ln(j + 1) − (j + 1) + ½·ln 2π + δ(j + 1): every
    // logarithm is of a ratio near 1 or of O(1) size, so nothing of size n·ln n cancels.
    const bound = constant + (n + 1) * Math.log((n - m + 1) / (n - k + 1)) + (k + 0.5) * Math.log((r * (n - k + 1)) / (k + 1)) - stirlingRemainder(k + 1) - stirlingRemainder(n - k + 1);
    if (Math.log((v * alpha) / (a / (us * us) + b)) <= bound) return k;
  }
}
