/**
 * `npm run bench`: runs every `test/bench/*.bench.ts` (each default-exports an async function that
 * prints its own measurements). Performance targets live here, never in timed tests.
 * Pass names to run a subset: `npm run bench -- fit coherence`.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const files = readdirSync(here)
  .filter((name) => name.endsWith('.bench.ts'))
  .filter((name) => wanted.length === 0 || wanted.some((w) => name.startsWith(w)))
  .sort();

for (const name of files) {
  console.log(`\n## ${name.replace('.bench.ts', '')}`);
  const module = (await import(pathToFileURL(join(here, name)).href)) as { default: () => Promise<void> };
  await module.default();
}
