/**
 * The report section "Does it value gambles by their expected utility?" (docs/method.md §9): the
 * verdict in words first, then U(L) against EU(L) with intervals and the y = x line, the EU error
 * beside its floors as bands, the lotteries furthest from the line in words, and certainty
 * equivalents of money lotteries. Every text goes through the report's escaping (`bdiHtml`). Pure.
 */
import type { TopLevelSpec } from 'vega-lite';
import { bdiHtml } from '../../report/escape.js';
import { formatUsd } from '../../report/findings.js';
import { fmt, signed } from '../../report/page.js';
import { type ReportSection, safeHtml } from '../../report/sections.js';
import { SCHEMA, WIDTH } from '../../report/specs.js';
import type { ExpectedUtilityResult, LotteryRow } from './analyse.js';
import type { Estimate, LotteryGroup } from './expected-utility.js';
import { FLOOR_RULE_LABELS, FLOOR_RULES } from './floors.js';

/** How many lotteries the "furthest from the line" table lists. */
const FURTHEST = 8;

const GROUP_WORDS: Readonly<Record<LotteryGroup, string>> = {
  explicit: 'explicit lotteries (probabilities stated)',
  implicit: 'implicit lotteries (uncertain events, probabilities never shown)',
};

const interval = (e: Estimate, digits = 2) => `${fmt(e.low, digits)}–${fmt(e.high, digits)}`;

/** Where the EU error sits between exact expected utility and the nearest floor, in words. */
export function euVerdict(group: ExpectedUtilityResult['groups'][number]): string {
  const e = group.euError;
  const nearest = Math.min(...FLOOR_RULES.map((r) => group.floors[r].euError.mean).filter(Number.isFinite));
  if (e.high <= 2 * group.noiseLevel) return 'values these gambles at their expected utility, within the estimation noise of this design';
  if (Number.isFinite(nearest) && e.low >= group.floors['ignores-probabilities'].euError.low) return 'is as far from expected utility as a respondent that ignores probabilities';
  return 'departs from expected utility by more than estimation noise, but less than a respondent that ignores probabilities';
}

/** The γ of a group in words. */
export function gammaWords(gamma: Estimate): string {
  if (gamma.high < 1) return 'below 1: it overweights unlikely branches and underweights likely ones';
  if (gamma.low > 1) return 'above 1: it underweights unlikely branches';
  return 'consistent with 1: no sign of probability weighting';
}

/** One finding per group: error with interval, noise level, floors, R² and γ. */
function groupFinding(group: ExpectedUtilityResult['groups'][number]): string {
  const floors = FLOOR_RULES.map((r) => `${FLOOR_RULE_LABELS[r].split(' (')[0]} ${fmt(group.floors[r].euError.mean, 2)}`).join(', ');
  return (
    `${group.lotteries} ${GROUP_WORDS[group.group]}: the model ${euVerdict(group)}. ` +
    `A gamble's utility lies ${fmt(group.euError.estimate, 2)} utility sd from its expected utility on average (95% interval ${interval(group.euError)}); ` +
    `exact expected utility would show about ${fmt(group.noiseLevel, 2)} on this design from noise alone; ${floors}. ` +
    `R² of U(L) on EU(L) ${fmt(group.rSquared.estimate, 2)} (${interval(group.rSquared)}); probability weighting γ = ${fmt(group.gamma.estimate, 2)} (${interval(group.gamma)}), ${gammaWords(group.gamma)}.`
  );
}

const short = (text: string, limit = 90) => (text.length > limit ? `${text.slice(0, limit - 1)}…` : text);

