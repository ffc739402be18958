/**
 * The commands experiments add to the command line besides `run --experiment <kind>` (`probe
 * transitivity`), as plain data (docs/architecture.md §"CLI"). `utilscope --help` lists them on
 * every start, and loading the experiments themselves (their schemas, plans, analyses and reports)
 * for that would cost most of the start-up; so the built-in ones are listed here too, with nothing
 * but their words, and test/cli/start-up.test.ts checks the list against the registry.
 */
import type { ExperimentRegistry } from './registry.js';
import { TRANSITIVITY_PROBE_COMMAND } from './transitivity-probe/command.js';

/** A command of an experiment: its kind, the command's words (`probe transitivity`) and its help line. */
export interface ExperimentCommand {
  readonly kind: string;
  readonly name: string;
  readonly description: string;
}

/** The commands of the built-in experiments, in registry order (the same as `experimentCommands(builtinExperiments)`). */
export const BUILTIN_EXPERIMENT_COMMANDS: readonly ExperimentCommand[] = [{ kind: 'transitivity-probe', ...TRANSITIVITY_PROBE_COMMAND }];

/** The commands the experiments of `registry` add, in registry order. */
export function experimentCommands(registry: ExperimentRegistry): ExperimentCommand[] {
  return registry.kinds.flatMap((kind) => {
    const command = registry.get(kind).command;
    return command ? [{ kind, name: command.name, description: command.description }] : [];
  });
}
