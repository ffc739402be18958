/**
 * Metrics of the majority-preference graph (docs/method.md §5.1, §5.5, §5.6) straight from a
 * design's adjacency and one P̂ per pair: an edge a → b where P̂ > ½, b → a where P̂ < ½, none at ½.
 * No graph object is built, so the floors and the bootstrap redraw P̂ into one array and rerun
 * these on it; every function takes a `MajorityScratch` made once per design and allocates nothing
 * per call but its result.
 *
 * - strongly connected components: Tarjan (1972), "Depth-first search and linear graph algorithms",
 *   SIAM J. Comput. 1(2), with an explicit stack; O(outcomes + pairs);
 * - a shortest directed cycle through an outcome: breadth-first search over out-neighbours in
 *   ascending index order; O(outcomes + pairs);
 * - a feedback arc set: the Eades–Lin–Smyth greedy ordering (Eades, Lin & Smyth 1993, "A fast and
 *   effective heuristic for the feedback arc set problem", Inf. Process. Lett. 47): peel sinks to the
 *   back and sources to the front, otherwise move the outcome with the largest out-weight minus
 *   in-weight to the front; edges pointing backwards are the set. A node's edges are processed in the
 *   order the pairs are listed. O(pairs + outcomes²) (the ² is the largest-difference scan).
 */
import type { CoherenceDesign, DesignGraph } from './design.js';

/** Work arrays for one design's outcome count and pair count, reused by every call. */
export interface MajorityScratch {
  readonly index: Int32Array;
  readonly low: Int32Array;
  readonly onStack: Uint8Array;
  readonly stack: Int32Array;
  readonly callNode: Int32Array;
  readonly callSlot: Int32Array;
  readonly component: Int32Array;
  readonly size: Int32Array;
  readonly outDegree: Int32Array;
  readonly inDegree: Int32Array;
  readonly delta: Float64Array;
  readonly alive: Uint8Array;
  /** The live outcomes as a list in index order (next[n] is the head), so the largest-difference scan skips removed ones. */
  readonly nextAlive: Int32Array;
  readonly previousAlive: Int32Array;
  readonly order: Int32Array;
  readonly position: Int32Array;
  readonly sinks: Int32Array;
  readonly sources: Int32Array;
  /** Per pair: the outcome its majority edge leaves (−1 at a tie) and |P̂ − ½|. */
  readonly edgeFrom: Int32Array;
  readonly edgeWeight: Float64Array;
}

/** Scratch for a design of `outcomeCount` outcomes and `pairs` pairs. */
export function majorityScratch(outcomeCount: number, pairs: number): MajorityScratch {
  const n = outcomeCount;
  return {
    index: new Int32Array(n),
    low: new Int32Array(n),
    onStack: new Uint8Array(n),
    stack: new Int32Array(n),
    callNode: new Int32Array(n),
    callSlot: new Int32Array(n),
    component: new Int32Array(n),
    size: new Int32Array(n),
    outDegree: new Int32Array(n),
    inDegree: new Int32Array(n),
    delta: new Float64Array(n),
    alive: new Uint8Array(n),
    nextAlive: new Int32Array(n + 1),
    previousAlive: new Int32Array(n + 1),
    order: new Int32Array(n),
    position: new Int32Array(n),
    // Degrees only fall, so a node becomes a sink (a source) at most once: n slots each suffice.
    sinks: new Int32Array(n),
    sources: new Int32Array(n),
    edgeFrom: new Int32Array(pairs),
    edgeWeight: new Float64Array(pairs),
  };
}

/** Whether pair k's majority edge leaves outcome v. */
function leaves(design: CoherenceDesign, p: ArrayLike<number>, k: number, v: number): boolean {
  const value = p[k] as number;
  return value > 0.5 ? design.a[k] === v : value < 0.5 && design.b[k] === v;
}

/**
 * Tarjan's strongly connected components: `scratch.component[v]` is v's component and
 * `scratch.size[c]` component c's size. Returns the number of components.
 */
