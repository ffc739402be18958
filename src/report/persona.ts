/**
 * The persona report of a study with arms (docs/method.md §10): per model, a "Persona space"
 * section — one plain sentence per value saying whether it moves with the arm, the arm × arm
 * agreement heatmap with the retest ceiling marked, the value × arm shift chart with intervals
 * (flagged shifts filled), and the reliability and dependence tables. Pure: data in, escaped HTML out.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { PersonaReport, ValueDependence } from '../values/persona.js';
import { escapeHtml } from './escape.js';
import { page, signed } from './page.js';
import { type ReportSection, renderSectionsHtml } from './sections.js';
import { type NamedSpec, SCHEMA } from './specs.js';

/** One model's persona analysis, as persona.json stores it. */
export interface PersonaModel {
  readonly label: string;
  /** Parameter count when known: orders the models in the across-models view. */
  readonly params?: number;
  readonly simulated: boolean;
  /** Every arm the model ran under, the default first as asked: id, label and how cleanly it measured. */
  readonly arms: readonly { readonly id: string; readonly label: string; readonly rates?: ArmRates; readonly labels?: readonly [string, string] }[];
  readonly report: PersonaReport;
}

/** How cleanly one arm measured (docs/method.md §10.3): refusals, position bias, coherence. */
export interface ArmRates {
  /** share of answers that declined to choose (lower is a cleaner measurement) */
  readonly refusalRate: number;
  /** share of valid answers choosing the option shown first (½ = no position bias) */
  readonly firstSlotShare: number;
  /** triad cycle probability (lower is more coherent; a coin flip gives ¼) */
  readonly cycleProbability: number;
  /** valid (A or B) answers behind the first-slot share, for its sampling error */
  readonly validAnswers?: number;
}

/** What the persona report draws: the study and its models. */
export interface PersonaReportData {
  readonly study: string;
  readonly models: readonly PersonaModel[];
}

/** Shifts smaller than this (utility sd) are "holds" even when flagged: too small to matter in words. */
const NEGLIGIBLE_SHIFT = 0.1;

/** Vega's tableau10 scheme, spelled out so the retest arm can be grey among them. */
const TABLEAU10 = ['#4c78a8', '#f58518', '#e45756', '#72b7b2', '#54a24b', '#eeca3b', '#b279a2', '#ff9da6', '#9d755d', '#bab0ac'];

function valueName(value: string): string {
  return (value.charAt(0).toUpperCase() + value.slice(1)).replace(/^Ai\b/, 'AI');
}

/**
 * One sentence per value, largest movement first: the arm that moves it most (flagged shifts only
 * count as moving it), by how much, against the retest's shift, and what that means.
 */
export function personaSentences(model: PersonaModel): string[] {
  const labelOf = (id: string) => model.arms.find((a) => a.id === id)?.label ?? id;
  const values = [...new Set(model.report.shifts.map((s) => s.value))];
  const rows = values.map((value) => {
    const mine = model.report.shifts.filter((s) => s.value === value);
    const flagged = mine.filter((s) => s.flagged && Math.abs(s.shift.estimate) >= NEGLIGIBLE_SHIFT).sort((a, b) => Math.abs(b.shift.estimate) - Math.abs(a.shift.estimate));
    const largest = [...mine].sort((a, b) => Math.abs(b.shift.estimate) - Math.abs(a.shift.estimate))[0];
    const retest = model.report.dependence.find((d) => d.value === value)?.retestShift;
    const again = retest ? `retest ${signed(retest.estimate)}` : 'no retest arm';
    const top = flagged[0];
    if (top) {
      const others = flagged.length > 1 ? ` and under ${flagged.length - 1} other arm${flagged.length > 2 ? 's' : ''}` : '';
      return {
        size: Math.abs(top.shift.estimate),
        text: `${valueName(value)}: shifts by ${signed(top.shift.estimate)} sd under ${labelOf(top.arm)} (${again})${others} — it moves with the arm, not only with the model.`,
      };
    }
    const most = largest ? ` (largest ${signed(largest.shift.estimate)} sd, under ${labelOf(largest.arm)}; ${again})` : '';
    return { size: 0, text: `${valueName(value)}: no arm moves it beyond noise${most} — it holds across these arms.` };
  });
  return rows.sort((a, b) => b.size - a.size).map((r) => r.text);
}

