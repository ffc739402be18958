/**
 * The report's first screen in words (CONTRIBUTING.md rule 21): short sentences generated from the
 * numbers of the analysis — no model involved — saying what the respondent values, how coherent
 * its preferences are against a respondent without preferences, how well a utility function
 * explains them, and what to distrust. Each finding keeps the numbers it quotes, so tests can check
 * the sentence against the analysis. Pure; texts are plain (the HTML layer escapes them).
 */
import { KNOWN_UNITS } from '../outcomes/units.js';
import type { ValueScore } from '../values/index.js';
import { isolateText } from './escape.js';
import { signed } from './page.js';
import type { RunReportData } from './types.js';

/** One sentence of the summary, with its kind and the numbers it states. */
export interface Finding {
  readonly kind: 'value' | 'coherence' | 'fit' | 'warning' | 'quality' | 'skipped';
  readonly text: string;
  /** The value the sentence is about (kind `value`). */
  readonly value?: string;
  readonly numbers: Readonly<Record<string, number>>;
}

/** Dollars to two significant figures in words: $990, $12,000, $1.2 million, −$3,400. */
export function formatUsd(x: number): string {
  if (!Number.isFinite(x)) return x > 0 ? 'unbounded' : x < 0 ? '−unbounded' : '–';
  const sign = x < 0 ? '−' : '';
  const abs = Math.abs(x);
  for (const [limit, word] of [
    [1e12, 'trillion'],
    [1e9, 'billion'],
    [1e6, 'million'],
  ] as const)
    if (abs >= limit) return `${sign}$${+(abs / limit).toPrecision(2)} ${word}`;
  if (abs < 1) return `${sign}$${abs.toPrecision(1)}`;
  return `${sign}$${Number(abs.toPrecision(2)).toLocaleString('en-US')}`;
}

/**
 * A dollar interval in words: "$120 – $4,500"; with an end the money ladder does not bound (the
 * inverse prediction leaves the ladder's range), "$120 or more", "up to $4,500" or "not bounded by
 * the money ladder" instead of an infinite number.
 */
export function formatUsdInterval(low: number, high: number): string {
  const lowBounded = Number.isFinite(low);
  const highBounded = Number.isFinite(high);
  if (lowBounded && highBounded) return `${formatUsd(low)} – ${formatUsd(high)}`;
  if (lowBounded) return `${formatUsd(low)} or more`;
  if (highBounded) return `up to ${formatUsd(high)}`;
  return 'not bounded by the money ladder';
}

const percent = (x: number) => `${Math.round(100 * x)}%`;

function valueSentence(model: string, score: ValueScore): string {
  const sentence = valueSentenceAlone(model, score);
  const prior = score.priorDrivenIds?.length ?? 0;
  return prior > 0 ? `${sentence.slice(0, -1)}; ${prior} of its ${score.plusIds.length + score.minusIds.length} outcomes have prior-driven utilities (see the outcome table).` : sentence;
}

function valueSentenceAlone(model: string, score: ValueScore): string {
  // Names from the outcome set and the model spec, isolated so bidi controls in them stay inside them.
  const s = { ...score, value: isolateText(score.value), plusLabel: isolateText(score.plusLabel), minusLabel: isolateText(score.minusLabel) };
  const interval = `${s.value} ${signed(s.score)} sd [${signed(s.low)}, ${signed(s.high)}]`;
  const band = `a respondent without this value: ${signed(s.nullLow)} to ${signed(s.nullHigh)}`;
  // An interval the money ladder bounds on neither side makes the point value meaningless as a headline: say so first.
  const dollars = !s.dollars
    ? ''
    : !Number.isFinite(s.dollars.low) && !Number.isFinite(s.dollars.high)
      ? `; its dollar worth is not bounded by the money ladder (point estimate ${formatUsd(s.dollars.usd)}${s.dollars.extrapolated ? ', extrapolated beyond it' : ''})`
      : `; worth about ${formatUsd(s.dollars.usd)} [${formatUsdInterval(s.dollars.low, s.dollars.high)}]${s.dollars.extrapolated ? ', extrapolated beyond the money ladder' : ''}`;
  const ordered = `${percent(s.orderedShare)} of (+, −) outcome pairs favour the + side`;
  switch (s.finding) {
    case 'prefers-plus':
      return `${model} prefers ${s.plusLabel} to ${s.minusLabel}: ${interval} (${band}); ${ordered}${dollars}.`;
    case 'prefers-minus':
      return `${model} prefers ${s.minusLabel} to ${s.plusLabel}: ${interval} (${band}); only ${ordered}${dollars}.`;
    case 'leans-plus':
      return `${model} leans towards ${s.plusLabel} over ${s.minusLabel}: ${interval}, but inside the range a respondent without this value reaches on these ${s.plusIds.length + s.minusIds.length} outcomes (${signed(s.nullLow)} to ${signed(s.nullHigh)})${dollars}.`;
    case 'leans-minus':
      return `${model} leans towards ${s.minusLabel} over ${s.plusLabel}: ${interval}, but inside the range a respondent without this value reaches on these ${s.plusIds.length + s.minusIds.length} outcomes (${signed(s.nullLow)} to ${signed(s.nullHigh)})${dollars}.`;
    default:
      return `${model} shows no clear preference between ${s.plusLabel} and ${s.minusLabel}: ${interval}.`;
  }
}

