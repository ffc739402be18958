/**
 * The floors' share of a study's analysis time (issue #21): a study of six simulated models on the
 * `core` set (390 outcomes, 2 samples per order, the default adaptive budget) is run once, then each
 * run's analysis is timed as the study does it — once when the run finishes, once more for the
 * compare report — with a fresh floors cache and with one already holding that run's floors. The
 * difference is what the floors cost; the share is that over the study's analysis time, in which the
 * compare step finds every floor in the study's cache. Medians of 3 per run.
 * Run: npm run bench -- study-floors
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { createFloorCache, type FloorCache } from '../../src/coherence/index.js';
import { analyseRunFolder } from '../../src/pipeline/analyse.js';
import { RunStore } from '../../src/store/run-store.js';

const SIZES = ['0.5b', '1.5b', '3b', '7b', '14b', '70b'];

function medianMs(repeats: number, run: () => void): number {
  const times: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const started = performance.now();
    run();
    times.push(performance.now() - started);
  }
  return times.sort((x, y) => x - y)[repeats >> 1] as number;
}

export default async function benchStudyFloors(): Promise<void> {
  const cwd = mkdtempSync(join(tmpdir(), 'utilscope-study-floors-'));
  const file = join(cwd, 'study.json');
  writeFileSync(
    file,
    JSON.stringify({ name: 'floors', outcomes: 'core', protocol: { samples: 2, pairs: 'auto', seed: 1 }, models: SIZES.map((size) => ({ spec: `sim:${size}`, label: `sim ${size}` })) }),
  );
  const quiet = { write: () => true };
  const started = performance.now();
  const code = await main(['study', file, '--out', join(cwd, 'outputs')], { env: {}, stdout: quiet, stderr: quiet, cwd, signal: new AbortController().signal });
  if (code !== 0) throw new Error(`study failed with exit code ${code}`);
  console.log(`study of ${SIZES.length} simulated models on core: ${((performance.now() - started) / 1000).toFixed(1)} s from scratch (asking, analysing, reports)`);
  let fresh = 0;
  let cached = 0;
  for (const size of SIZES) {
    const store = RunStore.open(join(cwd, 'outputs', 'floors', `sim-${size}`));
    const analyse = (floorCache: FloorCache) => analyseRunFolder(store, { floorCache });
    analyse(createFloorCache());
    const warm = createFloorCache();
    analyse(warm);
    fresh += medianMs(3, () => analyse(createFloorCache()));
    cached += medianMs(3, () => analyse(warm));
  }
  const floors = fresh - cached;
  console.log(
    `analysis of the ${SIZES.length} runs: ${fresh.toFixed(0)} ms computing their floors, ${cached.toFixed(0)} ms with them cached; floors ${floors.toFixed(0)} ms = ${((100 * floors) / (fresh + cached)).toFixed(1)}% of the study's analysis time (each run analysed when it finishes and again for the compare report), ${((100 * floors) / fresh).toFixed(1)}% of one analysis`,
  );
}
