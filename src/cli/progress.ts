/**
 * Progress for long work (docs/architecture.md §"CLI"), on stderr. On a TTY one line redrawn in place:
 * label, bar, done/total answers, round, rate, spend and ETA, laid out by {@link progressLine} to fit
 * the terminal's width. Elsewhere plain lines at most every 10 s and at each round's end, so logs stay
 * readable in CI.
 *
 * Everything else written to stderr while a run draws (notices, the Ctrl-C line, the final resume
 * hint, errors) goes through {@link ProgressTerminal.log}, which first stops the bar and ends its line
 * with a newline, so nothing is overwritten by a later redraw.
 */
import { batchStateWords } from '../pipeline/batch-words.js';
import type { RunEvents, RunProgress } from '../pipeline/index.js';
import type { TextOut } from './io.js';

/** What a progress line shows besides the run's progress: its label and when this session started (ms). */
export interface ProgressSession {
  readonly label: string;
  readonly startedAtMs: number;
}

/** The width used when a TTY does not say its own (or says 0, as a pseudo-terminal without a size does). */
const DEFAULT_COLUMNS = 80;
/** The widest and narrowest bar worth drawing, in characters between the brackets. */
const BAR_MAX = 30;
const BAR_MIN = 10;
/** A TTY line is redrawn at most this often (ms on the run's clock); the last state is drawn on stop. */
const REDRAW_EVERY_MS = 100;
/** Plain (non-TTY) lines at most this often (ms), besides the one at each round's end. */
const PLAIN_EVERY_MS = 10_000;

/** Seconds as `42s`, `12m05s` or `3h07m`. */
function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** Answers per second in this session only: answers found on disk at its start are not counted. */
function sessionRate(p: RunProgress, session: ProgressSession, nowMs: number): number {
  const seconds = (nowMs - session.startedAtMs) / 1000;
  const done = p.answered - p.answeredAtStart;
  return seconds > 0 && done > 0 ? done / seconds : 0;
}

/** The session's batch in a few words: `batch in progress 120/400`, or undefined without one. */
function batchText(p: RunProgress): string | undefined {
  if (!p.batch) return undefined;
  const c = p.batch.counts;
  return `batch ${batchStateWords(p.batch.state)}${c ? ` ${c.succeeded + c.failed}/${c.total}` : ''}`;
}

/** The ETA text: `–` when the run is complete, nothing is left, or this session has no rate yet. */
function etaText(p: RunProgress, rate: number): string {
  const left = p.expectedTotal - p.answered;
  if (p.complete || left <= 0 || rate <= 0) return '–';
  return formatDuration(left / rate);
}

/**
 * The progress line for `columns` characters at `nowMs`, pure. Fields that do not fit are dropped in
 * this order: the bar, the round, the rate, the label, the batch's state; done/total, spend and ETA stay. The line is at
 * most `columns − 1` characters (writing the last column makes some terminals wrap), cut if even the
 * essentials do not fit.
 */
export function progressLine(p: RunProgress, columns: number, nowMs: number, session: ProgressSession): string {
  const width = Math.max(1, Math.floor(columns) - 1);
  const total = Math.max(p.expectedTotal, p.answered);
  const rate = sessionRate(p, session, nowMs);
  const done = `${p.answered}/${total} answers`;
  const cost = `$${p.costUsd.toFixed(4)}`;
  const eta = `ETA ${etaText(p, rate)}`;
  const round = `round ${p.round}`;
  const perSecond = `${rate.toFixed(1)}/s`;
  const batch = batchText(p);
  const withBatch = (fields: readonly string[]) => (batch ? [fields[0] as string, batch, ...fields.slice(1)] : fields);
  // In order of preference; a batch's state outlasts the label, which outlasts nothing else.
  const layouts: readonly { readonly fields: readonly string[]; readonly label: boolean }[] = [
    { fields: withBatch([done, round, perSecond, cost, eta]), label: true },
    { fields: withBatch([done, perSecond, cost, eta]), label: true },
    { fields: withBatch([done, cost, eta]), label: true },
    ...(batch ? [{ fields: withBatch([done, cost, eta]), label: false }] : []),
    { fields: [done, cost, eta], label: true },
  ];
  for (const [k, layout] of layouts.entries()) {
    const body = layout.fields.join(' | ');
    const line = layout.label ? `${session.label} ${body}` : body;
    if (k === 0) {
      const barWidth = Math.min(BAR_MAX, width - line.length - 3);
      if (barWidth >= BAR_MIN) {
        const filled = total > 0 ? Math.min(barWidth, Math.round((barWidth * p.answered) / total)) : 0;
        return `${session.label} [${'█'.repeat(filled)}${'░'.repeat(barWidth - filled)}] ${body}`;
      }
    }
    if (line.length <= width) return line;
  }
  const essentials = `${done} | ${cost} | ${eta}`;
  return essentials.slice(0, width);
}

