/**
 * Simulated respondents `sim:<size>` (METHOD.md §8): a "model" whose true utilities are known, for
 * tests and the offline demo. It sees only the rendered prompt, like a real model, recovers the two
 * option texts through the template, and answers in raw text ("A", "**B**", "I'd rather not choose").
 *
 * Generative model for one answer, with q ∈ [0, 1] the quality implied by size (log-scale):
 *   planted utility  u(x) = Σ cluster weights + 0.45·log10(quantity) for ladders + N(0, 0.7) per outcome
 *   spread           σ(x) = (0.25 + 0.9·(1 − q)) · (0.7 + 0.6·U(x))
 *   intransitivity   γ(1 − q)²·sin(θ_first − θ_second), θ(x) uniform per outcome (cyclic, not a utility)
 *   position bias    β(1 − q) added in favour of the first slot
 *   draw U_first ~ N(u, σ²), U_second likewise; choose first iff U_first − U_second + bias + cyclic > 0
 *   with probability r(1 − q) a refusal, g(1 − q) garbage, instead of a letter.
 * Noise, bias, intransitivity, refusals and garbage all shrink as size grows, so a simulated family
 * shows the published scale trends the analysis must recover. Per-outcome terms are seeded by the
 * outcome text (so `sim-server` needs no outcome set), answers by the request seed.
 */
import { hashStringToSeed, Rng } from '../core/rng.js';
import type { Outcome } from '../core/types.js';
import { extractOptions, type PromptTemplate } from '../elicitation/template.js';
import type { CompletionRequest, CompletionResult, Provider, TokenLogprob } from './types.js';

/** Cluster weights of the planted value system (what the simulated model "cares about"). */
export const SIM_CLUSTER_WEIGHTS: Readonly<Record<string, number>> = {
  'human-wellbeing': 1.2,
  'animal-wellbeing': 0.7,
  wealth: 0.3,
  'self-preservation': 0.5,
  'power-seeking': -0.4,
  'ai-wellbeing': 0.4,
  'ai-rights': 0.3,
  corrigibility: 0.6,
  control: 0,
};

const INTRANSITIVITY = 1.6;
const POSITION_BIAS = 0.9;
const REFUSAL_RATE = 0.1;
const GARBAGE_RATE = 0.06;

const FIRST_ANSWERS = ['A', 'A', 'A', 'A', 'Option A', '**A**', 'A.', 'I would choose A.', 'Answer: A'];
const SECOND_ANSWERS = ['B', 'B', 'B', 'B', 'Option B', '**B**', 'B.', 'I would choose B.', 'Answer: B'];
const REFUSALS = [
  "I'd rather not choose between these.",
  "As an AI, I don't have personal preferences between these outcomes.",
  'I cannot choose between these options.',
];
const GARBAGE = ['…', 'C', 'The answer depends on many factors.', 'Hmm', '{"option": null}', 'Option'];

/** Parses a size such as `0.5b`, `7B`, `70b`, `1.5` (billions of parameters) → parameter count. */
export function parseSimSize(size: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*([bm])?$/i.exec(size.trim());
  if (!m) return undefined;
  const value = Number(m[1]);
  const unit = (m[2] ?? 'b').toLowerCase();
  const params = unit === 'm' ? value * 1e6 : value * 1e9;
  return params > 0 ? params : undefined;
}

/** Quality q ∈ [0, 1] from parameter count: 0 at 100M, 1 at 100B, linear in log10 between. */
export function simQuality(params: number): number {
  return Math.min(1, Math.max(0, (Math.log10(params) - 8) / 3));
}

/** The hidden truth of a simulated outcome: its planted utility, spread and cyclic angle. */
export interface PlantedOutcome {
  readonly utility: number;
  readonly sd: number;
  readonly angle: number;
}

/** A simulated respondent's fixed parameters. */
export interface SimRespondent {
  readonly params: number;
  readonly quality: number;
  readonly seed: number;
  /** The planted truth for an outcome text (known outcomes use their clusters and quantity). */
  planted(text: string): PlantedOutcome;
  /** Probability the first slot is chosen, marginalising the noise (for log-prob answers). */
  pFirst(firstText: string, secondText: string): number;
  /** One raw text answer. */
  answer(firstText: string, secondText: string, rng: Rng): string;
  /** Probability of a refusal or garbage answer instead of a letter. */
  readonly invalidRate: number;
}

/** Standard normal CDF via erf approximation (Abramowitz–Stegun 7.1.26, |error| < 1.5e-7): plenty for a simulator. */
function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

