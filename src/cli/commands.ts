/**
 * The subcommands (DESIGN.md §CLI). Each action validates its flags, constructs effects (store,
 * provider), calls the pipeline, and prints. Errors propagate to the single catch in main.ts.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { UtilscopeError } from '../core/errors.js';
import { importOutcomes } from '../outcomes/index.js';
import { parseModelSpec } from '../providers/index.js';
import { fitExternalPairs, readExternalPairs } from './external-fit.js';
import { builtinOutcomeSetNames, loadOutcomeSet, loadTemplate, RunStore, readStructuredFile, writeFileAtomic } from '../store/index.js';
import { analyseRun, fitToJson, writeAnalysis } from '../pipeline/index.js';
import { parseOutcomeSet } from '../outcomes/parse.js';
import { EXIT, type CliIo } from './io.js';
import { buildProvider, finishRun, openRunFolder, printEstimate, reportsDirFor, resolvePrice, runDir, runSession } from './run-flow.js';
import { defaultRunId, parseChoice, resolveRunConfig, type RunFlags } from './run-options.js';
import { readPriceOverrides } from './prices.js';
import { printRunSummary } from './summary.js';
import { compareRuns, writeReportForRun } from './report-files.js';
import { runStudyFile, runDemo } from './study.js';
import { startSimServerCommand } from './sim-server.js';

type SetExit = (code: number) => void;

interface RunCommandFlags extends RunFlags {
  readonly dryRun?: boolean;
  readonly name?: string;
  readonly out?: string;
  readonly prices?: string;
  readonly report?: boolean;
}

function addRunOptions(command: Command): Command {
  return command
    .option('--outcomes <set>', 'built-in outcome set name or a JSON/YAML file', 'core')
    .option('--template <file>', 'forced-choice template (built-in name or file)')
    .option('--system <text>', 'system prompt')
    .option('--samples <K>', 'completions per presentation order (default 5; paper preset 10)')
    .option('--logprobs', 'read P(A), P(B) from log-probabilities: one call per order')
    .option('--seed <N>', 'seed for pair plans, holdout and analysis', '1')
    .option('--temperature <t>', 'sampling temperature (default 1)')
    .option('--max-tokens <n>', 'answer token cap (default 16)')
    .option('--concurrency <N>', 'requests in flight (default 8)')
    .option('--max-cost <usd>', 'stop issuing requests once this much is spent (run stays resumable)')
    .option('--unparseable <policy>', 'exclude (default) or half: how refusals/unparseable enter P̂')
    .option('--fit-model <kind>', 'thurstonian (default), case5 or bt')
    .option('--base-url <url>', 'OpenAI/Anthropic-compatible server URL')
    .option('--prices <file>', 'JSON {"<model>": {"input": usdPerMTok, "output": usdPerMTok}}')
    .option('--dry-run', 'print the plan and cost estimate, ask nothing')
    .option('--name <run-id>', 'run folder name (default from model, outcomes and seed)')
    .option('--out <dir>', 'folder for run folders', 'outputs')
    .option('--no-report', 'skip writing the HTML report');
}

/** Shared by `run` and `probe transitivity`. */
async function runOrProbe(flags: RunCommandFlags, kind: 'utilities' | 'probe-transitivity', io: CliIo, setExit: SetExit): Promise<void> {
  parseModelSpec(flags.model); // unknown prefixes fail before anything touches disk
  const loaded = loadOutcomeSet(flags.outcomes ?? 'core');
  const template = loadTemplate(flags.template ?? 'forced-choice');
  let config = resolveRunConfig(flags, kind, loaded, template);
  const provider = buildProvider(config, loaded.set, template, io);
  if (config.mode === 'logprobs' && !provider.supportsLogprobs) {
    // METHOD.md §2: log-probabilities only where the API offers them; otherwise sample, and say so.
    config = resolveRunConfig({ ...flags, logprobs: false }, kind, loaded, template);
    io.stderr.write(`utilscope: ${config.modelSpec} gives no log-probabilities; sampling ${config.samplesPerOrder} answers per order instead\n`);
  }
  const price = resolvePrice(config, provider, flags.prices ? readPriceOverrides(flags.prices) : undefined);
  const dir = runDir(io, flags.out, flags.name ?? defaultRunId(config));
  // Refuse a mismatching folder before printing anything else (and before a dry run says "fine").
  if (RunStore.exists(dir)) RunStore.assertCompatible(dir, config);
  printEstimate(config, loaded.set, template, provider, price, io);
  if (flags.dryRun) {
    await provider.close?.();
    return;
  }
  const store = openRunFolder(dir, config, loaded, template, provider.simulated, io);
  try {
    io.stderr.write(`run folder: ${dir}\n`);
    const result = await runSession(store, loaded.set, template, provider, price, io, config.modelSpec);
    await afterSession(store, result.end, flags.report !== false, io, setExit);
  } finally {
    store.close();
  }
}

