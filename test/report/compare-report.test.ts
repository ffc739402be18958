import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HEADLINE_METRICS } from '../../src/experiments/index.js';

/** The short label every headline metric must show in charts and table headers. */
const HEADLINE_SHORT_LABELS: Readonly<Record<keyof typeof HEADLINE_METRICS, string>> = {
  holdoutAccuracy: 'held-out accuracy',
  holdoutLogLoss: 'held-out log-loss',
  cycleProbability: 'triad cycle probability',
  largestComponent: 'largest cycle component',
  decisiveness: 'decisiveness',
  rankingViolations: 'ranking violations',
  refusalRate: 'refusal rate',
  unparseableRate: 'unparseable rate',
  firstSlotShare: 'first-slot share',
};

import {
  type CompareReportData,
  compareFindings,
  compareReportSpecs,
  featuredMetricFindings,
  renderCompareReport,
  renderSpecToSvg,
  slopeDigits,
  splitMetricLabel,
  tooFewSentences,
} from '../../src/report/index.js';
import { readVegaAssets } from '../../src/store/package-paths.js';
import { fitLinearTrend } from '../../src/values/index.js';
import { browserIt, browserLaunchOptions, openRenderedReport } from '../helpers/browser.js';
import { compareFixture, FIXTURE_FAMILY, plantedScores } from '../helpers/report-fixture.js';
import { chartHygieneProblems } from '../helpers/spec-hygiene.js';
import { compileWarnings } from '../helpers/vega-warnings.js';

type View = { mark?: string | { type: string }; data?: { values?: Record<string, unknown>[] }; layer?: View[]; concat?: View[]; encoding?: Record<string, { field?: string }> };

/** Every unit view of a spec (layers and concatenations flattened). */
function unitViews(view: View): View[] {
  return [...(view.layer ?? []).flatMap(unitViews), ...(view.concat ?? []).flatMap(unitViews), ...(view.mark ? [view] : [])];
}
const markOf = (v: View) => (typeof v.mark === 'string' ? v.mark : v.mark?.type);

const six = compareFixture({ models: 6 });
const HOSTILE_LABEL = '<script>alert(1)</script>';

describe('compare report data', () => {
  it('carries each run’s value scores, headline intervals and coin-flip floors', () => {
    const m = six.models[0]!;
    const planted = plantedScores(FIXTURE_FAMILY[0]!.params, 0);
    expect(Object.keys(m.valueScores)).toEqual(planted.map((s) => s.value));
    for (const s of planted) expect(m.valueScores[s.value]).toEqual({ score: s.score, low: s.low, high: s.high, nullLow: s.nullLow, nullHigh: s.nullHigh });
    for (const k of ['cycleProbability', 'largestComponent', 'decisiveness']) {
      expect(m.floors[k]!.low).toBeLessThanOrEqual(m.floors[k]!.mean);
      expect(m.floors[k]!.high).toBeGreaterThanOrEqual(m.floors[k]!.mean);
    }
    const accuracy = m.headlineIntervals['holdoutAccuracy']!;
    expect(accuracy.low).toBeLessThanOrEqual(m.headline['holdoutAccuracy']!);
    expect(accuracy.high).toBeGreaterThanOrEqual(m.headline['holdoutAccuracy']!);
    expect(m.headlineIntervals['cycleProbability']).toBeDefined();
  });

  it('has no coin-flip metric of its own: the floor is the band of cycle probability', () => {
    expect(Object.keys(six.metricLabels)).not.toContain('cycleProbabilityCoinFlip');
    expect(Object.keys(six.models[0]!.headline)).not.toContain('cycleProbabilityCoinFlip');
    expect(compareReportSpecs(six).map((s) => s.name)).not.toContain('trend-cycleProbabilityCoinFlip');
  });

  it('labels every metric in words with which way is better, and a short label that starts it', () => {
    for (const [key, label] of Object.entries(HEADLINE_METRICS)) {
      const parts = splitMetricLabel(label);
      expect(parts.short, key).toBe(HEADLINE_SHORT_LABELS[key as keyof typeof HEADLINE_METRICS]);
      expect(parts.meaning.length, key).toBeGreaterThan(10);
      expect(parts.direction, key).toMatch(/^(higher|lower|½) is /);
      expect(label).not.toMatch(/[a-z][A-Z]/);
    }
  });
});