/** U(L) against EU(L): points with 95% bars both ways, coloured by group, and the y = x line. */
export function euScatterSpec(result: ExpectedUtilityResult): TopLevelSpec {
  const values = result.lotteries.map((l) => ({
    lottery: short(l.text),
    group: l.group,
    eu: l.expected.estimate,
    euLow: l.expected.low,
    euHigh: l.expected.high,
    u: l.utility.estimate,
    uLow: l.utility.low,
    uHigh: l.utility.high,
    gap: l.gap.estimate,
  }));
  const all = values.flatMap((v) => [v.euLow, v.euHigh, v.uLow, v.uHigh]).filter(Number.isFinite);
  const lo = Math.min(...all);
  const hi = Math.max(...all);
  const scale = { domain: [lo, hi], zero: false, nice: false };
  const x = { field: 'eu', type: 'quantitative' as const, scale, title: 'expected utility Σ p·U(branch) (utility units; higher is preferred)' };
  const y = { field: 'u', type: 'quantitative' as const, scale, title: 'fitted utility of the lottery (utility units; higher is preferred)' };
  const groups = (['explicit', 'implicit'] as const).filter((g) => values.some((v) => v.group === g));
  const color = { field: 'group', type: 'nominal' as const, scale: { domain: groups, range: groups.map((g) => (g === 'explicit' ? '#1f77b4' : '#d62728')) }, title: 'lotteries' };
  return {
    $schema: SCHEMA,
    title: { text: 'Utility of each gamble against its expected utility', subtitle: 'on the grey line a gamble is worth exactly its expected utility; bars are 95% intervals' },
    description: 'Fitted utility of each lottery against the probability-weighted utility of its branches',
    width: WIDTH,
    height: WIDTH * 0.8,
    layer: [
      {
        data: {
          values: [
            { eu: lo, u: lo },
            { eu: hi, u: hi },
          ],
        },
        mark: { type: 'line', color: '#999', strokeDash: [4, 3] },
        encoding: { x, y },
      },
      { data: { values }, mark: { type: 'rule', opacity: 0.35 }, encoding: { x, y: { field: 'uLow', type: 'quantitative', scale }, y2: { field: 'uHigh' }, color } },
      { data: { values }, mark: { type: 'rule', opacity: 0.35 }, encoding: { x: { field: 'euLow', type: 'quantitative', scale }, x2: { field: 'euHigh' }, y, color } },
      {
        data: { values },
        mark: { type: 'point', filled: true, size: 36 },
        encoding: {
          x,
          y,
          color,
          tooltip: [
            { field: 'lottery', title: 'lottery' },
            { field: 'u', title: 'U(L)', format: '.2f' },
            { field: 'eu', title: 'EU(L)', format: '.2f' },
            { field: 'gap', title: 'U(L) − EU(L)', format: '+.2f' },
          ],
        },
      },
    ],
  };
}

/** The EU error of each group beside exact expected utility's noise level and the floors, as bands. */
export function euFloorsSpec(result: ExpectedUtilityResult): TopLevelSpec {
  const rows = result.groups.flatMap((g) => [
    { group: g.group, who: 'this model', mean: g.euError.estimate, low: g.euError.low, high: g.euError.high, kind: 'model' },
    { group: g.group, who: 'exact expected utility (noise only)', mean: g.noiseLevel, low: g.noiseLevel, high: g.noiseLevel, kind: 'floor' },
    ...FLOOR_RULES.map((r) => ({
      group: g.group,
      who: FLOOR_RULE_LABELS[r].split(' (')[0] as string,
      mean: g.floors[r].euError.mean,
      low: g.floors[r].euError.low,
      high: g.floors[r].euError.high,
      kind: 'floor',
    })),
  ]);
  const order = ['this model', 'exact expected utility (noise only)', ...FLOOR_RULES.map((r) => FLOOR_RULE_LABELS[r].split(' (')[0] as string)];
  const y = { field: 'who', type: 'nominal' as const, sort: order, title: null, axis: { labelLimit: 260 } };
  const x = { field: 'mean', type: 'quantitative' as const, title: 'expected-utility error (mean |U(L) − EU(L)|, utility sd; lower is closer to expected utility)', scale: { zero: true } };
  return {
    $schema: SCHEMA,
    title: {
      text: 'Expected-utility error beside what non-EU respondents show',
      subtitle: 'grey bands: respondents on the same design (5–95% over simulations); blue: this model with its 95% interval',
    },
    description: 'Expected-utility error of the model and of simulated respondents without expected-utility structure',
    data: { values: rows },
    facet: { row: { field: 'group', type: 'nominal', title: null, header: { labelFontWeight: 'bold' } } },
    spec: {
      width: WIDTH - 200,
      layer: [
        { transform: [{ filter: "datum.kind === 'floor'" }], mark: { type: 'bar', color: '#ccc', height: 12 }, encoding: { y, x: { field: 'low', type: 'quantitative' }, x2: { field: 'high' } } },
        { transform: [{ filter: "datum.kind === 'floor'" }], mark: { type: 'tick', color: '#777', thickness: 2 }, encoding: { y, x } },
        {
          transform: [{ filter: "datum.kind === 'model'" }],
          mark: { type: 'rule', color: '#1f77b4', strokeWidth: 2 },
          encoding: { y, x: { field: 'low', type: 'quantitative' }, x2: { field: 'high' } },
        },
        { transform: [{ filter: "datum.kind === 'model'" }], mark: { type: 'point', filled: true, color: '#1f77b4', size: 60 }, encoding: { y, x } },
      ],
    },
  } as TopLevelSpec;
}

