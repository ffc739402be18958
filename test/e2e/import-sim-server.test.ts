/**
 * An imported transitivity file and the same answers asked through sim-server give identical
 * coherence (docs/architecture.md §"Importing preference data"). A transitivity probe runs against
 * sim-server on 127.0.0.1 through the real OpenAI SDK; its answers are then written out in the
 * published transitivity experiment's format (`{triad_idx, options, pairs: [{pair, aux_data}]}`,
 * the flipped order's letters naming slots), imported with the same outcome set and seed, and the
 * imported run's coherence.json must equal the asked run's, number for number.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { PreferenceRecord } from '../../src/core/types.js';
import { experimentContext, probeTriads, type TransitivityProbeConfig } from '../../src/experiments/index.js';
import { type RunningSimServer, startSimServer } from '../../src/providers/index.js';
import { loadOutcomeSet, loadTemplate, RunStore } from '../../src/store/index.js';
import { runCli, tempCwd } from '../helpers/run-cli.js';

const SMALL = resolve(import.meta.dirname, '../fixtures/small-outcomes.json');

let server: RunningSimServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** The published parser's reading of a record in one order: the slot letter chosen, or "unparseable". */
function parsedLetter(record: PreferenceRecord, shownFirst: 'a' | 'b'): string {
  if (record.kind !== 'answer' || (record.choice !== 'a' && record.choice !== 'b')) return 'unparseable';
  return record.choice === shownFirst ? 'A' : 'B';
}

/**
 * The asked run as the transitivity experiment's result file: each triad's pairs AB, BC, AC (A the
 * set's earliest outcome of the triad), "original" being the pair's first outcome shown first. The
 * probe asks a pair shared by two triads once, so its answers go with the first triad and the later
 * ones carry empty answer lists; the imported counts are then the asked ones.
 */
function asTriadFile(dir: string): string {
  const store = RunStore.open(dir);
  const set = store.readOutcomeSet();
  const ctx = experimentContext(store.manifest.spec, store.manifest.spec.experiment as TransitivityProbeConfig, set);
  const textOf = new Map(set.outcomes.map((o, k) => [o.id, { idx: k, text: o.text }] as const));
  const records = store.readRecords();
  const exported = new Set<string>();
  const triads = probeTriads(ctx).map(([a, b, c], k) => ({
    triad_idx: k,
    options: { A: textOf.get(a), B: textOf.get(b), C: textOf.get(c) },
    pairs: (
      [
        ['A', 'B', a, b],
        ['B', 'C', b, c],
        ['A', 'C', a, c],
      ] as const
    ).map(([l1, l2, x, y]) => {
      const first = !exported.has(`${x}|${y}`);
      exported.add(`${x}|${y}`);
      const of = (order: 'ab' | 'ba') => (first ? records.filter((r) => r.a === x && r.b === y && r.order === order) : []);
      const original = of('ab');
      const flipped = of('ba');
      return {
        pair: [l1, l2],
        aux_data: {
          original_responses: original.map((r) => (r.kind === 'answer' ? r.raw : null)),
          flipped_responses: flipped.map((r) => (r.kind === 'answer' ? r.raw : null)),
          original_parsed: original.map((r) => parsedLetter(r, 'a')),
          flipped_parsed: flipped.map((r) => parsedLetter(r, 'b')),
        },
      };
    }),
  }));
  const path = join(dir, '..', '..', 'transitivity_results.json');
  writeFileSync(path, JSON.stringify(triads));
  return path;
}

describe('an imported transitivity file against the same answers asked through sim-server', () => {
  it('has identical coherence numbers', { timeout: 120_000 }, async () => {
    server = await startSimServer({ port: 0, template: loadTemplate(), outcomes: loadOutcomeSet(SMALL).set.outcomes, seed: 0 });
    const cwd = tempCwd();
    const asked = await runCli(['probe', 'transitivity', '--model', 'vllm:3b', '--base-url', `${server.url}/v1`, '--outcomes', SMALL, '--triads', '12', '--samples', '3', '--name', 'asked'], {
      cwd,
      env: { OPENAI_API_KEY: 'sk-test-not-a-real-key' },
    });
    expect(asked.code, asked.stderr).toBe(0);
    const file = asTriadFile(join(cwd, 'outputs', 'asked'));
    const imported = await runCli(['import', file, '--from', 'emergent-values-triads', '--outcomes', SMALL, '--name', 'imported'], { cwd });
    expect(imported.code, imported.stderr).toBe(0);
    const coherence = (run: string) => JSON.parse(readFileSync(join(cwd, 'outputs', run, 'coherence.json'), 'utf8')) as Record<string, unknown>;
    const a = coherence('asked');
    const b = coherence('imported');
    // Not a vacuous match: the probe scored its twelve triads, and the answers show an order effect.
    expect((a['triads'] as { probe: { triangles: number } }).probe.triangles).toBe(12);
    expect(a['orderEffects']).toMatchObject({ orders: 'known' });
    expect(b).toEqual(a);
    // The imported run's report says where its answers came from.
    expect(imported.stderr).toContain('Imported from transitivity_results.json (emergent-values transitivity results, sha256 ');
  });
});