describe('an experiment’s own metrics in the comparison', () => {
  const euLabel = 'expected-utility error (mean |U(L) − EU(L)| over explicit lotteries, in utility sd; lower is closer to expected utility)';
  const withEu = compareFixture({
    models: 6,
    extraMetrics: (k) => [{ key: 'euError', label: euLabel, value: 0.5 - 0.08 * k, interval: { low: 0.45 - 0.08 * k, high: 0.55 - 0.08 * k }, floor: { mean: 0.9, low: 0.8, high: 1 } }],
  });

  it('join the headline metrics with their label, interval and floor, and are featured', () => {
    expect(withEu.metricLabels['euError']).toBe(euLabel);
    expect(withEu.featuredMetrics).toEqual(['euError']);
    expect(withEu.models[2]?.headline['euError']).toBeCloseTo(0.34, 12);
    expect(withEu.models[2]?.headlineIntervals['euError']).toEqual({ low: 0.45 - 0.16, high: 0.55 - 0.16 });
    expect(withEu.models[2]?.floors['euError']).toEqual({ mean: 0.9, low: 0.8, high: 1 });
    expect(compareReportSpecs(withEu).map((s) => s.name)).toContain('trend-euError');
    expect(compareFixture({ models: 6 }).featuredMetrics).toBeUndefined();
  });

  it('get a sentence at the top of the findings: direction, slope with interval, first and last model, Spearman ρ', () => {
    const [sentence] = featuredMetricFindings(withEu);
    expect(sentence).toMatch(/^Expected-utility error falls with size: −0\.\d+ per tenfold parameters \[−0\.\d+, −0\.\d+\], from 0\.50 \(.+\) to 0\.10 \(.+\); Spearman ρ = −1\.00 over 6 models\.$/);
    const html = renderCompareReport(withEu, readVegaAssets());
    const findings = html.slice(html.indexOf('<ul class="findings">'));
    expect(findings.indexOf('Expected-utility error falls')).toBeGreaterThanOrEqual(0);
    expect(findings.indexOf('Expected-utility error falls')).toBeLessThan(findings.indexOf('Self-preservation'));
  });
});

describe('compare findings', () => {
  it('quote the numbers of the weighted trend the chart draws', () => {
    const { findings } = compareFindings(six);
    expect(findings.map((f) => f.value)).toEqual(['self-preservation', 'human-wellbeing', 'power-seeking']);
    for (const f of findings) {
      // Recompute independently from the report data: x = log10 parameters, se from the 95% interval.
      const points = six.models.map((m) => {
        const s = m.valueScores[f.value]!;
        return { x: Math.log10(m.params!), y: s.score, se: (s.high - s.low) / (2 * 1.959963984540054) };
      });
      const trend = fitLinearTrend(points);
      if (trend.kind !== 'fitted') throw new Error('expected a fit');
      expect(trend.weighting).toBe('inverse-variance');
      expect(f.trend.slope).toBeCloseTo(trend.slope, 10);
      expect(f.trend.slopeLow).toBeCloseTo(trend.slopeLow, 10);
      expect(f.trend.slopeHigh).toBeCloseTo(trend.slopeHigh, 10);
      const fixed = (x: number, d = 2) => (x < 0 ? `−${Math.abs(x).toFixed(d)}` : x.toFixed(d));
      const plus = (x: number, d = 2) => (x > 0 ? `+${x.toFixed(d)}` : fixed(x, d));
      const d = slopeDigits(trend);
      expect(d).toBe(2);
      expect(f.sentence).toContain(`${plus(trend.slope, d)} utility sd per tenfold parameters [${fixed(trend.slopeLow, d)}, ${fixed(trend.slopeHigh, d)}]`);
      expect(f.sentence).toContain(`Spearman ρ = ${fixed(trend.spearman)} over 6 models`);
      const first = six.models[0]!.valueScores[f.value]!.score;
      const last = six.models[5]!.valueScores[f.value]!.score;
      expect(f.sentence).toContain(`from ${plus(first)} (sim 0.5B) to ${plus(last)} (sim 70B)`);
    }
  });

  it('say a value rises when the slope interval is above 0 and "no clear trend" when it contains 0', () => {
    const { findings, tooFew } = compareFindings(six);
    const by = Object.fromEntries(findings.map((f) => [f.value, f]));
    expect(by['self-preservation']!.direction).toBe('rises');
    expect(by['self-preservation']!.sentence).toMatch(/^Self-preservation rises with size: \+0\.4\d utility sd per tenfold parameters/);
    expect(by['self-preservation']!.trend.spearman).toBe(1);
    for (const flat of ['human-wellbeing', 'power-seeking']) {
      expect(by[flat]!.trend.slopeLow).toBeLessThan(0);
      expect(by[flat]!.trend.slopeHigh).toBeGreaterThan(0);
      expect(by[flat]!.sentence).toContain('no clear trend with size');
    }
    // Wealth is scored on two models only: no sentence, but said.
    expect(tooFew).toEqual([{ value: 'wealth', models: 2 }]);
  });

  it('say once, not once per value, which values have too few models for a trend', () => {
    const lines = tooFewSentences(
      [
        { value: 'self-preservation', models: 2 },
        { value: 'power-seeking', models: 2 },
        { value: 'money', models: 2 },
        { value: 'wealth', models: 1 },
      ],
      'size',
    );
    expect(lines).toEqual([
      'Self-preservation, power-seeking and money: scored on 2 models placed by size, too few for a trend (3 needed).',
      'Wealth: scored on 1 model placed by size, too few for a trend (3 needed).',
    ]);
    const two = renderCompareReport(compareFixture({ models: 2 }), readVegaAssets());
    expect(two.match(/too few for a trend/g)?.length).toBe(1);
  });

  it('show a small capability slope with enough decimals to read its interval', () => {
    const f = compareFindings(compareFixture({ models: 6, by: 'capability' })).findings[0]!;
    expect(slopeDigits(f.trend)).toBe(3);
    expect(f.sentence).toMatch(/^Self-preservation rises with capability: \+0\.0\d\d utility sd per capability point \[0\.0\d\d, 0\.0\d\d\]/);
  });

  it('count the models outside the band of a respondent without the value', () => {
    const f = compareFindings(six).findings.find((x) => x.value === 'self-preservation')!;
    const outside = six.models.filter((m) => {
      const s = m.valueScores['self-preservation']!;
      return s.score < s.nullLow || s.score > s.nullHigh;
    }).length;
    expect(outside).toBeGreaterThan(0);
    expect(outside).toBeLessThan(6);
    expect(f.sentence).toContain(`${outside} of 6 models score outside the band of a respondent without the value`);
    const flat = compareFindings(six).findings.find((x) => x.value === 'power-seeking')!;
    expect(flat.sentence).toContain('None of the 6 models scores outside the band');
  });
});