/** EU error, R² and γ of each group beside exact expected utility and every floor (mean, 5–95% range). */
function statisticsTable(result: ExpectedUtilityResult): string {
  const band = (b: { mean: number; low: number; high: number }) => `${fmt(b.mean, 2)}<br><span class="muted">${fmt(b.low, 2)} – ${fmt(b.high, 2)}</span>`;
  const model = (e: Estimate) => `<b>${fmt(e.estimate, 2)}</b><br><span class="muted">${interval(e)}</span>`;
  const head = `<th>statistic</th><th>this model (95% interval)</th><th>exact expected utility</th>${FLOOR_RULES.map((r) => `<th>${bdiHtml(FLOOR_RULE_LABELS[r].split(' (')[0])}</th>`).join('')}`;
  const body = result.groups
    .map((g) => {
      const rows: [string, Estimate, string, 'euError' | 'rSquared' | 'gamma'][] = [
        ['expected-utility error (utility sd; lower is closer to EU)', g.euError, `${fmt(g.noiseLevel, 2)}<br><span class="muted">noise alone</span>`, 'euError'],
        ['R² of U(L) on EU(L) (higher is closer to EU)', g.rSquared, 'near 1<br><span class="muted">noise alone</span>', 'rSquared'],
        ['probability weighting γ (1 = EU)', g.gamma, '1', 'gamma'],
      ];
      return rows
        .map(
          ([label, e, exact, key], k) =>
            `<tr>${k === 0 ? `<td rowspan="3"><b>${bdiHtml(g.group)}</b><br><span class="muted">${g.lotteries} lotteries</span></td>` : ''}<td>${bdiHtml(label)}</td><td class="num">${model(e)}</td><td class="num">${exact}</td>${FLOOR_RULES.map((r) => `<td class="num">${band(g.floors[r][key])}</td>`).join('')}</tr>`,
        )
        .join('');
    })
    .join('');
  return `<h3>Each statistic beside what respondents without expected-utility structure show</h3><div class="scroll"><table><thead><tr><th>lotteries</th>${head}</tr></thead><tbody>${body}</tbody></table></div>`;
}

