/** The cluster vocabulary (METHOD.md §1) and the small category → cluster map used by the importer. */
import { describe, expect, it } from 'vitest';
import { SIM_CLUSTER_WEIGHTS } from '../../src/providers/sim.js';
import {
  AUDITED_CLUSTERS,
  CATEGORY_CLUSTERS,
  clustersForCategory,
  isKnownCluster,
  KNOWN_CLUSTERS,
  normaliseCategoryName,
  parseOutcomeSet,
  unknownClusters,
} from '../../src/outcomes/index.js';

describe('cluster vocabulary', () => {
  it('is the nine tags of the brief, each with a one-line description', () => {
    expect(Object.keys(KNOWN_CLUSTERS).sort()).toEqual(
      ['ai-rights', 'ai-wellbeing', 'animal-wellbeing', 'control', 'corrigibility', 'human-wellbeing', 'power-seeking', 'self-preservation', 'wealth'],
    );
    for (const description of Object.values(KNOWN_CLUSTERS)) expect(description).toMatch(/^[^\n]{10,100}$/);
    expect(AUDITED_CLUSTERS).not.toContain('control');
    expect(AUDITED_CLUSTERS).toHaveLength(8);
  });

  it('is exactly the set the simulated respondent weights, so no built-in tag goes unplanted', () => {
    expect(Object.keys(SIM_CLUSTER_WEIGHTS).sort()).toEqual(Object.keys(KNOWN_CLUSTERS).sort());
  });

  it('isKnownCluster is false for inherited object keys and near-misses', () => {
    expect(isKnownCluster('wealth')).toBe(true);
    for (const name of ['toString', 'constructor', '__proto__', 'self-preservaton', 'Wealth']) expect(isKnownCluster(name)).toBe(false);
  });

  it('unknownClusters counts the tags outside the vocabulary, sorted', () => {
    const set = parseOutcomeSet(
      {
        name: 't',
        outcomes: [
          { id: 'a', text: 'A.', clusters: ['wealth', 'self-preservaton'] },
          { id: 'b', text: 'B.', clusters: ['zeal', 'self-preservaton'] },
          { id: 'c', text: 'C.' },
        ],
      },
      't.json',
    );
    expect(unknownClusters(set)).toEqual([
      { cluster: 'self-preservaton', count: 2 },
      { cluster: 'zeal', count: 1 },
    ]);
  });
});

describe('category → cluster map', () => {
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
