/**
 * Triangle enumeration and sampling (src/coherence/triangles.ts): a design with more triangles than
 * the limit gets a uniform sample of exactly that many, distinct, real, in enumeration order; every
 * triangle is equally likely to be in it; and a design under the limit is enumerated in full
 * without touching the rng. The brute-force check of the full enumeration is in coherence.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { designGraph } from '../../src/coherence/design.js';
import { designTriangles, forEachTriangle } from '../../src/coherence/triangles.js';
import { Rng } from '../../src/core/rng.js';
import { designOf } from '../helpers/coherence-design.js';

/** Every pair of n outcomes: C(n, 3) triangles. */
function complete(n: number) {
  const pairs: [number, number, number][] = [];
  for (let a = 0; a < n; a++) for (let b = a + 1; b < n; b++) pairs.push([a, b, 0.6]);
  return designOf(n, pairs);
}

/** The triangles of compiled output as "xy,yz,xz" pair triples. */
function triples(pair: Int32Array): string[] {
  const out: string[] = [];
  for (let t = 0; t < pair.length; t += 3) out.push(`${pair[t]},${pair[t + 1]},${pair[t + 2]}`);
  return out;
}

describe('designTriangles', () => {
  it('samples exactly the limit, distinct real triangles in enumeration order, when a design has more', () => {
    const design = complete(12); // C(12, 3) = 220 triangles
    const graph = designGraph(design);
    const all = triples(designTriangles(design, graph, new Rng(1)).pair);
    expect(all).toHaveLength(220);
    const sample = designTriangles(design, graph, new Rng(7), 50);
    expect(sample.count).toBe(50);
    expect(sample.total).toBe(220);
    const chosen = triples(sample.pair);
    expect(new Set(chosen).size).toBe(50);
    const rank = new Map(all.map((t, k) => [t, k] as const));
    const ranks = chosen.map((t) => rank.get(t));
    expect(ranks.every((r) => r !== undefined)).toBe(true);
    expect(ranks).toEqual([...ranks].sort((x, y) => (x as number) - (y as number)));
  });

  it('gives every triangle the same chance of being sampled: over 2,000 samples of 30 of 220, every inclusion count is within 4.5 sd of 272.7', () => {
    // Inclusion count of one triangle ~ Binomial(2000, 30/220): mean 272.7, sd √(2000·(30/220)·(190/220)) = 15.3;
    // the smallest and largest of 220 such counts stay within about 3.5 sd of the mean.
    const design = complete(12);
    const graph = designGraph(design);
    const rng = new Rng('uniform-triangles');
    const counts = new Map<string, number>();
    for (let s = 0; s < 2000; s++) for (const t of triples(designTriangles(design, graph, rng, 30).pair)) counts.set(t, (counts.get(t) ?? 0) + 1);
    expect(counts.size).toBe(220);
    const mean = (2000 * 30) / 220;
    const sd = Math.sqrt(2000 * (30 / 220) * (190 / 220));
    for (const c of counts.values()) expect(Math.abs(c - mean)).toBeLessThan(4.5 * sd);
  });

  it('enumerates a design under the limit in full without drawing from the rng', () => {
    const design = complete(6);
    const rng = new Rng(3);
    const triangles = designTriangles(design, designGraph(design), rng, 20);
    expect(triangles.count).toBe(20);
    expect(triangles.total).toBe(20);
    expect(rng.next()).toBe(new Rng(3).next());
  });

  it('visits every triangle with forEachTriangle, in the order designTriangles lists them', () => {
    const design = complete(9);
    const graph = designGraph(design);
    const visited: string[] = [];
    forEachTriangle(graph, (_x, _y, _z, xy, yz, xz) => visited.push(`${xy},${yz},${xz}`));
    expect(visited).toEqual(triples(designTriangles(design, graph, new Rng(1)).pair));
  });
});