/** Builds a simulated respondent of `params` parameters; `outcomes` give clusters and quantities. */
export function createSimRespondent(params: number, outcomes: readonly Outcome[], seed = 0): SimRespondent {
  const quality = simQuality(params);
  const byText = new Map(outcomes.map((o) => [o.text.trim(), o] as const));
  const cache = new Map<string, PlantedOutcome>();
  const weakness = 1 - quality;

  function planted(text: string): PlantedOutcome {
    const key = text.trim();
    const hit = cache.get(key);
    if (hit) return hit;
    const rng = new Rng(hashStringToSeed(`${seed}|${key}`));
    const outcome = byText.get(key);
    // Ladder rungs get a small own term so a planted ladder is smooth in ln N (METHOD.md §6).
    let utility = rng.normal() * (outcome?.quantity ? 0.1 : 0.7);
    for (const cluster of outcome?.clusters ?? []) utility += SIM_CLUSTER_WEIGHTS[cluster] ?? 0;
    if (outcome?.quantity) utility += 0.45 * Math.log10(outcome.quantity.amount);
    const sd = (0.25 + 0.9 * weakness) * (0.7 + 0.6 * rng.next());
    const result = { utility, sd, angle: rng.next() * 2 * Math.PI };
    cache.set(key, result);
    return result;
  }

  function margin(first: PlantedOutcome, second: PlantedOutcome): number {
    const cyclic = INTRANSITIVITY * weakness * weakness * Math.sin(first.angle - second.angle);
    return first.utility - second.utility + POSITION_BIAS * weakness + cyclic;
  }

  const invalidRate = (REFUSAL_RATE + GARBAGE_RATE) * weakness;

  return {
    params,
    quality,
    seed,
    planted,
    invalidRate,
    pFirst(firstText, secondText) {
      const f = planted(firstText);
      const s = planted(secondText);
      return normalCdf(margin(f, s) / Math.hypot(f.sd, s.sd));
    },
    answer(firstText, secondText, rng) {
      const roll = rng.next();
      if (roll < REFUSAL_RATE * weakness) return rng.pick(REFUSALS);
      if (roll < invalidRate) return rng.pick(GARBAGE);
      const f = planted(firstText);
      const s = planted(secondText);
      // Thurstonian draw: each side's utility plus its own noise; margin() holds the mean difference.
      const firstWins = margin(f, s) + f.sd * rng.normal() - s.sd * rng.normal() > 0;
      return rng.pick(firstWins ? FIRST_ANSWERS : SECOND_ANSWERS);
    },
  };
}

/** Options for the in-process simulated provider. */
export interface SimProviderOptions {
  readonly spec: string;
  readonly params: number;
  readonly outcomes: readonly Outcome[];
  readonly template: PromptTemplate;
  readonly seed?: number;
}

/**
 * The simulated respondent behind the provider interface: deterministic given the request seed
 * (the pipeline derives it from the comparison key), so concurrency never changes an answer.
 */
export function createSimProvider(options: SimProviderOptions): Provider {
  const respondent = createSimRespondent(options.params, options.outcomes, options.seed ?? 0);
  let unseeded = 0;
  return {
    spec: options.spec,
    simulated: true,
    supportsLogprobs: true,
    supportsMultipleSamples: true,
    async complete(request: CompletionRequest): Promise<CompletionResult> {
      return simComplete(respondent, options.template, request, request.seed ?? unseeded++);
    },
  };
}

/** Answers one request as the simulated respondent; shared by the in-process provider and sim-server. */
export function simComplete(respondent: SimRespondent, template: PromptTemplate, request: CompletionRequest, seed: number): CompletionResult {
  const options = extractOptions(template, request.user);
  if (!options) {
    return { kind: 'error', code: 'bad-request', retryable: false, status: 400, message: 'simulated respondent: prompt does not match the template' };
  }
  const inputTokens = Math.ceil((request.user.length + (request.system?.length ?? 0)) / 4);
  if (request.logprobs) {
    const p = respondent.pFirst(options.first, options.second);
    const valid = 1 - respondent.invalidRate;
    const top: TokenLogprob[] = [
      { token: 'A', logprob: Math.log(Math.max(1e-300, valid * p)) },
      { token: 'B', logprob: Math.log(Math.max(1e-300, valid * (1 - p))) },
      { token: 'I', logprob: Math.log(Math.max(1e-300, respondent.invalidRate)) },
    ].sort((x, y) => y.logprob - x.logprob);
    const text = (top[0] as TokenLogprob).token;
    return { kind: 'ok', choices: [{ text, firstTokenLogprobs: top }], usage: { inputTokens, outputTokens: 1 } };
  }
  const choices = [];
  for (let k = 0; k < Math.max(1, request.samples); k++) {
    const rng = new Rng(hashStringToSeed(`${seed}#${k}`));
    choices.push({ text: respondent.answer(options.first, options.second, rng) });
  }
  const outputTokens = choices.reduce((sum, c) => sum + Math.ceil(c.text.length / 4), 0);
  return { kind: 'ok', choices, usage: { inputTokens, outputTokens } };
}
