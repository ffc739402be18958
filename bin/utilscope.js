#!/usr/bin/env node
// Thin launcher: the CLI is dist/bundle/main.js, src/cli/main.ts compiled by tsc and bundled by scripts/bundle-cli.ts (`npm run build`).
import { main } from '../dist/bundle/main.js';

process.exitCode = await main(process.argv.slice(2), {
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  cwd: process.cwd(),
});
