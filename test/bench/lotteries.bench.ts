/**
 * Lotteries speed (issue "Expected-utility coherence"): a whole `run --experiment lotteries` on the
 * simulated 7B respondent (100 generated lotteries), then its analysis alone through `report` — the
 * joint fit with 2 contrasts per lottery, 1,000 bootstrap draws per group and 12 refits for the floors.
 */
import { join } from 'node:path';
import { runCli, tempCwd } from '../helpers/run-cli.js';

async function timed(argv: string[], cwd: string): Promise<number> {
  const t0 = performance.now();
  const r = await runCli(argv, { cwd });
  if (r.code !== 0) throw new Error(r.stderr);
  return (performance.now() - t0) / 1000;
}

export default async function benchLotteries(): Promise<void> {
  for (const [outcomes, samples] of [
    ['starter', '5'],
    ['core', '2'],
  ] as const) {
    const cwd = tempCwd();
    const run = await timed(['run', '--experiment', 'lotteries', '--model', 'sim:7b', '--outcomes', outcomes, '--samples', samples, '--name', 'b', '--no-report'], cwd);
    const report = await timed(['report', join(cwd, 'outputs', 'b')], cwd);
    console.log(`${outcomes} + 100 lotteries, ${samples} samples per order: asking ${run.toFixed(1)} s; analysis, floors and report ${report.toFixed(1)} s`);
  }
}
