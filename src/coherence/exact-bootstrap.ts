/**
 * The bootstrap of the triangle metrics and decisiveness without replicates (docs/method.md §5.12).
 * The parametric bootstrap redraws each pair's valid answers per order from its own observed share,
 * independently across pairs: the floors' respondent (`exact-floors.ts`) with P̂ per order in place
 * of a fixed chance. So the bootstrap distribution of the cycle probability, the 3-cycle share, the
 * weak-transitivity rate and decisiveness has the same closed-form mean and variance as a floor's,
 * from per-pair moments of the redrawn P̂* = (X_ab + X_ba + fixed wins)/answers, and the intervals
 * read its 2.5th and 97.5th percentiles as mean ∓ 1.96 sd: no Monte Carlo error, and none of the
 * 200 sweeps over every pair and triangle that used to be most of a coherence report's time.
 *
 * The normal reading of the quantiles needs many triangles, so `analyse.ts` uses this only on a
 * design with at least EXACT_INTERVAL_TRIANGLES_MIN of them and simulates the rest as before.
 *
 * Per pair, P̂*'s distribution is tabulated (a convolution of the two orders' binomials, compared
 * with ½ exactly as a replicate compares it) up to TABULATED_ANSWERS_MAX answers while the
 * convolution stays small (`convolvedProfile`). Beyond, it is taken as normal with a continuity
 * correction when ½ lies within 40 sd of its mean; otherwise its state is certain to within e^−800
 * and E|P̂* − ½| = |E P̂* − ½|. A pair that is not certain then has P̂ close to ½, where the binomial
 * is all but symmetric and the corrected normal is off by about 1/answers (10⁻³ at 1,000 answers
 * per order, far inside the intervals' width). `normalApproximated` counts those pairs.
 * Pure; O(pairs + distinct answer profiles · answers).
 */
import { normalDensity, Phi } from '../stats/normal.js';
import type { CoherenceDesign } from './design.js';
import { type AnswerMoments, type AnswerProfile, convolvedProfile, TABULATED_ANSWERS_MAX } from './exact-floors.js';

/** Triangles from which a design's triangle metrics and decisiveness take exact bootstrap moments instead of replicates. */
export const EXACT_INTERVAL_TRIANGLES_MIN = 1000;

/** Per-pair moments of the bootstrap's redrawn P̂, and how many pairs took the normal approximation. */
export interface BootstrapMoments extends AnswerMoments {
  readonly normalApproximated: number;
}

/** Standard deviations beyond which ½ is taken as out of reach of a normal P̂. */
const CERTAIN_SD = 40;

/**
 * P̂*'s features from its mean and sd in answers (sum S = X + Y + fixedWins over `total`), normal
 * with a continuity correction on the lattice fixedWins + ℤ; see the module comment.
 */
function normalProfile(meanSum: number, sdSum: number, fixedWins: number, total: number): AnswerProfile {
  const half = total / 2;
  const offset = meanSum - half;
  if (sdSum === 0 || Math.abs(offset) > CERTAIN_SD * sdSum) {
    const value = meanSum / total;
    return { below: value < 0.5 ? 1 : 0, tie: value === 0.5 ? 1 : 0, above: value > 0.5 ? 1 : 0, absDeviation: Math.abs(value - 0.5) };
  }
  const steps = half - fixedWins;
  // The largest value of S strictly below half, and whether half itself is a value of S.
  const belowTop = fixedWins + Math.ceil(steps) - 1;
  const tie = Number.isInteger(steps) ? Phi((half + 0.5 - meanSum) / sdSum) - Phi((half - 0.5 - meanSum) / sdSum) : 0;
  const below = Phi((belowTop + 0.5 - meanSum) / sdSum);
  // The folded normal's mean: E|D| = 2σφ(m/σ) + m(1 − 2Φ(−m/σ)) for D ~ N(m, σ²).
  const z = offset / sdSum;
  const folded = 2 * sdSum * normalDensity(z) + offset * (1 - 2 * Phi(-z));
  return { below, tie, above: Math.max(0, 1 - below - tie), absDeviation: folded / total };
}

/**
 * The per-pair moments of the bootstrap respondent on `design`: valid answers per order redrawn as
 * Binomial(n_order, P̂_order), invalid answers under `half` kept (as `replicates.ts` redraws them).
 */
export function bootstrapAnswerMoments(design: CoherenceDesign): BootstrapMoments {
  const pairs = design.pairs;
  const mean = new Float64Array(pairs);
  const variance = new Float64Array(pairs);
  const state = new Float64Array(3 * pairs);
  const absDeviation = new Float64Array(pairs);
  // Designs repeat answer profiles (20 answers give 21 shares): tabulate each once.
  const profiles = new Map<string, { readonly profile: AnswerProfile; readonly normal: boolean }>();
  let answered = 0;
  let normalApproximated = 0;
  for (let k = 0; k < pairs; k++) {
    const nAB = design.validAB[k] as number;
    const nBA = design.validBA[k] as number;
    const pAB = design.shareAB[k] as number;
    const pBA = design.shareBA[k] as number;
    const fixedWins = design.fixedWins[k] as number;
    const total = nAB + nBA + (design.fixedTotal[k] as number);
    if (total === 0) {
      mean[k] = 0.5;
      state[3 * k + 1] = 1;
      continue;
    }
    answered++;
    const meanSum = nAB * pAB + nBA * pBA + fixedWins;
    const varianceSum = nAB * pAB * (1 - pAB) + nBA * pBA * (1 - pBA);
    mean[k] = meanSum / total;
    variance[k] = varianceSum / (total * total);
    let profile: AnswerProfile;
    if (nAB + nBA > TABULATED_ANSWERS_MAX) {
      // Every such pair has a profile of its own (10⁹ answers: no two shares alike), and the normal one is O(1): no cache.
      profile = normalProfile(meanSum, Math.sqrt(varianceSum), fixedWins, total);
      normalApproximated++;
    } else {
      const key = `${nAB},${pAB},${nBA},${pBA},${fixedWins},${total}`;
      let entry = profiles.get(key);
      if (entry === undefined) {
        const tabulated = convolvedProfile(nAB, pAB, nBA, pBA, fixedWins, total);
        entry = { profile: tabulated ?? normalProfile(meanSum, Math.sqrt(varianceSum), fixedWins, total), normal: tabulated === undefined };
        profiles.set(key, entry);
      }
      if (entry.normal) normalApproximated++;
      profile = entry.profile;
    }
    state[3 * k] = profile.below;
    state[3 * k + 1] = profile.tie;
    state[3 * k + 2] = profile.above;
    absDeviation[k] = profile.absDeviation;
  }
  return { mean, variance, state, absDeviation, answered, complete: true, normalApproximated };
}
