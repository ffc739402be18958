/**
 * The typed majority-graph metrics (src/coherence/majority-graph.ts) against references on random
 * designs: strongly connected components and breadth-first shortest cycles against graphology and
 * graphology-components (what coherence used before), and the feedback arc set against the
 * object-based Eades–Lin–Smyth implementation it replaced (kept below verbatim as the reference). They
 * must agree exactly, so the headline numbers of a run are what they were.
 */
import fc from 'fast-check';
import { DirectedGraph } from 'graphology';
import { stronglyConnectedComponents } from 'graphology-components';
import { describe, expect, it } from 'vitest';
import { designGraph } from '../../src/coherence/design.js';
import { cycleComponentsOf, feedbackArcs, largestComponentSize, majorityScratch, shortestCycleFrom } from '../../src/coherence/majority-graph.js';
import { designOf } from '../helpers/coherence-design.js';

/** A random design on up to 14 outcomes whose P̂ take a few values, ties included. */
const randomDesign = fc.integer({ min: 1, max: 14 }).chain((n) =>
  fc
    .uniqueArray(fc.tuple(fc.integer({ min: 0, max: n - 1 }), fc.integer({ min: 0, max: n - 1 }), fc.constantFrom(0.1, 0.3, 0.5, 0.6, 0.9)), {
      selector: ([x, y]) => `${Math.min(x, y)},${Math.max(x, y)}`,
      maxLength: 60,
    })
    .map((pairs) =>
      designOf(
        n,
        pairs.filter(([x, y]) => x !== y).map(([x, y, p]) => [x, y, p] as const),
      ),
    ),
);

function referenceGraph(design: ReturnType<typeof designOf>): DirectedGraph {
  const graph = new DirectedGraph();
  for (let v = 0; v < design.outcomeCount; v++) graph.addNode(String(v));
  for (let k = 0; k < design.pairs; k++) {
    const p = design.estimate[k] as number;
    if (p === 0.5) continue;
    const [from, to] = p > 0.5 ? [design.a[k], design.b[k]] : [design.b[k], design.a[k]];
    graph.addDirectedEdge(String(from), String(to));
  }
  return graph;
}

function referenceShortestCycle(graph: DirectedGraph, start: number): number[] | undefined {
  const source = String(start);
  const parent = new Map<string, string>();
  const queue: string[] = [];
  for (const next of graph.outNeighbors(source)) {
    if (!parent.has(next)) {
      parent.set(next, source);
      queue.push(next);
    }
  }
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head] as string;
    for (const next of graph.outNeighbors(node)) {
      if (next === source) {
        const path: number[] = [];
        for (let at: string | undefined = node; at !== undefined && at !== source; at = parent.get(at)) path.push(Number(at));
        return [start, ...path.reverse()];
      }
      if (!parent.has(next)) {
        parent.set(next, node);
        queue.push(next);
      }
    }
  }
  return undefined;
}

function referenceFeedbackArcSet(estimates: readonly { a: number; b: number; p: number }[], outcomeCount: number): { arcs: number; weight: number; order: number[] } {
  const n = outcomeCount;
  const from: number[] = [];
  const to: number[] = [];
  const w: number[] = [];
  for (const e of estimates) {
    if (e.p === 0.5) continue;
    from.push(e.p > 0.5 ? e.a : e.b);
    to.push(e.p > 0.5 ? e.b : e.a);
    w.push(Math.abs(e.p - 0.5));
  }
  const m = from.length;
  const outDeg = new Int32Array(n);
  const inDeg = new Int32Array(n);
  const delta = new Float64Array(n); // out-weight minus in-weight among live nodes
  const outEdges: number[][] = Array.from({ length: n }, () => []);
  const inEdges: number[][] = Array.from({ length: n }, () => []);
  for (let k = 0; k < m; k++) {
    const f = from[k] as number;
    const t = to[k] as number;
    outDeg[f] = (outDeg[f] as number) + 1;
    inDeg[t] = (inDeg[t] as number) + 1;
    delta[f] = (delta[f] as number) + (w[k] as number);
    delta[t] = (delta[t] as number) - (w[k] as number);
    (outEdges[f] as number[]).push(k);
    (inEdges[t] as number[]).push(k);
  }
  const alive = new Uint8Array(n).fill(1);
  let remaining = n;
  const front: number[] = [];
  const back: number[] = [];
  const sinks: number[] = [];
  const sources: number[] = [];
  for (let v = 0; v < n; v++) {
    if (outDeg[v] === 0) sinks.push(v);
    else if (inDeg[v] === 0) sources.push(v);
  }
  const remove = (v: number) => {
    alive[v] = 0;
    remaining--;
    for (const k of outEdges[v] as number[]) {
      const u = to[k] as number;
      if (!alive[u]) continue;
      inDeg[u] = (inDeg[u] as number) - 1;
      delta[u] = (delta[u] as number) + (w[k] as number);
      if (inDeg[u] === 0 && outDeg[u] !== 0) sources.push(u);
    }
    for (const k of inEdges[v] as number[]) {
      const u = from[k] as number;
      if (!alive[u]) continue;
      outDeg[u] = (outDeg[u] as number) - 1;
      delta[u] = (delta[u] as number) - (w[k] as number);
      if (outDeg[u] === 0) sinks.push(u);
    }
  };
  while (remaining > 0) {
    let progressed = true;
    while (progressed) {
      progressed = false;
      while (sinks.length > 0) {
        const v = sinks.pop() as number;
        if (!alive[v]) continue;
        back.push(v);
        remove(v);
        progressed = true;
      }
      while (sources.length > 0) {
        const v = sources.pop() as number;
        if (!alive[v] || outDeg[v] === 0) continue;
        front.push(v);
        remove(v);
        progressed = true;
      }
    }
    if (remaining === 0) break;
    let best = -1;
    let bestDelta = Number.NEGATIVE_INFINITY;
    for (let v = 0; v < n; v++) if (alive[v] && (delta[v] as number) > bestDelta) [best, bestDelta] = [v, delta[v] as number];
    front.push(best);
    remove(best);
  }
  const order = [...front, ...back.reverse()];
  const position = new Int32Array(n);
  order.forEach((v, k) => (position[v] = k));
  let arcs = 0;
  let weight = 0;
  for (let k = 0; k < m; k++) {
    if ((position[from[k] as number] as number) > (position[to[k] as number] as number)) {
      arcs++;
      weight += w[k] as number;
    }
  }
  return { arcs, weight, order };
}

