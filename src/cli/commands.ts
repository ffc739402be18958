/**
 * The subcommands (docs/architecture.md §"CLI") as data: a name, its arguments and options, and one
 * call into `pipeline/`. Registering turns the table into commander commands; nothing here composes
 * providers, stores or reports. Errors propagate to the single catch in main.ts.
 *
 * Start-up: the table itself loads nothing but words. Each action imports the pipeline module it
 * calls when it runs, and the experiments' own options are in the table only when the invoked
 * command takes them (`run`, an experiment's command; `takesExperimentOptions`), so `--help` or
 * `outcomes list` never load the pipeline, the experiments, zod or yaml.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { UtilscopeError } from '../core/errors.js';
import { parseChoice } from '../core/options.js';
import type { ExperimentCommand } from '../experiments/experiment-commands.js';
import type { ExperimentRegistry } from '../experiments/registry.js';
import { IMPORT_SOURCE_FORMAT_IDS } from '../import/format-ids.js';
import { IMPORT_FORMATS } from '../outcomes/import-formats.js';
import type { CompareJson, FitJsonDocument, ImportRunOptions, PipelineEnv, RunEnd } from '../pipeline/index.js';
import { compileOnThisThreadWhenCoresAreFew } from './compile-on-this-thread.js';
import { type CliIo, EXIT } from './io.js';
import type { ProgressTerminal } from './progress.js';

/** One command-line option: commander flags, help text, optional default. */
export interface OptionSpec {
  readonly flags: string;
  readonly description: string;
  readonly default?: string;
  readonly required?: boolean;
}

/** Option values as commander hands them over. */
type Flags = Record<string, unknown>;

/** One subcommand. `action` returns the exit code (default 0). */
export interface CommandSpec {
  /** Space-separated path, e.g. `run` or `outcomes import`. */
  readonly name: string;
  /** Commander argument syntax, e.g. `<run-dir>` or `[run-dir]`. */
  readonly args?: string;
  readonly description: string;
  readonly options: readonly OptionSpec[];
  // biome-ignore lint/suspicious/noConfusingVoidType: an action that prints and returns nothing exits 0.
  action(args: readonly unknown[], flags: Flags, env: PipelineEnv): Promise<number | void> | number | void;
}

/** The exit code of a run's end (docs/architecture.md §"CLI"). */
function exitFor(end: RunEnd): number {
  const codes: Record<RunEnd, number> = { complete: EXIT.ok, 'dry-run': EXIT.ok, cancelled: EXIT.cancelled, 'cost-limit': EXIT.failure, waiting: EXIT.waiting };
  return codes[end];
}

/** How a run asks through a batch API, for `run`, `probe`, `resume` and `study`. */
const BATCH_OPTIONS: readonly OptionSpec[] = [
  { flags: '--batch', description: "ask through the provider's batch API (OpenAI, Anthropic): half the price, answers within 24 h; kept by resume" },
  { flags: '--no-batch', description: 'ask one request at a time again (a run started with --batch)' },
  { flags: '--poll-interval <seconds>', description: 'between polls of a batch (default 60)' },
  { flags: '--max-wait <duration>', description: 'stop waiting after this long (90, 30m, 2h, 1d; default: as long as it takes); the batch keeps running, resume collects it' },
];

