/**
 * Where the browser tests find a Chromium or Chrome for playwright-core (no browser download):
 * `UTILSCOPE_CHROMIUM`, then the usual system paths. Without one they are skipped, with one line
 * (printed once, by browser-setup.ts) saying how to enable them — except under `CI=true`, where a
 * missing browser fails them.
 */
import { existsSync } from 'node:fs';
import { it } from 'vitest';

/** System paths tried after `UTILSCOPE_CHROMIUM`, in order. */
export const BROWSER_PATHS = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'] as const;

/** What the browser tests do on this machine. */
export type BrowserPlan = { readonly kind: 'found'; readonly path: string } | { readonly kind: 'skip' | 'fail'; readonly line: string };

/** The plan for `env`, with `exists` deciding whether a path is there. */
export function browserPlan(env: Readonly<Record<string, string | undefined>>, exists: (path: string) => boolean = existsSync): BrowserPlan {
  const given = env['UTILSCOPE_CHROMIUM'];
  const candidates = given ? [given, ...BROWSER_PATHS] : BROWSER_PATHS;
  const path = candidates.find((p) => exists(p));
  if (path !== undefined) return { kind: 'found', path };
  const tried = candidates.join(', ');
  if (env['CI'] === 'true') return { kind: 'fail', line: `no Chromium or Chrome found (tried ${tried}); CI=true needs the browser tests to run` };
  return {
    kind: 'skip',
    line: `browser tests skipped: no Chromium or Chrome found (tried ${tried}); install one (apt-get install -y chromium) or set UTILSCOPE_CHROMIUM=/path/to/chrome`,
  };
}

/** This process's plan. */
export const BROWSER: BrowserPlan = browserPlan(process.env);

/** The launch options for the found browser; throws the plan's one line when there is none (CI). */
export function browserLaunchOptions(): { executablePath: string; args: string[] } {
  if (BROWSER.kind !== 'found') throw new Error(BROWSER.line);
  return { executablePath: BROWSER.path, args: ['--headless', '--no-sandbox', '--disable-gpu'] };
}

/** `it` for a test that needs the browser: skipped (silently; the setup said why once) when there is none outside CI. */
export function browserIt(name: string, test: () => Promise<void>): void {
  it.skipIf(BROWSER.kind === 'skip')(name, test);
}

/** A page of `browser` at 1,280 × 900 opened on the report at `path` once it has rendered, and the errors and warnings it logged. */
export async function openRenderedReport(browser: import('playwright-core').Browser, path: string): Promise<{ page: import('playwright-core').Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => (m.type() === 'error' || m.type() === 'warning' ? errors.push(m.text()) : undefined));
  await page.goto(`file://${path}`);
  await page.waitForSelector('body[data-rendered]');
  return { page, errors };
}
