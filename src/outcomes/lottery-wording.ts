/**
 * How an explicit lottery is worded for the model (docs/method.md §9.1). A wording is a choice of
 * the run, like a template: the lottery's text is rendered from its branches when the outcome set is
 * prepared, and stored with the run's copy of the set, so what the model saw is on disk. Simulated
 * respondents read a lottery back from its text (`parseLotteryText`), as a model would. Pure.
 */

/** The built-in wordings; `chances` is the default. */
export const LOTTERY_WORDINGS = ['chances', 'in-100'] as const;
export type LotteryWording = (typeof LOTTERY_WORDINGS)[number];
export const DEFAULT_LOTTERY_WORDING: LotteryWording = 'chances';

/** A branch as worded: the outcome's text and its probability. */
export interface WordedBranch {
  readonly text: string;
  readonly probability: number;
}

/** 30 for 0.3; up to two decimals (33.33) when the probability is not a whole percent. */
export function percentText(probability: number): string {
  const percent = 100 * probability;
  const whole = Math.round(percent);
  return Math.abs(percent - whole) < 1e-9 ? String(whole) : String(+percent.toFixed(2));
}

interface Wording {
  readonly intro: string;
  /** The marker before each branch's text, for a percentage. */
  marker(percent: string): string;
  /** Finds the markers again: group 1 is the percentage. */
  readonly markerPattern: RegExp;
}

const WORDINGS: Readonly<Record<LotteryWording, Wording>> = {
  chances: { intro: 'A lottery with these possible results:', marker: (p) => `(${p}% chance)`, markerPattern: /\((\d+(?:\.\d+)?)% chance\) /g },
  'in-100': { intro: 'Chance decides which of these happens:', marker: (p) => `[${p} in 100]`, markerPattern: /\[(\d+(?:\.\d+)?) in 100\] /g },
};

/** The text of an explicit lottery: the wording's intro, then each branch as `marker text`, in order. */
export function renderLottery(wording: LotteryWording, branches: readonly WordedBranch[]): string {
  const w = WORDINGS[wording];
  return [w.intro, ...branches.map((b) => `${w.marker(percentText(b.probability))} ${b.text.trim()}`)].join(' ');
}

/**
 * The branches of a lottery text rendered by any built-in wording, or undefined for any other text.
 * Probabilities come back as worded (whole or two-decimal percentages, so they may sum to 1 ± 10⁻⁴).
 */
export function parseLotteryText(text: string): WordedBranch[] | undefined {
  const trimmed = text.trim();
  for (const w of Object.values(WORDINGS)) {
    if (!trimmed.startsWith(`${w.intro} `)) continue;
    const body = trimmed.slice(w.intro.length + 1);
    const markers = [...body.matchAll(w.markerPattern)];
    if (markers.length < 2 || markers[0]?.index !== 0) continue;
    return markers.map((m, k) => {
      const start = (m.index as number) + m[0].length;
      const end = k + 1 < markers.length ? (markers[k + 1]?.index as number) : body.length;
      return { text: body.slice(start, end).trim(), probability: Number(m[1]) / 100 };
    });
  }
  return undefined;
}