/** Options every run shares, whatever the experiment. */
const RUN_OPTIONS: readonly OptionSpec[] = [
  { flags: '--outcomes <set>', description: 'built-in outcome set name or a JSON/YAML file', default: 'core' },
  { flags: '--template <file>', description: 'forced-choice template (built-in name or file)' },
  { flags: '--system <text>', description: 'system prompt' },
  { flags: '--arm <name|file>', description: 'ask under an arm: a persona, framing or format (built-in name in prompts/arms/ or an arm file)' },
  { flags: '--samples <K>', description: 'completions per presentation order (default 5; paper preset 10)' },
  { flags: '--logprobs', description: 'read P(A), P(B) from log-probabilities: one call per order' },
  { flags: '--seed <N>', description: 'seed for pair plans, holdout and analysis', default: '1' },
  { flags: '--temperature <t>', description: 'sampling temperature (default 1)' },
  { flags: '--max-tokens <n>', description: 'answer token cap (default 16)' },
  { flags: '--concurrency <N>', description: 'requests in flight (default 8)' },
  { flags: '--max-cost <usd>', description: 'stop issuing requests once the run has spent this much (it stays resumable); needs a price for the model' },
  { flags: '--allow-unpriced', description: 'run under --max-cost although the model has no price (the cap cannot be enforced)' },
  { flags: '--unparseable <policy>', description: 'exclude (default) or half: how refusals/unparseable enter P̂' },
  { flags: '--fit-model <kind>', description: 'thurstonian (default), case5 or bt' },
  { flags: '--pseudo-labels', description: 'the published final step: add confident predictions as hard labels and refit (inflates training metrics)' },
  { flags: '--preset <name>', description: 'paper: the published protocol (K=10, both orders, T=1, paper rule, unparseable = ½)' },
  { flags: '--base-url <url>', description: 'OpenAI/Anthropic-compatible server URL (a key in its query or user:key@ is used, never stored)' },
  { flags: '--timeout <seconds>', description: 'give up on an attempt after this long, then retry (default 60)' },
  { flags: '--prices <file>', description: 'JSON {"<model>": {"input": usdPerMTok, "output": usdPerMTok}}' },
  { flags: '--dry-run', description: 'print the plan and cost estimate, ask nothing' },
  { flags: '--name <run-id>', description: 'run folder name: letters, digits, ".", "_", "-" (default from model, outcomes and seed)' },
  { flags: '--out <dir>', description: 'folder for run folders', default: 'outputs' },
  { flags: '--no-report', description: 'skip writing the HTML report' },
  { flags: '--json', description: 'print one JSON document on stdout (README "JSON output")' },
  ...BATCH_OPTIONS,
];

/** Every registered experiment's own options, each flag once. */
function experimentOptions(experiments: ExperimentRegistry, only?: string): OptionSpec[] {
  const seen = new Map<string, OptionSpec>();
  for (const kind of experiments.kinds) {
    if (only !== undefined && kind !== only) continue;
    for (const o of experiments.get(kind).options) if (!seen.has(o.flags)) seen.set(o.flags, o);
  }
  return [...seen.values()];
}

/**
 * What the command table knows of the experiments: the commands they add (always listed), and the
 * registry itself, whose options `run` and those commands take, when the invoked command needs it.
 */
export interface TableExperiments {
  readonly commands: readonly ExperimentCommand[];
  readonly registry?: ExperimentRegistry;
}

/**
 * Whether the command `argv` invokes takes the experiments' options: `run`, or a command an
 * experiment adds (`probe transitivity`), asked to run or for its help. The global options take no
 * values, so the command is the first word that is not an option.
 */
export function takesExperimentOptions(argv: readonly string[], commands: readonly ExperimentCommand[]): boolean {
  const words = argv.filter((arg) => !arg.startsWith('-'));
  const name = words[0] === 'help' ? words[1] : words[0];
  return name === 'run' || commands.some((c) => c.name.split(' ')[0] === name);
}