/** The plain line for logs (no TTY): the same facts, no bar. */
function plainLine(p: RunProgress, nowMs: number, session: ProgressSession): string {
  const rate = sessionRate(p, session, nowMs);
  const batch = batchText(p);
  return `${session.label}: ${p.answered}/${Math.max(p.expectedTotal, p.answered)} answers, ${batch ? `${batch}, ` : ''}round ${p.round}, ${rate.toFixed(1)}/s, $${p.costUsd.toFixed(4)}, ETA ${etaText(p, rate)}\n`;
}

/** stderr as a run sees it: a log that never lands on the bar's line, and progress displays. */
export interface ProgressTerminal {
  /** Writes to stderr after stopping any bar being drawn (its line ended with a newline). */
  readonly log: TextOut;
  /** A RunEvents sink drawing progress for `label`; `stop()` ends its line and may be called more than once. */
  progress(label: string): RunEvents & { stop(): void };
}

/** The progress terminal over `out` (stderr), on the clock `now` (ms). */
export function createProgressTerminal(out: TextOut, now: () => number): ProgressTerminal {
  /** Stops the bar drawing now, if any. */
  let stopActive: (() => void) | undefined;
  const log: TextOut = {
    write(text: string) {
      stopActive?.();
      return out.write(text);
    },
    ...(out.isTTY !== undefined ? { isTTY: out.isTTY } : {}),
    ...(out.columns !== undefined ? { columns: out.columns } : {}),
  };
  const progress = (label: string): RunEvents & { stop(): void } => {
    const session: ProgressSession = { label, startedAtMs: now() };
    let latest: RunProgress | undefined;
    // TTY: whether the bar's line is open (drawn, not yet ended), and when it was last drawn.
    let open = false;
    let drawnAt = Number.NEGATIVE_INFINITY;
    let drawnLatest = true;
    // Plain lines: when the last one was printed, the count it printed at a round's end, and the batch state it showed.
    let printedAt = Number.NEGATIVE_INFINITY;
    let printedAnswered = -1;
    let printedBatch: string | undefined;
    const draw = () => {
      if (!latest) return;
      const t = now();
      out.write(`\r${progressLine(latest, out.columns !== undefined && out.columns > 0 ? out.columns : DEFAULT_COLUMNS, t, session)}\x1b[K`);
      open = true;
      drawnAt = t;
      drawnLatest = true;
      stopActive = stop;
    };
    function stop() {
      if (open) {
        if (!drawnLatest) draw();
        out.write('\n');
      }
      open = false;
      if (stopActive === stop) stopActive = undefined;
    }
    return {
      notice(line) {
        log.write(`${line}\n`);
      },
      progress(p) {
        latest = p;
        const t = now();
        if (out.isTTY) {
          drawnLatest = false;
          if (!open || t - drawnAt >= REDRAW_EVERY_MS || p.complete) draw();
          return;
        }
        const roundDone = p.answered === p.planned && p.answered !== printedAnswered;
        const batchMoved = p.batch !== undefined && `${p.batch.remoteId}|${p.batch.state}` !== printedBatch;
        if (t - printedAt >= PLAIN_EVERY_MS || roundDone || batchMoved) {
          printedAt = t;
          printedAnswered = p.answered;
          if (p.batch) printedBatch = `${p.batch.remoteId}|${p.batch.state}`;
          out.write(plainLine(p, t, session));
        }
      },
      stop,
    };
  };
  return { log, progress };
}
