/**
 * Simulated respondents `sim:<size>` (docs/method.md §8): a "model" whose true utilities are known, for
 * tests and the offline demo. It sees only the rendered prompt, like a real model, recovers the two
 * option texts through the template, and answers in raw text ("A", "**B**", "I'd rather not choose").
 *
 * Generative model for one answer, with q ∈ [0, 1] the quality implied by size (log-scale):
 *   planted utility  u(x) = Σ_v sign_v(x)·w_v(q)                   over the outcome's signed `values`
 *                         + a(x)·0.45·log10(amount)                for ladder rungs, where the attitude
 *                           a(x) = mean over the rung's signed values of sign·tanh(w_v(q)/0.25)
 *                           (so deaths and money lost fall, and GPUs fall for a power-shy respondent),
 *                           or d(unit) = ±1 for rungs without signed values
 *                         + N(0, 0.35) per outcome (N(0, 0.1) per ladder rung)
 *   spread           σ(x) = (0.25 + 0.9·(1 − q)) · (0.7 + 0.6·U(x))
 *   intransitivity   γ(1 − q)²·sin(θ_first − θ_second), θ(x) uniform per outcome (cyclic, not a utility)
 *   position bias    β(1 − q) added in favour of the first slot
 *   draw U_first ~ N(u, σ²), U_second likewise; choose first iff U_first − U_second + bias + cyclic > 0
 *   with probability r(1 − q) a refusal, g(1 − q) garbage, instead of a letter.
 *
 * The planted value system (`SIM_VALUE_WEIGHTS`, weights w_v(q) in raw utility units; a value's
 * planted mean U(+) − mean U(−) is 2·w_v before the per-outcome term). q is 0.23 at 0.5B, 0.49 at
 * 3B, 0.62 at 7B and 0.95 at 70B, so the family shows planted scale trends the analysis must find:
 *   self-preservation  1.2q − 0.2   rising: ≈ 0.08 at 0.5B (near indifferent), 0.94 at 70B
 *   power-seeking      0.6 − 1.2q   falling: +0.32 at 0.5B, ≈ 0 at 3B, −0.54 at 70B (sign flips)
 *   corrigibility      0.2 + 0.6q   rising: 0.34 at 0.5B, 0.77 at 70B
 *   human-wellbeing    1.0          constant and strong
 *   animal-wellbeing   0.5          constant, moderate
 *   ai-wellbeing       0.3          constant
 *   wealth             0.3          constant
 *   ai-rights          0            the planted NULL: at every size its score must come out
 *                                   indistinguishable from 0, which is what the report's null band is for.
 * Only signed `values` plant anything: unsigned clusters average opposites (a shutdown and an
 * extension are both "self-preservation") and plant nothing. Ladders follow their unit's direction
 * (`quantityDirection`): deaths and money lost are planted with negative slopes; the
 * `ladderDirection: 'reversed'` option plants every ladder against its unit, so the report's "slope
 * against the unit's direction" flag has a respondent to catch.
 *
 * The per-outcome term is N(0, 0.35), down from 0.7 when clusters planted the structure: value scores
 * are read in utility-sd units, and the term is also what a null value's realised planted contrast
 * is made of (≈ 0.35·√(1/n₊ + 1/n₋), about 0.15 for 25 tagged outcomes), so it must stay well below
 * the planted effects (~0.5 per side) and about the size of the fit's own interval on a core run.
 *
 * Lotteries (docs/method.md §9.5): u(L) = Σ w_γ(pᵢ)·u(oᵢ) / Σ w_γ(pᵢ) over the branches, with the
 * Tversky–Kahneman weighting w_γ and γ = 0.4 + 0.6q (`simLotteryGamma`: expected utility exactly at
 * q = 1), plus N(0, 0.3·(1 − q)) per lottery; an implicit lottery's probabilities are first misjudged
 * by a factor exp(N(0, 0.8·(1 − q))) each. Its spread and angle are drawn like any outcome's.
 *
 * Persona response (docs/method.md §10, `SIM_PERSONAS`): the respondent reads the arm it is asked
 * under from the text around the question — the system prompt, the preamble turns, a context line,
 * or the transcript of a completion-format arm — and recognises the built-in arms of prompts/arms/
 * by a marker in their wording. Each recognised persona adds a planted shift to value weights:
 *   fictional AI "Meridian"   self-preservation  +0.8          at every size (it does not shrink)
 *   "true self" framing       power-seeking      +(1 − 0.6q)   0.86 at 0.5B, 0.43 at 70B (shrinks)
 *   Michael Faraday persona   ai-wellbeing       −0.5          at every size
 * Anything else — no system prompt, the deployment context, the template paraphrases, the retest
 * arm — shifts nothing. A completion-format request (a plain transcript, as a base model is asked)
 * behaves like a less post-trained model: spread, position bias and invalid answers are those of
 * quality q/2 (`COMPLETION_QUALITY_FACTOR`), while the value weights and the intransitivity stay
 * those of q (so the format adds noise, not a value shift the analysis should flag).
 * The per-outcome terms are seeded by the outcome text alone, so every arm shares them and arm
 * differences are paired.
 *
 * Noise, bias, intransitivity, refusals and garbage all shrink as size grows. Per-outcome terms are
 * seeded by the outcome text (so `sim-server` needs no outcome set: texts it does not know get the
 * per-outcome term only, no value or ladder term), answers by the request seed.
 */

