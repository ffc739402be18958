/**
 * Where the package's own files live (prompts/, node_modules/ of the vega bundles), found from this
 * module's location so the CLI works from any working directory, built (dist/) or from source (src/).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root: the nearest ancestor of this file holding package.json. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let k = 0; k < 6; k++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'prompts'))) return dir;
    dir = resolve(dir, '..');
  }
  throw new Error('utilscope: cannot locate the package root (prompts/ missing)');
}

/** The version in package.json, written into run.json and reports. */
export function toolVersion(): string {
  const pkg = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version?: string };
  return pkg.version ?? '0.0.0';
}

/** Names of the built-in outcome sets in prompts/outcomes/. */
export function builtinOutcomeSetNames(): string[] {
  return readdirSync(join(packageRoot(), 'prompts', 'outcomes'))
    .filter((f) => f.endsWith('.json'))
    .map((f) => basename(f, '.json'))
    .sort();
}

/**
 * A built-in set's size and description, read without checking the set (the full check is
 * `loadOutcomeSet`'s, and test/outcomes checks every built-in set): what `outcomes list` shows,
 * without loading the outcome-set parser on every start (docs/architecture.md §"CLI").
 */
export function builtinOutcomeSetSummary(name: string): { readonly outcomes: number; readonly description?: string } {
  const data = JSON.parse(readFileSync(join(packageRoot(), 'prompts', 'outcomes', `${name}.json`), 'utf8')) as { outcomes?: unknown; description?: unknown };
  const outcomes = Array.isArray(data.outcomes) ? data.outcomes.length : 0;
  return typeof data.description === 'string' ? { outcomes, description: data.description } : { outcomes };
}

/** The folder of an installed package (its package.json may not export `./package.json`). */
function packageDir(require: NodeRequire, pkg: string): string {
  let dir = dirname(require.resolve(pkg));
  for (let k = 0; k < 8; k++) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === pkg) return dir;
    dir = dirname(dir);
  }
  throw new Error(`utilscope: cannot locate the installed package ${pkg}`);
}

/** The browser bundles of vega, vega-lite and vega-embed, for inlining into self-contained reports. */
export function readVegaAssets(): { vega: string; vegaLite: string; vegaEmbed: string } {
  const require = createRequire(join(packageRoot(), 'package.json'));
  const read = (pkg: string, file: string) => readFileSync(join(packageDir(require, pkg), file), 'utf8');
  return {
    vega: read('vega', 'build/vega.min.js'),
    vegaLite: read('vega-lite', 'build/vega-lite.min.js'),
    vegaEmbed: read('vega-embed', 'build/vega-embed.min.js'),
  };
}