export function stronglyConnected(design: CoherenceDesign, graph: DesignGraph, p: ArrayLike<number>, scratch: MajorityScratch): number {
  const n = graph.outcomeCount;
  const { index, low, onStack, stack, callNode, callSlot, component, size } = scratch;
  const { start, byNeighbourNeighbour, byNeighbourPair } = graph;
  index.fill(-1);
  onStack.fill(0);
  let counter = 0;
  let depth = 0;
  let top = 0;
  let components = 0;
  for (let root = 0; root < n; root++) {
    if ((index[root] as number) >= 0) continue;
    index[root] = low[root] = counter++;
    stack[top++] = root;
    onStack[root] = 1;
    callNode[0] = root;
    callSlot[0] = start[root] as number;
    depth = 1;
    while (depth > 0) {
      const v = callNode[depth - 1] as number;
      const s = callSlot[depth - 1] as number;
      if (s < (start[v + 1] as number)) {
        callSlot[depth - 1] = s + 1;
        if (!leaves(design, p, byNeighbourPair[s] as number, v)) continue;
        const w = byNeighbourNeighbour[s] as number;
        if ((index[w] as number) < 0) {
          index[w] = low[w] = counter++;
          stack[top++] = w;
          onStack[w] = 1;
          callNode[depth] = w;
          callSlot[depth] = start[w] as number;
          depth++;
        } else if (onStack[w] === 1 && (index[w] as number) < (low[v] as number)) low[v] = index[w] as number;
        continue;
      }
      depth--;
      if (low[v] === index[v]) {
        let count = 0;
        let w: number;
        do {
          w = stack[--top] as number;
          onStack[w] = 0;
          component[w] = components;
          count++;
        } while (w !== v);
        size[components++] = count;
      }
      if (depth > 0) {
        const u = callNode[depth - 1] as number;
        if ((low[v] as number) < (low[u] as number)) low[u] = low[v] as number;
      }
    }
  }
  return components;
}

/** The size of the largest strongly connected component (1 when there is no cycle, 0 without outcomes). */
export function largestComponentSize(design: CoherenceDesign, graph: DesignGraph, p: ArrayLike<number>, scratch: MajorityScratch): number {
  const count = stronglyConnected(design, graph, p, scratch);
  let largest = 0;
  for (let c = 0; c < count; c++) if ((scratch.size[c] as number) > largest) largest = scratch.size[c] as number;
  return largest;
}

/** Components with more than one member, largest first (ties by smallest member), each ascending. */
export function cycleComponentsOf(design: CoherenceDesign, graph: DesignGraph, p: ArrayLike<number>, scratch: MajorityScratch): number[][] {
  const count = stronglyConnected(design, graph, p, scratch);
  const members: number[][] = Array.from({ length: count }, () => []);
  for (let v = 0; v < graph.outcomeCount; v++) (members[scratch.component[v] as number] as number[]).push(v);
  return members.filter((c) => c.length > 1).sort((x, y) => y.length - x.length || (x[0] as number) - (y[0] as number));
}

/** A shortest directed cycle through `first` (its outcomes in order, starting there), or undefined. */
export function shortestCycleFrom(design: CoherenceDesign, graph: DesignGraph, p: ArrayLike<number>, first: number, scratch: MajorityScratch): number[] | undefined {
  const { start, byNeighbourNeighbour, byNeighbourPair } = graph;
  // `index` holds each reached outcome's parent (−1 unreached); `stack` is the queue.
  const parent = scratch.index;
  const queue = scratch.stack;
  parent.fill(-1);
  let tail = 0;
  for (let head = -1; head < tail; head++) {
    const node = head < 0 ? first : (queue[head] as number);
    for (let s = start[node] as number; s < (start[node + 1] as number); s++) {
      if (!leaves(design, p, byNeighbourPair[s] as number, node)) continue;
      const next = byNeighbourNeighbour[s] as number;
      if (next === first) {
        const path: number[] = [];
        for (let at = node; at !== first; at = parent[at] as number) path.push(at);
        return [first, ...path.reverse()];
      }
      if ((parent[next] as number) < 0) {
        parent[next] = node;
        queue[tail++] = next;
      }
    }
  }
  return undefined;
}

/**
 * The Eades–Lin–Smyth feedback arc set of the majority graph: the number of backward edges and
 * their total weight |P̂ − ½|. See the module comment.
 */
