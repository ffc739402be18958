/**
 * The pipeline's own time per request, round by round (issue #21): a `core` run at K = 10 against the
 * in-process simulated provider (no HTTP, no latency), so the time between requests is utilscope's:
 * building the request, the simulated answer, parsing, appending to records.jsonl, progress and
 * status bookkeeping. Rounds are told apart by the progress events' round; a round's ask time runs
 * from its first progress event to its last answer, so planning and refits between rounds are not
 * in it (they are reported on their own). Flat per-request time from the first round to the last
 * is the point: a cost that grows with the plan shows up as a rising column.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type PipelineEnv, type RunProgress, startRun } from '../../../src/pipeline/index.js';
import { interactiveTransport, type Provider } from '../../../src/providers/index.js';

/** One round's ask phase: wall time, and the process's CPU time (user + system, every thread), which other load on a shared machine does not inflate. */
export interface RoundTiming {
  readonly round: number;
  readonly requests: number;
  readonly answers: number;
  readonly askMs: number;
  readonly cpuMs: number;
}

/** What a whole run took: every round's ask phase, and the time between rounds (planning and refits). */
export interface PerRoundResult {
  readonly rounds: readonly RoundTiming[];
  readonly totalMs: number;
  readonly betweenRoundsMs: number;
  readonly answers: number;
}

/** Runs `core` at `samples` per order against sim:7b in a temporary folder and times each round's asking. */
export async function perRoundTimes(samples = 10, outcomes = 'core'): Promise<PerRoundResult> {
  const cwd = mkdtempSync(join(tmpdir(), 'utilscope-bench-rounds-'));
  const quiet = { write: () => true };
  const marks: { round: number; at: number; cpu: number; answered: number; requests: number; end: number; endCpu: number; endAnswered: number; endRequests: number }[] = [];
  const cpuMs = () => {
    const used = process.cpuUsage();
    return (used.user + used.system) / 1000;
  };
  let requests = 0;
  let latestRound = -1;
  const onProgress = (p: RunProgress) => {
    // The last event (complete) comes after the final planning, which is not asking.
    if (p.complete) return;
    const at = performance.now();
    const cpu = cpuMs();
    if (p.round !== latestRound) {
      latestRound = p.round;
      marks.push({ round: p.round, at, cpu, answered: p.answered, requests, end: at, endCpu: cpu, endAnswered: p.answered, endRequests: requests });
    }
    const last = marks.at(-1);
    if (last) Object.assign(last, { end: at, endCpu: cpu, endAnswered: p.answered, endRequests: requests });
  };
  const env: PipelineEnv = {
    env: {},
    cwd,
    signal: new AbortController().signal,
    now: Date.now,
    out: quiet,
    log: quiet,
    progress: () => ({ notice: () => undefined, progress: onProgress, stop: () => undefined }),
    transport: (provider: Provider) => {
      const inner = interactiveTransport(provider);
      return {
        ...inner,
        complete: (request, signal) => {
          requests++;
          return inner.complete(request, signal);
        },
      };
    },
  };
  const started = performance.now();
  try {
    const end = await startRun({ model: 'sim:7b', outcomes, samples: String(samples), name: 'bench', report: false, concurrency: '64' }, env);
    if (end !== 'complete') throw new Error(`bench run ended ${end}`);
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
  const totalMs = performance.now() - started;
  const rounds = marks.map((m) => ({ round: m.round, requests: m.endRequests - m.requests, answers: m.endAnswered - m.answered, askMs: m.end - m.at, cpuMs: m.endCpu - m.cpu }));
  const askMs = rounds.reduce((s, r) => s + r.askMs, 0);
  return { rounds, totalMs, betweenRoundsMs: totalMs - askMs, answers: rounds.reduce((s, r) => s + r.answers, 0) };
}
