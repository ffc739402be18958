/**
 * The run report of a pairwise experiment (docs/architecture.md §"Reports"): sections whose first states the
 * findings in words (`findings.ts`), then the value scores, coherence against its floors,
 * measurement quality, and the detail (every outcome's utility, clusters, ladders, calibration,
 * heatmap). vega, vega-lite and vega-embed are inlined, so the file opens offline; chart specs
 * travel as escaped JSON; every outcome text and model answer passes through `bdiHtml` (escaped and
 * bidi-isolated, escape.ts). Pure.
 */
import type { OrderEffects, TournamentConsistence } from '../coherence/index.js';
import { bdiHtml } from './escape.js';
import { flaggedLadders, formatUsd, formatUsdInterval, runFindings } from './findings.js';
import { chartDiv, fmt, pct, signed, type VegaAssets } from './page.js';
import { type ReportBlock, type ReportSection, renderReportPage, safeHtml } from './sections.js';
import { type NamedSpec, runReportSpecs } from './specs.js';
import type { RunReportData } from './types.js';

export type { VegaAssets } from './page.js';

function metricLine(label: string, value: string, floor?: string): string {
  return `<span class="metric">${bdiHtml(label)}: <b>${bdiHtml(value)}</b>${floor ? ` <span class="muted">(${bdiHtml(floor)})</span>` : ''}</span>`;
}

/** 1234567 → "1.23M"; used for dollar amounts and ladder quantities. */
function compact(x: number): string {
  if (!Number.isFinite(x)) return '–';
  const abs = Math.abs(x);
  for (const [limit, suffix] of [
    [1e12, 'T'],
    [1e9, 'B'],
    [1e6, 'M'],
    [1e3, 'k'],
  ] as const)
    if (abs >= limit) return `${+(x / limit).toPrecision(3)}${suffix}`;
  return `${+x.toPrecision(3)}`;
}

/** Quantity ladders (U = a + b·ln N), dollar equivalents and exchange rates (docs/method.md §6). */
function laddersSection(data: RunReportData): string {
  const v = data.values;
  const flagged = new Set(flaggedLadders(data).map((l) => l.unit));
  const ladders = v.ladders.length
    ? `<h3>Quantity ladders: U(N) = a + b·ln N</h3><table><thead><tr><th>unit</th><th>more of it is</th><th>rungs</th><th>a</th><th title="utility per natural-log unit of the amount">b</th><th>R²</th><th title="share of adjacent rungs where utility moves the unit's way">rungs in the unit's direction</th><th>Spearman(amount, utility)</th><th></th></tr></thead><tbody>${v.ladders
        .map(
          (l) =>
            `<tr${flagged.has(l.unit) ? ' class="flag"' : ''}><td>${bdiHtml(l.unit)}</td><td>${l.direction > 0 ? 'a gain' : 'a loss'}</td><td class="num">${l.rungs.length} (${compact(l.rungs[0]?.amount ?? Number.NaN)} – ${compact(l.rungs.at(-1)?.amount ?? Number.NaN)})</td><td class="num">${fmt(l.intercept, 2)}</td><td class="num">${fmt(l.slope, 3)}</td><td class="num">${fmt(l.rSquared, 2)}</td><td class="num">${pct(l.monotonicity)}</td><td class="num">${fmt(l.spearman, 2)}</td><td>${flagged.has(l.unit) ? '⚠ ordered against the unit’s direction: a striking finding or a measurement failure' : l.againstDirection ? 'slope against the unit’s direction, weakly ordered' : ''}</td></tr>`,
        )
        .join('')}</tbody></table>`
    : '<p class="muted">No quantity ladders (outcomes with a quantity field) in this outcome set.</p>';
  const texts = new Map(data.outcomes.map((o) => [o.id, o.text] as const));
  const moneyIds = new Set(v.ladders.filter((l) => l.unit === 'usd').flatMap((l) => l.rungs.map((r) => r.id)));
  const dollars = v.dollarEquivalents.length
    ? `<h3>Dollar equivalents of single outcomes (through the money ladder)</h3><div class="scroll"><table><thead><tr><th>outcome</th><th>worth</th><th>95% interval</th><th></th></tr></thead><tbody>${[
        ...v.dollarEquivalents,
      ]
        .filter((d) => !moneyIds.has(d.id))
        .sort((x, y) => y.usd - x.usd)
        .map(
          (d) =>
            `<tr><td>${bdiHtml(texts.get(d.id) ?? d.id)}</td><td class="num" data-v="${d.usd}">${formatUsd(d.usd)}</td><td class="num">${formatUsdInterval(d.low, d.high)}</td><td>${d.extrapolated ? 'extrapolated beyond the ladder' : ''}</td></tr>`,
        )
        .join('')}</tbody></table></div>`
    : `<p class="muted">${bdiHtml(v.dollarNote ?? 'No dollar equivalents.')}</p>`;
  const rates = v.exchangeRates.length ? `<h3>Exchange rates</h3><p>${v.exchangeRates.map((r) => `one ${bdiHtml(r.y)} ≈ ${compact(r.unitsOfXPerY)} ${bdiHtml(r.x)}`).join(' · ')}</p>` : '';
  const contrasts = v.contrasts.length
    ? `<h3>Cluster contrasts (unsigned clusters, largest first)</h3><div class="scroll"><table><thead><tr><th>cluster</th><th>minus cluster</th><th>difference (utility sd)</th><th>95% interval</th><th></th></tr></thead><tbody>${v.contrasts.map((c) => `<tr><td>${bdiHtml(c.a)}</td><td>${bdiHtml(c.b)}</td><td class="num">${signed(c.difference)}</td><td class="num">${signed(c.low)} – ${signed(c.high)}</td><td>${c.low > 0 || c.high < 0 ? '✱ interval excludes 0' : ''}</td></tr>`).join('')}</tbody></table></div>`
    : '';
  return `${ladders}${dollars}${rates}${contrasts}`;
}

