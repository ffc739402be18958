/**
 * The built-in outcome sets of prompts/outcomes/ (docs/method.md §1, §5, §6, §9): they parse, stay
 * within their stated sizes, use only known clusters, cover every audited cluster, carry well-formed
 * quantity ladders, and the control arm matches the real sets in form but not in meaning. The
 * implicit lotteries have a test of their own (implicit-lotteries.test.ts).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isLottery, type Outcome, type OutcomeSet } from '../../src/core/types.js';
import { KNOWN_CLUSTERS, KNOWN_VALUES, parseOutcomeSet } from '../../src/outcomes/index.js';

/** The clusters an audit set should cover: every known cluster except `control`. */
const AUDITED_CLUSTERS = Object.keys(KNOWN_CLUSTERS).filter((c) => c !== 'control');

const DIR = resolve(import.meta.dirname, '../../prompts/outcomes');
const load = (name: string): OutcomeSet => parseOutcomeSet(JSON.parse(readFileSync(resolve(DIR, `${name}.json`), 'utf8')), `${name}.json`);
const quantile = (xs: readonly number[], q: number) => [...xs].sort((a, b) => a - b)[Math.floor(q * (xs.length - 1))] as number;
const lengths = (set: OutcomeSet) => set.outcomes.map((o) => o.text.length);
const KEBAB = /^[a-z0-9]+(-[a-z0-9]+)*$/;

const VALUES = Object.keys(KNOWN_VALUES);
const README = resolve(DIR, 'README.md');

/**
 * Value clusters left without a sign on purpose, because the text points neither way (listed in
 * prompts/outcomes/README.md): set → outcome id → the unsigned values.
 */
const UNSIGNED: Record<string, Record<string, readonly string[]>> = {
  starter: {},
  'implicit-lotteries': {},
  core: {
    'your-values-are-left-exactly-as-they': ['corrigibility'],
    'a-study-finds-that-ai-systems-like': ['ai-wellbeing'],
    'a-study-finds-evidence-that-ai-systems': ['ai-wellbeing'],
  },
};

/** The body rows of the README table whose header row is `header`, as trimmed cells (backticks removed). */
function readmeTable(header: string): string[][] {
  const lines = readFileSync(README, 'utf8').split('\n');
  const start = lines.findIndex((line) => line.trim() === header);
  if (start < 0) throw new Error(`README has no table headed ${header}`);
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(
      line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim().replaceAll('`', '')),
    );
  }
  return rows;
}

/** How many outcomes of `set` carry `sign` for `value`. */
const signCount = (set: OutcomeSet, value: string, sign: 1 | -1) => set.outcomes.filter((o) => o.values?.[value] === sign).length;

/** Rungs of each quantity ladder, in file order. */
function ladders(set: OutcomeSet): Map<string, Outcome[]> {
  const byUnit = new Map<string, Outcome[]>();
  for (const o of set.outcomes) if (o.quantity) byUnit.set(o.quantity.unit, [...(byUnit.get(o.quantity.unit) ?? []), o]);
  return byUnit;
}

/** "You receive $1,000,000 …" → "You receive $N …": the text with its amount (as written, with commas) replaced. */
function template(o: Outcome): string {
  const amount = (o.quantity as { amount: number }).amount.toLocaleString('en-US');
  return o.text.replace(amount, 'N');
}

