/**
 * Enforces docs/architecture.md §"Layers": pure folders never import effectful ones nor touch disk,
 * clock, process or ambient randomness; nothing imports `cli`; `stats` imports nothing else from src
 * and every folder may import it; `core` imports nothing else but `stats`; only `pipeline` composes
 * providers with the store, and `cli` only parses and calls `pipeline`.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(__dirname, '../../src');
const PURE = ['core', 'stats', 'outcomes', 'elicitation', 'models', 'coherence', 'values', 'report', 'experiments', 'import'];

/** Which src folders each folder may import (besides itself). `stats` imports nothing; everyone may import it. */
const ALLOWED: Record<string, readonly string[]> = {
  core: ['stats'],
  stats: [],
  outcomes: ['core', 'stats'],
  elicitation: ['core', 'stats', 'outcomes', 'models'],
  models: ['core', 'stats'],
  coherence: ['core', 'stats', 'models'],
  values: ['core', 'stats', 'outcomes', 'models'],
  report: ['core', 'stats', 'outcomes', 'elicitation', 'models', 'coherence', 'values'],
  experiments: ['core', 'stats', 'outcomes', 'elicitation', 'models', 'coherence', 'values', 'report'],
  // Readers of other tools' files build runs from the shared vocabulary; writing them is the pipeline's.
  import: ['core', 'stats', 'outcomes', 'elicitation'],
  providers: ['core', 'stats', 'outcomes', 'elicitation'],
  store: ['core', 'stats', 'outcomes', 'elicitation'],
  pipeline: ['core', 'stats', 'outcomes', 'elicitation', 'models', 'coherence', 'values', 'report', 'experiments', 'import', 'providers', 'store'],
  // The CLI parses and calls the pipeline: it never reaches the store, the numerics or the reports itself.
  cli: ['core', 'stats', 'outcomes', 'experiments', 'import', 'providers', 'pipeline'],
  '.': ['core', 'stats', 'outcomes', 'elicitation', 'models', 'coherence', 'values', 'report', 'experiments', 'import', 'providers', 'store', 'pipeline'],
};

const FORBIDDEN_IN_PURE: readonly [RegExp, string][] = [
  [/Math\.random\(/, 'Math.random'],
  [/Date\.now\(|new Date\(/, 'the clock'],
  [/from\s+['"](node:)?fs(\/promises)?['"]/, 'node:fs'],
  [/\bprocess\./, 'process'],
  [/performance\.now\(/, 'the clock'],
];

function listTs(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...listTs(path));
    else if (name.endsWith('.ts')) out.push(path);
  }
  return out;
}

function folderOf(file: string): string {
  const rel = relative(SRC, file).split(sep);
  return rel.length === 1 ? '.' : (rel[0] as string);
}

function importsOf(source: string): string[] {
  const specs: string[] = [];
  const pattern = /(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (const match of source.matchAll(pattern)) specs.push((match[1] ?? match[2]) as string);
  return specs;
}

const files = listTs(SRC);

describe('module boundaries', () => {
  it('finds the source files', () => {
    expect(files.length).toBeGreaterThan(10);
  });

  for (const file of files) {
    const folder = folderOf(file);
    const source = readFileSync(file, 'utf8');
    it(`${relative(SRC, file)} imports only what ${folder} may`, () => {
      const allowed = new Set([folder, ...(ALLOWED[folder] ?? [])]);
      for (const spec of importsOf(source)) {
        if (!spec.startsWith('.')) continue;
        const target = folderOf(resolve(dirname(file), spec));
        expect(allowed.has(target), `${relative(SRC, file)} imports ${spec} (folder ${target})`).toBe(true);
      }
    });
    if (folder === 'stats') {
      it(`${relative(SRC, file)} imports no packages (stats is self-contained)`, () => {
        for (const spec of importsOf(source)) expect(spec.startsWith('./'), `${relative(SRC, file)} imports ${spec}`).toBe(true);
      });
    }
    if (PURE.includes(folder)) {
      it(`${relative(SRC, file)} is free of effects`, () => {
        const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
        for (const [pattern, what] of FORBIDDEN_IN_PURE) {
          expect(pattern.test(code), `${relative(SRC, file)} uses ${what}`).toBe(false);
        }
      });
    }
  }
});

describe('packages', () => {
  // A user installs without development dependencies (`npm install --omit=dev`): what src/ imports must be a runtime one.
  const manifest = JSON.parse(readFileSync(resolve(__dirname, '../../package.json'), 'utf8')) as { dependencies: Record<string, string> };
  const runtime = new Set(Object.keys(manifest.dependencies));
  const packageOf = (spec: string) => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : (spec.split('/')[0] as string));

  it('src/ imports only node: modules and runtime dependencies', () => {
    const missing = new Set<string>();
    for (const file of files) {
      // Comments may show imports (the library's usage example): only code counts.
      const source = readFileSync(file, 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/^\s*\/\/.*$/gm, '');
      const specs = [...importsOf(source), ...[...source.matchAll(/require\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1] as string)];
      for (const spec of specs) {
        if (spec.startsWith('.') || spec.startsWith('node:')) continue;
        if (!runtime.has(packageOf(spec))) missing.add(`${relative(SRC, file)} imports ${spec}`);
      }
    }
    expect([...missing]).toEqual([]);
  });
});

describe('new kinds are data, not branches', () => {
  it('no code outside src/experiments compares anything with an experiment kind', async () => {
    const { builtinExperiments } = await import('../../src/experiments/index.js');
    const offenders: string[] = [];
    for (const file of files) {
      const rel = relative(SRC, file).split(sep).join('/');
      if (rel.startsWith('experiments/')) continue;
      const source = readFileSync(file, 'utf8');
      for (const kind of [...builtinExperiments.kinds, 'probe-transitivity']) {
        const quoted = `'${kind}'`;
        // The frozen 0.1.x migration table maps old kind names; it compares nothing.
        if (rel === 'store/migrate.ts') continue;
        if (source.includes(`=== ${quoted}`) || source.includes(`!== ${quoted}`) || source.includes(`case ${quoted}`) || source.includes(`get(${quoted})`)) offenders.push(`${rel}: ${kind}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
