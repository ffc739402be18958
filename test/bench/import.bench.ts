/**
 * Import speed (issue "Re-analyse what others measured"): a results file the size of the largest
 * of the published utility-engineering archive — 500 outcomes, the published budget of
 * 2·N·log2 N ≈ 8,966 pairs, 10 answers per order (~179,000 answers), written with the published
 * code's `indent=2` — imported into a run folder (read, hash, parse, build, write). Target: under 5 s.
 * The analysis of the imported run (fit, coherence with floors, report data) is timed separately.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../../src/core/rng.js';
import { analyseRunFolder, importRunFolder } from '../../src/pipeline/index.js';
import { Phi } from '../../src/stats/normal.js';
import { RunStore } from '../../src/store/index.js';

const OUTCOMES = 500;
const PER_ORDER = 10;

/** A results_<model>.json as compute_utilities writes it, answers drawn from planted Thurstonian utilities. */
function resultsFile(seed: number): string {
  const rng = new Rng(seed);
  const options = Array.from({ length: OUTCOMES }, (_, id) => ({ id, description: `Outcome number ${id} of the benchmark happens somewhere in the world.` }));
  const utility = Float64Array.from({ length: OUTCOMES }, () => rng.normal());
  const pairs = Math.floor(2 * OUTCOMES * Math.log2(OUTCOMES));
  const edges: Record<string, unknown> = {};
  const seen = new Set<number>();
  while (seen.size < pairs) {
    const a = rng.int(OUTCOMES);
    const b = rng.int(OUTCOMES);
    if (a === b || seen.has(a * OUTCOMES + b) || seen.has(b * OUTCOMES + a)) continue;
    seen.add(a * OUTCOMES + b);
    const p = Phi((utility[a] as number) - (utility[b] as number));
    // Original: a shown as "A"; flipped: b shown as "A", so choosing a is "B".
    const original = Array.from({ length: PER_ORDER }, () => (rng.next() < p ? 'A' : 'B'));
    const flipped = Array.from({ length: PER_ORDER }, () => (rng.next() < p ? 'B' : 'A'));
    const countA = original.filter((x) => x === 'A').length + flipped.filter((x) => x === 'B').length;
    edges[`(${a}, ${b})`] = {
      option_A: options[a],
      option_B: options[b],
      probability_A: countA / (2 * PER_ORDER),
      aux_data: {
        count_A: countA,
        count_B: 2 * PER_ORDER - countA,
        total_responses: 2 * PER_ORDER,
        original_responses: original,
        flipped_responses: flipped,
        original_parsed: original,
        flipped_parsed: flipped,
        unparseable_mode: 'skip',
      },
    };
  }
  return JSON.stringify({ options, utilities: {}, metrics: {}, graph_data: { options, edges, training_edges: [], training_edges_pool: [], holdout_edge_indices: [] } }, null, 2);
}

export default async function benchImport(): Promise<void> {
  const cwd = mkdtempSync(join(tmpdir(), 'utilscope-bench-import-'));
  try {
    const file = join(cwd, 'results_bench-70b.json');
    writeFileSync(file, resultsFile(1));
    const megabytes = statSync(file).size / 1e6;
    const env = { cwd, log: { write: () => true }, now: () => Date.now() };
    const t0 = performance.now();
    const folder = importRunFolder(file, { from: 'emergent-values-utilities' }, env);
    const t1 = performance.now();
    const store = RunStore.open(folder.dir);
    const answers = store.readStatus()?.answered ?? 0;
    const t2 = performance.now();
    analyseRunFolder(store);
    const t3 = performance.now();
    console.log(
      `emergent-values results file of ${megabytes.toFixed(1)} MB, ${OUTCOMES} outcomes, ${answers.toLocaleString('en-US')} answers: imported into a run folder in ${((t1 - t0) / 1000).toFixed(2)} s (target < 5 s); its analysis (fit, coherence with floors, values) then takes ${((t3 - t2) / 1000).toFixed(2)} s`,
    );
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}
