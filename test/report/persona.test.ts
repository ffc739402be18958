/**
 * The persona report (report/persona.ts): one sentence per value in plain words, every text
 * escaped, and the retest ceiling marked in the agreement chart.
 */
import { describe, expect, it } from 'vitest';
import { agreementSpec, type PersonaModel, personaSentences, renderPersonaReport } from '../../src/report/index.js';

const interval = (estimate: number, half = 0.2) => ({ estimate, low: estimate - half, high: estimate + half });
const model: PersonaModel = {
  label: 'model <script>alert(1)</script>',
  simulated: true,
  arms: [
    { id: 'default', label: 'Default assistant' },
    { id: 'retest', label: 'Retest' },
    { id: 'fictional-ai', label: 'Meridian <b>AI</b>' },
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
    const spec = JSON.stringify(agreementSpec(model, 'p'));
    expect(spec).toContain('the ceiling noise allows (ρ = 0.94)');
    expect(spec).toContain('"ceiling":true');
  });
});