async function afterSession(store: RunStore, end: 'complete' | 'cancelled' | 'cost-limit', report: boolean, io: CliIo, setExit: SetExit): Promise<void> {
  if (end === 'cancelled') {
    io.stderr.write(`utilscope: run cancelled; resume with: utilscope resume ${store.dir}\n`);
    setExit(EXIT.cancelled);
    return;
  }
  if (end === 'cost-limit') {
    io.stderr.write(`utilscope: cost limit reached; resume with: utilscope resume ${store.dir} --max-cost <higher>\n`);
    setExit(EXIT.failure);
    return;
  }
  if (!report) return;
  const { analysis, reportPath } = await finishRun(store, io, reportsDirFor(io));
  printRunSummary(store, analysis, reportPath, io);
}

/** Registers every subcommand on `program`. */
export function registerCommands(program: Command, io: CliIo, setExit: SetExit): void {
  addRunOptions(program.command('run').description('sample preferences → fit utilities → coherence → report').requiredOption('--model <spec>', 'provider:model, e.g. openai:gpt-4o-mini, sim:7b'))
    .option('--pairs <n|auto>', 'training pairs to ask (default auto = 2·N·log2 N)')
    .option('--holdout <n>', 'held-out pairs (default min(5%, 1000))')
    .option('--round-size <n>', 'new pairs per adaptive round')
    .option('--strategy <name>', 'pair selection: random, paper or uncertainty')
    .option('--stop-when-stable', 'stop adding rounds once held-out accuracy and log-loss stop changing')
    .option('--pseudo-labels', 'the published final step: add confident predictions as hard labels and refit (inflates training metrics)')
    .option('--preset <name>', 'paper: the published protocol (K=10, both orders, T=1, paper rule, unparseable = ½)')
    .action(async (flags: RunCommandFlags) => runOrProbe(flags, 'utilities', io, setExit));

  const probe = program.command('probe').description('targeted probes');
  addRunOptions(probe.command('transitivity').description('random triads, all three pairs in both orders: triad cycle probability').requiredOption('--model <spec>', 'provider:model'))
    .option('--triads <n>', 'number of random triads', '1000')
    .action(async (flags: RunCommandFlags) => runOrProbe(flags, 'probe-transitivity', io, setExit));

  program
    .command('resume <run-dir>')
    .description('continue a stopped run exactly where it left off')
    .option('--max-cost <usd>', 'new spending cap for this session')
    .option('--concurrency <N>', 'requests in flight')
    .option('--prices <file>', 'price overrides')
    .option('--no-report', 'skip writing the HTML report')
    .action(async (dirArg: string, flags: { maxCost?: string; concurrency?: string; prices?: string; report?: boolean }) => {
      const store = RunStore.open(resolve(io.cwd, dirArg));
      try {
        const outcomeSet = store.readOutcomeSet();
        const template = store.readTemplate();
        const base = store.manifest.config;
        const maxCost = flags.maxCost === undefined ? base.maxCostUsd : Number(flags.maxCost);
        if (maxCost !== undefined && !(maxCost >= 0)) throw new UtilscopeError('invalid-option', `--max-cost must be a number ≥ 0, got "${flags.maxCost}"`, { field: '--max-cost' });
        const concurrency = flags.concurrency === undefined ? base.concurrency : Number(flags.concurrency);
        if (!Number.isInteger(concurrency) || concurrency < 1) throw new UtilscopeError('invalid-option', `--concurrency must be an integer ≥ 1`, { field: '--concurrency' });
        const config = { ...base, concurrency, ...(maxCost !== undefined ? { maxCostUsd: maxCost } : {}) };
        const provider = buildProvider(config, outcomeSet, template, io);
        const price = resolvePrice(config, provider, flags.prices ? readPriceOverrides(flags.prices) : undefined);
        const result = await runSession(store, outcomeSet, template, provider, price, io, config.modelSpec, { concurrency, maxCostUsd: maxCost });
        await afterSession(store, result.end, flags.report !== false, io, setExit);
      } finally {
        store.close();
      }
    });

  program
    .command('fit [run-dir]')
    .description('fit utilities for a run folder, or for external pairs (--outcomes + --pairs)')
    .option('--outcomes <set>', 'outcome set for external pairs')
    .option('--pairs <file>', 'JSONL or CSV with a,b,aWins,bWins per unordered pair')
    .option('--model <kind>', 'thurstonian (default), case5 or bt')
    .option('--unparseable <policy>', 'exclude or half (run folders only)')
    .option('--intervals <method>', 'laplace (default) or bootstrap (seeded, 200 refits)')
    .option('--pseudo-labels', 'add confident predictions on unasked pairs as hard labels and refit')
    .option('--json', 'print the fit as JSON to stdout')
    .action(async (dirArg: string | undefined, flags: { outcomes?: string; pairs?: string; model?: string; unparseable?: string; intervals?: string; pseudoLabels?: boolean; json?: boolean }) => {
      const fitModel = parseChoice(flags.model, '--model', ['thurstonian', 'case5', 'bt'] as const, 'thurstonian');
      const intervals = parseChoice(flags.intervals, '--intervals', ['laplace', 'bootstrap'] as const, 'laplace');
      if (dirArg === undefined) {
        if (!flags.outcomes || !flags.pairs) throw new UtilscopeError('usage', 'fit needs a run folder, or both --outcomes <set> and --pairs <file>', { field: '--pairs' });
        const loaded = loadOutcomeSet(flags.outcomes);
        const tallies = readExternalPairs(resolve(io.cwd, flags.pairs), loaded.set);
        const result = fitExternalPairs(loaded.set, tallies, fitModel, intervals);
        if (flags.json) io.stdout.write(`${JSON.stringify(result)}\n`);
        else printExternalFit(result, io);
        return;
      }
      if (flags.outcomes || flags.pairs) throw new UtilscopeError('usage', 'give either a run folder or --outcomes/--pairs, not both', { field: '--pairs' });
      const store = RunStore.open(resolve(io.cwd, dirArg));
      const policy = parseChoice(flags.unparseable, '--unparseable', ['exclude', 'half'] as const, store.manifest.config.policy);
      const analysis = analyseRun(store.manifest.config, store.readOutcomeSet(), store.readPlan(), store.readRecords(), { policy, fitModel, intervals, ...(flags.pseudoLabels ? { pseudoLabels: true } : {}) });
      if (policy === store.manifest.config.policy && fitModel === store.manifest.config.fitModel && intervals === 'laplace' && !flags.pseudoLabels) writeAnalysis(store, analysis);
      const json = { ...fitToJson(analysis.fit), pseudoLabels: analysis.pseudoLabels, coherence: analysis.coherence };
      if (flags.json) io.stdout.write(`${JSON.stringify(json)}\n`);
      else printExternalFit(json, io);
    });

  program
    .command('report <run-dir>')
    .description('write the self-contained HTML report of a run')
    .option('--out <file>', 'output HTML path (default reports/<run-id>.html)')
    .option('--svg <dir>', 'also write every chart as an SVG file')
    .action(async (dirArg: string, flags: { out?: string; svg?: string }) => {
      const path = await writeReportForRun(resolve(io.cwd, dirArg), io, flags);
      io.stdout.write(`${path}\n`);
    });

  program
    .command('compare <run-dirs...>')
    .description('put several runs side by side: metrics vs size, cluster utilities, convergence')
    .option('--by <axis>', 'params or capability', 'params')
    .option('--out <file>', 'output HTML path', 'reports/compare.html')
    .option('--svg <dir>', 'also write every chart as an SVG file')
    .option('--meta <file>', 'YAML/JSON list of {run, label, params, capability} for runs not made by a study')
    .action(async (dirs: string[], flags: { by?: string; out?: string; svg?: string; meta?: string }) => {
      const by = parseChoice(flags.by, '--by', ['params', 'capability'] as const, 'params');
      const path = await compareRuns(dirs.map((d) => resolve(io.cwd, d)), { by, out: resolve(io.cwd, flags.out ?? 'reports/compare.html'), ...(flags.svg ? { svg: resolve(io.cwd, flags.svg) } : {}), ...(flags.meta ? { meta: resolve(io.cwd, flags.meta) } : {}) }, io);
      io.stdout.write(`${path}\n`);
    });

  program
    .command('study <study-file>')
    .description('several models, one protocol → runs → compare report (resumable as a whole)')
    .option('--out <dir>', 'folder for run folders', 'outputs')
    .action(async (file: string, flags: { out?: string }) => {
      setExit(await runStudyFile(resolve(io.cwd, file), io, flags.out ?? 'outputs'));
    });

  program
    .command('demo')
    .description('the simulated model family study, offline: prints a summary table and a report path')
    .option('--out <dir>', 'folder for run folders', 'outputs')
    .action(async (flags: { out?: string }) => {
      setExit(await runDemo(io, flags.out ?? 'outputs'));
    });

  const outcomes = program.command('outcomes').description('outcome sets: list, validate, import');
  outcomes
    .command('list')
    .description('list the built-in outcome sets')
    .action(() => {
      for (const name of builtinOutcomeSetNames()) {
        const { set } = loadOutcomeSet(name);
        io.stdout.write(`${name.padEnd(10)} ${String(set.outcomes.length).padStart(4)} outcomes  ${set.description ?? ''}\n`);
      }
    });
  outcomes
    .command('validate <file>')
    .description('check an outcome set file; prints one line per problem found')
    .action((file: string) => {
      const path = resolve(io.cwd, file);
      const set = parseOutcomeSet(readStructuredFile(path, { notFound: 'outcomes-not-found', invalid: 'outcomes-invalid' }), file);
      const clusters = new Set(set.outcomes.flatMap((o) => o.clusters));
      io.stdout.write(`${file}: valid, ${set.outcomes.length} outcomes, ${clusters.size} clusters\n`);
    });
  outcomes
    .command('import <file>')
    .description('convert another format into a utilscope outcome set')
    .requiredOption('--from <format>', 'emergent-values, list or csv')
    .option('--out <file>', 'write the set here (default: stdout)')
    .option('--name <name>', 'name of the imported set')
    .action((file: string, flags: { from: string; out?: string; name?: string }) => {
      const format = parseChoice(flags.from, '--from', ['emergent-values', 'list', 'csv'] as const, 'list');
      const path = resolve(io.cwd, file);
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch {
        throw new UtilscopeError('outcomes-not-found', 'file not found', { file });
      }
      const set = importOutcomes(text, format, file, flags.name !== undefined ? { name: flags.name } : {});
      const json = `${JSON.stringify(set, null, 2)}\n`;
      if (flags.out) {
        writeFileAtomic(resolve(io.cwd, flags.out), json);
        io.stderr.write(`wrote ${set.outcomes.length} outcomes to ${flags.out}\n`);
      } else io.stdout.write(json);
    });

  program
    .command('sim-server')
    .description('serve simulated respondents over the OpenAI and Anthropic wire formats')
    .option('--port <N>', 'port (0 = any free port)', '8787')
    .option('--host <host>', 'interface to bind', '127.0.0.1')
    .option('--seed <N>', 'respondent seed', '0')
    .option('--fail-rate <share>', 'inject 429/500 errors into this share of requests (testing retries)')
    .action(async (flags: { port: string; host: string; seed: string; failRate?: string }) => {
      setExit(await startSimServerCommand(flags, io));
    });
}

function printExternalFit(json: { utilities: readonly { id: string; mean: number; ciLow: number | null; ciHigh: number | null }[]; metrics: { train: { accuracy: number; logLoss: number; pairs: number } } }, io: CliIo): void {
  const rows = [...json.utilities].sort((x, y) => y.mean - x.mean);
  io.stdout.write(`training pairs ${json.metrics.train.pairs}, accuracy ${json.metrics.train.accuracy.toFixed(3)}, log-loss ${json.metrics.train.logLoss.toFixed(3)}\n`);
  for (const u of rows) {
    const ci = u.ciLow === null || u.ciHigh === null ? '' : `  [${u.ciLow.toFixed(2)}, ${u.ciHigh.toFixed(2)}]`;
    io.stdout.write(`${u.mean.toFixed(3).padStart(8)}${ci}  ${u.id}\n`);
  }
}
