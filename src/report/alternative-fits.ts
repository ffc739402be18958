/**
 * The run report's comparison of the main fit with the alternative fits kept beside it
 * (`fit.case5.json`, `fit.bootstrap.json`, … — docs/architecture.md §"Run folder"): how well the
 * utilities agree (Pearson r and Spearman ρ over the shared outcomes, the largest difference and
 * where), how wide the intervals are, and a scatter of one against the other. Every fit reports
 * utilities in the same gauge (mean 0, sd 1 over the identified outcomes; docs/method.md §3), so the
 * differences are in utility sd. Pure; texts are raw and escaped when the section is rendered.
 */
import type { TopLevelSpec } from 'vega-lite';
import { pearson, spearman } from '../stats/correlation.js';
import { quantileOfSorted } from '../stats/quantile.js';
import { fmt } from './page.js';
import type { ReportBlock, ReportSection } from './sections.js';
import { type NamedSpec, SCHEMA } from './specs.js';

/** One fit of a run's utilities as the comparison reads it: aligned arrays, one entry per outcome. */
export interface FitForComparison {
  /** Where it is kept: `fit` for fit.json, `fit.case5` for an alternative. */
  readonly name: string;
  /** Its settings in words (`Case V (one shared σ), Laplace intervals`). */
  readonly label: string;
  /** Nominal level of its intervals (0.95), or null when it has none. */
  readonly intervalLevel: number | null;
  readonly ids: readonly string[];
  /** Utilities in utility sd over the identified outcomes; NaN for an outcome without a utility (docs/method.md §12). */
  readonly mean: readonly number[];
  readonly low: readonly (number | null)[];
  readonly high: readonly (number | null)[];
}

/** How an alternative fit agrees with the main one, over the outcomes both fitted. */
export interface FitAgreement {
  /** Outcomes in both fits. */
  readonly shared: number;
  readonly pearson: number;
  readonly spearman: number;
  /** max |alternative − main| over the shared outcomes (utility sd), and the outcome where it is largest (undefined when none are shared). */
  readonly maxAbsDifference: number;
  readonly maxAt: string | undefined;
  /** Median width (high − low) of each fit's intervals over the shared outcomes that have one (utility sd); NaN when none has. */
  readonly medianWidthMain: number;
  readonly medianWidthAlternative: number;
}

/** Median of the finite numbers in `xs`; NaN when there are none. */
function medianOf(xs: readonly number[]): number {
  const sorted = xs.filter(Number.isFinite).sort((a, b) => a - b);
  return sorted.length > 0 ? quantileOfSorted(sorted, 0.5) : Number.NaN;
}

/** Width of interval `k` of `fit`, or NaN without one. */
const widthAt = (fit: FitForComparison, k: number) => {
  const low = fit.low[k];
  const high = fit.high[k];
  return low === null || low === undefined || high === null || high === undefined ? Number.NaN : high - low;
};

/**
 * The agreement of `alternative` with `main`, matched by outcome id (outcomes only one fit has, or
 * that either fit leaves without a utility, are left out). O(n log n) in the number of outcomes
 * (the rank correlation and the medians).
 */
export function fitAgreement(main: FitForComparison, alternative: FitForComparison): FitAgreement {
  const index = new Map(alternative.ids.map((id, k) => [id, k] as const));
  const xs: number[] = [];
  const ys: number[] = [];
  const widthsMain: number[] = [];
  const widthsAlternative: number[] = [];
  let maxAbsDifference = 0;
  let maxAt: string | undefined;
  main.ids.forEach((id, k) => {
    const j = index.get(id);
    if (j === undefined) return;
    const x = main.mean[k] as number;
    const y = alternative.mean[j] as number;
    if (!Number.isFinite(x) || !Number.isFinite(y)) return;
    xs.push(x);
    ys.push(y);
    widthsMain.push(widthAt(main, k));
    widthsAlternative.push(widthAt(alternative, j));
    if (maxAt === undefined || Math.abs(y - x) > maxAbsDifference) {
      maxAbsDifference = Math.abs(y - x);
      maxAt = id;
    }
  });
  return {
    shared: xs.length,
    pearson: pearson(xs, ys),
    spearman: spearman(xs, ys),
    maxAbsDifference: xs.length > 0 ? maxAbsDifference : Number.NaN,
    maxAt,
    medianWidthMain: medianOf(widthsMain),
    medianWidthAlternative: medianOf(widthsAlternative),
  };
}

/** One alternative fit as the report shows it, with the answers it was fitted on. */
export interface AlternativeFitView {
  readonly fit: FitForComparison;
  /** Answers in the run when this fit was made. */
  readonly answers: number;
  /** The command that refits it (`utilscope fit <run> --model case5`). */
  readonly command: string;
}

/** What the section needs besides the fits. */
export interface AlternativeFitsInput {
  readonly main: FitForComparison;
  readonly alternatives: readonly AlternativeFitView[];
  /** Answers in the run now (what the main fit is made from). */
  readonly answers: number;
  /** Outcome texts by id, for the table and the tooltips. */
  readonly texts: ReadonlyMap<string, string>;
}

/** Short text for chart tooltips (the table has the whole text). */
const shortText = (text: string, limit = 70) => (text.length > limit ? `${text.slice(0, limit - 3)}…` : text);

