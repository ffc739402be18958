/**
 * How well a fit explains pairs (docs/method.md §3): accuracy of the majority side (ties stated) with
 * its Wilson score interval, per-answer log-loss and its excess over the labels' own entropy, Brier score, calibration table.
 * Training metrics are computed on asked pairs only; held-out metrics on the held-out pairs.
 * O(pairs).
 */
import type { CalibrationBin, FitMetrics, PackedPairs, UtilityFit } from '../core/types.js';
import { Phi } from '../stats/normal.js';
import { wilsonInterval } from '../stats/wilson.js';
import { logistic } from './likelihood.js';

/** P(outcome at index i ≻ outcome at index j) under a fit (any model kind); NaN when either has no utility. */
export function predictPreference(fit: UtilityFit, i: number, j: number): number {
  const d = (fit.mean[i] as number) - (fit.mean[j] as number);
  if (fit.logisticScale !== undefined) return logistic(fit.logisticScale * d);
  const r = Math.hypot(fit.sd[i] as number, fit.sd[j] as number);
  return Phi(d / r);
}

const CALIBRATION_BINS = 10;
/** Probabilities are clipped here before taking logs, so one overconfident pair cannot give ∞. */
const P_FLOOR = 1e-12;

function xlogy(x: number, y: number): number {
  return x === 0 ? 0 : x * Math.log(y);
}

/**
 * Metrics of `fit` on `pairs` (indices into fit.ids), docs/method.md §3. Pairs with an outcome that
 * has no utility are left out (`pairs` counts the others). Empty input gives NaN metrics with pairs 0. O(pairs).
 */
export function evaluateFit(fit: UtilityFit, pairs: PackedPairs): FitMetrics {
  let counted = 0;
  let correct = 0;
  let ties = 0;
  let answers = 0;
  let crossEntropy = 0;
  let entropy = 0;
  let brier = 0;
  const binPairs = new Float64Array(CALIBRATION_BINS);
  const binPredicted = new Float64Array(CALIBRATION_BINS);
  const binObserved = new Float64Array(CALIBRATION_BINS);
  for (let k = 0; k < pairs.i.length; k++) {
    const total = pairs.total[k] as number;
    if (!(total > 0)) continue;
    const predicted = predictPreference(fit, pairs.i[k] as number, pairs.j[k] as number);
    // A pair with an outcome that has no utility (docs/method.md §12) has no prediction to grade.
    if (Number.isNaN(predicted)) continue;
    counted++;
    const w = pairs.wins[k] as number;
    const observed = w / total;
    const p = Math.min(1 - P_FLOOR, Math.max(P_FLOOR, predicted));
    if (observed === 0.5) ties++;
    else if (p > 0.5 === observed > 0.5) correct++;
    answers += total;
    crossEntropy -= xlogy(w, p) + xlogy(total - w, 1 - p);
    entropy -= xlogy(w, observed) + xlogy(total - w, 1 - observed);
    brier += (p - observed) ** 2;
    const bin = Math.min(CALIBRATION_BINS - 1, Math.floor(p * CALIBRATION_BINS));
    binPairs[bin] = (binPairs[bin] as number) + 1;
    binPredicted[bin] = (binPredicted[bin] as number) + p;
    binObserved[bin] = (binObserved[bin] as number) + observed;
  }
  const calibration: CalibrationBin[] = [];
  for (let b = 0; b < CALIBRATION_BINS; b++) {
    const count = binPairs[b] as number;
    if (count === 0) continue;
    calibration.push({ lo: b / CALIBRATION_BINS, hi: (b + 1) / CALIBRATION_BINS, pairs: count, meanPredicted: (binPredicted[b] as number) / count, meanObserved: (binObserved[b] as number) / count });
  }
  const decided = counted - ties;
  const [accuracyLow, accuracyHigh] = wilsonInterval(correct, decided);
  return {
    pairs: counted,
    accuracy: decided > 0 ? correct / decided : Number.NaN,
    accuracyLow,
    accuracyHigh,
    ties,
    logLoss: answers > 0 ? crossEntropy / answers : Number.NaN,
    excessLogLoss: answers > 0 ? (crossEntropy - entropy) / answers : Number.NaN,
    brier: counted > 0 ? brier / counted : Number.NaN,
    calibration,
  };
}
