/**
 * Bundles the compiled CLI (dist/cli/main.js) and the coherence worker into dist/bundle/ (docs/architecture.md §"CLI").
 * Node's ESM loader pays for every file it resolves, reads and compiles separately, and a
 * `fit --pairs` loads about 170 of them (zod alone is 97): bundled into a few files the command
 * starts about 90 ms sooner on a slow core, and so does every other command. Modules loaded with
 * `import()` on first use (the SDKs, YAML, the report's charts) stay separate chunks, loaded when
 * used, as before. The library (`dist/index.js`) stays the unbundled tsc output.
 * Run by `npm run build` after tsc.
 */
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

/** The bundle's entry points: dist/bundle/<name>.js is the compiled src/<module>.ts (scripts/dead-exports.ts reads this too). */
export const BUNDLE_ENTRIES: Readonly<Record<string, string>> = { main: 'cli/main', 'coherence-worker': 'pipeline/coherence-worker' };

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await bundle();

async function bundle(): Promise<void> {
  await build({
    entryPoints: Object.fromEntries(Object.entries(BUNDLE_ENTRIES).map(([name, module]) => [name, `dist/${module}.js`])),
    outdir: 'dist/bundle',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // Commander and other CommonJS packages call require(); an ES module has none of its own.
    banner: { js: "import { createRequire as bundleCreateRequire } from 'node:module'; const require = bundleCreateRequire(import.meta.url);" },
    sourcemap: 'linked',
    logLevel: 'warning',
  });
}
