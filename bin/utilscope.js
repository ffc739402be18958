#!/usr/bin/env node
// Thin launcher: the CLI lives in dist/cli/main.js (built from src/cli/main.ts by `npm run build`).
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv.slice(2), {
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  cwd: process.cwd(),
});