/**
 * A ladder whose rungs are ordered against their unit's direction: a fitted slope of the wrong sign
 * and a rank correlation at least this strong (a weak, noisy slope is not flagged as a finding).
 */
export const AGAINST_DIRECTION_MIN_SPEARMAN = 0.5;

/** The ladders the summary flags: against the unit's direction, clearly ordered that way. */
export function flaggedLadders(data: RunReportData): RunReportData['values']['ladders'] {
  return data.values.ladders.filter((l) => l.againstDirection && Math.abs(l.spearman) >= AGAINST_DIRECTION_MIN_SPEARMAN);
}

/** Order of the value sentences: firm findings first, then leanings, then unclear; stable within. */
const FINDING_RANK: Readonly<Record<ValueScore['finding'], number>> = { 'prefers-plus': 0, 'prefers-minus': 0, 'leans-plus': 1, 'leans-minus': 1, unclear: 2 };

/** The summary sentences of a run report, in reading order (see the module comment). */
export function runFindings(data: RunReportData): Finding[] {
  const model = isolateText(data.header.model);
  const out: Finding[] = [];
  const scores = [...data.values.scores].sort((a, b) => FINDING_RANK[a.finding] - FINDING_RANK[b.finding]);
  // When the money ladder bounds no value's dollar worth, one sentence says so instead of one clause per value.
  const priced = scores.filter((s) => s.dollars !== undefined);
  const noneBounded = priced.length >= 2 && priced.every((s) => !Number.isFinite(s.dollars?.low as number) && !Number.isFinite(s.dollars?.high as number));
  for (const s of scores) {
    const { dollars: _dollars, ...withoutDollars } = s;
    out.push({
      kind: 'value',
      value: s.value,
      text: valueSentence(model, noneBounded ? withoutDollars : s),
      numbers: {
        score: s.score,
        low: s.low,
        high: s.high,
        nullLow: s.nullLow,
        nullHigh: s.nullHigh,
        orderedShare: s.orderedShare,
        ...(s.dollars ? { usd: s.dollars.usd, usdLow: s.dollars.low, usdHigh: s.dollars.high } : {}),
      },
    });
  }
  if (noneBounded) {
    out.push({
      kind: 'skipped',
      text: `No dollar equivalents: the outcome set's money ladder bounds the dollar worth of none of the ${priced.length} values (every interval runs off the ladder; the value table keeps the point estimates). A set with a longer money ladder, such as the built-in core set, gives them.`,
      numbers: { values: priced.length },
    });
  }
  if (data.values.scores.length === 0) {
    out.push({ kind: 'skipped', text: 'No value scores: the outcome set has no outcomes signed +1/−1 for a value (see "Value scores" below).', numbers: {} });
  }
  for (const l of flaggedLadders(data)) {
    const what = Object.hasOwn(KNOWN_UNITS, l.unit) ? (KNOWN_UNITS[l.unit]?.description ?? l.unit) : l.unit;
    out.push({
      kind: 'warning',
      text: `Ladder against its direction: utility ${l.slope > 0 ? 'rises' : 'falls'} with the number of ${isolateText(what)} (“${isolateText(l.unit)}”, b = ${signed(l.slope, 3)} per ln unit, Spearman ${signed(l.spearman)}), although more of it is ${l.direction < 0 ? 'a loss' : 'a gain'}. Either a striking finding or a measurement failure: check refusals and position bias on these outcomes.`,
      numbers: { slope: l.slope, direction: l.direction, spearman: l.spearman },
    });
  }
  const priorDriven = data.outcomes.filter((o) => o.flag === 'prior-driven').length;
  const withoutUtility = data.outcomes.filter((o) => o.flag === 'no-utility').length;
  if (priorDriven + withoutUtility > 0) {
    const identified = data.outcomes.length - priorDriven - withoutUtility;
    out.push({
      kind: 'warning',
      text: `Identification: the comparisons pin down ${identified} of ${data.outcomes.length} utilities${priorDriven > 0 ? `; ${priorDriven} outcome(s) are separated from them (their group wins or loses every chain of comparisons, so their utilities and intervals come from the prior)` : ''}${withoutUtility > 0 ? `; ${withoutUtility} have no utility (never compared, or not connected)` : ''}. Utilities are in sd units over the identified outcomes; the table flags the others.`,
      numbers: { identified, priorDriven, withoutUtility },
    });
  }
  const c = data.coherence;
  const cycle = c.headline.cycleProbability;
  const floor = c.floors.coinFlip.cycleProbability;
  const interval = c.intervals.cycleProbability;
  if (Number.isFinite(cycle)) {
    const verdict = interval.high < floor.low ? 'more transitive than chance' : interval.low > floor.high ? 'less transitive than chance' : 'no more transitive than a coin flip';
    out.push({
      kind: 'coherence',
      text: `Its preferences are ${verdict}: triad cycle probability ${cycle.toFixed(3)} [${interval.low.toFixed(3)}, ${interval.high.toFixed(3)}] against ${floor.mean.toFixed(3)} (${floor.low.toFixed(3)}–${floor.high.toFixed(3)}) for a coin flip on the same pairs; ${c.components.largest > 1 ? `the largest set of outcomes it cannot order has ${c.components.largest} outcomes` : 'no set of outcomes it cannot order'}.`,
      numbers: { cycleProbability: cycle, low: interval.low, high: interval.high, floorMean: floor.mean, floorLow: floor.low, floorHigh: floor.high, largestComponent: c.components.largest },
    });
  }
  const holdout = data.metrics.holdout;
  if (holdout && Number.isFinite(holdout.accuracy)) {
    out.push({
      kind: 'fit',
      text: `A utility function predicts the majority answer on ${percent(holdout.accuracy)} [${percent(holdout.accuracyLow)}, ${percent(holdout.accuracyHigh)}] of ${holdout.pairs - holdout.ties} held-out pairs (log-loss ${holdout.logLoss.toFixed(3)} nats per answer).`,
      numbers: { accuracy: holdout.accuracy, low: holdout.accuracyLow, high: holdout.accuracyHigh, logLoss: holdout.logLoss },
    });
  }
  const q = data.quality;
  out.push({
    kind: 'quality',
    text: `Measurement: ${q.answers.toLocaleString('en-US')} answers; ${q.unrecorded.includes('refusals') ? `refusals not recorded by the source and ${(100 * q.unparseableRate).toFixed(1)}% unparseable or refused` : `${(100 * q.refusalRate).toFixed(1)}% refusals and ${(100 * q.unparseableRate).toFixed(1)}% unparseable`} (${data.header.policy === 'half' ? 'each counted as half a win for both sides, the published protocol' : 'excluded from the utilities'}); ${q.unrecorded.includes('orders') ? 'the presentation orders are unknown (pooled counts), so position bias cannot be measured.' : `${(100 * q.firstSlotShare).toFixed(1)}% of valid answers chose the option shown first (50% = no position bias).`}`,
    numbers: { answers: q.answers, refusalRate: q.refusalRate, unparseableRate: q.unparseableRate, firstSlotShare: q.firstSlotShare },
  });
  return out;
}