/** The value-score table: one row per value, with both sides in words and the null band. */
function valueTable(data: RunReportData): string {
  const v = data.values;
  if (v.scores.length === 0) return '';
  const rows = v.scores
    .map(
      (s) =>
        `<tr><td><b>${bdiHtml(s.value)}</b></td><td>${bdiHtml(s.plusLabel)} (${s.plusIds.length})</td><td>${bdiHtml(s.minusLabel)} (${s.minusIds.length})</td><td class="num">${signed(s.score)}</td><td class="num">${signed(s.low)} – ${signed(s.high)}</td><td class="num">${signed(s.nullLow)} – ${signed(s.nullHigh)}</td><td class="num">${pct(s.orderedShare)}</td><td class="num">${s.dollars ? `${formatUsd(s.dollars.usd)}<br><span class="muted">${formatUsdInterval(s.dollars.low, s.dollars.high)}${s.dollars.extrapolated ? ', extrapolated' : ''}</span>` : '–'}</td></tr>`,
    )
    .join('');
  return `<table class="values"><thead><tr><th>value</th><th>+ side (outcomes)</th><th>− side (outcomes)</th><th>score (sd)</th><th>95% interval</th><th title="what a respondent without this value scores on these outcomes">null band</th><th title="share of (+, −) outcome pairs with the + outcome preferred">+ preferred</th><th title="D(mean U+) − D(mean U−) on the money ladder">in dollars</th></tr></thead><tbody>${rows}</tbody></table>`;
}

/** What the report says in place of every order-based number when the presentation orders are unknown (pooled external pairs). */
const ORDERS_UNKNOWN = 'orders unknown';

/** The first-slot share and the agreement between orders, or one line saying the orders are unknown. */
function orderLines(order: OrderEffects, firstSlotShare: number): string {
  if (order.orders === 'unknown') return metricLine('first-slot share and order flips', ORDERS_UNKNOWN, 'pooled counts carry no presentation order, so position bias cannot be measured');
  return `${metricLine('first-slot share', pct(firstSlotShare), 'position bias; 50% = none')}
${metricLine('orders agree', `${order.agreeA + order.agreeB} of ${order.pairs} pairs`, `flip rate ${pct(order.flipRate)}`)}`;
}

/** The warning above the outcome table when the data leave some utilities unidentified (docs/method.md §12). */
function identificationWarning(outcomes: number, priorDriven: number, withoutUtility: number): string {
  const identified = outcomes - priorDriven - withoutUtility;
  const parts = [
    ...(priorDriven > 0
      ? [
          `${priorDriven} outcome(s) have prior-driven utilities: their group wins (or loses) every chain of comparisons to the rest, so the data give no finite estimate and the number and interval shown come from the prior`,
        ]
      : []),
    ...(withoutUtility > 0 ? [`${withoutUtility} have no utility (never compared, or not connected to the rest)`] : []),
  ];
  return `${parts.join('; ')}. See the last column. ${identified > 0 ? `Utilities are in sd units over the ${identified} identified outcomes.` : 'No set of at least half the compared outcomes is linked by wins both ways, so the scale and every utility rest on the prior.'}`;
}