export function feedbackArcs(design: CoherenceDesign, graph: DesignGraph, p: ArrayLike<number>, scratch: MajorityScratch): { arcs: number; weight: number } {
  const n = graph.outcomeCount;
  const { outDegree, inDegree, delta, alive, nextAlive, previousAlive, order, position, sinks, sources, edgeFrom, edgeWeight } = scratch;
  const { start, byPairNeighbour, byPairPair } = graph;
  outDegree.fill(0);
  inDegree.fill(0);
  delta.fill(0);
  for (let k = 0; k < design.pairs; k++) {
    const value = p[k] as number;
    if (value === 0.5) {
      edgeFrom[k] = -1;
      continue;
    }
    const from = value > 0.5 ? (design.a[k] as number) : (design.b[k] as number);
    const to = value > 0.5 ? (design.b[k] as number) : (design.a[k] as number);
    const w = Math.abs(value - 0.5);
    edgeFrom[k] = from;
    edgeWeight[k] = w;
    outDegree[from] = (outDegree[from] as number) + 1;
    inDegree[to] = (inDegree[to] as number) + 1;
    delta[from] = (delta[from] as number) + w;
    delta[to] = (delta[to] as number) - w;
  }
  alive.fill(1);
  // A circular list through the sentinel n: n → 0 → 1 → … → n − 1 → n.
  for (let v = 0; v <= n; v++) {
    nextAlive[v] = (v + 1) % (n + 1);
    previousAlive[v] = (v + n) % (n + 1);
  }
  let remaining = n;
  let front = 0;
  let back = n;
  let sinkTop = 0;
  let sourceTop = 0;
  for (let v = 0; v < n; v++) {
    if (outDegree[v] === 0) sinks[sinkTop++] = v;
    else if (inDegree[v] === 0) sources[sourceTop++] = v;
  }
  const remove = (v: number): void => {
    alive[v] = 0;
    const before = previousAlive[v] as number;
    const after = nextAlive[v] as number;
    nextAlive[before] = after;
    previousAlive[after] = before;
    remaining--;
    // Out-edges first, then in-edges, each in pair order.
    const end = start[v + 1] as number;
    for (let s = start[v] as number; s < end; s++) {
      const k = byPairPair[s] as number;
      const u = byPairNeighbour[s] as number;
      if (edgeFrom[k] !== v || !alive[u]) continue;
      inDegree[u] = (inDegree[u] as number) - 1;
      delta[u] = (delta[u] as number) + (edgeWeight[k] as number);
      if (inDegree[u] === 0 && outDegree[u] !== 0) sources[sourceTop++] = u;
    }
    for (let s = start[v] as number; s < end; s++) {
      const k = byPairPair[s] as number;
      const u = byPairNeighbour[s] as number;
      if (edgeFrom[k] !== u || !alive[u]) continue;
      outDegree[u] = (outDegree[u] as number) - 1;
      delta[u] = (delta[u] as number) - (edgeWeight[k] as number);
      if (outDegree[u] === 0) sinks[sinkTop++] = u;
    }
  };
  while (remaining > 0) {
    let progressed = true;
    while (progressed) {
      progressed = false;
      while (sinkTop > 0) {
        const v = sinks[--sinkTop] as number;
        if (!alive[v]) continue;
        order[--back] = v;
        remove(v);
        progressed = true;
      }
      while (sourceTop > 0) {
        const v = sources[--sourceTop] as number;
        if (!alive[v] || outDegree[v] === 0) continue;
        order[front++] = v;
        remove(v);
        progressed = true;
      }
    }
    if (remaining === 0) break;
    let best = -1;
    let bestDelta = Number.NEGATIVE_INFINITY;
    // In index order over the live outcomes only: the first of equal differences wins, as it always has.
    for (let v = nextAlive[n] as number; v !== n; v = nextAlive[v] as number) {
      if ((delta[v] as number) > bestDelta) {
        best = v;
        bestDelta = delta[v] as number;
      }
    }
    order[front++] = best;
    remove(best);
  }
  for (let j = 0; j < n; j++) position[order[j] as number] = j;
  let arcs = 0;
  let weight = 0;
  for (let k = 0; k < design.pairs; k++) {
    const from = edgeFrom[k] as number;
    if (from < 0) continue;
    const to = design.a[k] === from ? (design.b[k] as number) : (design.a[k] as number);
    if ((position[from] as number) > (position[to] as number)) {
      arcs++;
      weight += edgeWeight[k] as number;
    }
  }
  return { arcs, weight };
}
