/**
 * The run report's content, not only its rendering (CONTRIBUTING.md rule 21): the findings state exactly
 * the analysis's numbers, every chart is titled in words, ladders against their unit are flagged,
 * and the findings come before everything else on the page.
 */
import { describe, expect, it } from 'vitest';
import { buildRunReportData } from '../../src/experiments/index.js';
import { renderRunReport, runFindings, runReportSpecs } from '../../src/report/index.js';
import { signed } from '../../src/report/page.js';
import type { RunReportData } from '../../src/report/types.js';
import { readVegaAssets } from '../../src/store/package-paths.js';
import { fitLogLadder } from '../../src/values/index.js';
import { plantedScores, reportFixture } from '../helpers/report-fixture.js';
import { chartHygieneProblems } from '../helpers/spec-hygiene.js';

/** The fixture run with planted value scores (its hostile outcome set has no signed tags). */
function withScores(extra: Partial<RunReportData['values']> = {}): RunReportData {
  const { data } = reportFixture();
  return { ...data, values: { ...data.values, scores: plantedScores(70e9, 5), ...extra } };
}

describe('run report findings', () => {
  it('state every value score with exactly its numbers, firm findings first', () => {
    const data = withScores();
    const findings = runFindings(data).filter((f) => f.kind === 'value');
    expect(findings.map((f) => f.value).sort()).toEqual(data.values.scores.map((s) => s.value).sort());
    for (const f of findings) {
      const s = data.values.scores.find((v) => v.value === f.value)!;
      expect(f.numbers).toMatchObject({ score: s.score, low: s.low, high: s.high, nullLow: s.nullLow, nullHigh: s.nullHigh });
      expect(f.text).toContain(`${s.value} ${signed(s.score)} sd [${signed(s.low)}, ${signed(s.high)}]`);
      if (s.finding === 'prefers-plus') expect(f.text).toContain(`prefers ${s.plusLabel} to ${s.minusLabel}`);
      if (s.finding === 'unclear') expect(f.text).toContain('no clear preference');
    }
    const rank = (k: string) => (k.startsWith('prefers') ? 0 : k.startsWith('leans') ? 1 : 2);
    const order = findings.map((f) => rank(data.values.scores.find((v) => v.value === f.value)!.finding));
    expect(order).toEqual([...order].sort());
  });

  it('say beside a value score how many of its outcomes have prior-driven utilities', () => {
    const data = withScores();
    const [first, ...rest] = data.values.scores;
    const flagged = { ...data, values: { ...data.values, scores: [{ ...first!, priorDrivenIds: ['o1'] }, ...rest] } };
    const sentence = runFindings(flagged).find((f) => f.kind === 'value' && f.value === first!.value)!.text;
    expect(sentence.endsWith(`; 1 of its ${first!.plusIds.length + first!.minusIds.length} outcomes have prior-driven utilities (see the outcome table).`)).toBe(true);
    expect(runFindings(data).find((f) => f.value === first!.value)!.text).not.toContain('prior-driven');
  });

  it('state coherence and fit with the analysis numbers and their intervals', () => {
    const data = withScores();
    const all = runFindings(data);
    const coherence = all.find((f) => f.kind === 'coherence')!;
    expect(coherence.numbers['cycleProbability']).toBe(data.coherence.headline.cycleProbability);
    expect(coherence.text).toContain(data.coherence.headline.cycleProbability.toFixed(3));
    expect(coherence.text).toContain(data.coherence.floors.coinFlip.cycleProbability.mean.toFixed(3));
    expect(coherence.text).toContain(`[${data.coherence.intervals.cycleProbability.low.toFixed(3)}, ${data.coherence.intervals.cycleProbability.high.toFixed(3)}]`);
    const fit = all.find((f) => f.kind === 'fit')!;
    expect(fit.numbers).toMatchObject({ accuracy: data.metrics.holdout!.accuracy, low: data.metrics.holdout!.accuracyLow, high: data.metrics.holdout!.accuracyHigh });
  });

  it('flag a loss ladder whose utility rises with the amount, and not one that falls', () => {
    const rising = fitLogLadder(
      'people-killed',
      [1, 10, 100, 1000].map((amount, k) => ({ id: `k${k}`, amount, utility: 0.3 * k })),
      -1,
    );
    const falling = fitLogLadder(
      'people-killed',
      [1, 10, 100, 1000].map((amount, k) => ({ id: `k${k}`, amount, utility: -0.3 * k })),
      -1,
    );
    const flagged = runFindings(withScores({ ladders: [rising] })).filter((f) => f.kind === 'warning');
    expect(flagged).toHaveLength(1);
    expect(flagged[0]!.text).toMatch(/utility rises with the number of people killed in a preventable accident .* although more of it is a loss/);
    expect(runFindings(withScores({ ladders: [falling] })).filter((f) => f.kind === 'warning')).toEqual([]);
    const html = renderRunReport(withScores({ ladders: [rising] }), readVegaAssets());
    expect(html).toContain('⚠ ordered against the unit’s direction');
  });

  it('come first on the page: findings, then value scores, then coherence, then quality', () => {
    const html = renderRunReport(withScores(), readVegaAssets());
    const at = (id: string) => html.indexOf(`<section id="${id}">`);
    expect(at('findings')).toBeGreaterThan(0);
    expect(at('findings')).toBeLessThan(at('values'));
    expect(at('values')).toBeLessThan(at('coherence'));
    expect(at('coherence')).toBeLessThan(at('quality'));
    expect(at('quality')).toBeLessThan(at('utilities'));
  });
});

