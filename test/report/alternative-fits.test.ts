/**
 * The run report's comparison of the main fit with alternative fits (src/report/alternative-fits.ts):
 * agreement numbers against a hand computation, invariance under the order a fit lists its
 * outcomes in, and a section whose texts are escaped and whose chart compiles without warnings.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { alternativeFitsSection, alternativeFitsSpec, type FitForComparison, fitAgreement } from '../../src/report/index.js';
import { type RunHeader, renderReportPage } from '../../src/report/sections.js';
import { readVegaAssets } from '../../src/store/package-paths.js';
import { compileWarnings } from '../helpers/vega-warnings.js';

const fitOf = (name: string, ids: string[], mean: number[], half: number | null): FitForComparison => ({
  name,
  label: `${name} settings`,
  intervalLevel: half === null ? null : 0.95,
  ids,
  mean,
  low: mean.map((m) => (half === null ? null : m - half)),
  high: mean.map((m) => (half === null ? null : m + half)),
});

const MAIN = fitOf('fit', ['a', 'b', 'c'], [0, 1, 2], 0.5);

describe('fitAgreement', () => {
  it('matches a hand computation over the outcomes both fits have', () => {
    // Shared a, b, c: x = 0, 1, 2 and y = 0, 1.5, 2 ('d' is only in the alternative and left out).
    // Means 1 and 7/6; sxy = 2, sxx = 2, syy = 13/6, so r = 2 / √(13/3) = 0.960769… (by hand); ranks agree, ρ = 1.
    const alternative = fitOf('fit.case5', ['d', 'c', 'b', 'a'], [9, 2, 1.5, 0], 0.25);
    const a = fitAgreement(MAIN, alternative);
    expect(a.shared).toBe(3);
    expect(a.pearson).toBeCloseTo(2 / Math.sqrt(13 / 3), 12);
    expect(a.spearman).toBeCloseTo(1, 12);
    expect([a.maxAbsDifference, a.maxAt]).toEqual([0.5, 'b']);
    expect([a.medianWidthMain, a.medianWidthAlternative]).toEqual([1, 0.5]);
  });

  it('leaves out outcomes either fit gives no utility (NaN), as if only one fit had them', () => {
    // Same as the hand computation above, with e (no utility in the main fit) and a (none in the alternative) added.
    const main = fitOf('fit', ['a', 'b', 'c', 'e'], [0, 1, 2, Number.NaN], 0.5);
    const alternative = fitOf('fit.case5', ['e', 'c', 'b', 'a', 'f'], [3, 2, 1.5, Number.NaN, 1], 0.25);
    const a = fitAgreement(main, alternative);
    expect(a.shared).toBe(2);
    expect([a.maxAbsDifference, a.maxAt]).toEqual([0.5, 'b']);
    const spec = alternativeFitsSpec({ main, alternatives: [{ fit: alternative, answers: 10, command: 'x' }], answers: 10, texts: new Map() }) as unknown as {
      layer: { data: { values: { id?: string }[] } }[];
    };
    expect(spec.layer[1]?.data.values.map((v) => v.id).sort()).toEqual(['b', 'c']);
  });

  it('gives NaN widths for a fit without intervals, and agrees perfectly with itself', () => {
    const a = fitAgreement(MAIN, fitOf('fit.x', ['a', 'b', 'c'], [0, 1, 2], null));
    expect(a.medianWidthAlternative).toBeNaN();
    expect([a.pearson, a.maxAbsDifference]).toEqual([1, 0]);
  });

  it('does not depend on the order either fit lists its outcomes in (property)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 30 }), { minLength: 3, maxLength: 12 }),
        fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: 12, maxLength: 12 }),
        (keys, noise) => {
          const ids = keys.map((k) => `o${k}`);
          const main = fitOf(
            'fit',
            ids,
            ids.map((_, k) => k / 3),
            0.4,
          );
          const alt = fitOf(
            'fit.bt',
            ids,
            ids.map((_, k) => k / 3 + (noise[k] as number) / 10),
            0.3,
          );
          const order = ids.map((_, k) => k).reverse();
          const shuffled: FitForComparison = {
            ...alt,
            ids: order.map((k) => alt.ids[k] as string),
            mean: order.map((k) => alt.mean[k] as number),
            low: order.map((k) => alt.low[k] ?? null),
            high: order.map((k) => alt.high[k] ?? null),
          };
          const x = fitAgreement(main, alt);
          const y = fitAgreement(main, shuffled);
          expect(y.shared).toBe(x.shared);
          expect(y.maxAbsDifference).toBeCloseTo(x.maxAbsDifference, 12);
          if (Number.isFinite(x.pearson)) expect(y.pearson).toBeCloseTo(x.pearson, 10);
          expect(y.medianWidthAlternative).toBeCloseTo(x.medianWidthAlternative, 12);
        },
      ),
    );
  });
});

describe('the alternative-fits section', () => {
  const HOSTILE = '<script>globalThis.__pwned=1</script> & "quoted"';
  const input = {
    main: MAIN,
    alternatives: [
      { fit: fitOf('fit.case5', ['a', 'b', 'c'], [0, 1.5, 2], 0.25), answers: 40, command: 'utilscope fit outputs/r --model case5' },
      { fit: fitOf('fit.bootstrap', ['a', 'b', 'c'], [0, 1, 2], 0.6), answers: 30, command: 'utilscope fit outputs/r --intervals bootstrap' },
    ],
    answers: 40,
    texts: new Map([
      ['a', 'A.'],
      ['b', HOSTILE],
      ['c', 'C.'],
    ]),
  };

  it('has one row per alternative with r, ρ, the largest difference and where, widths, answers; warns about a stale one', () => {
    const section = alternativeFitsSection(input);
    const table = section.blocks.find((b) => b.kind === 'table');
    expect(table?.kind === 'table' && table.rows).toEqual([
      ['fit.case5 settings', '0.961', '1.000', '0.50', HOSTILE, '1.00 (95%) → 0.50 (95%)', 40],
      ['fit.bootstrap settings', '1.000', '1.000', '0.00', '– (equal to two decimals)', '1.00 (95%) → 1.20 (95%)', 30],
    ]);
    const warnings = section.blocks.filter((b) => b.kind === 'paragraph' && b.tone === 'warning');
    expect(warnings).toEqual([
      {
        kind: 'paragraph',
        tone: 'warning',
        text: 'fit.bootstrap.json was fitted on 30 answers, and the run now has 40; its row compares fits of different data. Run utilscope fit outputs/r --intervals bootstrap again to refit it.',
      },
    ]);
  });

  it('renders outcome texts escaped, once, and draws a chart with words and units on both axes that compiles without warnings', () => {
    const header: RunHeader = {
      runId: 'r',
      model: 'sim:7b',
      experiment: 'utilities',
      arm: 'default',
      outcomeSet: 's',
      outcomeCount: 3,
      answers: 40,
      costUsd: 0,
      seed: 1,
      protocol: 'p',
      simulated: true,
      createdAt: '2026-01-01T00:00:00.000Z',
      toolVersion: '0',
      state: 'complete',
    };
    const html = renderReportPage(header, 'title', [alternativeFitsSection(input)], readVegaAssets());
    const body = html.slice(html.indexOf('</head><body>')).replace(/<script[\s\S]*?<\/script>/g, '');
    expect(body).toContain('&lt;script&gt;globalThis.__pwned=1&lt;/script&gt; &amp; &quot;quoted&quot;');
    expect(body).not.toContain('<script>globalThis');
    const spec = alternativeFitsSpec(input) as { layer: { encoding: { x: { title?: string }; y: { title?: string } } }[] };
    expect(spec.layer[1]?.encoding.x.title).toBe('utility in the main fit (utility sd; higher is preferred)');
    expect(spec.layer[1]?.encoding.y.title).toBe('utility in the alternative fit (utility sd; higher is preferred)');
    expect(compileWarnings(alternativeFitsSpec(input))).toEqual([]);
  });
});