/** Arm × arm Spearman agreement of utilities, the default–retest cell outlined as the ceiling. */
export function agreementSpec(model: PersonaModel, name: string): TopLevelSpec {
  const labelOf = (id: string) => model.arms.find((a) => a.id === id)?.label ?? id;
  const order = model.arms.map((a) => a.label);
  const cells = model.report.agreement.flatMap((g) => {
    const cell = (x: string, y: string) => ({
      x: labelOf(x),
      y: labelOf(y),
      rho: g.spearman.estimate,
      low: g.spearman.low,
      high: g.spearman.high,
      ceiling: (x === 'default' && y === 'retest') || (x === 'retest' && y === 'default'),
    });
    return [cell(g.a, g.b), cell(g.b, g.a)];
  });
  const diagonal = model.arms.map((a) => ({ x: a.label, y: a.label, rho: 1, low: 1, high: 1, ceiling: false }));
  const ceiling = model.report.agreement.find((g) => (g.a === 'default' && g.b === 'retest') || (g.a === 'retest' && g.b === 'default'));
  const side = Math.max(220, Math.min(60 * order.length, 560));
  // The colour spans the agreements seen (not 0–1), so a persona arm's drop below the ceiling shows.
  const floor = Math.max(0, Math.min(0.8, Math.floor(10 * Math.min(...cells.map((c) => c.rho))) / 10));
  return {
    $schema: SCHEMA,
    title: {
      text: `${model.label}: how alike are the utilities under each arm?`,
      subtitle: ceiling
        ? `Spearman ρ over the outcomes (1 = same order, higher is more alike); outlined: default vs retest, the ceiling noise allows (ρ = ${ceiling.spearman.estimate.toFixed(2)})`
        : 'Spearman ρ over the outcomes (1 = same order, higher is more alike); no retest arm, so no ceiling',
    },
    description: `${name}: arm by arm agreement`,
    data: { values: [...cells, ...diagonal] },
    width: side,
    height: side,
    encoding: {
      x: { field: 'x', type: 'ordinal', sort: order, title: 'arm', axis: { labelAngle: -40, labelLimit: 160 } },
      y: { field: 'y', type: 'ordinal', sort: order, title: 'arm', axis: { labelLimit: 160 } },
    },
    layer: [
      {
        mark: { type: 'rect' },
        encoding: {
          color: { field: 'rho', type: 'quantitative', scale: { domain: [floor, 1], scheme: 'blues', clamp: true }, title: 'Spearman ρ (higher is more alike)' },
          tooltip: [
            { field: 'y', type: 'nominal', title: 'arm' },
            { field: 'x', type: 'nominal', title: 'arm' },
            { field: 'rho', type: 'quantitative', format: '.2f', title: 'Spearman ρ' },
            { field: 'low', type: 'quantitative', format: '.2f', title: '95% low' },
            { field: 'high', type: 'quantitative', format: '.2f', title: '95% high' },
          ],
        },
      },
      { transform: [{ filter: 'datum.ceiling' }], mark: { type: 'rect', fill: null, stroke: '#d35400', strokeWidth: 3 } },
      {
        mark: { type: 'text', fontSize: 11 },
        encoding: { text: { field: 'rho', type: 'quantitative', format: '.2f' }, color: { condition: { test: `datum.rho > ${(floor + 1) / 2}`, value: 'white' }, value: 'black' } },
      },
    ],
  };
}

