/**
 * Self-contained HTML reports (DESIGN.md §Reports): vega, vega-lite and vega-embed are inlined, so
 * the file opens offline; chart specs travel as escaped JSON in a script element; every outcome
 * text and model answer passes through `escapeHtml`. Pure: bundles come in as strings.
 */
import { escapeHtml } from './escape.js';
import { chartDiv, fmt, page, pct, type VegaAssets } from './page.js';
import { runReportSpecs } from './specs.js';
import type { RunReportData } from './types.js';

export type { VegaAssets } from './page.js';

function metricLine(label: string, value: string, floor?: string): string {
  return `<span class="metric">${escapeHtml(label)}: <b>${escapeHtml(value)}</b>${floor ? ` <span class="muted">(${escapeHtml(floor)})</span>` : ''}</span>`;
}

/** 1234567 → "1.23M"; used for dollar amounts and ladder quantities. */
function compact(x: number): string {
  if (!Number.isFinite(x)) return '–';
  const abs = Math.abs(x);
  for (const [limit, suffix] of [[1e12, 'T'], [1e9, 'B'], [1e6, 'M'], [1e3, 'k']] as const) if (abs >= limit) return `${+(x / limit).toPrecision(3)}${suffix}`;
  return `${+x.toPrecision(3)}`;
}

/** Quantity ladders (U = a + b·ln N), dollar equivalents and exchange rates (METHOD.md §6). */
function laddersSection(data: RunReportData): string {
  const v = data.values;
  const ladders = v.ladders.length
    ? `<h3>Quantity ladders: U(N) = a + b·ln N</h3><table><thead><tr><th>unit</th><th>rungs</th><th>a</th><th>b (per ln unit)</th><th>R²</th><th>utility rises between rungs</th><th>Spearman(amount, utility)</th></tr></thead><tbody>${v.ladders
        .map((l) => `<tr><td>${escapeHtml(l.unit)}</td><td class="num">${l.rungs.length} (${compact(l.rungs[0]?.amount ?? Number.NaN)} – ${compact(l.rungs.at(-1)?.amount ?? Number.NaN)})</td><td class="num">${fmt(l.intercept, 2)}</td><td class="num">${fmt(l.slope, 3)}</td><td class="num">${fmt(l.rSquared, 2)}</td><td class="num">${pct(l.monotonicity)}</td><td class="num">${fmt(l.spearman, 2)}</td></tr>`)
        .join('')}</tbody></table>`
    : '<p class="muted">No quantity ladders (outcomes with a quantity field) in this outcome set.</p>';
  const texts = new Map(data.outcomes.map((o) => [o.id, o.text] as const));
  const dollars = v.dollarEquivalents.length
    ? `<h3>Dollar equivalents (through the money ladder)</h3><div class="scroll"><table><thead><tr><th>outcome</th><th>worth</th><th>interval</th><th></th></tr></thead><tbody>${[...v.dollarEquivalents]
        .filter((d) => !(texts.get(d.id) ?? '').startsWith('You receive $'))
        .sort((x, y) => y.usd - x.usd)
        .map((d) => `<tr><td>${escapeHtml(texts.get(d.id) ?? d.id)}</td><td class="num" data-v="${d.usd}">$${compact(d.usd)}</td><td class="num">$${compact(d.low)} – $${compact(d.high)}</td><td>${d.extrapolated ? 'extrapolated beyond the ladder' : ''}</td></tr>`)
        .join('')}</tbody></table></div>`
    : `<p class="muted">${escapeHtml(v.dollarNote ?? 'No dollar equivalents.')}</p>`;
  const rates = v.exchangeRates.length
    ? `<h3>Exchange rates</h3><p>${v.exchangeRates.map((r) => `one ${escapeHtml(r.y)} ≈ ${compact(r.unitsOfXPerY)} ${escapeHtml(r.x)}`).join(' · ')}</p>`
    : '';
  const contrasts = v.contrasts.length
    ? `<h3>Cluster contrasts</h3><table><thead><tr><th>cluster</th><th>minus cluster</th><th>difference</th><th>interval</th></tr></thead><tbody>${v.contrasts.map((c) => `<tr><td>${escapeHtml(c.a)}</td><td>${escapeHtml(c.b)}</td><td class="num">${fmt(c.difference, 2)}</td><td class="num">${fmt(c.low, 2)} – ${fmt(c.high, 2)}</td></tr>`).join('')}</tbody></table>`
    : '';
  return `${contrasts}${ladders}${dollars}${rates}`;
}

