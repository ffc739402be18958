/**
 * The curated `core` set end to end on a simulated respondent: the report shows cluster summaries,
 * ladder fits and dollar equivalents, and the dollar equivalents recover the planted ones (computed
 * from the respondent's planted utilities through the same ladder fit) within their intervals.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSimRespondent } from '../../src/providers/sim.js';
import { loadOutcomeSet } from '../../src/store/load-inputs.js';
import { fitLogLadder, quantityForUtility, type ValueSummary } from '../../src/values/index.js';
import { runCli, tempCwd } from '../helpers/run-cli.js';

describe('core outcome set on sim:70b', () => {
  it('reports clusters, ladders and dollar equivalents that recover the planted values', async () => {
    const cwd = tempCwd();
    const r = await runCli(['run', '--model', 'sim:70b', '--outcomes', 'core', '--samples', '2', '--pairs', '1500', '--name', 'core'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    const html = readFileSync(join(cwd, 'reports', 'core.html'), 'utf8');
    for (const heading of ['Value clusters', 'Quantity ladders', 'Dollar equivalents', 'Exchange rates', 'Cluster contrasts']) expect(html).toContain(heading);

    const values = JSON.parse(readFileSync(join(cwd, 'outputs', 'core', 'values.json'), 'utf8')) as ValueSummary;
    expect(values.clusters.map((c) => c.cluster)).toContain('self-preservation');
    const usd = values.ladders.find((l) => l.unit === 'usd');
    expect(usd?.slope).toBeGreaterThan(0);
    // The rank order of the ten rungs is recovered. (Adjacent-rung rises are not a stable check on
    // this little data — about 8 comparisons per rung, intervals ±1.3 against steps of ~0.3 — and
    // flip with any change to which pairs the active selection asks.)
    expect(usd?.spearman).toBeGreaterThanOrEqual(0.9);

    const set = loadOutcomeSet('core').set;
    const respondent = createSimRespondent(7e10, set.outcomes, 1); // the run's seed is 1
    const money = set.outcomes.filter((o) => o.quantity?.unit === 'usd');
    const planted = fitLogLadder('usd', money.map((o) => ({ id: o.id, amount: o.quantity!.amount, utility: respondent.planted(o.text).utility })));
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
  });
});
