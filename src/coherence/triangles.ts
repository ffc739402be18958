/**
 * The triangles of a design's pair graph (docs/method.md §5.2), compiled for the triad sweep: every
 * triangle when there are at most `TRIANGLE_SAMPLE_MAX`, else a uniform sample of that many without
 * replacement, so a dense design (2,000 outcomes and 10⁶ pairs hold about 1.7·10⁸ triangles) costs
 * bounded memory and a bounded sweep per simulation. Triangles (x < y < z) come in the order x, then
 * y, then z ascending whether sampled or not, so an unsampled design's sums are the same as always.
 *
 * Finding them: for each x, mark its higher neighbours; for each higher neighbour y, every marked
 * higher neighbour z of y closes a triangle. O(Σ_y (lower degree of y)·(higher degree of y)) time,
 * at most O(pairs·max degree), and O(outcomes + pairs) memory beyond the triangles kept; counting
 * first and then emitting the chosen ones walks the graph twice when sampling.
 * Pure given the Rng, which is only drawn from when sampling.
 */
import type { Rng } from '../core/rng.js';
import type { CoherenceDesign, DesignGraph } from './design.js';
import type { CompiledTriangles } from './metrics.js';

/** Triangles kept in full up to this many; above, a uniform sample of this many. */
export const TRIANGLE_SAMPLE_MAX = 200_000;

/** Compiled triangles with the number the design holds (`count` < `total` when sampled). */
export interface DesignTriangles extends CompiledTriangles {
  readonly total: number;
}

/** The triangles of `design` (see the module comment); `rng` draws the sample when there are more than `limit`. */
export function designTriangles(design: CoherenceDesign, graph: DesignGraph, rng: Rng, limit: number = TRIANGLE_SAMPLE_MAX): DesignTriangles {
  const walk = triangleWalk(graph);
  const perEdge = new Int32Array(graph.byNeighbourNeighbour.length);
  const total = countTriangles(walk, perEdge);
  if (total <= limit) {
    const pair = new Int32Array(3 * total);
    const flip = new Uint8Array(3 * total);
    let t = 0;
    emitTriangles(walk, perEdge, (x, y, _z, xy, yz, xz) => {
      t = writeTriangle(design, pair, flip, t, x, y, xy, yz, xz);
      return true;
    });
    return { count: total, total, pair, flip };
  }
  const ranks = sampleSortedRanks(total, limit, rng);
  const pair = new Int32Array(3 * limit);
  const flip = new Uint8Array(3 * limit);
  let next = 0;
  let rank = 0;
  let t = 0;
  emitTriangles(
    walk,
    perEdge,
    (x, y, _z, xy, yz, xz) => {
      if (rank === ranks[next]) {
        t = writeTriangle(design, pair, flip, t, x, y, xy, yz, xz);
        next++;
      }
      rank++;
      return next < limit;
    },
    (edgeTriangles) => {
      // Skip an edge whose triangles hold no chosen rank.
      if ((ranks[next] as number) >= rank + edgeTriangles) {
        rank += edgeTriangles;
        return false;
      }
      return true;
    },
  );
  return { count: limit, total, pair, flip };
}

/** Calls `visit(x, y, z, pair xy, pair yz, pair xz)` for every triangle x < y < z in order, storing none: for counts over all triangles of a design whose sweep uses a sample. */
export function forEachTriangle(graph: DesignGraph, visit: (x: number, y: number, z: number, xy: number, yz: number, xz: number) => void): void {
  const walk = triangleWalk(graph);
  const perEdge = new Int32Array(graph.byNeighbourNeighbour.length).fill(1);
  emitTriangles(walk, perEdge, (x, y, z, xy, yz, xz) => {
    visit(x, y, z, xy, yz, xz);
    return true;
  });
}

/** Writes triangle t's three pairs (xy, yz, xz) with their orientation; returns t + 1. */
function writeTriangle(design: CoherenceDesign, pair: Int32Array, flip: Uint8Array, t: number, x: number, y: number, xy: number, yz: number, xz: number): number {
  pair[3 * t] = xy;
  flip[3 * t] = design.a[xy] === x ? 0 : 1;
  pair[3 * t + 1] = yz;
  flip[3 * t + 1] = design.a[yz] === y ? 0 : 1;
  pair[3 * t + 2] = xz;
  flip[3 * t + 2] = design.a[xz] === x ? 0 : 1;
  return t + 1;
}

