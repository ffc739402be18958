/**
 * The command line (docs/architecture.md §"CLI"): commander wiring only. argv, env and streams are parameters;
 * exactly one catch at the boundary turns any UtilscopeError into one line
 * `utilscope: <what> (<file>:<field or line>)` with exit 2 for usage errors and 1 otherwise;
 * `--debug` adds the stack. Nothing imports this module except bin/utilscope.js.
 */
import { Command, CommanderError, Option } from 'commander';
import { diskError, formatErrorLine, isSystemError, isUtilscopeError, neutraliseControls, UtilscopeError } from '../core/errors.js';
import { BUILTIN_EXPERIMENT_COMMANDS, experimentCommands } from '../experiments/experiment-commands.js';
import type { ExperimentRegistry } from '../experiments/registry.js';
import { toolVersion } from '../pipeline/version.js';
import { registerCommands, type TableExperiments, takesExperimentOptions } from './commands.js';
import { type CliIo, EXIT } from './io.js';
import { createProgressTerminal } from './progress.js';

/** Runs the CLI with `argv` (without node and script) and returns the process exit code. */
export async function main(argv: readonly string[], given: CliIo): Promise<number> {
  // stderr through the progress terminal: whatever is written there first ends the bar's line.
  const terminal = createProgressTerminal(given.stderr, given.now ?? Date.now);
  const io: CliIo = { ...given, stderr: terminal.log };
  let exitCode: number = EXIT.ok;
  const setExit = (code: number) => {
    exitCode = code;
  };
  const controller = new AbortController();
  let signal = io.signal;
  let removeSigint: (() => void) | undefined;
  if (!signal) {
    // First Ctrl-C: stop issuing requests, flush, mark cancelled. Second: leave at once.
    let interrupts = 0;
    const onSigint = () => {
      interrupts += 1;
      if (interrupts === 1) {
        io.stderr.write('\nutilscope: stopping after requests in flight (Ctrl-C again to quit now); the run can be resumed\n');
        controller.abort();
      } else {
        process.exit(EXIT.cancelled);
      }
    };
    process.on('SIGINT', onSigint);
    removeSigint = () => process.off('SIGINT', onSigint);
    signal = controller.signal;
  }
  const debug = argv.includes('--debug');

  const program = new Command('utilscope')
    .description('Audit the value systems of LLMs from their revealed pairwise preferences.')
    .version(toolVersion(), '-V, --version', 'print the version and exit')
    .addOption(new Option('--debug', 'print stack traces for errors'))
    .exitOverride()
    .showHelpAfterError(false)
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      // Commander echoes the offending argument: neutralised like every error line (core/errors.ts).
      outputError: (text, write) => write(`utilscope: ${neutraliseControls(text.replace(/^error:\s*/i, '').trim())}\n`),
    });

  try {
    registerCommands(program, { ...io, signal }, await tableExperiments(argv, io.experiments), setExit, terminal);
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    exitCode = exitCodeFor(error, io, debug);
  } finally {
    removeSigint?.();
  }
  return exitCode;
}

/**
 * The experiments the command table needs for `argv`: the commands they add, always; the registry
 * too when the invoked command takes their options (`takesExperimentOptions`), for only then is it
 * worth loading every experiment's schema, planning and analysis (most of a start-up otherwise).
 */
async function tableExperiments(argv: readonly string[], given: ExperimentRegistry | undefined): Promise<TableExperiments> {
  if (given) return { commands: experimentCommands(given), registry: given };
  if (!takesExperimentOptions(argv, BUILTIN_EXPERIMENT_COMMANDS)) return { commands: BUILTIN_EXPERIMENT_COMMANDS };
  const { builtinExperiments } = await import('../experiments/registry.js');
  return { commands: BUILTIN_EXPERIMENT_COMMANDS, registry: builtinExperiments };
}

function exitCodeFor(error: unknown, io: CliIo, debug: boolean): number {
  if (error instanceof CommanderError) {
    // Commander already printed its one line (help and version exit 0).
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.help' || error.code === 'commander.version') return EXIT.ok;
    return EXIT.usage;
  }
  if (isUtilscopeError(error)) {
    io.stderr.write(`utilscope: ${formatErrorLine(error)}\n`);
    if (debug && error.stack) io.stderr.write(`${error.stack}\n`);
    return error.isUsage ? EXIT.usage : EXIT.failure;
  }
  if (isSystemError(error) && error.path !== undefined) {
    // A file operation no module turned into its own line (a report folder, an output file): still one line.
    const verb = { mkdir: 'create', open: 'open', write: 'write', rename: 'replace', unlink: 'remove', copyfile: 'copy', read: 'read' }[error.syscall ?? 'write'] ?? error.syscall;
    io.stderr.write(`utilscope: ${formatErrorLine(diskError(error, `cannot ${verb}`, error.path))}\n`);
    if (debug && error.stack) io.stderr.write(`${error.stack}\n`);
    return EXIT.failure;
  }
  const wrapped = new UtilscopeError('internal', `internal error: ${error instanceof Error ? error.message : String(error)} (rerun with --debug for details)`);
  io.stderr.write(`utilscope: ${formatErrorLine(wrapped)}\n`);
  if (debug && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
  return EXIT.failure;
}
