/**
 * Start-up and scale without cliffs (issue #21), measured against its targets and printed as one
 * table (README "Performance"):
 *   - start-up: `utilscope --help` and `utilscope outcomes list` as processes (median of 11 after a
 *     warm-up; wall, which a busy machine inflates, and CPU time);
 *   - the pipeline's own time per request in every round of a `core` run at K = 10 against the
 *     in-process simulated provider (scale/per-round.ts), wall and CPU (CPU counts V8's background
 *     GC threads too), each round's median of three runs; first and last round and the worst;
 *   - `utilscope fit` on a generated run whose records.jsonl is 1 GiB (5,000 outcomes, K = 10, about
 *     3.4 million answers; scale/big-run.ts): wall time and peak resident memory of the process;
 *   - `fit --pairs`'s reading of a 1,000,000-line pairs file: line by line as the CLI reads it, and
 *     the whole text at once as it did before, each in a process of its own.
 * Generated files go to the system's temp folder and are removed afterwards.
 * Run: npm run bench -- scale (UTILSCOPE_BENCH_RECORDS_GIB=0.1 for a quicker, smaller fit).
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeBigRun, writePairsFile, writeSyntheticOutcomeSet } from './scale/big-run.js';
import { distUrl, medianStartUp, runNodeModule, runUtilscope } from './scale/commands.js';
import { perRoundTimes, type RoundTiming } from './scale/per-round.js';

const ms = (x: number) => `${x.toFixed(0)} ms`;
const perRequest = (x: number) => `${x.toFixed(3)} ms`;
const mib = (x: number) => `${x.toFixed(0)} MiB`;

/** Reads the pairs file the way `fit --pairs` does now (line by line) or did (its whole text): pairs merged, seconds. */
const PARSE_PAIRS = `
const [how, file, setFile] = process.argv.slice(1);
const { loadOutcomeSet } = await import(${JSON.stringify(distUrl('store/index.js'))});
const { readExternalPairs } = await import(${JSON.stringify(distUrl('pipeline/fit-pairs.js'))});
const { parseExternalPairs } = await import(${JSON.stringify(distUrl('elicitation/index.js'))});
const { readFileSync } = await import('node:fs');
const set = loadOutcomeSet(setFile).set;
const started = performance.now();
const tallies = how === 'lines' ? readExternalPairs(file, set) : parseExternalPairs(readFileSync(file, 'utf8'), file, set.outcomes.map((o) => o.id));
console.log(tallies.length, (performance.now() - started) / 1000);
`;

export default async function benchScale(): Promise<void> {
  const rows: [string, string, string][] = [];

  const help = medianStartUp(['--help']);
  const list = medianStartUp(['outcomes', 'list']);
  const bare = runNodeModule('');
  rows.push(['`utilscope --help`, wall (CPU)', '< 150 ms', `${ms(help.wallMs)} (${ms(help.cpuMs)}; fastest ${ms(help.minWallMs)})`]);
  rows.push(['`utilscope outcomes list`, wall (CPU)', '< 150 ms', `${ms(list.wallMs)} (${ms(list.cpuMs)}; fastest ${ms(list.minWallMs)})`]);
  rows.push(['node itself, doing nothing (CPU)', '', `${ms(bare.wallMs)} (${ms(bare.cpuMs)})`]);

  // Three runs, each round's median: a shared machine's other load lands in one round of one run.
  const runs = [await perRoundTimes(10), await perRoundTimes(10), await perRoundTimes(10)];
  const rounds = runs[0] as Awaited<ReturnType<typeof perRoundTimes>>;
  const medianOf = (k: number, of: (r: RoundTiming) => number) => runs.map((run) => of(run.rounds[k] as RoundTiming)).sort((a, b) => a - b)[1] as number;
  const wall = rounds.rounds.map((_, k) => medianOf(k, (r) => r.askMs / r.requests));
  const cpu = rounds.rounds.map((_, k) => medianOf(k, (r) => r.cpuMs / r.requests));
  console.log('core at K = 10, sim:7b in process, concurrency 64, median of 3 runs: round, requests, answers, ms/request wall, CPU');
  for (const [k, r] of rounds.rounds.entries()) console.log(`  ${r.round}\t${r.requests}\t${r.answers}\t${perRequest(wall[k] as number)}\t${perRequest(cpu[k] as number)}`);
  console.log(`  ${rounds.answers} answers in ${(rounds.totalMs / 1000).toFixed(1)} s, of which ${(rounds.betweenRoundsMs / 1000).toFixed(1)} s planning and refitting between rounds (first run)`);
  const first = 0;
  const last = rounds.rounds.length - 1;
  rows.push([
    `pipeline time per request, core at K = 10, rounds 0–${last}: first / last / worst, wall (CPU)`,
    '< 0.3 ms every round',
    `${perRequest(wall[first] as number)} / ${perRequest(wall[last] as number)} / ${perRequest(Math.max(...wall))} (${perRequest(cpu[first] as number)} / ${perRequest(cpu[last] as number)} / ${perRequest(Math.max(...cpu))})`,
  ]);

  const work = mkdtempSync(join(tmpdir(), 'utilscope-bench-scale-'));
  try {
    const gib = Number(process.env['UTILSCOPE_BENCH_RECORDS_GIB'] ?? 1);
    const generated = performance.now();
    const big = writeBigRun(join(work, 'big'), gib * 2 ** 30);
    const recordsMiB = statSync(join(big.dir, 'records.jsonl')).size / 2 ** 20;
    console.log(
      `generated in ${((performance.now() - generated) / 1000).toFixed(0)} s: ${big.outcomes} outcomes, ${big.pairs} pairs, ${big.answers} answers; records.jsonl ${mib(recordsMiB)}, plan.jsonl ${mib(big.planBytes / 2 ** 20)}`,
    );
    const fit = runUtilscope(['fit', big.dir, '--json']);
    rows.push([
      `\`utilscope fit\` on records.jsonl of ${mib(recordsMiB)} (${big.outcomes} outcomes, ${(big.answers / 1e6).toFixed(2)} M answers; plan.jsonl ${mib(big.planBytes / 2 ** 20)}): peak memory, wall (CPU)`,
      '< 2 GB (2,048 MiB)',
      `${mib(fit.peakMiB)}, ${(fit.wallMs / 1000).toFixed(0)} s (${(fit.cpuMs / 1000).toFixed(0)} s)`,
    ]);
    rmSync(join(work, 'big'), { recursive: true, force: true });

    const { path: setFile, ids } = writeSyntheticOutcomeSet(join(work, 'pairs'), 5000);
    const pairsFile = writePairsFile(join(work, 'pairs'), ids, 1_000_000);
    const pairsMiB = statSync(pairsFile).size / 2 ** 20;
    for (const [how, label] of [
      ['lines', 'line by line (now)'],
      ['text', 'whole text (before)'],
    ] as const) {
      const read = runNodeModule(PARSE_PAIRS, [how, pairsFile, setFile]);
      const [pairs, seconds] = read.stdout.trim().split(' ').map(Number) as [number, number];
      rows.push([
        `\`fit --pairs\` reading 1,000,000 lines (${mib(pairsMiB)}) into ${pairs.toLocaleString('en')} pairs, ${label}: peak memory of the process, time`,
        '',
        `${mib(read.peakMiB)}, ${seconds.toFixed(1)} s`,
      ]);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }

  console.log('\n| measured (2-core machine, Node 20) | target | value |\n|---|---|---:|');
  for (const [what, target, value] of rows) console.log(`| ${what} | ${target} | ${value} |`);
}
