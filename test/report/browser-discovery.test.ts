/** How the browser tests find a Chromium (test/helpers/browser.ts), and what they do without one. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { browserPlan } from '../helpers/browser.js';

const only =
  (...paths: string[]) =>
  (path: string) =>
    paths.includes(path);

describe('browser discovery for the browser tests', () => {
  it('takes UTILSCOPE_CHROMIUM first, then /usr/bin/chromium, chromium-browser and google-chrome', () => {
    const all = only('/opt/chrome', '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome');
    expect(browserPlan({ UTILSCOPE_CHROMIUM: '/opt/chrome' }, all)).toEqual({ kind: 'found', path: '/opt/chrome' });
    expect(browserPlan({}, all)).toEqual({ kind: 'found', path: '/usr/bin/chromium' });
    expect(browserPlan({}, only('/usr/bin/chromium-browser', '/usr/bin/google-chrome'))).toEqual({ kind: 'found', path: '/usr/bin/chromium-browser' });
    expect(browserPlan({}, only('/usr/bin/google-chrome'))).toEqual({ kind: 'found', path: '/usr/bin/google-chrome' });
  });

  it('without a browser, skips with one line saying how to enable the tests, and fails under CI=true', () => {
    const skip = browserPlan({}, only());
    expect(skip.kind).toBe('skip');
    expect(skip.kind !== 'found' && skip.line).toMatch(/^browser tests skipped: .*UTILSCOPE_CHROMIUM=/);
    expect(skip.kind !== 'found' && skip.line.includes('\n')).toBe(false);
    expect(browserPlan({ CI: 'true' }, only()).kind).toBe('fail');
  });

  it('CI sets CI=true before npm test', () => {
    const script = readFileSync(resolve(import.meta.dirname, '../../.ci/run'), 'utf8');
    expect(script.indexOf('export CI=true')).toBeGreaterThan(-1);
    expect(script.indexOf('export CI=true')).toBeLessThan(script.indexOf('npm test'));
  });
});
