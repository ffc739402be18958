/**
 * `utilscope fit --pairs … --json` as a whole process (issue #21, "analysis at the speed of the
 * fit"): start-up, reading the file, the fit with Laplace intervals and coherence with its floors
 * and 200 bootstrap replicates (on a worker thread while the fit runs), on generated pairs files:
 *   - 510 outcomes × 10,000 pairs × 20 answers (8 clusters): with coherence, and with --no-coherence;
 *   - the same design with 10 answers per pair and with 10⁹ (the floors' and the bootstrap's cost
 *     must not grow with the counts);
 *   - 2,000 outcomes × 1,000,000 pairs × 20 answers: a dense design, whose 1.7·10⁸ triangles are
 *     sampled (peak memory is the point; it used to die at 5 GB in coherence).
 * Beside them, where Python 3 with scipy is installed (Debian: python3-scipy), the issue's own
 * yardstick: a plain scipy L-BFGS Thurstonian fit of the same 510 × 10,000 file as a whole Python
 * process (reference/thurstonian-scipy.py), run in turn with ours, and the ratios ours / scipy,
 * which do not depend on the machine the way seconds do.
 * Each case: median wall time of `runs` processes, and the largest peak resident set among them
 * (the child reports its own getrusage maxRSS). Run: npm run bench -- fit-pairs
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Rng } from '../../src/core/rng.js';
import { Phi } from '../../src/stats/normal.js';

const ROOT = resolve(import.meta.dirname, '../..');

/** An outcome set of n outcomes in `clusters` clusters and a JSONL pairs file of `pairs` distinct pairs, a's wins from planted utilities. */
function writeDesign(dir: string, name: string, n: number, pairs: number, answers: number, clusters: number): { outcomes: string; pairs: string } {
  const rng = new Rng(`fit-pairs-${n}-${pairs}`);
  const utility = Float64Array.from({ length: n }, () => rng.normal());
  const outcomes = Array.from({ length: n }, (_, k) => ({ id: `o${k}`, text: `Outcome ${k}.`, clusters: clusters > 0 ? [`c${k % clusters}`] : [] }));
  const outcomesFile = join(dir, `${name}.outcomes.json`);
  writeFileSync(outcomesFile, JSON.stringify({ name, outcomes }));
  const seen = new Set<number>();
  const lines: string[] = [];
  while (lines.length < pairs) {
    const a = rng.int(n);
    const b = rng.int(n);
    if (a === b || seen.has(Math.min(a, b) * n + Math.max(a, b))) continue;
    seen.add(Math.min(a, b) * n + Math.max(a, b));
    // The expected share, rounded: the same design for every count, and no draw per answer at 10⁹.
    const wins = Math.round(answers * Phi((utility[a] as number) - (utility[b] as number)));
    lines.push(JSON.stringify({ a: `o${a}`, b: `o${b}`, aWins: wins, bWins: answers - wins }));
  }
  const pairsFile = join(dir, `${name}.jsonl`);
  writeFileSync(pairsFile, `${lines.join('\n')}\n`);
  return { outcomes: outcomesFile, pairs: pairsFile };
}

/** The CLI as bin/ runs it (the bundle), in a child that prints its own peak resident set (bytes) last on stderr. */
const CHILD = `import { main } from ${JSON.stringify(join(ROOT, 'dist/bundle/main.js'))};
const code = await main(process.argv.slice(1), { env: process.env, stdout: { write: () => true }, stderr: process.stderr, cwd: process.cwd() });
process.stderr.write('\\nmaxRSS ' + process.resourceUsage().maxRSS * 1024 + '\\n');
process.exitCode = code;`;