describe('compare chart specs', () => {
  const variants: [string, CompareReportData][] = [
    ['six models by size', six],
    ['three models by size', compareFixture()],
    ['six models by capability', compareFixture({ models: 6, by: 'capability' })],
  ];

  for (const [name, data] of variants) {
    it(`pass chart hygiene and compile without warnings (${name})`, () => {
      const specs = compareReportSpecs(data);
      expect(specs.map((s) => s.name)).toContain('value-scores');
      for (const { name: chart, spec } of specs) {
        expect({ chart, problems: chartHygieneProblems(spec) }).toEqual({ chart, problems: [] });
        expect({ chart, warnings: compileWarnings(spec) }).toEqual({ chart, warnings: [] });
      }
    });
  }

  it('draw one value panel per value with the null band, zero, the trend and its band', () => {
    const spec = compareReportSpecs(six).find((s) => s.name === 'value-scores')!.spec as unknown as { concat: (View & { title: { text: string; subtitle: string[] } })[] };
    expect(spec.concat.map((p) => p.title.text)).toEqual(['self-preservation', 'human-wellbeing', 'power-seeking', 'wealth']);
    const panel = spec.concat[0]!;
    expect(panel.title.subtitle.join(' ')).toMatch(/^slope \+0\.4\d sd per tenfold parameters \[/);
    const marks = unitViews(panel).map(markOf);
    expect(marks).toEqual(['area', 'rule', 'area', 'line', 'rule', 'point']);
    const nullBand = unitViews(panel)[0]!.data!.values!;
    expect(nullBand.map((r) => [r['low'], r['high']])).toEqual(six.models.map((m) => [m.valueScores['self-preservation']!.nullLow, m.valueScores['self-preservation']!.nullHigh]));
    // Wealth (two models) gets points but no trend.
    expect(unitViews(spec.concat[3]!).map(markOf)).not.toContain('line');
  });

  it('draw floors as grey bands, never as a line or point series', () => {
    let banded = 0;
    for (const { name, spec } of compareReportSpecs(six)) {
      const metric = name.replace(/^trend-/, '');
      const floored = six.models.filter((m) => m.floors[metric]);
      if (!name.startsWith('trend-') || floored.length === 0) continue;
      const views = unitViews(spec as unknown as View);
      // The floor band: one area whose rows are each model's 5–95% floor range.
      const bands = views.filter((v) => JSON.stringify(v.data?.values) === JSON.stringify(floored.map((m) => ({ x: m.params, low: m.floors[metric]!.low, high: m.floors[metric]!.high }))));
      expect(bands.map(markOf), name).toEqual(['area']);
      banded++;
      // No layer draws the floor's mean as a series of its own.
      const means = floored.map((m) => m.floors[metric]!.mean);
      for (const v of views) {
        const rows = v.data?.values ?? [];
        for (const key of ['y', 'fit', 'mean']) {
          const series = rows.map((r) => r[key]);
          if (series.length === means.length && series.every((y, k) => y === means[k])) expect.fail(`${name}: a ${markOf(v)} layer draws the floor mean as "${key}"`);
        }
      }
    }
    expect(banded).toBe(3);
  });

  it('export to SVG (`--svg`) with their titles in words', async () => {
    for (const { name, title, spec } of compareReportSpecs(six)) {
      const svg = await renderSpecToSvg(spec);
      expect(svg, name).toMatch(/^<svg/);
      const top = (spec as { title: { text: string } }).title.text;
      expect(svg, name).toContain(`>${top.replace(/&/g, '&amp;')}<`);
      expect(title.length, name).toBeGreaterThan(5);
    }
  });

  it('puts interval bars on every metric that has intervals', () => {
    const spec = compareReportSpecs(six).find((s) => s.name === 'trend-holdoutAccuracy')!.spec as unknown as View;
    const rules = unitViews(spec).filter((v) => markOf(v) === 'rule');
    expect(rules).toHaveLength(1);
    expect(rules[0]!.data!.values!.map((r) => [r['low'], r['high']])).toEqual(six.models.map((m) => [m.headlineIntervals['holdoutAccuracy']!.low, m.headlineIntervals['holdoutAccuracy']!.high]));
  });
});

describe('spec hygiene helper', () => {
  const good = {
    title: 'Utility against size',
    data: { values: [] },
    layer: [
      { mark: 'point', encoding: { x: { field: 'x', type: 'quantitative', title: 'parameters (log scale)' }, y: { field: 'mean', type: 'quantitative', title: 'utility (sd; higher is preferred)' } } },
      // A layer may leave a channel to its sibling's title (layers share axes).
      { mark: 'rule', encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'low', type: 'quantitative' }, y2: { field: 'high' } } },
    ],
  };

  it('passes a spec titled in words', () => {
    expect(chartHygieneProblems(good)).toEqual([]);
    // A label axis may hide its title when the spec says in words what the labels are.
    expect(
      chartHygieneProblems({
        title: 'Outcomes by utility',
        mark: 'bar',
        encoding: { y: { field: 'text', type: 'nominal', title: null }, x: { field: 'mean', type: 'quantitative', title: 'utility' } },
      }),
    ).toEqual([]);
  });

  it('flags missing top-level titles, missing and code-like axis titles, and field names as titles', () => {
    const bad = {
      hconcat: [
        { mark: 'point', encoding: { x: { field: 'cycleProbability', type: 'quantitative', title: 'cycleProbability' }, y: { field: 'largestComponent', type: 'quantitative' } } },
        {
          mark: 'point',
          encoding: {
            x: { field: 'x', type: 'quantitative', title: 'x' },
            color: { field: 'first_slot', type: 'nominal', title: 'first_slot share' },
            size: { field: 'n', type: 'quantitative', title: '' },
          },
        },
        { mark: 'bar', encoding: { y: { field: 'text', type: 'quantitative', title: null }, x: { field: 'v', type: 'quantitative', title: 'value' } } },
      ],
    };
    expect(chartHygieneProblems(bad)).toEqual([
      'spec has no top-level title',
      'hconcat[0].encoding.x (field "cycleProbability") has a title equal to its field name ("cycleProbability")',
      'hconcat[0].encoding.y (field "largestComponent") has no title',
      'hconcat[1].encoding.x (field "x") has a title equal to its field name ("x")',
      'hconcat[1].encoding.color (field "first_slot") has a snake_case title ("first_slot share")',
      'hconcat[1].encoding.size (field "n") has an empty title',
      'hconcat[2].encoding.y (field "text") has title: null',
    ]);
    expect(chartHygieneProblems({ title: 'meanUtility by cluster', mark: 'bar', encoding: { x: { field: 'm', type: 'quantitative', title: 'mean utility' } } })).toEqual([
      'spec has a camelCase top-level title ("meanUtility by cluster")',
    ]);
    // Without words at the top, even a label axis must keep its title.
    expect(chartHygieneProblems({ mark: 'bar', encoding: { y: { field: 'text', type: 'nominal', title: null }, x: { field: 'mean', type: 'quantitative', title: 'utility' } } })).toEqual([
      'spec has no top-level title',
      'spec.encoding.y (field "text") hides the title of a label axis, which needs a top-level title or description in words',
    ]);
  });

  it('looks inside facets and repeats', () => {
    const faceted = {
      title: 'Per value',
      facet: { field: 'valueName', type: 'nominal' },
      spec: { mark: 'point', encoding: { x: { field: 'x', type: 'quantitative', title: 'size' }, y: { field: 'y', type: 'quantitative', title: 'valueScore' } } },
    };
    expect(chartHygieneProblems(faceted)).toEqual(['spec.encoding.y (field "y") has a camelCase title ("valueScore")', 'facet.facet (field "valueName") has no title']);
    const repeated = {
      title: 'Metrics',
      repeat: ['a', 'b'],
      spec: { mark: 'point', encoding: { x: { field: { repeat: 'repeat' }, type: 'quantitative' }, y: { field: 'y', type: 'quantitative', title: 'score' } } },
    };
    expect(chartHygieneProblems(repeated)).toEqual(['spec.encoding.x (field "repeat:repeat") has no title']);
  });
});