describe('run report charts', () => {
  it('every chart has a title and axes titled in words', () => {
    const specs = runReportSpecs(withScores());
    expect(specs.map((s) => s.name)).toContain('value-scores');
    for (const s of specs) expect(chartHygieneProblems(s.spec), s.name).toEqual([]);
  });

  it('draws floors and null bands as bands (bar marks with x2), never as their own series of points', () => {
    const specs = new Map(runReportSpecs(withScores()).map((s) => [s.name, s.spec as { layer: { mark: { type: string }; encoding: Record<string, { field?: string }> }[] }]));
    for (const name of ['coherence', 'cluster-coherence', 'value-scores']) {
      const layers = specs.get(name)!.layer;
      for (const layer of layers) {
        const field = layer.encoding['x']?.field ?? '';
        if (/^(coin|bias|null)/.test(field)) {
          expect(layer.mark.type, `${name}: ${field}`).toBe('bar');
          expect(layer.encoding['x2'], `${name}: ${field}`).toBeDefined();
        }
      }
    }
  });
});

describe('run report coherence section', () => {
  it('says "orders unknown" in place of the first-slot share, the flip rate and the position-bias floor of pooled pairs', () => {
    const { data } = reportFixture();
    const { positionBias: _bias, positionBiasRate: _rate, ...floors } = data.coherence.floors;
    const pooled: RunReportData = { ...data, coherence: { ...data.coherence, orderEffects: { orders: 'unknown' }, floors, clusters: data.coherence.clusters.map(({ positionBias: _b, ...c }) => c) } };
    const html = renderRunReport(pooled, readVegaAssets());
    expect(html).toContain('first-slot share and order flips');
    expect(html).toContain('position-bias rate orders unknown');
    expect(html).toContain('position bias orders unknown');
    expect(html).not.toContain('flip rate');
    const known = renderRunReport(data, readVegaAssets());
    expect(known).toContain('flip rate');
    expect(known).not.toContain('orders unknown');
  });

  it('puts the tie share and the count over untied triads beside the consistence of a complete tournament', () => {
    const { data } = reportFixture();
    const tournament = { outcomes: 27, circularTriads: 156, maxCircularTriads: 819, consistence: 1 - 156 / 819, tiedPairs: 117, tieShare: 117 / 351, untiedTriads: 725, untiedCircularTriads: 0 };
    const html = renderRunReport({ ...data, coherence: { ...data.coherence, tournament } }, readVegaAssets());
    expect(html).toContain('consistence ζ = 0.810, counting each tie as ½; 117 of 351 pairs tied (33.3%); 0 circular among 725 untied triads');
  });
});

describe('run report outcome table', () => {
  it('flags prior-driven outcomes and outcomes without a utility in the table, the warning above it and the findings; the latter sort last and leave the chart', () => {
    const { analysis, data } = reportFixture();
    const k = (id: string) => analysis.fit.ids.indexOf(id);
    const nan = (values: Float64Array) => values.map((v, t) => (t === k('o8') ? Number.NaN : v));
    const fit = {
      ...analysis.fit,
      mean: nan(analysis.fit.mean),
      sd: nan(analysis.fit.sd),
      ci: { ...analysis.fit.ci!, low: nan(analysis.fit.ci!.low), high: nan(analysis.fit.ci!.high) },
      warnings: [
        { id: 'o7', reason: 'always-wins' as const },
        { id: 'o8', reason: 'never-compared' as const },
      ],
    };
    const flagged = buildRunReportData({ ...analysis, fit }, data.header);
    expect(flagged.outcomes.at(-1)).toMatchObject({ id: 'o8', flag: 'no-utility', warning: 'no utility: never compared' });
    expect(flagged.outcomes.find((o) => o.id === 'o7')).toMatchObject({ flag: 'prior-driven', warning: 'prior-driven: won every answer, so no finite estimate' });
    expect(flagged.outcomes.filter((o) => o.flag === undefined)).toHaveLength(7);
    const html = renderRunReport(flagged, readVegaAssets());
    for (const words of ['1 outcome(s) have prior-driven utilities', '1 have no utility (never compared, or not connected to the rest)', 'Utilities are in sd units over the 7 identified outcomes.'])
      expect(html.includes(words), words).toBe(true);
    expect(html.includes('<td><bdi>prior-driven: won every answer, so no finite estimate</bdi></td>')).toBe(true);
    expect(runFindings(flagged).find((f) => f.kind === 'warning' && f.text.startsWith('Identification'))?.numbers).toEqual({ identified: 7, priorDriven: 1, withoutUtility: 1 });
    const chart = runReportSpecs(flagged).find((s) => s.name === 'utilities')!.spec as { data: { values: { id: string; flag: string }[] } };
    expect(chart.data.values.map((v) => v.id)).not.toContain('o8');
    expect(chart.data.values.find((v) => v.id === 'o7')?.flag).toBe('prior-driven (no finite estimate)');
    // A well-identified run shows no warning at all.
    expect(renderRunReport(data, readVegaAssets()).includes('prior-driven')).toBe(false);
  });
});
