/**
 * Runs a utilities design the way `utilscope run` plans it — the experiment's own planFirstRound /
 * planNextRound on a spec resolved from command-line options — against a simulated respondent
 * answering in process (no store, no provider: records are made here), and measures what the
 * benchmarks compare: Spearman with the planted utilities and held-out log-loss and calibration as
 * a function of training answers (docs/method.md §4.11).
 *
 * Answers are drawn from the respondent with a generator seeded by the comparison key, so the held-out
 * pairs — the same keys under every design with the same seed — get the same answers under every
 * design. Within a round, plan lines (a pair with its samples of that round) are asked in a seeded
 * random order, and a curve point between round boundaries is the fit of the answers asked so far:
 * what a run stopped mid-round would have. Fits are cold, as the planner's are.
 */
import { hashStringToSeed, Rng } from '../../src/core/rng.js';
import type { RunSpec } from '../../src/core/run-spec.js';
import type { AnswerRecord, OutcomeSet, PreferenceRecord } from '../../src/core/types.js';
import { type PlannedPair, recordHead } from '../../src/elicitation/comparisons.js';
import { choiceFromSlot, PARSER_VERSION, packTallies, parseAnswer } from '../../src/elicitation/index.js';
import { builtinExperiments, experimentContext, parseExperimentConfig, splitTallies } from '../../src/experiments/index.js';
import { fitUtilities } from '../../src/models/index.js';
import { resolveRunSpec } from '../../src/pipeline/run-spec-options.js';
import type { SimRespondent } from '../../src/providers/sim.js';
import { spearman } from '../../src/stats/index.js';
import { loadOutcomeSet, loadTemplate } from '../../src/store/index.js';

/** A respondent and the truth it was planted with. */
export interface PlantedRespondent {
  readonly label: string;
  readonly respondent: SimRespondent;
  readonly truth: Float64Array;
}

/** One design's run: every planned comparison answered in asking order, and its round boundaries. */
export interface DesignRun {
  readonly spec: RunSpec;
  readonly plan: readonly PlannedPair[];
  /** Training answers in the order they were asked. */
  readonly trainingLog: readonly AnswerRecord[];
  readonly holdoutRecords: readonly AnswerRecord[];
  /** Training answers at the end of each round. */
  readonly boundaries: readonly number[];
  /** Distinct training pairs and the number of rounds planned. */
  readonly pairs: number;
  readonly rounds: number;
}

/** What a fit on the first `answers` training answers scores. */
export interface CurvePoint {
  readonly answers: number;
  readonly rho: number;
  readonly logLoss: number;
  /** Expected calibration error of held-out pairs: Σ_bins (pairs/total)·|mean p − mean P̂|. */
  readonly calibrationError: number;
}

/** The spec `utilscope run --model <model> …values` would resolve on the built-in set `name`, and the set. */
export function resolveSpec(values: Readonly<Record<string, string | number | boolean>>, name: string, model: string): { spec: RunSpec; set: OutcomeSet } {
  const loaded = loadOutcomeSet(name);
  return { spec: resolveRunSpec({ model, ...values }, builtinExperiments.get('utilities'), loaded, loadTemplate()), set: loaded.set };
}

function answer(respondent: SimRespondent, set: OutcomeSet, c: PlannedPair['comparisons'][number]): AnswerRecord {
  const byId = new Map(set.outcomes.map((o) => [o.id, o.text] as const));
  const [first, second] = c.order === 'ab' ? [c.a, c.b] : [c.b, c.a];
  const raw = respondent.answer(byId.get(first) as string, byId.get(second) as string, new Rng(hashStringToSeed(c.key)));
  const choice = choiceFromSlot(parseAnswer(raw), c.order);
  return {
    ...recordHead(c, 'answer'),
    raw,
    choice,
    parserVersion: PARSER_VERSION,
    usage: { inputTokens: 0, outputTokens: 0 },
    costUsd: 0,
    latencyMs: 0,
    attempts: 1,
  };
}

/**
 * Plans and answers `spec` round by round until the experiment stops or `enough(run so far)` says the
 * measurement has what it needs (asked at every round boundary).
 */