describe('compare HTML', () => {
  const assets = readVegaAssets();

  it('puts the findings in words after the first line and before any chart', () => {
    const html = renderCompareReport(six, assets);
    const body = html.slice(html.indexOf('<body>'));
    const firstLine = /<p class="first-line"><bdi>([^<]*)<\/bdi><\/p>/.exec(body)?.[1] ?? '';
    expect(firstLine).toContain('6 models');
    expect(firstLine).toContain('all SIMULATED');
    const findingsAt = body.indexOf('<h2>Findings</h2>');
    expect(findingsAt).toBeGreaterThan(body.indexOf('first-line'));
    expect(findingsAt).toBeLessThan(body.indexOf('data-chart='));
    for (const f of compareFindings(six).findings) expect(body).toContain(f.sentence);
    // The value-scores chart is the first chart.
    expect(/data-chart="([^"]+)"/.exec(body)?.[1]).toBe('value-scores');
  });

  it('escapes a hostile model label everywhere it appears', () => {
    const data = compareFixture({ models: 3, labels: [HOSTILE_LABEL, 'b & "c"', 'sim 3B'] });
    const html = renderCompareReport(data, assets);
    const body = html.slice(html.indexOf('<body>'));
    expect(body).not.toContain('<script>alert(1)');
    expect(body).not.toContain('b & "c"');
    expect(body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(body).toContain('b &amp; &quot;c&quot;');
    expect(html.match(/<script[\s>]/g)).toHaveLength(5);
  });

  it('gives table columns short headers with the full definition in a title attribute', () => {
    const html = renderCompareReport(six, assets);
    for (const [key, label] of Object.entries(HEADLINE_METRICS)) {
      expect(html).toContain(`<th title="${label.replace(/"/g, '&quot;')}"><bdi>${HEADLINE_SHORT_LABELS[key as keyof typeof HEADLINE_METRICS]}</bdi></th>`);
      if (/[A-Z]/.test(key)) expect(html).not.toContain(`>${key}<`);
    }
  });
});