function timeProcess(args: readonly string[], runs: number, command: readonly string[] = [process.execPath, '--input-type=module', '-e', CHILD]): { seconds: number; peakMB: number } {
  const times: number[] = [];
  let peak = 0;
  for (let r = 0; r < runs; r++) {
    const started = performance.now();
    const child = spawnSync(command[0] as string, [...command.slice(1), ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
    times.push((performance.now() - started) / 1000);
    if (child.status !== 0) throw new Error(`fit failed (${child.status}): ${child.stderr}`);
    peak = Math.max(peak, Number(/maxRSS (\d+)/.exec(child.stderr)?.[1] ?? 0));
  }
  times.sort((x, y) => x - y);
  return { seconds: times[times.length >> 1] as number, peakMB: peak / 2 ** 20 };
}

export default async function benchFitPairs(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'utilscope-fit-pairs-'));
  const fitArgs = (files: { outcomes: string; pairs: string }, ...extra: string[]) => ['fit', '--outcomes', files.outcomes, '--pairs', files.pairs, '--json', ...extra];
  console.log('| case | wall s (median) | peak RSS MB |');
  console.log('|---|---:|---:|');
  const row = (label: string, t: { seconds: number; peakMB: number }) => console.log(`| ${label} | ${t.seconds.toFixed(2)} | ${t.peakMB.toFixed(0)} |`);
  const mid = writeDesign(dir, 'mid', 510, 10_000, 20, 8);
  const withCoherence = timeProcess(fitArgs(mid), 5);
  const fitAlone = timeProcess(fitArgs(mid, '--no-coherence'), 5);
  row('510 outcomes × 10,000 pairs × 20 answers, coherence with floors and intervals', withCoherence);
  row('the same, --no-coherence (the fit alone)', fitAlone);
  // Machine-independent: what coherence (on its worker thread) adds to the fit alone, in one run.
  console.log(`| ratio: with coherence / fit alone | ${(withCoherence.seconds / fitAlone.seconds).toFixed(2)} | ${(withCoherence.peakMB / fitAlone.peakMB).toFixed(2)} |`);
  const ten = writeDesign(dir, 'ten', 510, 10_000, 10, 8);
  const billion = writeDesign(dir, 'billion', 510, 10_000, 1e9, 8);
  const tenWhole = timeProcess(fitArgs(ten), 5);
  const billionWhole = timeProcess(fitArgs(billion), 5);
  const tenFit = timeProcess(fitArgs(ten, '--no-coherence'), 5);
  const billionFit = timeProcess(fitArgs(billion, '--no-coherence'), 5);
  row('510 × 10,000, 10 answers per pair', tenWhole);
  row('510 × 10,000, 10⁹ answers per pair', billionWhole);
  // The "10⁹ as fast as 10", machine-independent: the whole command, and the fit alone.
  console.log(`| ratio: 10⁹ / 10 answers per pair, whole command | ${(billionWhole.seconds / tenWhole.seconds).toFixed(2)} | |`);
  console.log(`| ratio: 10⁹ / 10 answers per pair, --no-coherence (the fit alone) | ${(billionFit.seconds / tenFit.seconds).toFixed(2)} | |`);
  const python = ['/usr/bin/python3', 'python3'].find((py) => spawnSync(py, ['-c', 'import scipy'], { encoding: 'utf8' }).status === 0);
  if (python) {
    // In turn, so a drift of the machine's speed moves both: ours with coherence, scipy, ours without.
    const ours: number[] = [];
    const alone: number[] = [];
    const scipy: number[] = [];
    for (let r = 0; r < 5; r++) {
      ours.push(timeProcess(fitArgs(mid), 1).seconds);
      scipy.push(timeProcess([join(import.meta.dirname, 'reference/thurstonian-scipy.py'), mid.outcomes, mid.pairs], 1, [python]).seconds);
      alone.push(timeProcess(fitArgs(mid, '--no-coherence'), 1).seconds);
    }
    const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[xs.length >> 1] as number;
    console.log(`| yardstick: plain scipy L-BFGS Thurstonian fit, whole Python process (no intervals, no coherence) | ${median(scipy).toFixed(2)} | |`);
    console.log(`| ratio: ours with coherence, floors and intervals / scipy | ${(median(ours) / median(scipy)).toFixed(2)} | |`);
    console.log(`| ratio: ours --no-coherence (fit and Laplace intervals) / scipy | ${(median(alone) / median(scipy)).toFixed(2)} | |`);
  } else console.log('| yardstick: scipy not installed (apt-get install python3-scipy), skipped | | |');
  const dense = writeDesign(dir, 'dense', 2000, 1_000_000, 20, 8);
  row('2,000 outcomes × 1,000,000 pairs × 20 answers (triangles sampled)', timeProcess(fitArgs(dense), 1));
}