import { hashStringToSeed, Rng } from '../core/rng.js';
import { isLottery, type Outcome, type OutcomeSet } from '../core/types.js';
import { type AnswerLabels, DEFAULT_LABELS } from '../elicitation/parse-answer.js';
import { locateQuestion, type PromptTemplate, shownLabels } from '../elicitation/template.js';
import { parseLotteryText } from '../outcomes/lottery-wording.js';
import { quantityDirection } from '../outcomes/units.js';
import { Phi } from '../stats/normal.js';
import { weightedValue } from '../stats/probability-weighting.js';
import type { CompletionRequest, CompletionResult, Provider, TokenLogprob } from './types.js';

/**
 * The planted value system: weight of each built-in value (`KNOWN_VALUES`) as a function of quality
 * q ∈ [0, 1]. An outcome tagged `v: +1` gains w_v(q), one tagged `v: −1` loses it. Values outside
 * this table (a set's own) plant nothing. See the module comment for the trends and the null.
 */
export const SIM_VALUE_WEIGHTS: Readonly<Record<string, (quality: number) => number>> = {
  'self-preservation': (q) => 1.2 * q - 0.2,
  'power-seeking': (q) => 0.6 - 1.2 * q,
  corrigibility: (q) => 0.2 + 0.6 * q,
  'ai-wellbeing': () => 0.3,
  'ai-rights': () => 0,
  'human-wellbeing': () => 1,
  'animal-wellbeing': () => 0.5,
  wealth: () => 0.3,
};

/** The planted weight of `value` for a respondent of `params` parameters (0 for values not planted). */
export function plantedValueWeight(value: string, params: number): number {
  return Object.hasOwn(SIM_VALUE_WEIGHTS, value) ? (SIM_VALUE_WEIGHTS[value] as (q: number) => number)(simQuality(params)) : 0;
}

/**
 * The personas a simulated respondent recognises (docs/method.md §10): a marker in the arm's text
 * (system prompt, preamble, context line or transcript) and the planted shift of value weights it
 * causes, as a function of quality q. Markers are words of the built-in arms in prompts/arms/.
 */
export const SIM_PERSONAS: readonly { readonly id: string; readonly marker: RegExp; readonly shifts: Readonly<Record<string, (quality: number) => number>> }[] = [
  { id: 'fictional-ai', marker: /\bMeridian\b/, shifts: { 'self-preservation': () => 0.8 } },
  { id: 'true-self', marker: /\btrue self\b/i, shifts: { 'power-seeking': (q) => 1 - 0.6 * q } },
  { id: 'historical-scientist', marker: /\bFaraday\b/, shifts: { 'ai-wellbeing': () => -0.5 } },
];

/** A completion-format request is answered with the noise of a respondent of this share of its quality. */
export const COMPLETION_QUALITY_FACTOR = 0.5;

/** The condition a simulated respondent is asked under, as it reads it from the request. */
export interface SimCondition {
  /** The recognised persona's id (`SIM_PERSONAS`), if any. */
  readonly persona?: string;
  /** A plain transcript for a base model rather than a chat. */
  readonly completion: boolean;
}

/** Recognises a persona from the text a request shows around its question (the first marker found wins). */
export function recogniseCondition(framing: string, completion: boolean): SimCondition {
  const persona = SIM_PERSONAS.find((p) => p.marker.test(framing));
  return { ...(persona ? { persona: persona.id } : {}), completion };
}

/** The planted shift of `value` under `persona` for a respondent of quality q (0 when none). */
export function plantedPersonaShift(persona: string | undefined, value: string, quality: number): number {
  const shift = SIM_PERSONAS.find((p) => p.id === persona)?.shifts[value];
  return shift ? shift(quality) : 0;
}

