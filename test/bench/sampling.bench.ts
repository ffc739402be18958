/**
 * Adaptive sampling per pair against the published protocol (docs/method.md §4.11; issue #21): on
 * the `core` set (390 outcomes) and simulated respondents of three sizes plus one that answers mostly
 * by position near indifference, how many training completions each design needs before its fitted
 * utilities reach Spearman 0.95 and 0.99 with the planted ones, and the held-out log-loss and
 * calibration of both at equal budgets (the completions at which the published protocol reaches each
 * target). Both designs are what the CLI resolves: `--preset paper` (K = 10 per order, rounds of 500,
 * the paper rule, 2·N·log₂N pairs, unparseable = ½) and `--preset paper --strategy adaptive` (the
 * same budget, K and held-out pairs; 1 to 10 samples per order per pair). Same seeds, respondents and
 * held-out answers for both; the ratios (adaptive / published) are measured in this one run.
 *
 * A second table puts every strategy on the same footing at sim:7b (`BENCH_STRATEGIES=none` skips it).
 * `BENCH_SEEDS=1,2,3` sets the seeds (default 1,2); `BENCH_RESPONDENTS=0.5b,7b` a subset.
 */
import { createSimRespondent, type SimRespondent } from '../../src/providers/sim.js';
import { answersToReach, type CurvePoint, type DesignRun, pointAt, resolveSpec, runDesign } from '../helpers/sampling-harness.js';

const TARGETS = [0.95, 0.99] as const;

interface RespondentCase {
  readonly key: string;
  readonly label: string;
  readonly model: string;
  readonly make: (set: Parameters<typeof createSimRespondent>[1], seed: number) => SimRespondent;
}

const RESPONDENTS: readonly RespondentCase[] = [
  { key: '0.5b', label: 'sim:0.5b', model: 'sim:0.5b', make: (outcomes, seed) => createSimRespondent(0.5e9, outcomes, seed) },
  { key: '7b', label: 'sim:7b', model: 'sim:7b', make: (outcomes, seed) => createSimRespondent(7e9, outcomes, seed) },
  { key: '70b', label: 'sim:70b', model: 'sim:70b', make: (outcomes, seed) => createSimRespondent(70e9, outcomes, seed) },
  {
    key: 'position',
    label: 'sim:70b by position (bias 0.6, utilities × 0.25)',
    model: 'sim:70b',
    make: (outcomes, seed) => createSimRespondent(70e9, outcomes, seed, { answering: { positionBias: 0.6, utilityScale: 0.25 } }),
  },
];

interface Measured {
  readonly reach: readonly (number | undefined)[];
  readonly atBudget: readonly CurvePoint[];
  readonly rounds: number;
  readonly pairs: number;
}