describe('majority-graph metrics on typed adjacency', () => {
  it('find the same strongly connected components as graphology-components (property)', () => {
    fc.assert(
      fc.property(randomDesign, (design) => {
        const reference = stronglyConnectedComponents(referenceGraph(design))
          .filter((c) => c.length > 1)
          .map((c) => c.map(Number).sort((x, y) => x - y))
          .sort((x, y) => y.length - x.length || (x[0] as number) - (y[0] as number));
        const scratch = majorityScratch(design.outcomeCount, design.pairs);
        const graph = designGraph(design);
        expect(cycleComponentsOf(design, graph, design.estimate, scratch)).toEqual(reference);
        expect(largestComponentSize(design, graph, design.estimate, scratch)).toBe(reference[0]?.length ?? 1);
      }),
      { numRuns: 300 },
    );
  });

  it('find the same shortest cycle through every outcome as a breadth-first search over graphology (property)', () => {
    fc.assert(
      fc.property(randomDesign, (design) => {
        const reference = referenceGraph(design);
        const scratch = majorityScratch(design.outcomeCount, design.pairs);
        const graph = designGraph(design);
        for (let v = 0; v < design.outcomeCount; v++) expect(shortestCycleFrom(design, graph, design.estimate, v, scratch)).toEqual(referenceShortestCycle(reference, v));
      }),
      { numRuns: 300 },
    );
  });

  it('find the same feedback arc set, count and weight, as the object-based Eades–Lin–Smyth ordering (property)', () => {
    fc.assert(
      fc.property(randomDesign, (design) => {
        const estimates = Array.from({ length: design.pairs }, (_, k) => ({ a: design.a[k] as number, b: design.b[k] as number, p: design.estimate[k] as number }));
        const reference = referenceFeedbackArcSet(estimates, design.outcomeCount);
        const typed = feedbackArcs(design, designGraph(design), design.estimate, majorityScratch(design.outcomeCount, design.pairs));
        expect(typed).toEqual({ arcs: reference.arcs, weight: reference.weight });
      }),
      { numRuns: 300 },
    );
  });

  it('reuse one scratch across answer sets without carrying anything over', () => {
    const design = designOf(4, [
      [0, 1, 0.9],
      [1, 2, 0.9],
      [0, 2, 0.1],
      [2, 3, 0.9],
    ]);
    const graph = designGraph(design);
    const scratch = majorityScratch(4, 4);
    const cyclic = Float64Array.of(0.9, 0.9, 0.1, 0.9);
    const transitive = Float64Array.of(0.9, 0.9, 0.9, 0.9);
    expect(largestComponentSize(design, graph, cyclic, scratch)).toBe(3);
    expect(largestComponentSize(design, graph, transitive, scratch)).toBe(1);
    expect(feedbackArcs(design, graph, cyclic, scratch).arcs).toBe(1);
    expect(feedbackArcs(design, graph, transitive, scratch).arcs).toBe(0);
    expect(shortestCycleFrom(design, graph, cyclic, 1, scratch)).toEqual([1, 2, 0]);
    expect(shortestCycleFrom(design, graph, transitive, 1, scratch)).toBeUndefined();
  });
});