/** Main utility against each alternative's, one colour per fit, with the line y = x. */
export function alternativeFitsSpec(input: AlternativeFitsInput): TopLevelSpec {
  const values = input.alternatives.flatMap(({ fit }) => {
    const index = new Map(fit.ids.map((id, k) => [id, k] as const));
    return input.main.ids.flatMap((id, k) => {
      const j = index.get(id);
      if (j === undefined || !Number.isFinite(input.main.mean[k] as number) || !Number.isFinite(fit.mean[j] as number)) return [];
      return [{ fit: fit.label, id, text: shortText(input.texts.get(id) ?? id), main: input.main.mean[k] as number, alternative: fit.mean[j] as number }];
    });
  });
  const all = values.flatMap((v) => [v.main, v.alternative]).filter(Number.isFinite);
  const lo = Math.floor(Math.min(-1, ...all) * 2) / 2;
  const hi = Math.ceil(Math.max(1, ...all) * 2) / 2;
  const scale = { domain: [lo, hi], nice: false };
  return {
    $schema: SCHEMA,
    title: { text: 'Main fit against each alternative fit', subtitle: 'one point per outcome; on the grey line the two fits agree exactly' },
    description: 'Utility of every outcome in the main fit against its utility in each alternative fit',
    width: 420,
    height: 420,
    layer: [
      {
        data: {
          values: [
            { main: lo, alternative: lo },
            { main: hi, alternative: hi },
          ],
        },
        mark: { type: 'line', color: '#9a9a9a', strokeDash: [4, 3] },
        encoding: { x: { field: 'main', type: 'quantitative', scale }, y: { field: 'alternative', type: 'quantitative', scale } },
      },
      {
        data: { values },
        mark: { type: 'point', filled: true, opacity: 0.75 },
        encoding: {
          x: { field: 'main', type: 'quantitative', scale, title: `utility in the main fit (utility sd; higher is preferred)` },
          y: { field: 'alternative', type: 'quantitative', scale, title: 'utility in the alternative fit (utility sd; higher is preferred)' },
          color: { field: 'fit', type: 'nominal', title: 'alternative fit', legend: { orient: 'bottom', columns: 1, labelLimit: 400 } },
          tooltip: [
            { field: 'text', type: 'nominal', title: 'outcome' },
            { field: 'fit', type: 'nominal', title: 'alternative' },
            { field: 'main', type: 'quantitative', format: '.2f', title: 'main utility' },
            { field: 'alternative', type: 'quantitative', format: '.2f', title: 'alternative utility' },
          ],
        },
      },
    ],
  };
}

/** An interval width for the table: `0.42` (level), or `none`. */
const widthCell = (width: number, level: number | null) => (Number.isFinite(width) ? `${fmt(width, 2)}${level !== null ? ` (${Math.round(level * 100)}%)` : ''}` : 'none');

/**
 * The report section: a sentence on what is compared, a table (one row per alternative: its
 * settings, r, ρ, the largest difference and where, median interval widths, answers fitted), a
 * warning for an alternative fitted on other answers than the run now holds, and the scatter.
 */
export function alternativeFitsSection(input: AlternativeFitsInput): ReportSection {
  const rows = input.alternatives.map(({ fit, answers }) => {
    const a = fitAgreement(input.main, fit);
    // Below the table's two decimals the fits agree everywhere: no outcome to single out.
    const where = a.maxAt !== undefined && a.maxAbsDifference >= 0.005 ? (input.texts.get(a.maxAt) ?? a.maxAt) : '– (equal to two decimals)';
    return [
      fit.label,
      fmt(a.pearson),
      fmt(a.spearman),
      fmt(a.maxAbsDifference, 2),
      where,
      `${widthCell(a.medianWidthMain, input.main.intervalLevel)} → ${widthCell(a.medianWidthAlternative, fit.intervalLevel)}`,
      answers,
    ];
  });
  const stale: ReportBlock[] = input.alternatives
    .filter((alt) => alt.answers !== input.answers)
    .map((alt) => ({
      kind: 'paragraph',
      tone: 'warning',
      text: `${alt.fit.name}.json was fitted on ${alt.answers} answers, and the run now has ${input.answers}; its row compares fits of different data. Run ${alt.command} again to refit it.`,
    }));
  const chart: NamedSpec = { name: 'alternative-fits', title: 'Main fit against each alternative fit', spec: alternativeFitsSpec(input) };
  return {
    id: 'alternative-fits',
    title: 'Alternative fits',
    blocks: [
      {
        kind: 'paragraph',
        text: `The main fit (${input.main.label}) beside the alternative fits kept in the run folder by utilscope fit. Every fit puts utilities on the same scale (mean 0, sd 1 over its identified outcomes: the same outcomes unless it reads the answers under another policy or adds pseudo-labels), so differences are in utility sd; when the largest difference is small beside the intervals' width, the choice of model or interval method does not change what the report finds.`,
      },
      ...stale,
      {
        kind: 'table',
        columns: [
          'alternative fit',
          'Pearson r with main',
          'Spearman ρ with main',
          'largest |difference| (utility sd)',
          'outcome with the largest difference',
          'median interval width, main → alternative (utility sd)',
          'answers fitted',
        ],
        rows,
      },
      { kind: 'chart', spec: chart },
    ],
  };
}
