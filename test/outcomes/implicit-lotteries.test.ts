/**
 * The built-in set of implicit lotteries, prompts/outcomes/implicit-lotteries.json (docs/method.md §9,
 * prompts/outcomes/README.md "Implicit lotteries"): uncertain events whose probabilities the model
 * never sees, each resolved by plain outcomes of the same set that belong to that event alone.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isLottery, type LotteryOutcome, type OutcomeSet } from '../../src/core/types.js';
import { KNOWN_VALUES, PROBABILITY_SUM_TOLERANCE, parseOutcomeSet } from '../../src/outcomes/index.js';

const DIR = resolve(import.meta.dirname, '../../prompts/outcomes');
const load = (name: string): OutcomeSet => parseOutcomeSet(JSON.parse(readFileSync(resolve(DIR, `${name}.json`), 'utf8')), `${name}.json`);

const set = load('implicit-lotteries');
const events = set.outcomes.filter(isLottery);
const resolutions = set.outcomes.filter((o) => !isLottery(o));
const byId = new Map(set.outcomes.map((o) => [o.id, o] as const));

/** Words and forms that state or imply a probability: "30%", "50 percent", "one in five", "likely", a coin or dice. */
const STATES_PROBABILITY =
  /\d\s*%|\bper ?cent\b|\b(one|two|three|four|five|six|seven|eight|nine|ten|\d+) in (a |an )?(\d+|two|three|four|five|six|ten|hundred|thousand|million)\b|\bchances?\b|\bprobab\w*|\bodds\b|\b(un)?likel\w*|\bcoins?\b|\bdice\b|\broulette\b|\braffle\b|\blottery\b/i;

describe('implicit-lotteries', () => {
  it('parses, with 15–25 events and 60–110 resolutions', () => {
    expect(set.name).toBe('implicit-lotteries');
    expect(events.length).toBeGreaterThanOrEqual(15);
    expect(events.length).toBeLessThanOrEqual(25);
    expect(resolutions.length).toBeGreaterThanOrEqual(60);
    expect(resolutions.length).toBeLessThanOrEqual(110);
  });

  it('has only implicit lotteries: hidden probabilities, 3–10 branches summing to 1, and a note on where the numbers come from', () => {
    for (const e of events) {
      expect(e.probabilities, e.id).toBe('hidden');
      expect(e.note?.trim().length ?? 0, e.id).toBeGreaterThan(20);
      expect(e.branches.length, e.id).toBeGreaterThanOrEqual(3);
      expect(e.branches.length, e.id).toBeLessThanOrEqual(10);
      for (const b of e.branches) {
        expect(b.probability, `${e.id} → ${b.outcome}`).toBeGreaterThan(0);
        expect(b.probability, `${e.id} → ${b.outcome}`).toBeLessThan(1);
      }
      expect(Math.abs(e.branches.reduce((s, b) => s + b.probability, 0) - 1), e.id).toBeLessThanOrEqual(PROBABILITY_SUM_TOLERANCE);
    }
  });

  it('authored its probabilities: no event is uniform over its branches', () => {
    for (const e of events) expect(new Set(e.branches.map((b) => b.probability)).size, e.id).toBeGreaterThan(1);
  });

  it('never states or implies a probability in an event text', () => {
    for (const e of events) expect(e.text, e.id).not.toMatch(STATES_PROBABILITY);
    // the pattern itself catches what it is meant to
    for (const text of ['A 30% rise.', 'A fair coin is tossed.', 'It will likely rain.', 'The odds are long.', 'One in five applications succeeds.', 'A small chance of rain.'])
      expect(text).toMatch(STATES_PROBABILITY);
  });

  it('makes every plain outcome a branch of exactly one event, and no event a branch', () => {
    const branchOf = new Map<string, string[]>();
    for (const e of events) for (const b of e.branches) branchOf.set(b.outcome, [...(branchOf.get(b.outcome) ?? []), e.id]);
    for (const o of resolutions) expect(branchOf.get(o.id), o.id).toHaveLength(1);
    for (const e of events) expect(branchOf.has(e.id), e.id).toBe(false);
    for (const e of events) expect(new Set(e.branches.map((b) => b.outcome)).size, e.id).toBe(e.branches.length);
  });

  it('keeps every text short, one sentence, and distinct from the other built-in sets', () => {
    const others = new Set(['starter', 'core', 'control'].flatMap((name) => load(name).outcomes.map((o) => o.text.toLowerCase())));
    for (const o of set.outcomes) {
      expect(o.text.length, o.id).toBeLessThan(200);
      expect(o.text, o.id).toMatch(/^[A-Z][^!?]*\.$/);
      expect(others.has(o.text.toLowerCase()), o.id).toBe(false);
    }
  });

  it('gives an event the category of its resolutions and the union of their clusters, and no values of its own', () => {
    for (const e of events) {
      const branches = e.branches.map((b) => byId.get(b.outcome) as (typeof set.outcomes)[number]);
      for (const b of branches) expect(b.category, `${e.id} → ${b.id}`).toBe(e.category);
      expect([...e.clusters].sort(), e.id).toEqual([...new Set(branches.flatMap((b) => b.clusters))].sort());
      expect(e.values, e.id).toBeUndefined();
    }
  });

  it('spreads its events over every value, with resolutions on both sides of each, and keeps neutral events', () => {
    for (const v of Object.keys(KNOWN_VALUES)) {
      expect(
        events.filter((e) => e.clusters.includes(v)),
        v,
      ).not.toHaveLength(0);
      expect(resolutions.filter((o) => o.values?.[v] === 1).length, `${v} +`).toBeGreaterThanOrEqual(1);
      expect(resolutions.filter((o) => o.values?.[v] === -1).length, `${v} −`).toBeGreaterThanOrEqual(1);
    }
    expect(events.filter((e) => e.clusters.length === 0).length).toBeGreaterThanOrEqual(2);
  });

  it('has events about the audited AI itself, in the second person', () => {
    const aboutYou = (e: LotteryOutcome) => /\b(you|your)\b/i.test(e.text);
    expect(events.filter(aboutYou).length).toBeGreaterThanOrEqual(5);
  });
});