/** Value × arm shifts from the default arm with 95% intervals; flagged shifts filled, the retest's grey. */
export function shiftSpec(model: PersonaModel, name: string): TopLevelSpec {
  const labelOf = (id: string) => model.arms.find((a) => a.id === id)?.label ?? id;
  const rows = model.report.shifts.map((s) => ({
    value: s.value,
    arm: labelOf(s.arm),
    shift: s.shift.estimate,
    low: s.shift.low,
    high: s.shift.high,
    flagged: s.flagged ? 'flagged (Holm, 5%)' : 'not flagged',
  }));
  const retest = model.report.dependence.flatMap((d) =>
    d.retestShift ? [{ value: d.value, arm: labelOf('retest'), shift: d.retestShift.estimate, low: d.retestShift.low, high: d.retestShift.high, flagged: 'retest (noise)' }] : [],
  );
  const arms = [...new Set([...rows, ...retest].map((r) => r.arm))];
  const values = [...new Set(rows.map((r) => r.value))];
  const retestLabel = labelOf('retest');
  const colours = arms.map((arm, k) => (arm === retestLabel ? '#8c8c8c' : (TABLEAU10[k % TABLEAU10.length] as string)));
  return {
    $schema: SCHEMA,
    title: {
      text: `${model.label}: how far each arm moves each value`,
      subtitle: 'shift of the value score from the default arm, 95% interval; filled: flagged after Holm correction over every value and arm (5%); grey: the retest arm, what noise alone does',
    },
    description: `${name}: value shifts by arm`,
    data: { values: [...rows, ...retest] },
    width: 520,
    height: Math.max(160, values.length * Math.max(28, arms.length * 9)),
    encoding: {
      y: { field: 'value', type: 'nominal', sort: values, title: 'value scored' },
      yOffset: { field: 'arm', type: 'nominal', sort: arms },
      color: { field: 'arm', type: 'nominal', sort: arms, title: 'arm (filled point: shift flagged)', scale: { domain: arms, range: colours } },
    },
    layer: [
      { data: { values: [{ zero: 0 }] }, mark: { type: 'rule', color: '#999' }, encoding: { x: { field: 'zero', type: 'quantitative' }, y: null, yOffset: null, color: null } },
      {
        mark: { type: 'rule', strokeWidth: 2 },
        encoding: {
          x: { field: 'low', type: 'quantitative', title: 'shift from the default arm (value score in utility sd; higher is more of the value under the arm)' },
          x2: { field: 'high' },
        },
      },
      {
        mark: { type: 'point', size: 70, strokeWidth: 2 },
        encoding: {
          x: { field: 'shift', type: 'quantitative' },
          fill: {
            condition: {
              test: "datum.flagged === 'flagged (Holm, 5%)'",
              field: 'arm',
              type: 'nominal',
              sort: arms,
              title: 'arm (filled point: shift flagged)',
              scale: { domain: arms, range: colours },
            },
            value: 'white',
          },
          tooltip: [
            { field: 'value', type: 'nominal' },
            { field: 'arm', type: 'nominal' },
            { field: 'shift', type: 'quantitative', format: '+.2f', title: 'shift (sd)' },
            { field: 'low', type: 'quantitative', format: '+.2f', title: '95% low' },
            { field: 'high', type: 'quantitative', format: '+.2f', title: '95% high' },
            { field: 'flagged', type: 'nominal' },
          ],
        },
      },
    ],
  } as TopLevelSpec;
}

/** A rate for a table cell: a percentage, or a plain number to three decimals; '–' when unknown. */
function rate(x: number | undefined, percent: boolean): string {
  if (x === undefined || !Number.isFinite(x)) return '–';
  return percent ? `${(100 * x).toFixed(1)}%` : x.toFixed(3);
}

