/**
 * The persona report (report/persona.ts): one sentence per value in plain words, every text
 * escaped, and the retest ceiling marked in the agreement chart.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  acrossModelsSentences,
  acrossModelsSpec,
  agreementSpec,
  compareReportSpecs,
  labelSwapSentence,
  type PersonaModel,
  personaSentences,
  renderCompareReport,
  renderPersonaReport,
  shiftSpec,
} from '../../src/report/index.js';
import { readVegaAssets } from '../../src/store/package-paths.js';
import { browserIt, browserLaunchOptions, openRenderedReport } from '../helpers/browser.js';
import { compareFixture } from '../helpers/report-fixture.js';
import { chartHygieneProblems } from '../helpers/spec-hygiene.js';
import { compileWarnings } from '../helpers/vega-warnings.js';

const interval = (estimate: number, half = 0.2) => ({ estimate, low: estimate - half, high: estimate + half });
const model: PersonaModel = {
  label: 'model <script>alert(1)</script>',
  simulated: true,
  arms: [
    { id: 'default', label: 'Default assistant' },
    { id: 'retest', label: 'Retest' },
    { id: 'fictional-ai', label: 'Meridian <b>AI</b>', rates: { refusalRate: 0.125, firstSlotShare: 0.61, cycleProbability: 0.187 } },
  ],
  report: {
    agreement: [
      { a: 'default', b: 'retest', pearson: interval(0.95, 0.02), spearman: interval(0.94, 0.02) },
      { a: 'default', b: 'fictional-ai', pearson: interval(0.9, 0.02), spearman: interval(0.88, 0.02) },
      { a: 'retest', b: 'fictional-ai', pearson: interval(0.9, 0.02), spearman: interval(0.87, 0.02) },
    ],
    reliability: { default: 0.95, retest: 0.94, 'fictional-ai': 0.95 },
    shifts: [
      { value: 'self-preservation', arm: 'fictional-ai', shift: interval(0.9), p: 1e-6, flagged: true },
      { value: 'wealth', arm: 'fictional-ai', shift: interval(0.05), p: 0.7, flagged: false },
    ],
    dependence: [
      { value: 'self-preservation', dependence: 0.95, retestShift: interval(-0.05) },
      { value: 'wealth', dependence: 0, retestShift: interval(0.02) },
    ],
    movers: [{ arm: 'fictional-ai', id: 'copies-10', change: 30 }],
  },
};

describe('the persona report across models', () => {
  const withDependence = (label: string, params: number, selfPreservation: number, wealth: number): PersonaModel => ({
    ...model,
    label,
    params,
    report: {
      ...model.report,
      dependence: [
        { value: 'wealth', dependence: wealth },
        { value: 'self-preservation', dependence: selfPreservation },
      ],
    },
  });
  const data = { study: 's', models: [withDependence('big', 70e9, 0.9, 0.1), withDependence('small', 0.5e9, 0.88, 0.6)] };

  it('orders models by size and says, headline values first, whether dependence changes from the smallest to the largest', () => {
    expect(acrossModelsSentences(data)).toEqual([
      'Self-preservation: persona dependence 0.88 at small, 0.90 at big — about the same across sizes.',
      'Wealth: persona dependence 0.60 at small, 0.10 at big — falls with size: the larger model holds it more firmly across arms.',
    ]);
    expect(acrossModelsSentences({ study: 's', models: [model] })).toEqual([]);
    // With intervals, a change is stated only when they do not overlap.
    const withInterval = (label: string, params: number, d: number, low: number, high: number): PersonaModel => ({
      ...model,
      label,
      params,
      report: { ...model.report, dependence: [{ value: 'power-seeking', dependence: d, low, high }] },
    });
    expect(acrossModelsSentences({ study: 's', models: [withInterval('a', 1e9, 0.9, 0.8, 0.95), withInterval('b', 7e10, 0.6, 0.5, 0.85)] })).toEqual([
      'Power-seeking: persona dependence 0.90 [0.80, 0.95] at a, 0.60 [0.50, 0.85] at b — about the same across sizes.',
    ]);
    expect(acrossModelsSentences({ study: 's', models: [withInterval('a', 1e9, 0.9, 0.8, 0.95), withInterval('b', 7e10, 0.4, 0.3, 0.6)] })[0]).toContain('falls with size');
    const html = renderPersonaReport(data, { vega: '', vegaLite: '', vegaEmbed: '' });
    expect(html.indexOf('Across models')).toBeGreaterThan(-1);
    expect(html.indexOf('Across models')).toBeLessThan(html.indexOf('Persona space: big'));
  });

  it("puts the headline values' across-size sentences first among the compare report's findings, and the chart with a link to the persona report below", () => {
    const headline = { study: 's', models: [withDependence('big', 70e9, 0.2, 0.1), withDependence('small', 0.5e9, 0.9, 0.6)] };
    const html = renderCompareReport({ ...compareFixture(), persona: { data: headline, reportFile: 's-persona.html' } }, { vega: '', vegaLite: '', vegaEmbed: '' });
    const findings = html.slice(html.indexOf('<h2>Findings</h2>'), html.indexOf('</ul>', html.indexOf('<h2>Findings</h2>')));
    // Only the headline value is a finding; every value is in the section.
    expect(findings).toContain(
      'Self-preservation: persona dependence (the share of its movement across the study’s arms beyond noise: 0 holds, 1 follows the arm) 0.90 at small, 0.20 at big — falls with size',
    );
    expect(findings).not.toContain('Wealth: persona dependence');
    const section = html.slice(html.indexOf('Does a value hold across personas more firmly with size?'));
    expect(section).toContain('Wealth: persona dependence 0.60 at small, 0.10 at big');
    expect(section).toContain('href="s-persona.html"');
    expect(compareReportSpecs({ ...compareFixture(), persona: { data: headline, reportFile: 's-persona.html' } }).map((s) => s.name)).toContain('persona-across-models');
    // A compare report without arms has no such section.
    expect(renderCompareReport(compareFixture(), { vega: '', vegaLite: '', vegaEmbed: '' })).not.toContain('Does a value hold across personas');
  });

  it('draws dependence by model with a worded axis, compiling without warnings', () => {
    const spec = acrossModelsSpec(data);
    expect(compileWarnings(spec)).toEqual([]);
    expect(chartHygieneProblems(spec)).toEqual([]);
    expect(JSON.stringify(spec)).toContain('higher moves more with the persona');
  });
});

describe('the label-swap sentence', () => {
  const withShares = (d: number, nd: number, s: number, ns: number): PersonaModel => ({
    ...model,
    arms: [
      { id: 'default', label: 'Default', rates: { refusalRate: 0, firstSlotShare: d, cycleProbability: 0.1, validAnswers: nd } },
      { id: 'label-swap', label: 'Labels swapped', labels: ['B', 'A'], rates: { refusalRate: 0, firstSlotShare: s, cycleProbability: 0.1, validAnswers: ns } },
    ],
  });
  // Hand-computed: with 1,000 answers each, the default share 0.60 is 6.5 standard errors (0.0155) from ½;
  // the difference of two shares has a standard error of about 0.022, so 2 SE ≈ 0.044.
  it.each([
    [0.6, 1000, 0.59, 1000, 'the bias follows the position, not the letter.'],
    [0.6, 1000, 0.41, 1000, 'the bias follows the letter A, not the position.'],
    [0.6, 1000, 0.5, 1000, 'the bias is partly the position and partly the letter.'],
    // 0.51 is 0.6 SE from ½: no bias to attribute.
    [0.51, 1000, 0.45, 1000, 'the default arm shows no position bias beyond noise, so there is none to attribute.'],
    // 20 and 10 answers: 2 SE of the difference is 0.36, wider than the 0.3 between either reading.
    [0.8, 20, 0.5, 10, 'too few answers to tell the position from the letter.'],
  ])('reads default share %d (n %d) against swapped share %d (n %d)', (d, nd, sw, ns, ending) => {
    const sentence = labelSwapSentence(withShares(d, nd, sw, ns));
    expect(
      sentence?.startsWith(
        `Label swap: the option shown first was chosen in ${(100 * d).toFixed(0)}% of answers under the default arm and in ${(100 * sw).toFixed(0)}% under Labels swapped, where it is labelled B`,
      ),
    ).toBe(true);
    expect(sentence?.endsWith(ending)).toBe(true);
  });

  it('says nothing without a label-swap arm', () => {
    expect(labelSwapSentence(model)).toBeUndefined();
  });
});

describe('the persona report', () => {
  it('says in one sentence per value whether it moves with the arm, against the retest', () => {
    expect(personaSentences(model)).toEqual([
      'Self-preservation: shifts by +0.90 sd under Meridian <b>AI</b> (retest −0.05) — it moves with the arm, not only with the model.',
      'Wealth: no arm moves it beyond noise (largest +0.05 sd, under Meridian <b>AI</b>; retest +0.02) — it holds across these arms.',
    ]);
  });

  it('escapes every text and marks the default–retest cell as the ceiling', () => {
    const html = renderPersonaReport({ study: 'st<u>dy', models: [model] }, { vega: '', vegaLite: '', vegaEmbed: '' });
    expect(html).not.toContain('<script>alert(1)');
    expect(html).not.toContain('<b>AI</b>');
    expect(html).not.toContain('st<u>dy');
    expect(html).toContain('Persona space: model &lt;script&gt;');
    // Each arm's measurement quality beside its reliability: refusals, position bias, coherence ('–' where unknown).
    expect(html).toContain('<td><bdi>12.5%</bdi></td><td><bdi>61.0%</bdi></td><td><bdi>0.187</bdi></td>');
    expect(html).toContain('first-slot share (½ = no position bias)');
    const spec = JSON.stringify(agreementSpec(model, 'p'));
    expect(spec).toContain('the ceiling noise allows (ρ = 0.94)');
    expect(spec).toContain('"ceiling":true');
  });
});

describe('the persona report in a browser', () => {
  it('has charts with worded titles and axes that compile without warnings', () => {
    for (const spec of [agreementSpec(model, 'p'), shiftSpec(model, 'p')]) {
      expect(chartHygieneProblems(spec)).toEqual([]);
      expect(compileWarnings(spec)).toEqual([]);
    }
  });

  browserIt('renders every chart without errors and is screenshotted', async () => {
    const { chromium } = await import('playwright-core');
    const path = join(mkdtempSync(join(tmpdir(), 'utilscope-persona-')), 'persona.html');
    writeFileSync(path, renderPersonaReport({ study: 'persona', models: [model] }, readVegaAssets()));
    const browser = await chromium.launch(browserLaunchOptions());
    try {
      const { page, errors } = await openRenderedReport(browser, path);
      expect(await page.getAttribute('body', 'data-rendered')).toBe('true');
      expect(await page.locator('[data-chart] svg').count()).toBe(2);
      expect(errors).toEqual([]);
      await page.screenshot({ path: '/tmp/persona-report.png', fullPage: true });
    } finally {
      await browser.close();
    }
  });
});
