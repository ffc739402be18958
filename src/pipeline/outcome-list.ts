/**
 * `utilscope outcomes list`: the built-in sets, one line each. Reads only each file's size and
 * description, so the command starts without the outcome-set parser (docs/architecture.md §"CLI").
 */
import { builtinOutcomeSetNames, builtinOutcomeSetSummary } from '../store/package-paths.js';

/** One line per built-in set: name, size, description. */
export function listOutcomeSets(): string {
  const names = builtinOutcomeSetNames();
  const width = Math.max(...names.map((n) => n.length));
  return names
    .map((name) => {
      const { outcomes, description } = builtinOutcomeSetSummary(name);
      return `${name.padEnd(width)} ${String(outcomes).padStart(4)} outcomes  ${description ?? ''}\n`;
    })
    .join('');
}
