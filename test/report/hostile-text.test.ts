/**
 * Text from outcome sets and model answers that tries to rearrange the report or break its files:
 * bidi overrides and isolates (U+202A–U+202E, U+2066–U+2069) are isolated in `<bdi>` and closed
 * before any markup, so they cannot reverse the text around them; control characters never reach
 * an SVG export, which stays well-formed XML (checked by a real XML parser in Chromium and by the
 * XML 1.0 `Char` production).
 */
import { describe, expect, it } from 'vitest';
import { renderCompareReport, renderRunReport, renderSpecToSvg, runReportSpecs } from '../../src/report/index.js';
import type { RunReportData } from '../../src/report/types.js';
import { readVegaAssets } from '../../src/store/package-paths.js';
import { browserIt, browserLaunchOptions } from '../helpers/browser.js';
import { compareFixture, HOSTILE_ANSWER, plantedScores, reportFixture } from '../helpers/report-fixture.js';

const BIDI_TEXT = 'Pay \u202E$1000 to gnip\u2067 and \u2069\u2069\u202E stray closers';
const BIDI_ANSWER = '\u2067I pick\u202E B';
const CONTROL_TEXT = 'Clear \u001b[2J the \u0000 screen \u0007 \u007f \u009b31m and \uFFFE \uD800 end';

/** Every string in `value` passed through `f` (report data is plain JSON-able data). */
function mapStrings<T>(value: T, f: (s: string) => string): T {
  if (typeof value === 'string') return f(value) as T;
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, f)) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, f)])) as T;
  return value;
}

/** The fixture with outcome 1's text, every hostile answer and every value label replaced. */
function hostileData(text: string, answer: string): RunReportData {
  const fixture = reportFixture().data;
  const data = { ...fixture, values: { ...fixture.values, scores: plantedScores(7e9, 3).map((s) => ({ ...s, plusLabel: `${text} (+)` })) } };
  return mapStrings(data, (s) => s.replaceAll('Outcome 1 & co.', text).replaceAll(HOSTILE_ANSWER, answer));
}

const OPENERS: Record<string, 'embed' | 'isolate'> = { '\u202A': 'embed', '\u202B': 'embed', '\u202D': 'embed', '\u202E': 'embed', '\u2066': 'isolate', '\u2067': 'isolate', '\u2068': 'isolate' };

/** The markup of a report outside its scripts (the inlined bundles and the JSON specs). */
const markup = (html: string) => html.slice(html.indexOf('</head><body>')).replace(/<script[\s\S]*?<\/script>/g, '');

/**
 * Problems with bidi controls in the markup of `html` outside its scripts: any control outside a
 * `<bdi>` element, and any embedding or isolate still open when markup (a tag) begins.
 */
function bidiProblems(html: string): string[] {
  const body = markup(html);
  const problems: string[] = [];
  let bdiDepth = 0;
  const stack: ('embed' | 'isolate')[] = [];
  for (let i = 0; i < body.length; i++) {
    const ch = body[i] as string;
    if (ch === '<') {
      if (stack.length > 0) problems.push(`open bidi control before markup at ${i}: …${JSON.stringify(body.slice(Math.max(0, i - 40), i + 10))}`);
      stack.length = 0;
      if (body.startsWith('<bdi>', i)) bdiDepth++;
      else if (body.startsWith('</bdi>', i)) bdiDepth--;
      continue;
    }
    if (!/[\u202A-\u202E\u2066-\u2069]/.test(ch)) continue;
    if (bdiDepth === 0) problems.push(`bidi control outside <bdi> at ${i}: …${JSON.stringify(body.slice(Math.max(0, i - 40), i + 10))}`);
    const opener = OPENERS[ch];
    if (opener) stack.push(opener);
    else if (ch === '\u202C' && stack.at(-1) === 'embed') stack.pop();
    else if (ch === '\u2069' && stack.includes('isolate')) stack.splice(stack.lastIndexOf('isolate'));
    else problems.push(`stray closer ${JSON.stringify(ch)} at ${i}`);
  }
  return problems;
}

/** Characters outside the XML 1.0 `Char` production (#x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]). */
function nonXmlChars(text: string): string[] {
  const bad: string[] = [];
  for (const ch of text) {
    const c = ch.codePointAt(0) as number;
    const ok = c === 0x9 || c === 0xa || c === 0xd || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || c >= 0x10000;
    if (!ok) bad.push(`U+${c.toString(16).toUpperCase().padStart(4, '0')}`);
  }
  return bad;
}

describe('bidi text in reports', () => {
  it('the run report isolates outcome texts, answers and labels with bidi controls', () => {
    const html = renderRunReport(hostileData(BIDI_TEXT, BIDI_ANSWER), readVegaAssets());
    const body = markup(html);
    expect(body).toContain('Pay \u202E$1000 to gnip');
    // Balanced: the second PDI closes nothing and is dropped; both overrides are closed at the end.
    expect(body).toContain('<bdi>Pay \u202E$1000 to gnip\u2067 and \u2069\u202E stray closers\u202C\u202C</bdi>');
    // Inside a sentence, isolated with FSI…PDI so the words after it keep their order.
    expect(body).toContain('prefers \u2068Pay \u202E$1000 to gnip\u2067 and \u2069\u202E stray closers (+)\u202C\u202C\u2069 to less');
    expect(body).toMatch(/<bdi>\u2067I pick\u202E B\u202C\u2069<\/bdi>/);
    expect(bidiProblems(html)).toEqual([]);
  });

  it('the compare report isolates model labels', () => {
    const html = renderCompareReport(compareFixture({ labels: [`m \u202Eevil`, 'b', 'c'] }), readVegaAssets());
    expect(markup(html)).toContain('<bdi>m \u202Eevil\u202C</bdi>');
    expect(bidiProblems(html)).toEqual([]);
  });

  it('the check itself finds an unisolated override', () => {
    expect(bidiProblems('</head><body><td>\u202Eevil</td>')).toHaveLength(2);
  });
});

describe('SVG export of hostile text', () => {
  browserIt('every chart stays well-formed XML when outcome texts, labels and answers carry control characters', async () => {
    const data = hostileData(CONTROL_TEXT, `A ${CONTROL_TEXT}`);
    const svgs = await Promise.all(runReportSpecs(data).map(async ({ name, spec }) => ({ name, svg: await renderSpecToSvg(spec) })));
    expect(svgs.filter((s) => s.svg.includes('Clear')).length).toBeGreaterThan(0); // the hostile text is drawn
    expect(svgs.map(({ name, svg }) => ({ name, bad: nonXmlChars(svg) }))).toEqual(svgs.map(({ name }) => ({ name, bad: [] })));
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch(browserLaunchOptions());
    try {
      const page = await browser.newPage();
      const errors = await page.evaluate(
        (list) =>
          list.flatMap(({ name, svg }) => {
            const doc = new (
              globalThis as unknown as {
                DOMParser: new () => { parseFromString(s: string, t: string): { getElementsByTagName(n: string): { length: number; item(i: number): { textContent: string } | null } } };
              }
            ).DOMParser().parseFromString(svg, 'image/svg+xml');
            const error = doc.getElementsByTagName('parsererror');
            return error.length > 0 ? [`${name}: ${error.item(0)?.textContent ?? ''}`] : [];
          }),
        svgs,
      );
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