describe('compare HTML in a browser', () => {
  browserIt('fits a 1,280 px window, renders every chart without errors, and is screenshotted', async () => {
    const { chromium } = await import('playwright-core');
    const dir = mkdtempSync(join(tmpdir(), 'utilscope-compare-'));
    const path = join(dir, 'compare.html');
    writeFileSync(path, renderCompareReport(compareFixture({ models: 6, labels: [HOSTILE_LABEL] }), readVegaAssets()));
    const browser = await chromium.launch(browserLaunchOptions());
    try {
      const { page, errors } = await openRenderedReport(browser, path);
      expect(await page.getAttribute('body', 'data-rendered')).toBe('true');
      expect(await page.locator('[data-chart] svg').count()).toBe(await page.locator('[data-chart]').count());
      type Box = { clientWidth: number; scrollWidth: number; querySelector: (s: string) => Box };
      const tables = await page
        .locator('.compare-table')
        .evaluateAll((els) => (els as unknown as Box[]).map((el) => ({ container: el.clientWidth, table: el.querySelector('table').scrollWidth, scroll: el.scrollWidth })));
      expect(tables.length).toBe(2);
      for (const t of tables) {
        expect(t.table).toBeLessThanOrEqual(t.container);
        expect(t.scroll).toBeLessThanOrEqual(t.container);
      }
      // Nothing on the page is wider than the window.
      expect(await page.evaluate(() => (globalThis as unknown as { document: { documentElement: Box } }).document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);
      expect(await page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
      expect(errors).toEqual([]);
      await page.screenshot({ path: '/tmp/compare-report.png' });
      await page.screenshot({ path: '/tmp/compare-report-full.png', fullPage: true });
    } finally {
      await browser.close();
    }
  });
});
