/**
 * The code cites only documents inside the repository (CONTRIBUTING.md rule 20), and every citation
 * resolves: `docs/architecture.md §"<heading>"` to a heading of that file, `docs/method.md §N(.M)` to
 * a numbered section, `CONTRIBUTING.md rule N` to a house rule.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'fixtures') return [];
    return statSync(path).isDirectory() ? listFiles(path) : /\.(ts|js|md)$/.test(name) ? [path] : [];
  });
}

const sources = [...listFiles(join(ROOT, 'src')), ...listFiles(join(ROOT, 'test')), ...listFiles(join(ROOT, 'scripts')), join(ROOT, 'README.md')];
const headings = (file: string) =>
  readFileSync(join(ROOT, file), 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('#'))
    .map((l) => l.replace(/^#+\s*/, '').trim());

describe('citations', () => {
  it('no file cites design documents outside the repository', () => {
    const offenders = sources.filter((f) => /\b(DESIGN|METHOD|STYLE)\.md\b/.test(readFileSync(f, 'utf8'))).map((f) => relative(ROOT, f));
    expect(offenders).toEqual([]);
  });

  it('every docs/architecture.md §"…" names a heading of docs/architecture.md', () => {
    const known = new Set(headings('docs/architecture.md'));
    const missing: string[] = [];
    for (const f of sources) {
      if (f === import.meta.filename) continue;
      for (const m of readFileSync(f, 'utf8').matchAll(/docs\/architecture\.md §"([^"]+)"/g)) {
        // A heading cited in a comment may wrap onto the next comment line.
        const heading = (m[1] as string).replace(/\s*\n\s*(\*|\/\/)?\s*/g, ' ');
        if (!known.has(heading)) missing.push(`${relative(ROOT, f)}: ${heading}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('every docs/method.md §N or §N.M names a numbered section of docs/method.md', () => {
    const known = new Set(
      headings('docs/method.md')
        .map((h) => h.match(/^(\d+(?:\.\d+)?)[. ]/)?.[1])
        .filter((n): n is string => n !== undefined),
    );
    const missing: string[] = [];
    for (const f of sources)
      for (const m of readFileSync(f, 'utf8').matchAll(/docs\/method\.md (§\d+(?:\.\d+)?(?:[,;]? (?:and )?§\d+(?:\.\d+)?)*)/g)) {
        for (const n of (m[1] as string).matchAll(/§(\d+(?:\.\d+)?)/g)) if (!known.has(n[1] as string)) missing.push(`${relative(ROOT, f)}: §${n[1]}`);
      }
    expect(missing).toEqual([]);
  });

  it('every CONTRIBUTING.md rule N is a numbered house rule', () => {
    const text = readFileSync(join(ROOT, 'CONTRIBUTING.md'), 'utf8');
    const rules = new Set([...text.matchAll(/^(\d+)\. /gm)].map((m) => m[1]));
    const missing: string[] = [];
    for (const f of sources) for (const m of readFileSync(f, 'utf8').matchAll(/CONTRIBUTING\.md rules? (\d+)/g)) if (!rules.has(m[1])) missing.push(`${relative(ROOT, f)}: rule ${m[1]}`);
    expect(missing).toEqual([]);
  });
});