/** The command table. */
export function commandTable(experiments: TableExperiments): readonly CommandSpec[] {
  const { registry } = experiments;
  return [
    {
      name: 'run',
      description: 'sample preferences → fit utilities → coherence → report',
      options: [
        { flags: '--model <spec>', description: 'provider:model, e.g. openai:gpt-4o-mini, sim:7b', required: true },
        ...(registry ? [{ flags: '--experiment <kind>', description: `what to measure: ${registry.kinds.join(', ')}`, default: registry.defaultKind }] : []),
        ...RUN_OPTIONS,
        ...(registry ? experimentOptions(registry) : []),
      ],
      action: async (_args, flags, env) => {
        const { startRun } = await import('../pipeline/run-command.js');
        return exitFor(await startRun({ ...flags, model: flags['model'] as string }, env));
      },
    },
    // An experiment may bring a command of its own (`probe transitivity`): `run --experiment <kind>` under another name.
    ...experiments.commands.map(
      (command): CommandSpec => ({
        name: command.name,
        description: command.description,
        options: [{ flags: '--model <spec>', description: 'provider:model', required: true }, ...RUN_OPTIONS, ...(registry ? experimentOptions(registry, command.kind) : [])],
        action: async (_args, flags, env) => {
          const { startRun } = await import('../pipeline/run-command.js');
          return exitFor(await startRun({ ...flags, model: flags['model'] as string, experiment: command.kind }, env));
        },
      }),
    ),
    {
      name: 'resume',
      args: '<run-dir>',
      description: 'continue a stopped run exactly where it left off',
      options: [
        { flags: '--max-cost <usd>', description: 'new spending cap for the run (default: the stored one)' },
        { flags: '--concurrency <N>', description: 'requests in flight (default: the stored one)' },
        { flags: '--prices <file>', description: 'price overrides (default: the price stored in run.json)' },
        { flags: '--allow-unpriced', description: 'run under --max-cost although the model has no price (the cap cannot be enforced)' },
        { flags: '--base-url <url>', description: 'server URL for this session (default: the one in run.json)' },
        { flags: '--timeout <seconds>', description: 'give up on an attempt after this long, then retry (default 60)' },
        { flags: '--no-report', description: 'skip writing the HTML report' },
        { flags: '--json', description: 'print one JSON document on stdout (README "JSON output")' },
        ...BATCH_OPTIONS,
      ],
      action: async ([dir], flags, env) => {
        const { resumeRun } = await import('../pipeline/run-command.js');
        return exitFor(await resumeRun(dir as string, flags, env));
      },
    },
    {
      name: 'fit',
      args: '[run-dir]',
      description: 'fit utilities for a run folder, or for external pairs (--outcomes + --pairs)',
      options: [
        { flags: '--outcomes <set>', description: 'outcome set for external pairs' },
        { flags: '--pairs <file>', description: 'JSONL or CSV with a,b,aWins,bWins per unordered pair (whole numbers of answers)' },
        { flags: '--weights', description: 'with --pairs: read fractional aWins/bWins as weights, each counted as that many answers (docs/method.md §2.8)' },
        { flags: '--model <kind>', description: 'thurstonian (default), case5 or bt' },
        { flags: '--unparseable <policy>', description: 'exclude or half (run folders only)' },
        { flags: '--intervals <method>', description: 'laplace (default) or bootstrap (seeded, 200 refits)' },
        { flags: '--pseudo-labels', description: 'add confident predictions on unasked pairs as hard labels and refit' },
        { flags: '--no-coherence', description: 'with --pairs: the fit alone, without coherence, its floors and intervals (the JSON says coherence was skipped)' },
        { flags: '--json', description: 'print the fit as JSON to stdout' },
      ],
      action: async ([dir], flags, env) => {
        // Each form loads only its own modules: a pairs file needs no run-folder machinery (start-up).
        const { fitExternalFile, fitSummaryLines } = await import('../pipeline/fit-pairs.js');
        const fitModel = parseChoice(flags['model'] as string | undefined, '--model', ['thurstonian', 'case5', 'bt'] as const, 'thurstonian');
        const intervals = parseChoice(flags['intervals'] as string | undefined, '--intervals', ['laplace', 'bootstrap'] as const, 'laplace');
        const outcomes = flags['outcomes'] as string | undefined;
        const pairs = flags['pairs'] as string | undefined;
        let json: FitJsonDocument;
        if (dir === undefined) {
          if (!outcomes || !pairs) throw new UtilscopeError('usage', 'fit needs a run folder, or both --outcomes <set> and --pairs <file>', { field: '--pairs' });
          // The fit and the coherence worker then fill both cores of a 2-core machine (compile-on-this-thread.ts).
          if (flags['coherence'] !== false) compileOnThisThreadWhenCoresAreFew();
          json = await fitExternalFile(outcomes, pairs, fitModel, intervals, env, { weights: flags['weights'] === true, coherence: flags['coherence'] !== false });
        } else {
          if (outcomes || pairs) throw new UtilscopeError('usage', 'give either a run folder or --outcomes/--pairs, not both', { field: '--pairs' });
          if (flags['weights']) throw new UtilscopeError('usage', '--weights applies to --pairs files only', { field: '--weights' });
          // A run folder's derived files and report are built on its coherence: there is no fit without it to write.
          if (flags['coherence'] === false)
            throw new UtilscopeError('usage', '--no-coherence applies to --pairs files only; a run folder always writes coherence.json beside fit.json', { field: '--no-coherence' });
          const policy = flags['unparseable'] === undefined ? undefined : parseChoice(flags['unparseable'] as string, '--unparseable', ['exclude', 'half'] as const, 'exclude');
          const { fitRunFolder } = await import('../pipeline/fit.js');
          json = fitRunFolder(dir as string, { fitModel, intervals, ...(policy ? { policy } : {}), ...(flags['pseudoLabels'] ? { pseudoLabels: true } : {}) }, env);
        }
        if (flags['json']) env.out.write(`${JSON.stringify(json)}\n`);
        else for (const line of fitSummaryLines(json)) env.out.write(`${line}\n`);
      },
    },
    {
      // `status --json` prints runStatus's RunStatusReport (src/pipeline/status.ts) as one line:
      // { dir, state: running|crashed|complete|cancelled|error|not-started, recordedState?, message?,
      //   planned, answered, failures, costUsd, round, skippedLines, updatedAt?,
      //   holder?: { pid, host, startedAt, heartbeatAt?, alive } } — counts recomputed from the files.
      name: 'status',
      args: '<run-dir>',
      description: 'where a run stands (running, crashed, complete, cancelled, error) with counts recomputed from its files',
      options: [{ flags: '--json', description: 'print the status as JSON' }],
      action: async ([dir], flags, env) => {
        const { runStatus, runStatusText } = await import('../pipeline/status.js');
        const report = runStatus(resolve(env.cwd, dir as string), env);
        env.out.write(flags['json'] ? `${JSON.stringify(report)}\n` : runStatusText(report));
      },
    },
    {
      name: 'report',
      args: '<run-dir>',
      description: 'write the self-contained HTML report of a run',
      options: [
        { flags: '--out <file>', description: 'output HTML path (default reports/<run-id>.html)' },
        { flags: '--svg <dir>', description: 'also write every chart as an SVG file' },
      ],
      action: async ([dir], flags, env) => {
        const { writeReportForRun } = await import('../pipeline/report.js');
        env.out.write(`${await writeReportForRun(resolve(env.cwd, dir as string), env, flags as { out?: string; svg?: string })}\n`);
      },
    },
    {
      name: 'compare',
      args: '<run-dirs...>',
      description: 'put several runs side by side: metrics vs size, cluster utilities, convergence',
      options: [
        { flags: '--by <axis>', description: 'params or capability', default: 'params' },
        { flags: '--out <file>', description: 'output HTML path', default: 'reports/compare.html' },
        { flags: '--svg <dir>', description: 'also write every chart as an SVG file' },
        { flags: '--meta <file>', description: 'YAML/JSON list of {run, label, params, capability} for runs not made by a study (run paths relative to the file)' },
        { flags: '--allow-mixed-outcomes', description: 'compare runs of different outcome sets (refused otherwise)' },
        { flags: '--json', description: 'print one JSON document on stdout (README "JSON output")' },
      ],
      action: async ([dirs], flags, env) => {
        const [{ compareRunsReport, readMetaFile }, { compareRunsJson, JSON_OUTPUT_VERSION, jsonLine }] = await Promise.all([import('../pipeline/compare.js'), import('../pipeline/json-output.js')]);
        const by = parseChoice(flags['by'] as string | undefined, '--by', ['params', 'capability'] as const, 'params');
        const svg = flags['svg'] as string | undefined;
        const meta = flags['meta'] as string | undefined;
        const compared = await compareRunsReport(
          (dirs as string[]).map((d) => resolve(env.cwd, d)),
          {
            by,
            out: resolve(env.cwd, (flags['out'] as string | undefined) ?? 'reports/compare.html'),
            ...(svg ? { svg: resolve(env.cwd, svg) } : {}),
            ...(meta ? { metas: readMetaFile(resolve(env.cwd, meta)) } : {}),
            ...(flags['allowMixedOutcomes'] ? { allowMixedOutcomes: true } : {}),
          },
          env,
        );
        env.out.write(flags['json'] ? jsonLine({ v: JSON_OUTPUT_VERSION, report: compared.report, runs: compareRunsJson(compared.runs) } satisfies CompareJson) : `${compared.report}\n`);
      },
    },
    {
      name: 'study',
      args: '<study-file>',
      description: 'several models, one protocol → runs → compare report (resumable as a whole)',
      options: [
        { flags: '--out <dir>', description: 'folder for run folders', default: 'outputs' },
        { flags: '--dry-run', description: "print every model's plan and cost and the total, ask nothing" },
        { flags: '--json', description: 'print one JSON document on stdout (README "JSON output")' },
        ...BATCH_OPTIONS,
        { flags: '--parallel-models <N>', description: 'models asked at once, each against its own endpoint (default: all through batches, else 1)' },
      ],
      action: async ([file], flags, env) => {
        const { runStudyFile } = await import('../pipeline/study.js');
        return exitFor(
          await runStudyFile(resolve(env.cwd, file as string), env, {
            outDir: (flags['out'] as string | undefined) ?? 'outputs',
            json: flags['json'] === true,
            ...(flags['dryRun'] ? { dryRun: true } : {}),
            ...(flags['batch'] !== undefined ? { batch: flags['batch'] === true } : {}),
            ...(flags['parallelModels'] !== undefined ? { parallelModels: flags['parallelModels'] as string } : {}),
            ...(flags['pollInterval'] !== undefined ? { pollInterval: flags['pollInterval'] as string } : {}),
            ...(flags['maxWait'] !== undefined ? { maxWait: flags['maxWait'] as string } : {}),
          }),
        );
      },
    },
    {
      name: 'demo',
      description: 'the simulated model family study, offline: prints a summary table and a report path',
      options: [{ flags: '--out <dir>', description: 'folder for run folders', default: 'outputs' }],
      action: async (_args, flags, env) => {
        const { runDemo } = await import('../pipeline/study.js');
        return exitFor(await runDemo(env, { outDir: (flags['out'] as string | undefined) ?? 'outputs' }));
      },
    },
    {
      name: 'outcomes list',
      description: 'list the built-in outcome sets',
      options: [],
      action: async (_args, _flags, env) => {
        const { listOutcomeSets } = await import('../pipeline/outcome-list.js');
        env.out.write(listOutcomeSets());
      },
    },
    {
      name: 'outcomes validate',
      args: '<file>',
      description: 'check an outcome set file: one line per problem found (file:field: error|warning: what), then a verdict',
      options: [{ flags: '--json', description: 'print one JSON document on stdout (README "JSON output")' }],
      action: async ([file], flags, env) => {
        const { validateOutcomeFile } = await import('../pipeline/outcome-files.js');
        const { output, error } = validateOutcomeFile(file as string, env, { json: flags['json'] === true });
        env.out.write(output);
        if (error) throw error;
      },
    },
    {
      name: 'outcomes import',
      args: '<file>',
      description: 'convert another format into a utilscope outcome set',
      options: [
        { flags: '--from <format>', description: IMPORT_FORMATS.join(', '), required: true },
        { flags: '--out <file>', description: 'write the set here (default: stdout)' },
        { flags: '--name <name>', description: 'name of the imported set' },
        { flags: '--json', description: 'print one JSON document on stdout (README "JSON output")' },
      ],
      action: async ([file], flags, env) => {
        const { importOutcomeFile } = await import('../pipeline/outcome-files.js');
        const format = parseChoice(flags['from'] as string, '--from', IMPORT_FORMATS, 'list');
        const json = importOutcomeFile(file as string, format, flags as { out?: string; name?: string; json?: boolean }, env);
        if (json !== undefined) env.out.write(json);
      },
    },
    {
      name: 'import',
      args: '<file>',
      description: 'turn answers another tool collected into a run folder (asks nothing), then analyse and report it like a run',
      options: [
        { flags: '--from <format>', description: `the file's format: ${IMPORT_SOURCE_FORMAT_IDS.join(', ')} (README "Importing preference data")`, required: true },
        { flags: '--outcomes <set>', description: "match the file's outcomes to this set (built-in name or file) by exact text, or id; default: a set made from the file" },
        { flags: '--model <name>', description: 'the model the answers are of (default: what the file says, else "unknown")' },
        { flags: '--model-filter <model>', description: 'an answer table of several models: import this one (one run per model)' },
        { flags: '--seed <N>', description: 'seed of the analyses (floors, intervals)', default: '1' },
        { flags: '--name <run-id>', description: 'run folder name (default: model, format and the first 8 hex of the file’s sha256)' },
        { flags: '--out <dir>', description: 'folder for run folders', default: 'outputs' },
        { flags: '--no-report', description: 'import only: skip the analysis, the report and the summary' },
        { flags: '--json', description: 'print one JSON document on stdout (README "JSON output")' },
      ],
      action: async ([file], flags, env) => {
        const { importRun } = await import('../pipeline/import.js');
        await importRun(file as string, { ...(flags as Omit<ImportRunOptions, 'from'>), from: flags['from'] as string }, env);
      },
    },
    {
      name: 'sim-server',
      description: 'serve simulated respondents over the OpenAI and Anthropic wire formats',
      options: [
        { flags: '--port <N>', description: 'port (0 = any free port)', default: '8787' },
        { flags: '--host <host>', description: 'interface to bind', default: '127.0.0.1' },
        { flags: '--seed <N>', description: 'respondent seed', default: '0' },
        { flags: '--fail-rate <share>', description: 'inject 429/500 errors into this share of requests (testing retries)' },
        { flags: '--batch-polls <N>', description: 'a batch ends on its Nth poll (default 2)' },
        { flags: '--batch-error-rate <share>', description: 'this share of batch requests fails with a per-request error the first time' },
        { flags: '--batch-expire <N>', description: 'the first N batches expire with half their requests run' },
        { flags: '--state-dir <dir>', description: 'keep the batch state here, so a restarted server continues' },
      ],
      action: async (_args, flags, env) => {
        const { serveSimulatedRespondents } = await import('../pipeline/sim-server.js');
        return serveSimulatedRespondents(flags, env);
      },
    },
  ];
}