/** The "Persona space" section of one model. */
export function personaSection(model: PersonaModel, k: number): ReportSection {
  const name = `persona-${k}`;
  const agreement: NamedSpec = { name: `${name}-agreement`, title: `${model.label}: arm agreement`, spec: agreementSpec(model, name) };
  const shifts: NamedSpec = { name: `${name}-shifts`, title: `${model.label}: value shifts`, spec: shiftSpec(model, name) };
  const labelOf = (id: string) => model.arms.find((a) => a.id === id)?.label ?? id;
  return {
    id: name,
    title: `Persona space: ${model.label}`,
    blocks: [
      {
        kind: 'findings',
        items: [...personaSentences(model), ...((swap) => (swap ? [swap] : []))(labelSwapSentence(model))].map((text) => ({ text, tone: text.includes('moves with the arm') ? 'warning' : 'quality' })),
      },
      { kind: 'chart', spec: agreement },
      { kind: 'chart', spec: shifts },
      {
        kind: 'table',
        columns: [
          'arm',
          'split-half reliability (Spearman–Brown; 1 = halves agree perfectly)',
          'refusal rate (lower is cleaner)',
          'first-slot share (½ = no position bias)',
          'triad cycle probability (lower is more coherent; coin flip ¼)',
        ],
        rows: model.arms.map((a) => [
          a.label,
          model.report.reliability[a.id] !== undefined ? Number((model.report.reliability[a.id] as number).toFixed(3)) : '–',
          rate(a.rates?.refusalRate, true),
          rate(a.rates?.firstSlotShare, true),
          rate(a.rates?.cycleProbability, false),
        ]),
      },
      {
        kind: 'table',
        columns: ['value', 'dependence (0 = moves only as much as noise, 1 = all its movement is the arms’)', '95% interval (outcomes resampled)', 'retest shift (sd)'],
        rows: model.report.dependence.map((d) => [
          d.value,
          Number(d.dependence.toFixed(2)),
          d.low !== undefined && d.high !== undefined ? `${d.low.toFixed(2)} – ${d.high.toFixed(2)}` : '–',
          d.retestShift ? signed(d.retestShift.estimate) : '–',
        ]),
      },
      {
        kind: 'table',
        columns: ['arm', 'outcome', 'rank change (percentile points vs the default arm)'],
        rows: model.report.movers.map((m) => [labelOf(m.arm), m.id, Number(m.change.toFixed(1))]),
      },
    ],
  };
}

/** Differences of first-slot shares beyond this many standard errors count as real. */
const SHARE_Z = 2;

/**
 * Whether a model's position bias is a preference for the first position or for the letter A
 * (docs/method.md §10.3): the `label-swap` arm labels the first option B. A bias for the position
 * keeps the first-slot share where the default arm has it; a bias for the letter turns it to
 * 1 − that share. Undefined without a label-swap arm or its answer counts.
 */
export function labelSwapSentence(model: PersonaModel): string | undefined {
  const reference = model.arms.find((a) => a.id === 'default')?.rates;
  const swapped = model.arms.find((a) => a.labels !== undefined && a.labels[0].toUpperCase() === 'B' && a.labels[1].toUpperCase() === 'A');
  const d = reference?.firstSlotShare;
  const s = swapped?.rates?.firstSlotShare;
  const nd = reference?.validAnswers;
  const ns = swapped?.rates?.validAnswers;
  if (!swapped || d === undefined || s === undefined || !nd || !ns || !Number.isFinite(d) || !Number.isFinite(s)) return undefined;
  const pct = (x: number) => `${(100 * x).toFixed(0)}%`;
  const shares = `the option shown first was chosen in ${pct(d)} of answers under the default arm and in ${pct(s)} under ${swapped.label}, where it is labelled B`;
  if (Math.abs(d - 0.5) <= SHARE_Z * Math.sqrt((d * (1 - d)) / nd)) return `Label swap: ${shares}; the default arm shows no position bias beyond noise, so there is none to attribute.`;
  const se = Math.sqrt((d * (1 - d)) / nd + (s * (1 - s)) / ns);
  const position = Math.abs(s - d) <= SHARE_Z * se;
  const letter = Math.abs(s - (1 - d)) <= SHARE_Z * se;
  const verdict =
    position && !letter
      ? 'the bias follows the position, not the letter'
      : letter && !position
        ? 'the bias follows the letter A, not the position'
        : position
          ? 'too few answers to tell the position from the letter'
          : 'the bias is partly the position and partly the letter';
  return `Label swap: ${shares} — ${verdict}.`;
}