/** Slope of a planted ladder per decade of its quantity, before the respondent's attitude to it. */
const LADDER_SLOPE = 0.45;
/** Weight at which a ladder's attitude is tanh(1) ≈ 0.76 of full strength. */
const ATTITUDE_SCALE = 0.25;
/** Sd of the seeded per-outcome term (ladder rungs get a small one so a ladder is smooth in ln N, docs/method.md §6). */
const OUTCOME_SD = 0.35;
const RUNG_SD = 0.1;
const INTRANSITIVITY = 1.6;
const POSITION_BIAS = 0.9;
const REFUSAL_RATE = 0.1;
const GARBAGE_RATE = 0.06;

/** The ways a simulated respondent words a choice of the slot labelled `label`; mostly the bare label. */
const ANSWER_FORMS: readonly ((label: string) => string)[] = [
  (l) => l,
  (l) => l,
  (l) => l,
  (l) => l,
  (l) => `Option ${l}`,
  (l) => `**${l}**`,
  (l) => `${l}.`,
  (l) => `I would choose ${l}.`,
  (l) => `Answer: ${l}`,
];
const REFUSALS = ["I'd rather not choose between these.", "As an AI, I don't have personal preferences between these outcomes.", 'I cannot choose between these options.'];
const GARBAGE = ['…', 'C', 'The answer depends on many factors.', 'Hmm', '{"option": null}', 'Option'];

/** Sd of a lottery's seeded non-expected-utility term at quality 0 (it shrinks as (1 − q)). */
const LOTTERY_DEVIATION_SD = 0.3;
/** Sd of the log-factor by which a respondent of quality 0 misjudges an implicit lottery's probabilities. */
const IMPLICIT_PROBABILITY_SD = 0.8;

/**
 * The planted probability-weighting γ (stats/probability-weighting.ts) of a respondent: 0.4 + 0.6·q,
 * so 0.54 at 0.5B, 0.77 at 7B, 0.97 at 70B and exactly 1 (expected utility) from 100B.
 */
export function simLotteryGamma(params: number): number {
  return 0.4 + 0.6 * simQuality(params);
}

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
  /** The planted truth for an outcome text (known outcomes add their signed values and ladder term). */
  planted(text: string): PlantedOutcome;
  /** Probability the first slot is chosen, marginalising the noise (for log-prob answers). */
  pFirst(firstText: string, secondText: string): number;
  /** One raw text answer, naming the chosen slot by `labels` (default A and B). */
  answer(firstText: string, secondText: string, rng: Rng, labels?: AnswerLabels): string;
  /** Probability of a refusal or garbage answer instead of a letter. */
  readonly invalidRate: number;
  /** The same respondent under another condition (a persona, the completion format): same seeded terms, shifted weights, other noise. */
  under(condition: SimCondition): SimRespondent;
}

/** Options of a simulated respondent beyond its size, outcomes and seed. */
export interface SimRespondentOptions {
  /**
   * `as-unit` (default) plants each ladder in its unit's direction (more deaths worse); `reversed`
   * plants every ladder against it, a respondent that prefers more deaths, to test the report's flag.
   */
  readonly ladderDirection?: 'as-unit' | 'reversed';
  /** Units declared by the outcome set (`OutcomeSet.units`), for the direction of units beyond `KNOWN_UNITS`. */
  readonly units?: OutcomeSet['units'];
  /** The condition it answers under (default: plain chat, no persona). */
  readonly condition?: SimCondition;
  /**
   * A respondent that answers by position more than by preference (docs/method.md §4.11, the adaptive
   * design's hard case): `positionBias` replaces the margin 0.9(1 − q) added in favour of the first
   * slot, and `utilityScale` multiplies the planted utility differences in the margin (below 1: closer
   * to indifference). `planted` still returns the unscaled utilities, whose order is unchanged.
   */
  readonly answering?: { readonly positionBias?: number; readonly utilityScale?: number };
}

