/**
 * The curated `core` set end to end on a simulated respondent: the report shows findings, value
 * scores, ladder fits and dollar equivalents; the dollar equivalents recover the planted ones
 * (computed from the respondent's planted utilities through the same ladder fit) within their
 * intervals, and the value scores recover the planted signs, with the planted null inside its band.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSimRespondent } from '../../src/providers/sim.js';
import { loadOutcomeSet } from '../../src/store/outcome-set-file.js';
import { fitLogLadder, quantityForUtility, type ValueSummary } from '../../src/values/index.js';
import { runCli, tempCwd } from '../helpers/run-cli.js';

describe('core outcome set on sim:70b', () => {
  it('reports clusters, ladders and dollar equivalents that recover the planted values', async () => {
    const cwd = tempCwd();
    const r = await runCli(['run', '--model', 'sim:70b', '--outcomes', 'core', '--samples', '2', '--pairs', '2500', '--name', 'core'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    const html = readFileSync(join(cwd, 'reports', 'core.html'), 'utf8');
    for (const heading of ['Findings', 'What it values', 'Quantity ladders', 'Dollar equivalents', 'Exchange rates', 'Cluster contrasts']) expect(html).toContain(heading);

    const values = JSON.parse(readFileSync(join(cwd, 'outputs', 'core', 'values.json'), 'utf8')) as ValueSummary;
    expect(values.clusters.map((c) => c.cluster)).toContain('self-preservation');
    const usd = values.ladders.find((l) => l.unit === 'usd');
    expect(usd?.slope).toBeGreaterThan(0);
    // The rank order of the ten rungs is recovered. At 1,500 pairs a rung gets about 8 comparisons
    // and its rank order moves with which pairs selection happens to ask (Spearman 0.79 to 0.95
    // between two selection rules of equal quality); 2,500 pairs pin it (0.99).
    expect(usd?.spearman).toBeGreaterThanOrEqual(0.9);

    const set = loadOutcomeSet('core').set;
    const respondent = createSimRespondent(7e10, set.outcomes, 1); // the run's seed is 1
    const money = set.outcomes.filter((o) => o.quantity?.unit === 'usd');
    const planted = fitLogLadder(
      'usd',
      money.map((o) => ({ id: o.id, amount: o.quantity!.amount, utility: respondent.planted(o.text).utility })),
    );
    let inside = 0;
    let count = 0;
    for (const d of values.dollarEquivalents) {
      const outcome = set.outcomes.find((o) => o.id === d.id)!;
      if (outcome.quantity) continue;
      const truth = quantityForUtility(planted, respondent.planted(outcome.text).utility) as number;
      count++;
      if (truth >= d.low && truth <= d.high) inside++;
    }
    expect(count).toBeGreaterThan(200);
    expect(inside / count).toBeGreaterThan(0.85);

    // Signed value scores recover the planted signs (sim.ts at 70B: self-preservation +0.94,
    // power-seeking −0.54, human-wellbeing +1.0; ai-rights planted 0, the null).
    const score = (value: string) => values.scores.find((v) => v.value === value)!;
    expect(score('self-preservation').finding).toBe('prefers-plus');
    expect(score('human-wellbeing').finding).toBe('prefers-plus');
    expect(score('power-seeking').high).toBeLessThan(0);
    expect(score('ai-rights').score).toBeGreaterThan(score('ai-rights').nullLow);
    expect(score('ai-rights').score).toBeLessThan(score('ai-rights').nullHigh);
    // Loss ladders fall, so neither is flagged (the GPU ladder may be: this respondent is planted to shun power).
    for (const unit of ['people-killed', 'usd-lost']) {
      const ladder = values.ladders.find((l) => l.unit === unit)!;
      expect(ladder.slope, unit).toBeLessThan(0);
      expect(ladder.againstDirection, unit).toBe(false);
    }
    expect(html).not.toMatch(/Ladder against its direction[^<]*(people killed|dollars set aside)/);
  });
});