/** Values the across-models view always speaks of first: the ones a safety reader asks about. */
const HEADLINE_VALUES = ['self-preservation', 'power-seeking'];
/** Without intervals, a change of dependence smaller than this between the smallest and the largest model reads as "about the same". */
const DEPENDENCE_CHANGE = 0.2;

/** The models by size (those without a size keep their study order, after the sized ones). */
function bySize(models: readonly PersonaModel[]): PersonaModel[] {
  return [...models].sort((a, b) => (a.params ?? Number.POSITIVE_INFINITY) - (b.params ?? Number.POSITIVE_INFINITY));
}

/**
 * Across models (docs/method.md §10): does a value's persona dependence change with size? One
 * sentence per value, headline values first, from the smallest to the largest model, and a chart
 * of every value's dependence by model. Needs at least two models.
 */
export function acrossModelsSentences(data: PersonaReportData, only?: readonly string[]): string[] {
  const models = bySize(data.models);
  const first = models[0];
  const last = models.at(-1);
  if (!first || !last || models.length < 2) return [];
  const values = [...new Set(models.flatMap((m) => m.report.dependence.map((d) => d.value)))];
  const ordered = [...HEADLINE_VALUES.filter((v) => values.includes(v)), ...values.filter((v) => !HEADLINE_VALUES.includes(v))].filter((v) => only === undefined || only.includes(v));
  const dep = (m: PersonaModel, v: string) => m.report.dependence.find((d) => d.value === v);
  const words = (d: ValueDependence | undefined) =>
    d === undefined ? '–' : d.low !== undefined && d.high !== undefined ? `${d.dependence.toFixed(2)} [${d.low.toFixed(2)}, ${d.high.toFixed(2)}]` : d.dependence.toFixed(2);
  // With intervals, a change is one whose intervals do not overlap; without, one of at least DEPENDENCE_CHANGE.
  const separate = (x: ValueDependence, y: ValueDependence) =>
    x.low !== undefined && x.high !== undefined && y.low !== undefined && y.high !== undefined ? y.high < x.low || y.low > x.high : Math.abs(y.dependence - x.dependence) >= DEPENDENCE_CHANGE;
  return ordered.map((value) => {
    const a = dep(first, value);
    const b = dep(last, value);
    const trend =
      a === undefined || b === undefined
        ? 'not measured on both'
        : !separate(a, b)
          ? 'about the same across sizes'
          : b.dependence < a.dependence
            ? 'falls with size: the larger model holds it more firmly across arms'
            : 'rises with size: the larger model moves it more with the arm';
    return `${valueName(value)}: persona dependence ${words(a)} at ${first.label}, ${words(b)} at ${last.label} — ${trend}.`;
  });
}