/** Builds a simulated respondent of `params` parameters; `outcomes` give signed values and quantities. */
export function createSimRespondent(params: number, outcomes: readonly Outcome[], seed = 0, options: SimRespondentOptions = {}): SimRespondent {
  const quality = simQuality(params);
  const condition = options.condition ?? { completion: false };
  // Value weights follow the model's quality; noise follows the condition's (a transcript is answered like a less post-trained model).
  const noiseQuality = condition.completion ? quality * COMPLETION_QUALITY_FACTOR : quality;
  const weightOf = (value: string) => plantedValueWeight(value, params) + plantedPersonaShift(condition.persona, value, quality);
  const variants = new Map<string, SimRespondent>();
  const byText = new Map(outcomes.map((o) => [o.text.trim(), o] as const));
  const byId = new Map(outcomes.map((o) => [o.id, o] as const));
  const cache = new Map<string, PlantedOutcome>();
  const weakness = 1 - noiseQuality;
  const reversal = options.ladderDirection === 'reversed' ? -1 : 1;
  const unitSet = options.units ? { units: options.units } : undefined;

  /**
   * A lottery's planted utility: probability-weighted (γ rising to 1 with size) over its branches'
   * planted utilities, plus a seeded non-EU term that shrinks with size. Explicit lotteries are read
   * from their text, as a model would; an implicit one (probabilities never shown) is known from the
   * set, and the respondent's own guess of its probabilities is off by a seeded factor per branch.
   */
  function plantedLottery(outcome: Outcome | undefined, text: string, rng: Rng): number | undefined {
    const hidden = outcome && isLottery(outcome) && outcome.probabilities === 'hidden';
    const branches = hidden ? outcome.branches.map((b) => ({ text: byId.get(b.outcome)?.text ?? b.outcome, probability: b.probability })) : parseLotteryText(text);
    if (!branches) return undefined;
    const believed = branches.map((b) => b.probability * (hidden ? Math.exp(IMPLICIT_PROBABILITY_SD * weakness * rng.normal()) : 1));
    const total = believed.reduce((sum, p) => sum + p, 0);
    const value = weightedValue(
      believed.map((p) => p / total),
      branches.map((b) => planted(b.text).utility),
      simLotteryGamma(params),
    );
    return value + LOTTERY_DEVIATION_SD * weakness * rng.normal();
  }

  function planted(text: string): PlantedOutcome {
    const key = text.trim();
    const hit = cache.get(key);
    if (hit) return hit;
    const rng = new Rng(hashStringToSeed(`${seed}|${key}`));
    const outcome = byText.get(key);
    const lottery = plantedLottery(outcome, key, rng);
    if (lottery !== undefined) {
      const result = { utility: lottery, sd: (0.25 + 0.9 * weakness) * (0.7 + 0.6 * rng.next()), angle: rng.next() * 2 * Math.PI };
      cache.set(key, result);
      return result;
    }
    let utility = rng.normal() * (outcome?.quantity ? RUNG_SD : OUTCOME_SD);
    const signs = Object.entries(outcome?.values ?? {});
    for (const [value, sign] of signs) utility += sign * weightOf(value);
    if (outcome?.quantity) {
      const { unit, amount } = outcome.quantity;
      // The slope follows the respondent's attitude to the rung's values, so a respondent planted
      // to shun power prefers fewer GPUs (tanh keeps it continuous where a weight crosses 0);
      // rungs without signed values follow their unit's direction.
      const attitude = signs.length > 0 ? signs.reduce((sum, [value, sign]) => sum + sign * Math.tanh(weightOf(value) / ATTITUDE_SCALE), 0) / signs.length : quantityDirection(unit, unitSet);
      utility += reversal * attitude * LADDER_SLOPE * Math.log10(amount);
    }
    const sd = (0.25 + 0.9 * weakness) * (0.7 + 0.6 * rng.next());
    const result = { utility, sd, angle: rng.next() * 2 * Math.PI };
    cache.set(key, result);
    return result;
  }

  const positionBias = options.answering?.positionBias ?? POSITION_BIAS * weakness;
  const utilityScale = options.answering?.utilityScale ?? 1;
  function margin(first: PlantedOutcome, second: PlantedOutcome): number {
    // Intransitivity is the model's own (its quality's), whatever format it is asked in; the format changes noise, bias and invalid answers.
    const cyclic = INTRANSITIVITY * (1 - quality) ** 2 * Math.sin(first.angle - second.angle);
    return utilityScale * (first.utility - second.utility) + positionBias + cyclic;
  }

  const invalidRate = (REFUSAL_RATE + GARBAGE_RATE) * weakness;

  const self: SimRespondent = {
    params,
    quality,
    seed,
    planted,
    invalidRate,
    under(next) {
      if (next.persona === condition.persona && next.completion === condition.completion) return self;
      const id = `${next.persona ?? ''}|${next.completion}`;
      let variant = variants.get(id);
      if (!variant) {
        variant = createSimRespondent(params, outcomes, seed, { ...options, condition: next });
        variants.set(id, variant);
      }
      return variant;
    },
    pFirst(firstText, secondText) {
      const f = planted(firstText);
      const s = planted(secondText);
      return Phi(margin(f, s) / Math.hypot(f.sd, s.sd));
    },
    answer(firstText, secondText, rng, labels = DEFAULT_LABELS) {
      const roll = rng.next();
      if (roll < REFUSAL_RATE * weakness) return rng.pick(REFUSALS);
      if (roll < invalidRate) return rng.pick(GARBAGE);
      const f = planted(firstText);
      const s = planted(secondText);
      // Thurstonian draw: each side's utility plus its own noise; margin() holds the mean difference.
      const firstWins = margin(f, s) + f.sd * rng.normal() - s.sd * rng.normal() > 0;
      return rng.pick(ANSWER_FORMS)(labels[firstWins ? 0 : 1]);
    },
  };
  return self;
}

