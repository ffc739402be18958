/** vitest globalSetup: the one line saying why the browser tests are skipped, and how to enable them (browser.ts). */
import { BROWSER } from './browser.js';

export default function setup(): void {
  if (BROWSER.kind === 'skip') process.stderr.write(`${BROWSER.line}\n`);
}