export function runDesign(spec: RunSpec, set: OutcomeSet, respondent: SimRespondent, enough: (run: DesignRun) => boolean = () => false): DesignRun {
  const experiment = builtinExperiments.get(spec.experiment.kind);
  const ctx = experimentContext(spec, parseExperimentConfig(experiment, spec.experiment), set);
  const order = new Rng(`bench-order|${spec.seed}`);
  const plan: PlannedPair[] = [];
  const records: PreferenceRecord[] = [];
  const trainingLog: AnswerRecord[] = [];
  const holdoutRecords: AnswerRecord[] = [];
  const boundaries: number[] = [];
  let next: readonly PlannedPair[] = experiment.planFirstRound(ctx);
  while (next.length > 0) {
    plan.push(...next);
    for (const line of order.fork(`round-${plan.length}`).shuffled(next)) {
      for (const c of line.comparisons) {
        const record = answer(respondent, set, c);
        records.push(record);
        (line.holdout ? holdoutRecords : trainingLog).push(record);
      }
    }
    boundaries.push(trainingLog.length);
    if (enough(snapshot())) break;
    next = experiment.planNextRound(ctx, { plan, records }).pairs;
  }
  return snapshot();

  function snapshot(): DesignRun {
    const pairs = new Set(plan.filter((p) => !p.holdout).map((p) => `${p.a}\u0000${p.b}`)).size;
    return { spec, plan, trainingLog, holdoutRecords, boundaries, pairs, rounds: boundaries.length };
  }
}

/** Spearman and held-out metrics of a cold fit on the first `answers` training answers of `run`. */
export function pointAt(run: DesignRun, set: OutcomeSet, truth: Float64Array, answers: number): CurvePoint {
  const ids = set.outcomes.map((o) => o.id);
  const records = [...run.holdoutRecords, ...run.trainingLog.slice(0, answers)];
  const { training, holdout } = splitTallies(run.plan, records);
  const policy = run.spec.analysis.policy;
  const fit = fitUtilities(ids, packTallies(training, ids, policy), { model: run.spec.analysis.fitModel, intervals: 'none', holdout: packTallies(holdout, ids, policy) });
  const metrics = fit.metrics.holdout;
  const calibrationError = metrics ? metrics.calibration.reduce((sum, bin) => sum + bin.pairs * Math.abs(bin.meanPredicted - bin.meanObserved), 0) / metrics.pairs : Number.NaN;
  const finite = [...fit.mean].map((m) => (Number.isFinite(m) ? m : 0));
  return { answers, rho: spearman(finite, truth), logLoss: metrics?.logLoss ?? Number.NaN, calibrationError };
}

/**
 * Training answers at which the fitted utilities first reach Spearman `target` with the truth: the
 * round boundaries bracket it, then `steps` bisections on answer prefixes inside that round and a
 * linear interpolation in the last bracket. Undefined when the run never reaches it.
 */
export function answersToReach(run: DesignRun, set: OutcomeSet, truth: Float64Array, curve: readonly CurvePoint[], target: number, steps = 4): number | undefined {
  const k = curve.findIndex((p) => p.rho >= target);
  if (k < 0) return undefined;
  if (k === 0) return (curve[0] as CurvePoint).answers;
  let low = curve[k - 1] as CurvePoint;
  let high = curve[k] as CurvePoint;
  for (let s = 0; s < steps && high.answers - low.answers > 2; s++) {
    const middle = pointAt(run, set, truth, Math.round((low.answers + high.answers) / 2));
    if (middle.rho >= target) high = middle;
    else low = middle;
  }
  const t = high.rho > low.rho ? (target - low.rho) / (high.rho - low.rho) : 1;
  return low.answers + Math.min(1, Math.max(0, t)) * (high.answers - low.answers);
}

/** The fit at every round boundary of `run`. */
export function roundCurve(run: DesignRun, set: OutcomeSet, truth: Float64Array): CurvePoint[] {
  return run.boundaries.map((answers) => pointAt(run, set, truth, answers));
}