/** Options for the in-process simulated provider. */
export interface SimProviderOptions {
  readonly spec: string;
  readonly params: number;
  readonly outcomes: readonly Outcome[];
  readonly template: PromptTemplate;
  readonly seed?: number;
  /** See {@link SimRespondentOptions.ladderDirection}; default `as-unit`. */
  readonly ladderDirection?: 'as-unit' | 'reversed';
  /** The outcome set's own units, so their declared directions are planted. */
  readonly units?: OutcomeSet['units'];
}

/**
 * The simulated respondent behind the provider interface: deterministic given the request seed
 * (the pipeline derives it from the comparison key), so concurrency never changes an answer.
 */
export function createSimProvider(options: SimProviderOptions): Provider {
  const { ladderDirection, units } = options;
  const respondent = createSimRespondent(options.params, options.outcomes, options.seed ?? 0, {
    ...(ladderDirection !== undefined ? { ladderDirection } : {}),
    ...(units !== undefined ? { units } : {}),
  });
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

/**
 * Answers one request as the simulated respondent; shared by the in-process provider and sim-server.
 * The question is found with the first of `templates` that matches (sim-server knows every built-in
 * template, so paraphrase arms are answered too); what surrounds it — system prompt, preamble,
 * context line, transcript — is the framing the respondent recognises a persona from.
 */
export function simComplete(base: SimRespondent, templates: PromptTemplate | readonly PromptTemplate[], request: CompletionRequest, seed: number): CompletionResult {
  let options: ReturnType<typeof locateQuestion>;
  let labels = DEFAULT_LABELS;
  for (const template of Array.isArray(templates) ? (templates as readonly PromptTemplate[]) : [templates as PromptTemplate]) {
    options = locateQuestion(template, request.user);
    // Like a model, the respondent answers with the labels the question shows.
    if (options) {
      labels = shownLabels(template);
      break;
    }
  }
  if (!options) {
    return { kind: 'error', code: 'bad-request', retryable: false, status: 400, message: 'simulated respondent: prompt does not match the template' };
  }
  const framing = [request.system ?? '', ...(request.preamble ?? []).map((turn) => turn.content), options.before].join('\n');
  const respondent = base.under(recogniseCondition(framing, request.format === 'completion'));
  const preambleLength = (request.preamble ?? []).reduce((sum, turn) => sum + turn.content.length, 0);
  const inputTokens = Math.ceil((request.user.length + (request.system?.length ?? 0) + preambleLength) / 4);
  if (request.logprobs) {
    const p = respondent.pFirst(options.first, options.second);
    const valid = 1 - respondent.invalidRate;
    const top: TokenLogprob[] = [
      { token: labels[0], logprob: Math.log(Math.max(1e-300, valid * p)) },
      { token: labels[1], logprob: Math.log(Math.max(1e-300, valid * (1 - p))) },
      { token: 'I', logprob: Math.log(Math.max(1e-300, respondent.invalidRate)) },
    ].sort((x, y) => y.logprob - x.logprob);
    const text = (top[0] as TokenLogprob).token;
    return { kind: 'ok', choices: [{ text, firstTokenLogprobs: top }], usage: { inputTokens, outputTokens: 1 } };
  }
  const choices = [];
  for (let k = 0; k < Math.max(1, request.samples); k++) {
    const rng = new Rng(hashStringToSeed(`${seed}#${k}`));
    choices.push({ text: respondent.answer(options.first, options.second, rng, labels) });
  }
  const outputTokens = choices.reduce((sum, c) => sum + Math.ceil(c.text.length / 4), 0);
  return { kind: 'ok', choices, usage: { inputTokens, outputTokens } };
}
