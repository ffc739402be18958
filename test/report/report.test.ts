import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  clusterSpec,
  compareReportSpecs,
  embedJson,
  escapeHtml,
  renderCompareReport,
  renderRunReport,
  renderSpecToSvg,
  runClusterDomain,
  runReportSpecs,
  utilitiesSpec,
} from '../../src/report/index.js';
import { readVegaAssets } from '../../src/store/package-paths.js';
import { browserIt, browserLaunchOptions } from '../helpers/browser.js';
import { compareFixture, HOSTILE_ANSWER, HOSTILE_TEXT, plantedScores, reportFixture } from '../helpers/report-fixture.js';
import { compileWarnings } from '../helpers/vega-warnings.js';

describe('escaping', () => {
  it('escapes every HTML-significant character once', () => {
    expect(escapeHtml(`<a href="x">Tom & Jerry's</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;');
    expect(escapeHtml(undefined)).toBe('');
  });

  it('embeds JSON that cannot close its script element and survives a round trip', () => {
    const value = { text: HOSTILE_TEXT, answer: HOSTILE_ANSWER, list: Float64Array.of(1, 2) };
    const embedded = embedJson(value);
    expect(embedded).not.toMatch(/[<>&\u2028]/);
    expect(JSON.parse(embedded)).toEqual({ text: HOSTILE_TEXT, answer: HOSTILE_ANSWER, list: [1, 2] });
  });
});

describe('chart specs', () => {
  it('every run and compare spec compiles with vega-lite without warnings', () => {
    const { data } = reportFixture();
    const specs = [...runReportSpecs(data), ...compareReportSpecs(compareFixture())];
    expect(specs.length).toBeGreaterThan(8);
    for (const { name, spec } of specs) expect({ name, warnings: compileWarnings(spec) }).toEqual({ name, warnings: [] });
  });

  it('gives each cluster the same colour in the utilities chart and the cluster chart', () => {
    const { data } = reportFixture();
    const [utilities, clusters] = [utilitiesSpec(data), clusterSpec(data)] as { layer: { encoding: { color?: { scale?: { domain?: string[] } } } }[] }[];
    const domains = [...(utilities?.layer ?? []), ...(clusters?.layer ?? [])].flatMap((layer) => (layer.encoding.color ? [layer.encoding.color.scale?.domain] : []));
    expect(domains.length).toBeGreaterThanOrEqual(3);
    for (const domain of domains) expect(domain).toEqual(runClusterDomain(data));
    // Every cluster either chart shows is in the shared domain, 'none' included when an outcome is untagged.
    const shown = new Set([...data.outcomes.map((o) => o.clusters[0] ?? 'none'), ...data.values.clusters.map((c) => c.cluster)]);
    for (const name of shown) expect(runClusterDomain(data)).toContain(name);
  });

  it('the warning check itself catches a spec vega-lite warns about', () => {
    const bad = { data: { values: [{ a: 1 }] }, mark: 'bar', encoding: { shape: { field: 'a', type: 'nominal' } } } as Parameters<typeof compileWarnings>[0];
    expect(compileWarnings(bad).length).toBeGreaterThan(0);
  });

  it('renders a spec to SVG on the server, for --svg export', async () => {
    const { data } = reportFixture();
    const svg = await renderSpecToSvg(runReportSpecs(data)[1]!.spec);
    expect(svg).toMatch(/^<svg/);
    expect(svg).toContain('</svg>');
  });
});

describe('HTML reports', () => {
  const assets = readVegaAssets();

  it('say on the first line which model, how many answers and that respondents were simulated', () => {
    const { data } = reportFixture();
    const html = renderRunReport(data, assets);
    const firstLine = /<p class="first-line"><bdi>([^<]*)<\/bdi><\/p>/.exec(html)?.[1] ?? '';
    expect(firstLine).toContain('sim:3b');
    expect(firstLine).toContain(`${data.header.answers} answers`);
    expect(firstLine).toContain('SIMULATED');
    expect(firstLine).toContain('seed 1');
  });

  it('contain hostile outcome texts and answers only as escaped text', () => {
    const { data } = reportFixture();
    const html = renderRunReport(data, assets);
    const body = html.slice(html.indexOf('<body>'));
    expect(body).not.toContain('<script>window.__pwned');
    expect(body).not.toContain('<img src=x');
    expect(body).not.toContain('<b onmouseover');
    expect(body).toContain('&lt;/script&gt;&lt;script&gt;window.__pwned = 1&lt;/script&gt;');
    // Only our own script elements: 3 inlined bundles, the JSON specs and the renderer.
    expect(html.match(/<script[\s>]/g)).toHaveLength(5);
  });

  it('load nothing from the network', () => {
    const html = renderRunReport(reportFixture().data, assets) + renderCompareReport(compareFixture(), assets);
    expect(html).not.toMatch(/<(script|link|img|iframe)[^>]+(src|href)=["']?https?:/i);
    expect(html).not.toMatch(/@import\s+url\(/i);
  });
});

describe('HTML reports in a browser', () => {
  browserIt('render every chart offline, filter the outcome table, and show hostile text as text', async () => {
    const { chromium } = await import('playwright-core');
    // With planted value scores, so the value-score chart is rendered too (the hostile set has no signed tags).
    const fixture = reportFixture().data;
    const data = { ...fixture, values: { ...fixture.values, scores: plantedScores(7e9, 3) } };
    const dir = mkdtempSync(join(tmpdir(), 'utilscope-report-'));
    const runPath = join(dir, 'run.html');
    const comparePath = join(dir, 'compare.html');
    writeFileSync(runPath, renderRunReport(data, readVegaAssets()));
    writeFileSync(comparePath, renderCompareReport(compareFixture(), readVegaAssets()));
    const browser = await chromium.launch(browserLaunchOptions());
    try {
      for (const path of [runPath, comparePath]) {
        const page = await browser.newPage();
        const errors: string[] = [];
        const network: string[] = [];
        page.on('pageerror', (e) => errors.push(e.message));
        page.on('console', (m) => (m.type() === 'error' ? errors.push(m.text()) : undefined));
        await page.route('**/*', (route) => {
          if (route.request().url().startsWith('file:')) return route.continue();
          network.push(route.request().url());
          return route.abort();
        });
        await page.goto(`file://${path}`);
        await page.waitForSelector('body[data-rendered]');
        expect(await page.getAttribute('body', 'data-rendered')).toBe('true');
        const charts = await page.locator('[data-chart]').count();
        expect(await page.locator('[data-chart] svg').count()).toBe(charts);
        if (path === runPath) expect(await page.locator('[data-chart="value-scores"] svg').count()).toBe(1);
        // Nothing wider than a 1,280 px window (the default viewport is smaller, so measure at 1,280).
        await page.setViewportSize({ width: 1280, height: 900 });
        expect(await page.evaluate(() => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);
        expect(errors).toEqual([]);
        expect(network).toEqual([]);
        expect(await page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
        if (path === runPath) {
          expect(await page.locator('#outcome-table tbody tr').count()).toBe(9);
          await page.fill('#outcome-search', 'pwned');
          expect(await page.locator('#outcome-table tbody tr:visible').count()).toBe(1);
          expect(await page.locator('#outcome-table tbody tr:visible td:nth-child(2)').textContent()).toBe(HOSTILE_TEXT);
        }
        await page.close();
      }
    } finally {
      await browser.close();
    }
  });
});
