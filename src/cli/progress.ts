/**
 * Progress for long work (docs/architecture.md §"CLI"): a bar with done/total, rate, spend and ETA on a TTY
 * (cli-progress, on stderr), plain lines at every 10% otherwise, so logs stay readable in CI.
 */
import cliProgress from 'cli-progress';
import type { RunEvents, RunProgress } from '../pipeline/index.js';
import type { TextOut } from './io.js';

/** A RunEvents sink that draws progress to `out`; call `stop()` when the run ends. */
export function createProgressReporter(out: TextOut, label: string, now: () => number): RunEvents & { stop(): void } {
  const started = now();
  let lastPrinted = Number.NEGATIVE_INFINITY;
  let lastAnswered = -1;
  let bar: cliProgress.SingleBar | undefined;
  const rate = (p: RunProgress) => {
    const seconds = Math.max(1e-3, (now() - started) / 1000);
    return p.answered / seconds;
  };
  return {
    notice(line) {
      if (bar) bar.stop();
      bar = undefined;
      out.write(`${line}\n`);
    },
    progress(p) {
      if (out.isTTY) {
        if (!bar) {
          bar = new cliProgress.SingleBar(
            {
              stream: out as unknown as NodeJS.WritableStream,
              format: `${label} [{bar}] {value}/{total} answers | round {round} | {rate}/s | $${'{cost}'} | ETA {eta_formatted}`,
              hideCursor: true,
              clearOnComplete: false,
            },
            cliProgress.Presets.shades_classic,
          );
          bar.start(p.planned, p.answered, { round: p.round, rate: '0', cost: p.costUsd.toFixed(4) });
        }
        bar.setTotal(p.planned);
        bar.update(p.answered, { round: p.round, rate: rate(p).toFixed(1), cost: p.costUsd.toFixed(4) });
        return;
      }
      // Plain lines for logs: at most one every 10 s, plus the final one of each round.
      const t = now();
      const roundDone = p.answered === p.planned && p.answered !== lastAnswered;
      if (t - lastPrinted >= 10_000 || roundDone) {
        lastPrinted = t;
        lastAnswered = p.answered;
        out.write(`${label}: ${p.answered}/${p.planned} answers, round ${p.round}, ${rate(p).toFixed(0)}/s, $${p.costUsd.toFixed(4)}\n`);
      }
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
  };
}