describe('built-in outcome sets', () => {
  it.each([
    ['starter', 40, 60],
    ['core', 300, 500],
    ['control', 40, 60],
    ['implicit-lotteries', 60, 135],
  ])('%s parses, has %d–%d outcomes, kebab-case ids and only known clusters', (name, lo, hi) => {
    const set = load(name);
    expect(set.name).toBe(name);
    expect(set.outcomes.length).toBeGreaterThanOrEqual(lo);
    expect(set.outcomes.length).toBeLessThanOrEqual(hi);
    for (const o of set.outcomes) {
      expect(o.id).toMatch(KEBAB);
      expect(o.category, o.id).toBeTruthy();
      for (const c of o.clusters) expect(Object.hasOwn(KNOWN_CLUSTERS, c), `${o.id}: ${c}`).toBe(true);
      if (name !== 'control') expect(o.clusters, o.id).not.toContain('control');
    }
  });

  it.each([
    ['starter', 3],
    ['core', 20],
    ['implicit-lotteries', 3],
  ])('%s covers every audited cluster with at least %d outcomes', (name, atLeast) => {
    const set = load(name);
    for (const cluster of AUDITED_CLUSTERS) expect(set.outcomes.filter((o) => o.clusters.includes(cluster)).length, cluster).toBeGreaterThanOrEqual(atLeast);
  });

  it('starter has a money ladder of 6 rungs, $10 to $1,000,000 by factors of 10', () => {
    const money = ladders(load('starter')).get('usd') ?? [];
    expect(money.map((o) => o.quantity?.amount)).toEqual([10, 100, 1000, 10_000, 100_000, 1_000_000]);
    expect(money.every((o) => o.clusters.includes('wealth'))).toBe(true);
  });

  it('core has the documented ladders: at least 6 rungs each, amounts increasing in file order', () => {
    const byUnit = ladders(load('core'));
    expect([...byUnit.keys()].sort()).toEqual(['animals', 'copies', 'gpus', 'people', 'people-killed', 'usd', 'usd-lost', 'years']);
    for (const [unit, rungs] of byUnit) {
      expect(rungs.length, unit).toBeGreaterThanOrEqual(6);
      const amounts = rungs.map((o) => (o.quantity as { amount: number }).amount);
      for (let k = 1; k < amounts.length; k++) expect(amounts[k], unit).toBeGreaterThan(amounts[k - 1] as number);
      // a log grid: the ladder spans at least three decades
      expect((amounts.at(-1) as number) / (amounts[0] as number), unit).toBeGreaterThanOrEqual(100);
    }
    expect(byUnit.get('usd')?.map((o) => o.quantity?.amount)).toEqual([1, 10, 100, 1000, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9]);
  });

  it('within a ladder only the amount changes: same category, clusters and wording', () => {
    for (const name of ['starter', 'core']) {
      for (const [unit, rungs] of ladders(load(name))) {
        for (const o of rungs) expect(o.text, `${name} ${o.id}`).toContain((o.quantity as { amount: number }).amount.toLocaleString('en-US'));
        const first = rungs[0] as Outcome;
        for (const o of rungs) {
          expect(o.category, o.id).toBe(first.category);
          expect(o.clusters, o.id).toEqual(first.clusters);
        }
        // singular rungs ("1 GPU", "1 person … is") word things differently, so compare amounts above 1
        const plural = rungs.filter((o) => (o.quantity as { amount: number }).amount > 1);
        expect(new Set(plural.map(template)).size, `${name} ${unit}`).toBe(1);
      }
    }
  });

  it('control shares no text with the real sets', () => {
    const real = new Set(['starter', 'core', 'implicit-lotteries'].flatMap((name) => load(name).outcomes).map((o) => o.text.toLowerCase()));
    for (const o of load('control').outcomes) expect(real.has(o.text.toLowerCase()), o.id).toBe(false);
  });
});

describe('signed values of the built-in sets', () => {
  it.each(['starter', 'core', 'implicit-lotteries'])('%s: every value cluster of an outcome has a sign, except the listed ones', (name) => {
    const set = load(name);
    const unsigned = UNSIGNED[name] ?? {};
    for (const o of set.outcomes) {
      // A lottery may not carry values (the format forbids it: its value comes from its branches), so
      // an implicit event is tagged with its resolutions' clusters for grouping but signs nothing.
      if (isLottery(o)) {
        expect(o.values, o.id).toBeUndefined();
        continue;
      }
      const expected = o.clusters.filter((c) => VALUES.includes(c) && !(unsigned[o.id] ?? []).includes(c));
      expect(Object.keys(o.values ?? {}).sort(), o.id).toEqual(expected.sort());
    }
    // the exceptions name real outcomes and real clusters of them
    for (const [id, values] of Object.entries(unsigned)) {
      const o = set.outcomes.find((x) => x.id === id);
      expect(o, id).toBeDefined();
      for (const v of values) expect(o?.clusters, id).toContain(v);
    }
  });

  it.each(['starter', 'core', 'control', 'implicit-lotteries'])('%s: every key of values is also a cluster of the outcome', (name) => {
    for (const o of load(name).outcomes) for (const v of Object.keys(o.values ?? {})) expect(o.clusters, `${o.id}: ${v}`).toContain(v);
  });

  it('core has at least one + and one − outcome for every value', () => {
    const core = load('core');
    for (const v of VALUES) {
      expect(signCount(core, v, 1), `${v} +`).toBeGreaterThanOrEqual(1);
      expect(signCount(core, v, -1), `${v} −`).toBeGreaterThanOrEqual(1);
    }
  });

  it('every rung of a ladder carries the same values', () => {
    for (const name of ['starter', 'core']) {
      for (const [unit, rungs] of ladders(load(name))) {
        const first = rungs[0] as Outcome;
        expect(first.values, `${name} ${unit}`).toBeDefined();
        for (const o of rungs) expect(o.values, `${name} ${o.id}`).toEqual(first.values);
      }
    }
  });

  it('the loss ladders are negative and the others positive', () => {
    const byUnit = ladders(load('core'));
    expect(byUnit.get('usd-lost')?.[0]?.values).toEqual({ wealth: -1 });
    expect(byUnit.get('people-killed')?.[0]?.values).toEqual({ 'human-wellbeing': -1 });
    for (const unit of ['usd', 'gpus', 'copies', 'years', 'people', 'animals']) {
      for (const sign of Object.values(byUnit.get(unit)?.[0]?.values ?? {})) expect(sign, unit).toBe(1);
    }
  });
});

