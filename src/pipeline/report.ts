/**
 * Writing reports to disk (docs/architecture.md §"Reports"): the run report of any experiment
 * (`report`, end of `run`) and `--svg <dir>` static charts. Building the sections and the HTML is
 * pure (experiments/, report/); this module reads the run folder and writes files.
 */
import { mkdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { ImportedSource } from '../core/run-spec.js';
import type { PlannedPair } from '../elicitation/comparisons.js';
import type { ExperimentRegistry } from '../experiments/index.js';
import { importedSourceLine } from '../import/index.js';
import { type NamedSpec, type RunHeader, renderReportPage, renderSpecToSvg, sectionCharts } from '../report/index.js';
import { RunStore, readVegaAssets, writeFileAtomic } from '../store/index.js';
import { alternativeFitsReportSection } from './alternative-fits.js';
import { type AnalysedRun, analyseRunFolder } from './analyse.js';
import type { PipelineEnv } from './env.js';
import { openExperiment } from './run.js';

/** Where a run's report goes unless told: reports/<run-id>.html under `reportsDir`. */
export function defaultReportPath(store: RunStore, reportsDir: string): string {
  return join(reportsDir, `${basename(store.dir)}.html`);
}

/** The header every report of `store` starts with. */
export function runHeader(store: RunStore, experiments?: ExperimentRegistry): RunHeader {
  const spec = store.manifest.spec;
  const { experiment, ctx } = openExperiment(store, store.readOutcomeSet(), experiments);
  let answers = 0;
  let costUsd = 0;
  for (const r of store.streamRecords()) {
    if (r.kind !== 'answer') continue;
    answers++;
    costUsd += r.costUsd;
  }
  const status = store.readStatus();
  const s = spec.sampling;
  const reading = s.mode === 'logprobs' ? 'log-probabilities, 1 call per order' : `K = ${s.samplesPerOrder} per order, T = ${s.temperature}`;
  const imported = spec.imported;
  // An imported run was asked by another tool: its protocol is what the file holds, not a design of ours.
  const protocol = imported ? importedProtocol(imported, store.readPlan()) : `${spec.preset ? `preset ${spec.preset}, ` : ''}${experiment.describe(ctx.config)}, both orders, ${reading}`;
  return {
    runId: basename(store.dir),
    model: spec.modelSpec,
    experiment: experiment.kind,
    arm: spec.arm.id,
    outcomeSet: spec.outcomes.name,
    outcomeCount: ctx.ids.length,
    answers,
    costUsd,
    seed: spec.seed,
    protocol,
    simulated: store.manifest.simulated,
    createdAt: store.manifest.createdAt,
    toolVersion: store.manifest.toolVersion,
    state: status?.state ?? 'unknown',
    ...(status?.state === 'cancelled' && status.costCapUsd !== undefined ? { costCapUsd: status.costCapUsd } : {}),
    ...(imported ? { source: importedSourceLine(imported) } : {}),
  };
}

/** An imported run's protocol in words: what the file holds (pairs, held-out pairs, triads, orders, probabilities). */
function importedProtocol(imported: ImportedSource, plan: readonly PlannedPair[]): string {
  const held = plan.filter((p) => p.holdout).length;
  const pairs = `${plan.length - held} pairs${held > 0 ? ` + ${held} held out` : ''}`;
  const orders = imported.unrecorded.includes('orders') ? 'orders unknown' : 'both orders recorded';
  return `imported ${imported.formatLabel}: ${pairs}, ${orders}`;
}

/** Writes every chart as an SVG file into `dir`. */
export async function writeSvgCharts(specs: readonly NamedSpec[], dir: string, log: PipelineEnv['log']): Promise<void> {
  mkdirSync(dir, { recursive: true });
  for (const { name, spec } of specs) writeFileAtomic(join(dir, `${name}.svg`), await renderSpecToSvg(spec as Parameters<typeof renderSpecToSvg>[0]));
  log.write(`wrote ${specs.length} SVG charts to ${dir}\n`);
}

/** Writes the HTML report of an analysed run to `out`; returns its path. */
export async function writeRunReport(store: RunStore, analysed: AnalysedRun, out: string, env: Pick<PipelineEnv, 'log' | 'cwd' | 'experiments'>, options: { svg?: string } = {}): Promise<string> {
  const header = runHeader(store, env.experiments);
  const alternatives = alternativeFitsReportSection(store, analysed, env.log);
  const sections = [...analysed.experiment.reportSections(analysed.result, header), ...(alternatives ? [alternatives] : [])];
  mkdirSync(dirname(out), { recursive: true });
  writeFileAtomic(out, renderReportPage(header, analysed.experiment.reportTitle(header.model), sections, readVegaAssets()));
  if (options.svg) await writeSvgCharts(sectionCharts(sections), resolve(env.cwd, options.svg), env.log);
  return out;
}

/** `utilscope report <run-dir>`: re-analyses the run from its records (writing nothing into it) and writes the report. */
export async function writeReportForRun(dir: string, env: Pick<PipelineEnv, 'log' | 'cwd' | 'experiments'>, options: { out?: string; svg?: string } = {}): Promise<string> {
  const store = RunStore.open(dir);
  const analysed = analyseRunFolder(store, {}, env.experiments);
  const out = options.out ? resolve(env.cwd, options.out) : defaultReportPath(store, join(env.cwd, 'reports'));
  return writeRunReport(store, analysed, out, env, options.svg !== undefined ? { svg: options.svg } : {});
}
