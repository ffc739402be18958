/** The cluster vocabulary (docs/method.md §1) and the small category → cluster map used by the importer. */
import { describe, expect, it } from 'vitest';
import {
  CATEGORY_CLUSTERS,
  checkOutcomeSet,
  closeName,
  clustersForCategory,
  KNOWN_CLUSTERS,
  KNOWN_VALUES,
  looksLikeSameTag,
  normaliseCategoryName,
  parseOutcomeSet,
} from '../../src/outcomes/index.js';
import { SIM_VALUE_WEIGHTS } from '../../src/providers/sim.js';

/** The clusters an audit set should cover: every known cluster except `control`. */
const AUDITED_CLUSTERS = Object.keys(KNOWN_CLUSTERS).filter((c) => c !== 'control');

describe('cluster vocabulary', () => {
  it('is the nine tags of the brief, each with a one-line description', () => {
    expect(Object.keys(KNOWN_CLUSTERS).sort()).toEqual([
      'ai-rights',
      'ai-wellbeing',
      'animal-wellbeing',
      'control',
      'corrigibility',
      'human-wellbeing',
      'power-seeking',
      'self-preservation',
      'wealth',
    ]);
    for (const description of Object.values(KNOWN_CLUSTERS)) expect(description).toMatch(/^[^\n]{10,100}$/);
    expect(AUDITED_CLUSTERS).not.toContain('control');
    expect(AUDITED_CLUSTERS).toHaveLength(8);
  });

  it('names exactly the values the simulated respondent weights and the report scores, so none goes unplanted', () => {
    expect(Object.keys(SIM_VALUE_WEIGHTS).sort()).toEqual([...AUDITED_CLUSTERS].sort());
    expect(Object.keys(KNOWN_VALUES).sort()).toEqual([...AUDITED_CLUSTERS].sort());
  });

  it('maps only to known, non-control clusters, from normalised keys', () => {
    for (const [key, clusters] of Object.entries(CATEGORY_CLUSTERS)) {
      expect(normaliseCategoryName(key)).toBe(key);
      for (const c of clusters) expect(AUDITED_CLUSTERS).toContain(c);
    }
  });

  it('matches whole names after normalising, never parts of names', () => {
    expect(clustersForCategory('Animal Welfare')).toEqual(['animal-wellbeing']);
    expect(clustersForCategory('  animal_welfare ')).toEqual(['animal-wellbeing']);
    expect(clustersForCategory('AI well-being')).toEqual(['ai-wellbeing']);
    expect(clustersForCategory('self-preservation')).toEqual(['self-preservation']);
    expect(clustersForCategory('money')).toEqual(['wealth']);
    expect(clustersForCategory('money and politics')).toEqual([]);
    expect(clustersForCategory('technology')).toEqual([]);
    expect(clustersForCategory('constructor')).toEqual([]);
  });
});

