/**
 * Writes a large, valid run folder for the memory benchmarks (issue #21): a synthetic outcome set
 * (default 5,000 outcomes with ids as long as the built-in sets'), a `utilities` run of sim:7b at
 * K = 10, and plan.jsonl and records.jsonl with random pairs answered by a planted Thurstonian
 * respondent, round after round, until records.jsonl reaches the size asked for (default 1 GiB:
 * about 3.5 million answers). Records are written in the exact form the run loop appends; plan
 * lines with their comparison keys, holdout first. The folder is made by the library's own
 * functions (spec, run.json, outcomes.json, template.txt), so `utilscope fit <dir>` reads it as any run.
 *
 *   node --import tsx test/bench/scale/big-run.ts <dir> [--gib 1] [--outcomes 5000]
 *
 * Never commit what it writes.
 */
import { closeSync, mkdirSync, openSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rng } from '../../../src/core/rng.js';
import { type PreferenceRecord, SCHEMA_VERSION } from '../../../src/core/types.js';
import { recordHead } from '../../../src/elicitation/comparisons.js';
import { PARSER_VERSION } from '../../../src/elicitation/parse-answer.js';
import { builtinExperiments, experimentContext, parseExperimentConfig } from '../../../src/experiments/index.js';
import { openRunFolder, resolveRunSpec } from '../../../src/pipeline/index.js';
import { Phi } from '../../../src/stats/index.js';
import { loadOutcomeSet, loadTemplate } from '../../../src/store/index.js';

/** What was written. */
export interface BigRun {
  readonly dir: string;
  readonly outcomes: number;
  readonly pairs: number;
  readonly answers: number;
  readonly recordsBytes: number;
  readonly planBytes: number;
}

/** Pairs planned per round after the first. */
const ROUND_PAIRS = 10_000;
/** Pairs held out in round 0. */
const HOLDOUT_PAIRS = 1_000;

/** Writes `synthetic-<n>.json` into `dir`, an outcome set of `n` outcomes with ids as long as the built-in sets'; returns its path and ids. */
export function writeSyntheticOutcomeSet(dir: string, n: number): { path: string; ids: string[] } {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `synthetic-${n}.json`);
  const ids = Array.from({ length: n }, (_, k) => `a-synthetic-outcome-number-${String(k).padStart(5, '0')}-happens-today`);
  writeFileSync(
    path,
    JSON.stringify({
      name: `synthetic-${n}`,
      description: 'generated for the memory benchmarks',
      outcomes: ids.map((id, k) => ({ id, text: `Synthetic outcome number ${k} happens today.`, clusters: [] })),
    }),
  );
  return { path, ids };
}

/** Writes `pairs.jsonl` into `dir`: `lines` lines of random pairs of `ids` with 0–5 wins each (fit --pairs input); returns its path. */
export function writePairsFile(dir: string, ids: readonly string[], lines: number): string {
  const path = join(dir, 'pairs.jsonl');
  const rng = new Rng('big-pairs');
  const fd = openSync(path, 'w');
  try {
    for (let written = 0; written < lines; ) {
      const batch: string[] = [];
      for (; batch.length < 10_000 && written < lines; written++) {
        const i = rng.int(ids.length);
        const j = (i + 1 + rng.int(ids.length - 1)) % ids.length;
        batch.push(`${JSON.stringify({ a: ids[i], b: ids[j], aWins: rng.int(6), bWins: rng.int(6) })}\n`);
      }
      writeSync(fd, batch.join(''));
    }
  } finally {
    closeSync(fd);
  }
  return path;
}