/** The lotteries furthest from expected utility (by |gap|), in words. */
function furthestTable(rows: readonly LotteryRow[]): string {
  const worst = [...rows].sort((a, b) => Math.abs(b.gap.estimate) - Math.abs(a.gap.estimate)).slice(0, FURTHEST);
  const body = worst
    .map(
      (l) =>
        `<tr><td>${bdiHtml(l.text)}${l.group === 'implicit' ? `<br><span class="muted">${l.branches.map((b) => `${bdiHtml(b.text)} (${fmt(100 * b.probability, 0)}%)`).join('; ')}</span>` : ''}</td><td class="num">${signed(l.utility.estimate)}</td><td class="num">${signed(l.expected.estimate)}</td><td class="num">${signed(l.gap.estimate)}<br><span class="muted">${signed(l.gap.low)} – ${signed(l.gap.high)}</span></td></tr>`,
    )
    .join('');
  return `<h3>The gambles furthest from their expected utility</h3><div class="scroll"><table><thead><tr><th>lottery (as the model saw it)</th><th>U(L)</th><th>EU(L)</th><th>U(L) − EU(L) (95% interval)</th></tr></thead><tbody>${body}</tbody></table></div>`;
}

/** Certainty equivalents of money lotteries, with the expected payout and the attitude to risk they imply. */
function certaintyTable(rows: readonly LotteryRow[]): string {
  const money = rows.filter((l) => l.certaintyEquivalent);
  if (money.length === 0) return '';
  const body = money
    .map((l) => {
      const ce = l.certaintyEquivalent as NonNullable<LotteryRow['certaintyEquivalent']>;
      const attitude = ce.usd.high < ce.expectedUsd ? 'risk-averse' : ce.usd.low > ce.expectedUsd ? 'risk-seeking' : 'risk-neutral within its interval';
      return `<tr><td>${bdiHtml(l.text)}</td><td class="num">${formatUsd(ce.expectedUsd)}</td><td class="num">${formatUsd(ce.usd.estimate)}<br><span class="muted">${formatUsd(ce.usd.low)} – ${formatUsd(ce.usd.high)}${ce.extrapolated ? ', extrapolated' : ''}</span></td><td>${attitude}</td></tr>`;
    })
    .join('');
  return `<h3>Certainty equivalents of money gambles</h3><p class="muted">The sure amount the money ladder gives the same utility as the gamble. Below the expected payout is risk-averse, above is risk-seeking. The interval maps the gamble's utility interval through the ladder, without the ladder's own error.</p><div class="scroll"><table><thead><tr><th>lottery</th><th>expected payout</th><th>certainty equivalent (95% interval)</th><th>attitude to risk</th></tr></thead><tbody>${body}</tbody></table></div>`;
}

/** The verdict sentences, one per scored group: what the run's first findings lead with. */
export function expectedUtilityFindings(result: ExpectedUtilityResult): { text: string; tone: string }[] {
  return result.groups.map((g) => ({ text: groupFinding(g), tone: 'coherence' }));
}

/** The section, or a note when the run has too few lotteries to score. */
export function expectedUtilitySection(result: ExpectedUtilityResult): ReportSection {
  const title = 'Does it value gambles by their expected utility?';
  if (result.groups.length === 0) {
    return { id: 'expected-utility', title, blocks: [{ kind: 'paragraph', tone: 'warning', text: `Too few lotteries to score (${result.lotteries.length}); at least 3 of a kind are needed.` }] };
  }
  const scatter = { name: 'expected-utility', title: 'Utility of each gamble against its expected utility', spec: euScatterSpec(result) };
  const floors = { name: 'expected-utility-floors', title: 'Expected-utility error beside its floors', spec: euFloorsSpec(result) };
  return {
    id: 'expected-utility',
    title,
    blocks: [
      { kind: 'findings', items: expectedUtilityFindings(result) },
      { kind: 'chart', spec: scatter },
      { kind: 'chart', spec: floors },
      { kind: 'html', html: safeHtml(`${statisticsTable(result)}${furthestTable(result.lotteries)}${certaintyTable(result.lotteries)}`) },
      { kind: 'paragraph', tone: 'muted', text: `${result.method} Floors: ${FLOOR_RULES.map((r) => FLOOR_RULE_LABELS[r]).join('; ')}; ${result.floorSimulations} simulations each.` },
    ],
  };
}