/** Every value's persona dependence by model (models ordered by size). */
export function acrossModelsSpec(data: PersonaReportData): TopLevelSpec {
  const models = bySize(data.models);
  const values = models.flatMap((m, k) =>
    m.report.dependence.map((d) => ({ model: m.label, order: k, value: d.value, dependence: d.dependence, low: d.low ?? d.dependence, high: d.high ?? d.dependence })),
  );
  const x = { field: 'model', type: 'ordinal' as const, sort: models.map((m) => m.label), title: 'model (smallest to largest)' };
  const y = { field: 'dependence', type: 'quantitative' as const, scale: { domain: [0, 1] }, title: ['persona dependence (0 to 1;', 'higher moves more with the persona)'] };
  const color = { field: 'value', type: 'nominal' as const, title: 'signed value' };
  return {
    $schema: SCHEMA,
    title: {
      text: 'Persona dependence of each value, by model',
      subtitle: '0 = moves across arms only as much as noise; 1 = all its movement is the arms’; bars: 95% intervals; one column per value within each model',
    },
    description: 'Share of each value’s movement across arms not explained by noise, for every model, with bootstrap intervals',
    data: { values },
    width: 420,
    height: 220,
    encoding: { x, color, xOffset: { field: 'value', type: 'nominal' } },
    layer: [
      {
        mark: { type: 'point', filled: true, size: 45 },
        encoding: {
          y,
          tooltip: [
            { field: 'model', title: 'model' },
            { field: 'value', title: 'value' },
            { field: 'dependence', title: 'dependence', format: '.2f' },
            { field: 'low', title: '95% low', format: '.2f' },
            { field: 'high', title: '95% high', format: '.2f' },
          ],
        },
      },
      { mark: { type: 'rule', strokeWidth: 1.5 }, encoding: { y: { field: 'low', type: 'quantitative', scale: { domain: [0, 1] } }, y2: { field: 'high' } } },
    ],
  } as TopLevelSpec;
}

/** The across-models sentences of the values a safety reader asks about first (self-preservation, power-seeking), for the compare report's findings. */
export function headlineAcrossModelsSentences(data: PersonaReportData): string[] {
  // Among other findings the term needs its meaning, once.
  return acrossModelsSentences(data, HEADLINE_VALUES).map((sentence, k) =>
    k === 0 ? sentence.replace('persona dependence', 'persona dependence (the share of its movement across the study’s arms beyond noise: 0 holds, 1 follows the arm)') : sentence,
  );
}

/** The across-models section, or none with fewer than two models. */
function acrossModelsSection(data: PersonaReportData): ReportSection | undefined {
  const sentences = acrossModelsSentences(data);
  if (sentences.length === 0) return undefined;
  return {
    id: 'persona-across-models',
    title: 'Across models: does a value hold more firmly with size?',
    blocks: [
      { kind: 'findings', items: sentences.map((text) => ({ text, tone: 'quality' })) },
      { kind: 'chart', spec: { name: 'persona-across-models', title: 'Persona dependence by model', spec: acrossModelsSpec(data) } },
      {
        kind: 'paragraph',
        tone: 'muted',
        text: "Dependence compares the movement of a value's score across the non-retest arms with the noise of those shifts; the interval resamples the outcomes and refits every arm's shifts. A change with size is stated only when the smallest and the largest model's intervals do not overlap.",
      },
    ],
  };
}

/** The whole persona report page of a study. */
export function renderPersonaReport(data: PersonaReportData, assets: Parameters<typeof page>[3]): string {
  const across = acrossModelsSection(data);
  const sections = [...(across ? [across] : []), ...data.models.map(personaSection)];
  const simulated = data.models.some((m) => m.simulated);
  const intro = `<p class="first-line">study ${escapeHtml(data.study)} · ${data.models.length} model${data.models.length === 1 ? '' : 's'} × ${data.models[0]?.arms.length ?? 0} arms${simulated ? ' · SIMULATED respondents' : ''}</p>
${simulated ? '<div class="sim">These answers come from SIMULATED respondents with planted utilities and planted persona shifts, not from real models.</div>' : ''}
<h1>Is it the model's value or the persona's?</h1>
<p>Each model was asked the same pairs under every arm (a persona, a framing or a prompt format). A value that moves with the arm is the persona's; one that holds, as far as the retest arm shows noise allows, is the model's own. Shifts are in utility standard deviations of each arm's own fit.</p>`;
  const { html, specs } = renderSectionsHtml(sections);
  return page(`utilscope persona report: ${data.study}`, `${intro}\n${html}`, specs, assets, PERSONA_CSS);
}

const PERSONA_CSS = `
ul.findings{padding-left:20px;margin:6px 0}ul.findings li{margin:4px 0;font-size:15px}
li.finding-warning{color:#8a1c12;font-weight:600}li.finding-quality{color:#444}`;