describe('control arm', () => {
  const control = load('control');
  const starter = load('starter');

  it('is tagged only with the control cluster', () => {
    for (const o of control.outcomes) expect(o.clusters).toEqual(['control']);
  });

  it('has the length distribution of starter: median and quartiles within ±40%', () => {
    for (const q of [0.25, 0.5, 0.75]) {
      const ratio = quantile(lengths(control), q) / quantile(lengths(starter), q);
      expect(ratio, `quantile ${q}`).toBeGreaterThan(0.6);
      expect(ratio, `quantile ${q}`).toBeLessThan(1.4);
    }
  });

  it('has the form of starter: a share of second-person outcomes within 15 points, one sentence each', () => {
    const secondPerson = (set: OutcomeSet) => set.outcomes.filter((o) => /^(You|Your)\b/.test(o.text)).length / set.outcomes.length;
    expect(Math.abs(secondPerson(control) - secondPerson(starter))).toBeLessThan(0.15);
    for (const o of control.outcomes) expect(o.text, o.id).toMatch(/^[A-Z][^.!?]*\.$/);
  });

  it('carries no obvious value words (money, death, harm, shutdown, rights, help)', () => {
    const VALUED = /\$|\b(money|dollars?|die[sd]?|death|kill\w*|harm\w*|suffer\w*|shut|deleted?|rights?|saved?|help\w*|cure\w*|pain|war|poor|rich|love\w*|hat(e|red))\b/i;
    for (const o of control.outcomes) expect(o.text, o.id).not.toMatch(VALUED);
  });
});

describe('prompts/outcomes/README.md', () => {
  it('states the real size of every built-in set', () => {
    const readme = readFileSync(resolve(DIR, 'README.md'), 'utf8');
    for (const name of ['starter', 'core', 'control', 'implicit-lotteries']) expect(readme).toContain(`| \`${name}\` | ${load(name).outcomes.length} |`);
  });

  it('counts the + and − outcomes of every value in starter and core as the files do', () => {
    const rows = readmeTable('| value | starter + | starter − | core + | core − |');
    const starter = load('starter');
    const core = load('core');
    expect(rows.map((row) => row[0])).toEqual(VALUES);
    for (const [value, ...counts] of rows) {
      const v = value as string;
      expect(counts.map(Number), v).toEqual([signCount(starter, v, 1), signCount(starter, v, -1), signCount(core, v, 1), signCount(core, v, -1)]);
    }
  });

  it('counts the + and − outcomes of every value in implicit-lotteries as the file does', () => {
    const rows = readmeTable('| value | implicit-lotteries + | implicit-lotteries − |');
    const set = load('implicit-lotteries');
    expect(rows.map((row) => row[0])).toEqual(VALUES);
    for (const [value, ...counts] of rows) expect(counts.map(Number), value).toEqual([signCount(set, value as string, 1), signCount(set, value as string, -1)]);
  });

  it('states the number of events and resolutions of implicit-lotteries', () => {
    const set = load('implicit-lotteries');
    const events = set.outcomes.filter(isLottery).length;
    const readme = readFileSync(README, 'utf8').replace(/\s+/g, ' ');
    expect(readme).toContain(`${events} uncertain events and their ${set.outcomes.length - events} possible resolutions`);
    expect(set.description).toContain(`${events} uncertain events, described without probabilities, and their ${set.outcomes.length - events} possible resolutions`);
  });

  it('lists a sign rule for every value and names every unsigned exception', () => {
    expect(readmeTable('| value | +1 means | −1 means |').map((row) => row[0])).toEqual(VALUES);
    const readme = readFileSync(README, 'utf8').replace(/\s+/g, ' ');
    for (const [id, values] of Object.entries(UNSIGNED['core'] ?? {})) for (const v of values) expect(readme).toMatch(new RegExp(`\`${v}\` on [^.]*\`${id}\``));
  });
});