const fmt = (x: number | undefined, digits = 0) =>
  x === undefined || !Number.isFinite(x) ? 'not reached' : x.toLocaleString('en-GB', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const mean = (xs: readonly (number | undefined)[]) => (xs.every((x) => x !== undefined) ? (xs as number[]).reduce((a, b) => a + b, 0) / xs.length : undefined);

/** Runs `run` on, with the curve at each round boundary, until both targets are reached and the budgets covered. */
function measure(values: Record<string, string | number>, respondent: SimRespondent, model: string, truth: Float64Array, budgets: readonly number[]): { run: DesignRun; curve: CurvePoint[] } {
  const { spec, set } = resolveSpec(values, 'core', model);
  const curve: CurvePoint[] = [];
  const run = runDesign(spec, set, respondent, (sofar) => {
    curve.push(pointAt(sofar, set, truth, sofar.trainingLog.length));
    const reached = curve.some((p) => p.rho >= (TARGETS.at(-1) as number));
    return reached && budgets.every((b) => sofar.trainingLog.length >= b);
  });
  return { run, curve };
}

export default async function benchSampling(): Promise<void> {
  const seeds = (process.env['BENCH_SEEDS'] ?? '1,2').split(',').map(Number);
  const wanted = process.env['BENCH_RESPONDENTS']?.split(',');
  const cases = RESPONDENTS.filter((c) => !wanted || wanted.includes(c.key));
  const { set } = resolveSpec({ preset: 'paper' }, 'core', 'sim:7b');
  console.log(`core (${set.outcomes.length} outcomes); seeds ${seeds.join(', ')}; training completions (held-out pairs asked alike by both: 1,000 × 20)`);
  const rows: string[] = [];
  const detail: string[] = [];
  // Answers to each target by `${respondent}|${strategy}|${seed}`, so the strategies table reuses the runs above.
  const reachOf = new Map<string, readonly (number | undefined)[]>();
  for (const c of cases) {
    const published: Measured[] = [];
    const adaptive: Measured[] = [];
    for (const seed of seeds) {
      const respondent = c.make(set.outcomes, seed);
      const truth = Float64Array.from(set.outcomes, (o) => respondent.planted(o.text).utility);
      const started = Date.now();
      // The published protocol runs to its end (its rounds are cheap); its answers at each target are the equal budgets.
      const paper = measure({ preset: 'paper', seed }, respondent, c.model, truth, [Number.POSITIVE_INFINITY]);
      const paperFull = paper.curve;
      const paperReach = TARGETS.map((t) => answersToReach(paper.run, set, truth, paperFull, t));
      const budgets = paperReach.map((r) => r ?? paper.run.trainingLog.length);
      const ours = measure({ preset: 'paper', strategy: 'adaptive', seed }, respondent, c.model, truth, budgets);
      const oursReach = TARGETS.map((t) => answersToReach(ours.run, set, truth, ours.curve, t));
      reachOf.set(`${c.key}|paper|${seed}`, paperReach);
      reachOf.set(`${c.key}|adaptive|${seed}`, oursReach);
      const roundsTo = (run: DesignRun, answers: number | undefined) => (answers === undefined ? run.rounds : run.boundaries.findIndex((b) => b >= answers) + 1);
      published.push({ reach: paperReach, atBudget: budgets.map((b) => pointAt(paper.run, set, truth, Math.round(b))), rounds: roundsTo(paper.run, paperReach[1]), pairs: paper.run.pairs });
      adaptive.push({ reach: oursReach, atBudget: budgets.map((b) => pointAt(ours.run, set, truth, Math.round(b))), rounds: roundsTo(ours.run, oursReach[1]), pairs: ours.run.pairs });
      // Requests where a provider takes K samples per request (OpenAI's n, the simulator): the published
      // protocol's 10 samples of a pair and order share one, the adaptive design's units cannot.
      const requests = (run: DesignRun, answers: number | undefined) => (answers === undefined ? undefined : run === paper.run ? answers / run.spec.sampling.samplesPerOrder : answers);
      detail.push(
        `| ${c.label} | ${seed} | ${paperReach.map((r) => fmt(r)).join(' / ')} | ${oursReach.map((r) => fmt(r)).join(' / ')} | ${published.at(-1)?.rounds} / ${adaptive.at(-1)?.rounds} | ${fmt(requests(paper.run, paperReach[1]))} / ${fmt(requests(ours.run, oursReach[1]))} | ${paper.run.pairs.toLocaleString('en-GB')} / ${ours.run.pairs.toLocaleString('en-GB')} | ${fmt(paperFull.at(-1)?.rho, 4)} | ${Math.round((Date.now() - started) / 1000)} s |`,
      );
    }
    const ratio = (k: number) => {
      const a = mean(adaptive.map((m) => m.reach[k]));
      const p = mean(published.map((m) => m.reach[k]));
      return a === undefined ? 'not reached' : p === undefined ? `< ${fmt(a / mean(published.map((m) => m.atBudget[k]?.answers))!, 2)}` : fmt(a / p, 2);
    };
    const at = (list: Measured[], k: number, pick: (p: CurvePoint) => number) => mean(list.map((m) => (m.atBudget[k] ? pick(m.atBudget[k] as CurvePoint) : undefined)));
    rows.push(
      `| ${c.label} | ${TARGETS.map((_, k) => `${fmt(mean(published.map((m) => m.reach[k])))} → ${fmt(mean(adaptive.map((m) => m.reach[k])))} (**${ratio(k)}**)`).join(' | ')} | ${TARGETS.map(
        (_, k) =>
          `${fmt(
            at(published, k, (p) => p.logLoss),
            4,
          )} / ${fmt(
            at(adaptive, k, (p) => p.logLoss),
            4,
          )}`,
      ).join(' | ')} | ${TARGETS.map(
        (_, k) =>
          `${fmt(
            at(published, k, (p) => p.calibrationError),
            3,
          )} / ${fmt(
            at(adaptive, k, (p) => p.calibrationError),
            3,
          )}`,
      ).join(' | ')} |`,
    );
  }
  console.log(
    '\n| respondent | completions to ρ ≥ 0.95: published → adaptive (ratio) | to ρ ≥ 0.99 | held-out log-loss at published ρ 0.95 budget (published / adaptive) | at ρ 0.99 budget | calibration error at ρ 0.95 budget | at ρ 0.99 budget |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const row of rows) console.log(row);
  console.log(
    '\n| respondent | seed | published to 0.95 / 0.99 | adaptive to 0.95 / 0.99 | rounds to 0.99 (published / adaptive) | requests to 0.99, K samples per request allowed | distinct pairs asked | published final ρ | time |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const row of detail) console.log(row);

  // Every strategy on one footing (README, "Choosing pairs"): sim:7b, the published protocol's K, rounds and budget.
  if (process.env['BENCH_STRATEGIES'] === 'none') return;
  const strategies = ['random', 'paper', 'uncertainty', 'adaptive'] as const;
  const seven = RESPONDENTS.find((c) => c.key === '7b') as RespondentCase;
  const reached = strategies.map(() => TARGETS.map(() => [] as (number | undefined)[]));
  for (const seed of seeds) {
    const respondent = seven.make(set.outcomes, seed);
    const truth = Float64Array.from(set.outcomes, (o) => respondent.planted(o.text).utility);
    strategies.forEach((strategy, k) => {
      const known = reachOf.get(`${seven.key}|${strategy}|${seed}`);
      const measured =
        known ??
        (() => {
          const { run, curve } = measure({ preset: 'paper', strategy, seed }, respondent, seven.model, truth, []);
          return TARGETS.map((t) => answersToReach(run, set, truth, curve, t));
        })();
      TARGETS.forEach((_, j) => reached[k]?.[j]?.push(measured[j]));
    });
  }
  console.log(`\nsim:7b, every strategy under the published protocol's K = 10, rounds and budget (seeds ${seeds.join(', ')}): mean training completions`);
  console.log(`| strategy | ${TARGETS.map((t) => `ρ ≥ ${t}`).join(' | ')} |`);
  console.log(`|---|${TARGETS.map(() => '---:').join('|')}|`);
  strategies.forEach((strategy, k) => console.log(`| ${strategy} | ${TARGETS.map((_, j) => fmt(mean(reached[k]?.[j] ?? []))).join(' | ')} |`));
}
