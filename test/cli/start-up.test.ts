/**
 * What a start-up loads (issue #21, docs/architecture.md §"CLI"): `utilscope --help` and `outcomes
 * list` load commander and a handful of small modules, never the experiments, the run loop, zod or
 * yaml; each command's action imports its implementation when it runs. The module graph is read
 * from the sources (static imports and re-exports; type-only imports are erased by the compiler,
 * dynamic `import()` is what a command pays for when it runs), so this test fails when a static
 * import drags something heavy back in. How long a start-up takes is measured by `npm run bench`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { takesExperimentOptions } from '../../src/cli/commands.js';
import { BUILTIN_EXPERIMENT_COMMANDS, builtinExperiments, experimentCommands } from '../../src/experiments/index.js';
import { builtinOutcomeSetNames, loadOutcomeSet } from '../../src/store/index.js';
import { runCli } from '../helpers/run-cli.js';

const SRC = resolve(import.meta.dirname, '../../src');

/** The specifiers a module loads when it is imported: static imports and re-exports that keep a value. */
function staticImports(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const specs: string[] = [];
  for (const m of code.matchAll(/^(import|export)\s+([^;]*?)\s*from\s+'([^']+)'/gm)) {
    const clause = (m[2] as string).trim();
    if (clause.startsWith('type ')) continue;
    // `import { type A, type B } from …` is erased whole, like `import type`.
    const braces = /^\{([^}]*)\}$/.exec(clause);
    if (braces && (braces[1] as string).split(',').every((name) => name.trim() === '' || name.trim().startsWith('type '))) continue;
    specs.push(m[3] as string);
  }
  for (const m of code.matchAll(/^import\s+'([^']+)'/gm)) specs.push(m[1] as string);
  return specs;
}

/** Every src module and every package that importing `entry` (a path under src/) loads. */
function loadedBy(entry: string): { modules: string[]; packages: string[] } {
  const modules = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (modules.has(file)) return;
    modules.add(file);
    for (const spec of staticImports(readFileSync(file, 'utf8'))) {
      if (spec.startsWith('.')) {
        const target = resolve(dirname(file), spec.replace(/\.js$/, '.ts'));
        expect(existsSync(target), `${relative(SRC, file)} imports ${spec}`).toBe(true);
        visit(target);
      } else if (!spec.startsWith('node:')) packages.add(spec);
    }
  };
  visit(resolve(SRC, entry));
  return { modules: [...modules].map((m) => relative(SRC, m)).sort(), packages: [...packages].sort() };
}

describe('what a start-up loads', () => {
  it('reads the module graph: the run loop imports zod and the experiments (the check can fail)', () => {
    const run = loadedBy('pipeline/run.ts');
    expect(run.packages).toContain('zod');
    expect(run.modules).toContain('experiments/registry.ts');
  });

  it('--help loads commander and the words of the command table, nothing else', () => {
    const cli = loadedBy('cli/main.ts');
    expect(cli.packages).toEqual(['commander']);
    expect(cli.modules.filter((m) => m.startsWith('experiments/'))).toEqual(['experiments/experiment-commands.ts', 'experiments/transitivity-probe/command.ts']);
    expect(cli.modules.length).toBeLessThanOrEqual(16);
  });

  it('outcomes list adds only the reader of the built-in sets', () => {
    const list = loadedBy('pipeline/outcome-list.ts');
    expect(list.packages).toEqual([]);
    expect(list.modules).toEqual(['pipeline/outcome-list.ts', 'store/package-paths.ts']);
  });

  it('outcomes list shows each built-in set with the size and description the full loader reads', async () => {
    const list = await runCli(['outcomes', 'list']);
    expect(list.code).toBe(0);
    const lines = list.stdout.trim().split('\n');
    expect(lines).toHaveLength(builtinOutcomeSetNames().length);
    for (const [k, name] of builtinOutcomeSetNames().entries()) {
      const { set } = loadOutcomeSet(name);
      expect(lines[k]).toMatch(new RegExp(`^${name} +${set.outcomes.length} outcomes {2}`));
      expect(lines[k]?.endsWith(` ${set.description ?? ''}`)).toBe(true);
    }
  });
});

describe('experiment options are loaded only for the commands that take them', () => {
  it('lists the built-in experiments’ commands as the registry has them', () => {
    expect(BUILTIN_EXPERIMENT_COMMANDS).toEqual(experimentCommands(builtinExperiments));
  });

  it('run, an experiment’s command and their help take them; other commands and the top-level help do not', () => {
    const commands = BUILTIN_EXPERIMENT_COMMANDS;
    for (const argv of [['run', '--model', 'sim:7b'], ['--debug', 'run'], ['probe', 'transitivity', '--help'], ['probe'], ['help', 'run'], ['help', 'probe']]) {
      expect(takesExperimentOptions(argv, commands), argv.join(' ')).toBe(true);
    }
    for (const argv of [[], ['--help'], ['-V'], ['outcomes', 'list'], ['fit', '--model', 'case5', 'run'], ['help'], ['help', 'status'], ['status', 'run']]) {
      expect(takesExperimentOptions(argv, commands), argv.join(' ')).toBe(false);
    }
  });

  it('run --help, help run and probe transitivity --help show the experiments’ options', async () => {
    for (const argv of [
      ['run', '--help'],
      ['help', 'run'],
    ]) {
      const help = await runCli(argv);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain(`--experiment <kind>`);
      expect(help.stdout).toContain(`what to measure: ${builtinExperiments.defaultKind}`);
      expect(help.stdout).toContain('--lottery-wording <name>');
      expect(help.stdout).toContain('--triads <n>');
    }
    const probe = await runCli(['probe', 'transitivity', '--help']);
    expect(probe.stdout).toContain('--triads <n>');
    expect(probe.stdout).not.toContain('--lottery-wording');
  });

  it('the top-level help lists every command, the experiments’ own among them', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    for (const name of ['run [options]', 'probe', 'resume [options] <run-dir>', 'fit [options] [run-dir]', 'status [options] <run-dir>', 'outcomes', 'sim-server [options]']) {
      expect(help.stdout).toContain(`  ${name} `);
    }
    expect((await runCli(['probe', '--help'])).stdout).toContain('transitivity [options]');
  });
});