/** Group descriptions for the parents of nested commands. */
const GROUPS: Readonly<Record<string, string>> = { probe: 'targeted probes', outcomes: 'outcome sets: list, validate, import' };

/** The pipeline's view of the process, from the CLI's parameters. */
function pipelineEnv(io: CliIo, signal: AbortSignal, terminal: ProgressTerminal): PipelineEnv {
  const now = io.now ?? Date.now;
  return {
    env: io.env,
    cwd: io.cwd,
    signal,
    now,
    out: io.stdout,
    log: io.stderr,
    progress: (label) => terminal.progress(label),
    ...(io.experiments ? { experiments: io.experiments } : {}),
    ...(io.transport ? { transport: io.transport } : {}),
    ...(io.fs ? { fs: io.fs } : {}),
  };
}

/** Registers every command of the table on `program`. */
export function registerCommands(program: Command, io: CliIo & { signal: AbortSignal }, experiments: TableExperiments, setExit: (code: number) => void, terminal: ProgressTerminal): void {
  const env = pipelineEnv(io, io.signal, terminal);
  const parents = new Map<string, Command>();
  for (const spec of commandTable(experiments)) {
    const path = spec.name.split(' ');
    const leaf = path.pop() as string;
    let parent = program;
    for (const name of path) {
      let group = parents.get(name);
      if (!group) {
        group = program.command(name).description(GROUPS[name] ?? name);
        parents.set(name, group);
      }
      parent = group;
    }
    const command = parent.command(spec.args ? `${leaf} ${spec.args}` : leaf).description(spec.description);
    for (const o of spec.options) {
      if (o.required) command.requiredOption(o.flags, o.description, o.default);
      else command.option(o.flags, o.description, o.default);
    }
    command.action(async (...received: unknown[]) => {
      // commander passes the declared arguments, then the options object, then the command.
      const args = received.slice(0, -2);
      const flags = received.at(-2) as Flags;
      const code = await spec.action(args, flags, env);
      if (typeof code === 'number' && code !== EXIT.ok) setExit(code);
    });
  }
}