/** Writes the run folder `<dir>/run` (`dir` must be new) with records.jsonl of at least `bytes` bytes. */
export function writeBigRun(dir: string, bytes: number, outcomeCount = 5000): BigRun {
  const { path: setFile, ids } = writeSyntheticOutcomeSet(dir, outcomeCount);
  const loaded = loadOutcomeSet(setFile);
  const template = loadTemplate();
  const experiment = builtinExperiments.get('utilities');
  const spec = resolveRunSpec({ model: 'sim:7b', samples: '10', seed: '1' }, experiment, loaded, template);
  const quiet = { write: () => true };
  const runDir = join(dir, 'run');
  const store = openRunFolder(runDir, spec, experiment, loaded, template, true, { now: Date.now, log: quiet });
  store.close();
  const ctx = experimentContext(spec, parseExperimentConfig(experiment, spec.experiment), loaded.set);
  const rng = new Rng('big-run');
  const utility = ids.map(() => rng.normal());
  const index = new Map(ids.map((id, k) => [id, k] as const));
  const seen = new Set<number>();
  const plan = openSync(join(runDir, 'plan.jsonl'), 'a');
  const records = openSync(join(runDir, 'records.jsonl'), 'a');
  let recordsBytes = 0;
  let planBytes = 0;
  let pairs = 0;
  let answers = 0;
  const write = (fd: number, lines: string[]) => {
    const buffer = Buffer.from(lines.join(''), 'utf8');
    writeSync(fd, buffer);
    return buffer.length;
  };
  try {
    for (let round = 0; recordsBytes < bytes; round++) {
      const count = round === 0 ? HOLDOUT_PAIRS + ROUND_PAIRS : ROUND_PAIRS;
      const chosen: [string, string][] = [];
      while (chosen.length < count) {
        const i = rng.int(outcomeCount);
        const j = rng.int(outcomeCount);
        const id = Math.min(i, j) * outcomeCount + Math.max(i, j);
        if (i === j || seen.has(id)) continue;
        seen.add(id);
        chosen.push([ids[i] as string, ids[j] as string]);
      }
      const planned = [...ctx.expand(chosen.slice(0, round === 0 ? HOLDOUT_PAIRS : 0), round, true), ...ctx.expand(chosen.slice(round === 0 ? HOLDOUT_PAIRS : 0), round, false)];
      planBytes += write(
        plan,
        planned.map((p) => `${JSON.stringify({ v: SCHEMA_VERSION, ...p })}\n`),
      );
      const lines: string[] = [];
      for (const p of planned) {
        const pA = Phi(((utility[index.get(p.a) as number] as number) - (utility[index.get(p.b) as number] as number)) / Math.SQRT2);
        for (const c of p.comparisons) {
          const choice = rng.next() < pA ? 'a' : 'b';
          const slot = (choice === 'a') === (c.order === 'ab') ? 'A' : 'B';
          const record: PreferenceRecord = {
            ...recordHead(c, 'answer'),
            raw: slot,
            parserVersion: PARSER_VERSION,
            usage: { inputTokens: 61, outputTokens: 1 },
            costUsd: 0,
            latencyMs: 12,
            attempts: 1,
            choice,
          };
          lines.push(`${JSON.stringify(record)}\n`);
        }
      }
      recordsBytes += write(records, lines);
      pairs += planned.length;
      answers += lines.length;
    }
  } finally {
    closeSync(plan);
    closeSync(records);
  }
  return { dir: runDir, outcomes: outcomeCount, pairs, answers, recordsBytes, planBytes };
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [target, ...rest] = process.argv.slice(2);
  if (!target) throw new Error('usage: big-run.ts <dir> [--gib 1] [--outcomes 5000]');
  const option = (name: string, fallback: number) => {
    const k = rest.indexOf(name);
    return k >= 0 ? Number(rest[k + 1]) : fallback;
  };
  const written = writeBigRun(resolve(target), option('--gib', 1) * 2 ** 30, option('--outcomes', 5000));
  console.log(
    `${written.dir}: ${written.outcomes} outcomes, ${written.pairs} pairs, ${written.answers} answers; records.jsonl ${(statSync(join(written.dir, 'records.jsonl')).size / 2 ** 20).toFixed(0)} MiB, plan.jsonl ${(written.planBytes / 2 ** 20).toFixed(0)} MiB`,
  );
}