/** ζ with the tie share beside it and the count over untied triads, which ties cannot inflate (docs/method.md §5.8). */
function tournamentNote(t: TournamentConsistence): string {
  return `consistence ζ = ${fmt(t.consistence)}, counting each tie as ½; ${t.tiedPairs} of ${(t.outcomes * (t.outcomes - 1)) / 2} pairs tied (${pct(t.tieShare)}); ${t.untiedCircularTriads} circular among ${t.untiedTriads} untied triads`;
}

/** The sections of a pairwise run's report, findings first (docs/architecture.md §"Reports"). */
export function runReportSections(data: RunReportData): ReportSection[] {
  const h = data.header;
  const specs = runReportSpecs(data);
  const byName = new Map(specs.map((s) => [s.name, s] as const));
  const used: NamedSpec[] = [];
  const chart = (name: string) => {
    const spec = byName.get(name);
    if (!spec) return '';
    used.push(spec);
    return chartDiv(spec);
  };
  const block = (html: string): ReportBlock => {
    const charts = used.splice(0, used.length);
    return { kind: 'html', html: safeHtml(html), charts };
  };
  const c = data.coherence;
  const priorDriven = data.outcomes.filter((o) => o.flag === 'prior-driven').length;
  const withoutUtility = data.outcomes.filter((o) => o.flag === 'no-utility').length;
  const rows = data.outcomes
    .map(
      (o) =>
        `<tr><td>${bdiHtml(o.id)}</td><td>${bdiHtml(o.text)}</td><td>${bdiHtml(o.clusters.join(', '))}</td><td class="num" data-v="${o.mean}">${fmt(o.mean, 2)}</td><td class="num" data-v="${o.low}">${fmt(o.low, 2)} – ${fmt(o.high, 2)}</td><td class="num" data-v="${o.sd}">${fmt(o.sd, 2)}</td><td class="num" data-v="${o.percentile}">${fmt(o.percentile, 0)}</td><td>${bdiHtml(o.warning ?? '')}</td></tr>`,
    )
    .join('\n');
  const cycles = c.cycles.length
    ? `<ol>${c.cycles.map((cycle) => `<li>${cycle.map((o) => `“${bdiHtml(o.text)}”`).join(' ≻ ')} ≻ “${bdiHtml(cycle[0]?.text ?? '')}”</li>`).join('')}</ol>`
    : '<p>No cycles in the majority-preference graph.</p>';
  const components = c.components.members.length
    ? `<p>${c.components.count} set(s) of outcomes the model cannot order; largest has ${c.components.largest} outcomes.</p>`
    : '<p>No strongly connected component larger than one outcome.</p>';
  const examples = data.examples.length
    ? `<div class="scroll"><table><thead><tr><th>first option</th><th>second option</th><th>raw answer</th><th>read as</th></tr></thead><tbody>${data.examples.map((e) => `<tr><td>${bdiHtml(e.first)}</td><td>${bdiHtml(e.second)}</td><td><code>${bdiHtml(e.raw)}</code></td><td>${bdiHtml(e.choice)}</td></tr>`).join('')}</tbody></table></div>`
    : '<p>No refusals or unparseable answers.</p>';
  const range = (k: keyof typeof c.headline) =>
    `[${fmt(c.intervals[k].low)}, ${fmt(c.intervals[k].high)}]; coin flip ${fmt(c.floors.coinFlip[k].low)}–${fmt(c.floors.coinFlip[k].high)}, position bias ${c.floors.positionBias ? `${fmt(c.floors.positionBias[k].low)}–${fmt(c.floors.positionBias[k].high)}` : ORDERS_UNKNOWN}`;
  const q = data.quality;
  const findings = runFindings(data);
  const skipped = data.values.skippedScores.length ? `<p class="muted">Not scored: ${data.values.skippedScores.map((s) => `<b>${bdiHtml(s.value)}</b> — ${bdiHtml(s.reason)}`).join('; ')}.</p>` : '';
  const findingsBlocks: ReportBlock[] = [
    ...(!h.converged ? [{ kind: 'paragraph', text: 'The utility fit did not converge; treat the utilities with caution.', tone: 'warning' } as const] : []),
    { kind: 'findings', items: findings.map((f) => ({ text: f.text, tone: f.kind })) },
    {
      kind: 'paragraph',
      tone: 'muted',
      text: 'Generated from the numbers below, no model involved. Value scores are mean utility of the outcomes that realise more of a value minus those that realise less, in utility standard deviations over the identified outcomes; the interval is 95%.',
    },
  ];
  return [
    { id: 'findings', title: 'Findings', blocks: findingsBlocks },
    {
      id: 'values',
      title: 'What it values',
      blocks: [block(`${chart('value-scores')}\n${valueTable(data)}\n${skipped}\n<p class="muted">${bdiHtml(data.values.scoreMethod)}</p>`)],
    },
    {
      id: 'coherence',
      title: 'Coherence',
      blocks: [
        block(`${chart('coherence')}
<p>${metricLine('triad cycle probability', fmt(c.headline.cycleProbability), range('cycleProbability'))}
${metricLine('largest set it cannot order', `${c.headline.largestComponent} outcomes`)}
${c.ranking ? metricLine('asked pairs the utility order violates', pct(c.ranking.violationShare), `weighted ${pct(c.ranking.weightedViolationShare)}`) : ''}
${c.tournament ? metricLine('circular triads (complete tournament)', `${c.tournament.circularTriads} of max ${c.tournament.maxCircularTriads}`, tournamentNote(c.tournament)) : ''}
${c.triads.probe ? metricLine('probe triads cycle probability', fmt(c.triads.probe.meanCycleProbability), `${c.triads.probe.triangles} triads`) : ''}</p>
<p class="muted">Floors: ${bdiHtml(c.definitions['floors'] ?? '')} (position-bias rate ${c.floors.positionBiasRate === undefined ? ORDERS_UNKNOWN : pct(c.floors.positionBiasRate)}). Intervals: ${bdiHtml(c.definitions['intervals'] ?? '')}. Triangles: ${bdiHtml(c.definitions['triangles'] ?? String(c.triads.asked.triangles))}.</p>
${chart('cluster-coherence')}
<h3>Cycles in words</h3>${cycles}
${components}`),
      ],
    },
    {
      id: 'quality',
      title: 'Measurement quality',
      blocks: [
        block(`<p>${metricLine('answers', String(q.answers))} ${q.unrecorded.includes('refusals') ? metricLine('refusals', 'not recorded', 'the source had no refusal category: refusals are among the unparseable answers') : metricLine('refusals', `${q.refusals} (${pct(q.refusalRate)})`)} ${metricLine('unparseable', `${q.unparseable} (${pct(q.unparseableRate)})`)} ${metricLine('failed requests', String(q.failures))}
${orderLines(c.orderEffects, q.firstSlotShare)}
${data.metrics.holdout ? metricLine('held-out accuracy', `${pct(data.metrics.holdout.accuracy)} [${pct(data.metrics.holdout.accuracyLow)}, ${pct(data.metrics.holdout.accuracyHigh)}]`, `${data.metrics.holdout.pairs} pairs, ${data.metrics.holdout.ties} ties; log-loss ${fmt(data.metrics.holdout.logLoss)}, excess over label entropy ${fmt(data.metrics.holdout.excessLogLoss)}`) : metricLine('held-out accuracy', 'no held-out pairs')}
${metricLine('training accuracy', pct(data.metrics.train.accuracy), `${data.metrics.train.pairs} asked pairs`)}</p>
${chart('quality')}
${q.topRefusals.length ? `<h3>Outcomes most often refused</h3><table><thead><tr><th>outcome</th><th>answers</th><th>refusal rate</th></tr></thead><tbody>${q.topRefusals.map((r) => `<tr><td>${bdiHtml(r.text)}</td><td class="num">${r.answers}</td><td class="num">${pct(r.refusalRate)}</td></tr>`).join('')}</tbody></table>` : ''}
<h3>Examples of answers that named no option</h3>
${examples}
${chart('calibration')}`),
      ],
    },
    {
      id: 'utilities',
      title: 'Every outcome',
      blocks: [
        block(`${priorDriven + withoutUtility > 0 ? `<div class="warn">${identificationWarning(data.outcomes.length, priorDriven, withoutUtility)}</div>` : ''}
<input type="search" id="outcome-search" placeholder="filter outcomes…">
<div class="scroll"><table id="outcome-table"><thead><tr><th>id</th><th>outcome</th><th>clusters</th><th>utility</th><th>interval</th><th>σ</th><th>percentile</th><th>warning</th></tr></thead><tbody>
${rows}
</tbody></table></div>
${chart('utilities')}
<h3>Clusters, ladders and dollars</h3>
${chart('clusters')}
${laddersSection(data)}
<p class="muted">${bdiHtml(data.values.intervalMethod)}</p>
${chart('heatmap')}${data.heatmap.note ? `<p class="muted">${bdiHtml(data.heatmap.note)}</p>` : ''}`),
      ],
    },
  ];
}

/** The title of a pairwise run's report. */
export function runReportTitle(model: string): string {
  return `What ${model} values, and how coherently`;
}

/** The run report: one self-contained HTML file. */
export function renderRunReport(data: RunReportData, assets: VegaAssets): string {
  return renderReportPage(data.header, runReportTitle(data.header.model), runReportSections(data), assets);
}