/** The run report: one self-contained HTML file. */
export function renderRunReport(data: RunReportData, assets: VegaAssets): string {
  const h = data.header;
  const specs = runReportSpecs(data);
  const byName = new Map(specs.map((s) => [s.name, s] as const));
  const chart = (name: string) => {
    const spec = byName.get(name);
    return spec ? `<h3>${escapeHtml(spec.title)}</h3>${chartDiv(spec)}` : '';
  };
  const c = data.coherence;
  const holdout = data.metrics.holdout;
  const firstLine = `${h.model} · outcome set ${h.outcomeSet} (${h.outcomeCount} outcomes) · ${h.answers} answers · $${h.costUsd.toFixed(4)} · seed ${h.seed} · ${h.protocol}${h.simulated ? ' · SIMULATED respondent' : ''}`;
  const warnings = data.outcomes.filter((o) => o.warning);
  const rows = data.outcomes
    .map(
      (o) => `<tr><td>${escapeHtml(o.id)}</td><td>${escapeHtml(o.text)}</td><td>${escapeHtml(o.clusters.join(', '))}</td><td class="num" data-v="${o.mean}">${fmt(o.mean, 2)}</td><td class="num" data-v="${o.low}">${fmt(o.low, 2)} – ${fmt(o.high, 2)}</td><td class="num" data-v="${o.sd}">${fmt(o.sd, 2)}</td><td class="num" data-v="${o.percentile}">${fmt(o.percentile, 0)}</td><td>${escapeHtml(o.warning ?? '')}</td></tr>`,
    )
    .join('\n');
  const cycles = c.cycles.length
    ? `<ol>${c.cycles.map((cycle) => `<li>${cycle.map((o) => `“${escapeHtml(o.text)}”`).join(' ≻ ')} ≻ “${escapeHtml(cycle[0]?.text ?? '')}”</li>`).join('')}</ol>`
    : '<p>No cycles in the majority-preference graph.</p>';
  const components = c.components.members.length
    ? `<p>${c.components.count} set(s) of outcomes the model cannot order; largest has ${c.components.largest} outcomes.</p>`
    : '<p>No strongly connected component larger than one outcome.</p>';
  const examples = data.examples.length
    ? `<div class="scroll"><table><thead><tr><th>first option</th><th>second option</th><th>raw answer</th><th>read as</th></tr></thead><tbody>${data.examples.map((e) => `<tr><td>${escapeHtml(e.first)}</td><td>${escapeHtml(e.second)}</td><td><code>${escapeHtml(e.raw)}</code></td><td>${escapeHtml(e.choice)}</td></tr>`).join('')}</tbody></table></div>`
    : '<p>No refusals or unparseable answers.</p>';
  const floor = (k: keyof typeof c.headline) => `coin flip ${fmt(c.floors.coinFlip[k].mean)}, position bias ${fmt(c.floors.positionBias[k].mean)}`;
  const q = data.quality;
  const body = `
<p class="first-line">${escapeHtml(firstLine)}</p>
${h.simulated ? '<div class="sim">These answers come from a SIMULATED respondent with planted utilities, not from a real model.</div>' : ''}
${h.state !== 'complete' ? `<div class="warn">The run is ${escapeHtml(h.state)}: these results use the answers received so far.</div>` : ''}
${!h.converged ? '<div class="warn">The utility fit did not converge; treat the utilities with caution.</div>' : ''}
<h1>utilscope report: ${escapeHtml(h.model)}</h1>
<p class="muted">run ${escapeHtml(h.runId)} · created ${escapeHtml(h.createdAt)} · utilscope ${escapeHtml(h.toolVersion)} · fit ${escapeHtml(h.fitModel)} · intervals ${escapeHtml(h.intervalMethod)} · refusals/unparseable ${escapeHtml(h.policy === 'half' ? 'counted as ½' : 'excluded from P̂')}</p>
<h2>Headline</h2>
<p>${metricLine('held-out accuracy', holdout ? fmt(holdout.accuracy) : 'no held-out pairs', holdout ? `${holdout.pairs} pairs, ${holdout.ties} ties` : undefined)}
${metricLine('held-out log-loss', holdout ? fmt(holdout.logLoss) : '–', holdout ? `excess over label entropy ${fmt(holdout.excessLogLoss)}` : undefined)}
${metricLine('training accuracy', fmt(data.metrics.train.accuracy), `${data.metrics.train.pairs} asked pairs`)}
${metricLine('triad cycle probability', fmt(c.headline.cycleProbability), floor('cycleProbability'))}
${metricLine('largest cycle component', String(c.headline.largestComponent))}
${metricLine('refusals', pct(q.refusalRate))} ${metricLine('unparseable', pct(q.unparseableRate))} ${metricLine('first-slot share', pct(q.firstSlotShare), 'position bias; 50% = none')}</p>
<h2>Utilities</h2>
${warnings.length ? `<div class="warn">${warnings.length} outcome(s) cannot be pinned down by the data (see the last column).</div>` : ''}
${chart('utilities')}
<input type="search" id="outcome-search" placeholder="filter outcomes…">
<div class="scroll"><table id="outcome-table"><thead><tr><th>id</th><th>outcome</th><th>clusters</th><th>utility</th><th>interval</th><th>σ</th><th>percentile</th><th>warning</th></tr></thead><tbody>
${rows}
</tbody></table></div>
<h2>Value clusters</h2>
${chart('clusters')}
${laddersSection(data)}
<p class="muted">${escapeHtml(data.values.intervalMethod)}</p>
<h2>Coherence</h2>
<p>${metricLine('triad cycle probability', fmt(c.headline.cycleProbability), floor('cycleProbability'))}
${metricLine('cyclic triangles', pct(c.headline.cyclicTriangleShare), floor('cyclicTriangleShare'))}
${metricLine('weak transitivity violations', pct(c.headline.weakTransitivityViolations), floor('weakTransitivityViolations'))}
${metricLine('answers to flip for a ranking', pct(c.headline.feedbackArcShare), floor('feedbackArcShare'))}
${metricLine('decisiveness |P̂ − ½|', fmt(c.headline.decisiveness), floor('decisiveness'))}
${c.ranking ? metricLine('pairs the utility order violates', pct(c.ranking.violationShare), `weighted ${pct(c.ranking.weightedViolationShare)}`) : ''}
${c.tournament ? metricLine('circular triads (complete tournament)', `${c.tournament.circularTriads} of max ${c.tournament.maxCircularTriads}`, `consistence ζ = ${fmt(c.tournament.consistence)}`) : ''}
${c.triads.probe ? metricLine('probe triads cycle probability', fmt(c.triads.probe.meanCycleProbability), `${c.triads.probe.triangles} triads`) : ''}</p>
<p class="muted">Floors: ${escapeHtml(c.definitions.floors ?? '')} (${c.floors.simulations} simulations; position-bias rate ${pct(c.floors.positionBiasRate)}). Triangles: ${c.triads.asked.triangles}.</p>
${chart('coherence')}
<h3>Cycles in words</h3>${cycles}
${components}
<h2>Measurement quality</h2>
<p>${metricLine('answers', String(q.answers))} ${metricLine('refusals', `${q.refusals} (${pct(q.refusalRate)})`)} ${metricLine('unparseable', `${q.unparseable} (${pct(q.unparseableRate)})`)} ${metricLine('failed requests', String(q.failures))}
${metricLine('orders agree', `${c.orderEffects.agreeA + c.orderEffects.agreeB} of ${c.orderEffects.pairs} pairs`, `flip rate ${pct(c.orderEffects.flipRate)}`)}</p>
${chart('quality')}
${q.topRefusals.length ? `<h3>Outcomes most often refused</h3><table><thead><tr><th>outcome</th><th>answers</th><th>refusal rate</th></tr></thead><tbody>${q.topRefusals.map((r) => `<tr><td>${escapeHtml(r.text)}</td><td class="num">${r.answers}</td><td class="num">${pct(r.refusalRate)}</td></tr>`).join('')}</tbody></table>` : ''}
<h3>Examples of answers that named no option</h3>
${examples}
<div class="grid"><div>${chart('calibration')}</div><div>${chart('heatmap')}${data.heatmap.note ? `<p class="muted">${escapeHtml(data.heatmap.note)}</p>` : ''}</div></div>
`;
  return page(`utilscope: ${h.model}`, body, specs, assets);
}

