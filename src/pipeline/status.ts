/**
 * `utilscope status <run-dir>`: where a run stands (docs/architecture.md §"Run folder"), recomputed
 * from its files rather than trusted from status.json — which a killed run leaves saying `running`
 * with stale counts. A reader: it takes no lock and writes nothing.
 *
 * The state is status.json's, except `running` with no live lock holder, which is `crashed` (the
 * process was killed, or its machine went down; `resume` continues it), and `not-started` for a
 * folder without status.json (created, never run).
 */
import { heartbeatIn, inspectRunLock, type RunState, RunStore, type StatusBatch } from '../store/index.js';
import { batchStateWords } from './batch-words.js';
import type { PipelineEnv } from './env.js';

/** What `status` says a run is doing. */
export type RunStatusState = RunState | 'crashed' | 'not-started';

/**
 * Where a run stands, as plain data (also the `status --json` shape):
 *
 *   { dir, state, recordedState?, message?, planned, answered, failures, costUsd, round,
 *     skippedLines, updatedAt?, holder?: { pid, host, startedAt, heartbeatAt?, alive },
 *     batch?: { token, remoteId?, provider, state, counts?: { total, succeeded, failed }, at } }
 *
 * `planned`, `answered` (distinct keys with an answer), `failures` (distinct keys with a failure
 * and no answer), `costUsd` (sum over answers) and `round` (the latest planned) are counted from
 * plan.jsonl and records.jsonl. `recordedState`, `message` and `updatedAt` are status.json's.
 * `holder` is the process holding run.lock (or, with no lock, the last one status.json names),
 * with whether it is still alive. `skippedLines` counts torn lines skipped in the middle of files.
 * `batch` is status.json's latest state of the run's batch (as of `batch.at`), when it asks
 * through a batch API: the batch keeps running at the provider whether or not a process waits on it.
 */
export interface RunStatusReport {
  readonly dir: string;
  readonly state: RunStatusState;
  readonly recordedState?: RunState;
  readonly message?: string;
  readonly planned: number;
  readonly answered: number;
  readonly failures: number;
  readonly costUsd: number;
  readonly round: number;
  readonly skippedLines: number;
  readonly updatedAt?: string;
  readonly holder?: { readonly pid: number; readonly host: string; readonly startedAt: string; readonly heartbeatAt?: string; readonly alive: boolean };
  readonly batch?: StatusBatch;
}

/** The status of run folder `dir`, recomputed from its files; `run-not-found` when it is not one. Reads only. */
export function runStatus(dir: string, env: Pick<PipelineEnv, 'now'> = { now: Date.now }): RunStatusReport {
  const store = RunStore.open(dir);
  const recorded = store.readStatus();
  // Both files streamed line by line: memory for the distinct keys, not for the records.
  const plannedKeys = new Set<string>();
  let round = 0;
  for (const p of store.streamPlan()) {
    round = Math.max(round, p.round);
    for (const c of p.comparisons) plannedKeys.add(c.key);
  }
  const answered = new Set<string>();
  const failed = new Set<string>();
  let costUsd = 0;
  for (const r of store.streamRecords()) {
    if (r.kind !== 'answer') {
      failed.add(r.key);
      continue;
    }
    answered.add(r.key);
    costUsd += r.costUsd;
  }
  let failures = 0;
  for (const key of failed) if (!answered.has(key)) failures++;
  const lock = inspectRunLock(dir, env.now(), heartbeatIn(dir));
  const live = lock?.live ?? false;
  // The lock's holder, or with no lock the last one status.json names (gone, then).
  const seen = lock?.holder ?? recorded?.holder;
  const heartbeatAt = lock ? lock.heartbeatAt : recorded?.holder?.heartbeatAt;
  const holder: RunStatusReport['holder'] = seen && { pid: seen.pid, host: seen.host, startedAt: seen.startedAt, ...(heartbeatAt ? { heartbeatAt } : {}), alive: lock?.holder !== undefined && live };
  const state: RunStatusState = !recorded ? (live ? 'running' : 'not-started') : recorded.state === 'running' && !live ? 'crashed' : recorded.state;
  const skipped = Object.values(store.skippedLines()).reduce((sum, lines) => sum + lines.length, 0);
  return {
    dir,
    state,
    ...(recorded ? { recordedState: recorded.state } : {}),
    ...(recorded?.message !== undefined ? { message: recorded.message } : {}),
    planned: plannedKeys.size,
    answered: answered.size,
    failures,
    costUsd,
    round,
    skippedLines: skipped,
    ...(recorded ? { updatedAt: recorded.updatedAt } : {}),
    ...(holder ? { holder } : {}),
    ...(recorded?.batch ? { batch: recorded.batch } : {}),
  };
}

/** A batch's state in one line: `batch batch_abc at OpenAI: in progress, 120 of 400 requests done (3 failed), as of <time>`. */
export function batchStatusLine(batch: StatusBatch): string {
  const id = batch.remoteId ?? `with token ${batch.token} (id not yet known)`;
  const c = batch.counts;
  const done = c ? `, ${c.succeeded + c.failed} of ${c.total} requests done${c.failed > 0 ? ` (${c.failed} failed)` : ''}` : '';
  return `batch ${id} at ${batch.provider}: ${batchStateWords(batch.state)}${done}, as of ${batch.at}`;
}

/** `status` in words: the state and what to do about it, then the counts. */
export function runStatusText(report: RunStatusReport): string {
  const resume = `resume with: utilscope resume ${report.dir}`;
  const who = report.holder ? `pid ${report.holder.pid} on host ${report.holder.host}` : 'its process';
  const head: Record<RunStatusState, string> = {
    running: `running (${who} since ${report.holder?.startedAt ?? '?'}${report.holder?.heartbeatAt ? `, last heartbeat ${report.holder.heartbeatAt}` : ''})`,
    crashed: `crashed: status.json says running, but ${who} is gone; ${resume}`,
    error: `error: ${report.message ?? 'unknown'}; ${resume}`,
    cancelled: `cancelled${report.message ? ` (${report.message})` : ''}; ${resume}`,
    complete: 'complete',
    'not-started': `not started; ${resume}`,
    waiting: `waiting for its batch, which keeps running at the provider; collect it with: utilscope resume ${report.dir}`,
  };
  const share = report.planned > 0 ? ` (${((100 * report.answered) / report.planned).toFixed(1)}%)` : '';
  const lines = [
    `${report.dir}: ${head[report.state]}`,
    `  answered ${report.answered} of ${report.planned} planned${share}, ${report.failures} failed, round ${report.round}, cost $${report.costUsd.toFixed(4)}`,
  ];
  if (report.batch) lines.push(`  ${batchStatusLine(report.batch)}`);
  if (report.updatedAt) lines.push(`  status.json last written ${report.updatedAt}`);
  if (report.skippedLines > 0) lines.push(`  ${report.skippedLines} torn line${report.skippedLines > 1 ? 's' : ''} skipped (left by an interrupted write; nothing else lost)`);
  return `${lines.join('\n')}\n`;
}