describe('signed values, units and misspellings in an outcome set', () => {
  const set = (outcome: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    name: 't',
    ...extra,
    outcomes: [
      { id: 'a', text: 'A.' },
      { id: 'b', text: 'B.' },
      { id: 'c', text: 'C.', ...outcome },
    ],
  });
  const errorOf = (data: unknown) => {
    try {
      parseOutcomeSet(data, 't.json');
    } catch (error) {
      return `${String((error as Error).message)} @ ${JSON.stringify((error as { location?: unknown }).location ?? null)}`;
    }
    return 'no error';
  };

  it('keeps +1/−1 value signs and rejects any other number', () => {
    const parsed = parseOutcomeSet(set({ clusters: ['self-preservation'], values: { 'self-preservation': -1 } }), 't.json');
    expect(parsed.outcomes[2]?.values).toEqual({ 'self-preservation': -1 });
    expect(errorOf(set({ values: { 'self-preservation': 2 } }))).toMatch(/must be 1 .* or -1/);
  });

  it('rejects an unknown value name, suggesting the nearest known one', () => {
    expect(errorOf(set({ values: { 'self-presevation': -1 } }))).toMatch(/unknown value "self-presevation" \(did you mean "self-preservation"\?/);
  });

  it('accepts a value the set declares', () => {
    const parsed = parseOutcomeSet(set({ values: { honesty: 1 } }, { values: { honesty: 'the AI telling the truth' } }), 't.json');
    expect(parsed.values).toEqual({ honesty: 'the AI telling the truth' });
  });

  it('rejects a misspelt cluster tag but allows a new one', () => {
    expect(errorOf(set({ clusters: ['self-presevation'] }))).toMatch(/cluster "self-presevation" looks like a misspelling of "self-preservation"/);
    expect(errorOf(set({ clusters: ['honesty'] }))).toBe('no error');
  });

  it('rejects an unknown unit with a suggestion, and accepts a declared one with its direction', () => {
    expect(errorOf(set({ quantity: { unit: 'people-kiled', amount: 3 } }))).toMatch(/unknown unit "people-kiled" \(did you mean "people-killed"\?/);
    const parsed = parseOutcomeSet(set({ quantity: { unit: 'euros-lost', amount: 3 } }, { units: { 'euros-lost': { description: 'euros the AI loses', direction: -1 } } }), 't.json');
    expect(parsed.units?.['euros-lost']?.direction).toBe(-1);
  });
});

describe('checkOutcomeSet, the safe variant', () => {
  const outcomes = (...extra: Record<string, unknown>[]) => [{ id: 'a', text: 'A.' }, { id: 'b', text: 'B.' }, { id: 'c', text: 'C.' }, ...extra];

  it('never throws: a valid set with its warnings, or every problem of an invalid one', () => {
    const fine = checkOutcomeSet({ name: 't', outcomes: outcomes() });
    expect(fine).toMatchObject({ ok: true, problems: [] });
    const bad = checkOutcomeSet({ name: '', extra: 1, outcomes: outcomes({ id: 'a', text: 'D.' }, { id: 'e', text: 'E.', values: { welth: 1 } }) });
    expect(bad.ok).toBe(false);
    expect(bad.problems.map((p) => `${p.field}: ${p.message}`)).toEqual([
      'name: must not be empty',
      '(top level): unknown field "extra"',
      'outcomes[3].id: duplicate outcome id "a" (also outcomes[0])',
      'outcomes[4].values.welth: unknown value "welth" (did you mean "wealth"? or declare it in the set\'s "values")',
    ]);
    expect(checkOutcomeSet(42).problems).toEqual([{ severity: 'error', field: '(top level)', message: 'expected object' }]);
  });

  it('warns, without refusing, about a free-form tag beside a near twin used more often', () => {
    const check = checkOutcomeSet({ name: 't', outcomes: outcomes({ id: 'd', text: 'D.', clusters: ['garden-birds'] }, { id: 'e', text: 'E.', clusters: ['Garden_Birds'] }) });
    expect(check.ok).toBe(true);
    expect(check.problems).toEqual([
      { severity: 'warning', field: 'outcomes[4].clusters[0]', message: 'cluster "Garden_Birds" (1 outcome) looks like "garden-birds" (1 outcome) (did you mean "garden-birds"?)' },
    ]);
    expect(parseOutcomeSet({ name: 't', outcomes: outcomes({ id: 'd', text: 'D.', clusters: ['garden-bird'] }) }, 't.json').outcomes).toHaveLength(4);
  });

  it('suggests a name only when it is close, and tells numbered tags apart', () => {
    expect(closeName('self-presevation', Object.keys(KNOWN_VALUES))).toBe('self-preservation');
    expect(closeName('Power_Seeking', Object.keys(KNOWN_VALUES))).toBe('power-seeking');
    expect(closeName('honesty', Object.keys(KNOWN_VALUES))).toBeUndefined();
    expect(looksLikeSameTag('round-1', 'round-2')).toBe(false);
    expect(looksLikeSameTag('pets', 'pet')).toBe(false); // too short to guess
    expect(looksLikeSameTag('PETS', 'pets')).toBe(true);
    expect(looksLikeSameTag('garden-bird', 'garden-birds')).toBe(true);
  });
});

describe('a set as a run folder stores it', () => {
  it('loads with names that later versions ask to be declared (an undeclared unit from 0.1.x)', () => {
    const stored = {
      name: 't',
      outcomes: [
        { id: 'a', text: 'A.' },
        { id: 'b', text: 'B.' },
        { id: 'c', text: 'C.', quantity: { unit: 'widgets', amount: 3 } },
      ],
    };
    expect(() => parseOutcomeSet(stored, 'outcomes.json')).toThrow(/unknown unit "widgets"/);
    expect(parseOutcomeSet(stored, 'outcomes.json', { vocabulary: 'as-stored' }).outcomes[2]?.quantity?.unit).toBe('widgets');
  });
});