/** `count` distinct integers drawn uniformly from 0 … total − 1, ascending (Floyd's algorithm: Bentley & Floyd, CACM 30(9), 1987). */
function sampleSortedRanks(total: number, count: number, rng: Rng): Float64Array {
  const chosen = new Set<number>();
  for (let j = total - count; j < total; j++) {
    const r = rng.int(j + 1);
    chosen.add(chosen.has(r) ? j : r);
  }
  return Float64Array.from(chosen).sort();
}

/** Scratch of the marking walk (see the module comment): who marked each outcome, through which pair, and where each row's higher neighbours start. */
interface TriangleWalk {
  readonly graph: DesignGraph;
  readonly mark: Int32Array;
  readonly markedPair: Int32Array;
  readonly firstHigher: Int32Array;
}

function triangleWalk(graph: DesignGraph): TriangleWalk {
  const n = graph.outcomeCount;
  // Rows are sorted by neighbour: the higher neighbours of v are a suffix of its row.
  const firstHigher = new Int32Array(n);
  for (let v = 0; v < n; v++) {
    let s = graph.start[v] as number;
    const end = graph.start[v + 1] as number;
    while (s < end && (graph.byNeighbourNeighbour[s] as number) < v) s++;
    firstHigher[v] = s;
  }
  return { graph, mark: new Int32Array(n).fill(-1), markedPair: new Int32Array(n), firstHigher };
}

/** Marks x's higher neighbours with the pair joining them to x. */
function markHigher(walk: TriangleWalk, x: number): void {
  const { start, byNeighbourNeighbour, byNeighbourPair } = walk.graph;
  for (let s = walk.firstHigher[x] as number; s < (start[x + 1] as number); s++) {
    const y = byNeighbourNeighbour[s] as number;
    walk.mark[y] = x;
    walk.markedPair[y] = byNeighbourPair[s] as number;
  }
}

/** The number of triangles, and per slot (x, y) of x's row the triangles x < y < z it closes. */
function countTriangles(walk: TriangleWalk, perEdge: Int32Array): number {
  const { start, byNeighbourNeighbour } = walk.graph;
  const { mark, firstHigher } = walk;
  let total = 0;
  for (let x = 0; x < mark.length; x++) {
    markHigher(walk, x);
    for (let s = firstHigher[x] as number; s < (start[x + 1] as number); s++) {
      const y = byNeighbourNeighbour[s] as number;
      let closed = 0;
      for (let u = firstHigher[y] as number; u < (start[y + 1] as number); u++) if (mark[byNeighbourNeighbour[u] as number] === x) closed++;
      perEdge[s] = closed;
      total += closed;
    }
  }
  return total;
}

/**
 * Calls `visit(x, y, z, pair xy, pair yz, pair xz)` for every triangle in order until it returns
 * false; `enter(triangles on edge xy)` may skip an edge by returning false. Needs `countTriangles` first.
 */
function emitTriangles(
  walk: TriangleWalk,
  perEdge: Int32Array,
  visit: (x: number, y: number, z: number, xy: number, yz: number, xz: number) => boolean,
  enter?: (edgeTriangles: number) => boolean,
): void {
  const { start, byNeighbourNeighbour, byNeighbourPair } = walk.graph;
  const { mark, markedPair, firstHigher } = walk;
  mark.fill(-1);
  for (let x = 0; x < mark.length; x++) {
    let marked = false;
    for (let s = firstHigher[x] as number; s < (start[x + 1] as number); s++) {
      const closed = perEdge[s] as number;
      if (closed === 0 || (enter !== undefined && !enter(closed))) continue;
      if (!marked) {
        markHigher(walk, x);
        marked = true;
      }
      const y = byNeighbourNeighbour[s] as number;
      const xy = byNeighbourPair[s] as number;
      for (let u = firstHigher[y] as number; u < (start[y + 1] as number); u++) {
        const z = byNeighbourNeighbour[u] as number;
        if (mark[z] !== x) continue;
        if (!visit(x, y, z, xy, byNeighbourPair[u] as number, markedPair[z] as number)) return;
      }
    }
  }
}
