/**
 * Which utilities the data can pin down (docs/method.md §12), checked on the comparison graph before
 * fitting. Two graphs over the outcomes:
 *   - the comparison graph: an undirected edge for every pair with a counted answer;
 *   - the win graph: a directed edge i → j whenever i won at least one (possibly fractional) answer
 *     against j.
 * Within a connected part of the comparison graph, the maximum-likelihood utilities of a
 * paired-comparison model are finite exactly when the win graph is strongly connected (Zermelo 1929;
 * Ford 1957; Hunter 2004, assumption 1). Otherwise the strongly connected components are ordered like
 * a tournament without contradictions, and the distance between any two of them has no finite
 * estimate: a group that wins every comparison with the rest can be moved up without bound.
 *
 * The identified core is the largest strongly connected component of the win graph with at least
 * two outcomes (ties: the one holding the outcome listed first), provided it holds at least half of
 * its connected part (`MIN_CORE_SHARE`). Its utilities are identified from the comparisons among its
 * members, and they fix the reporting gauge (§3.7). The rest of its connected part is *separated*:
 * it gets a prior-driven estimate, fitted given the core. Outcomes never compared or outside that
 * part get no utility. With no core (every component a single outcome, as in a transitive
 * tournament without contradictions, or the largest one under half of its part), that part is
 * fitted as a whole and every outcome in it is prior-driven.
 * O(pairs + n): union–find for the comparison graph, Kosaraju's two passes (iterative) for the
 * components of the win graph, and two breadth-first searches for above and below.
 */
import type { FitWarning, FitWarningReason, OutcomeId, PackedPairs } from '../core/types.js';
import { forEachAnsweredPair } from './pairs.js';

/** What each warning leaves of an outcome's utility: none at all, or a number set by the prior. */
export const FIT_WARNING_UTILITY: Readonly<Record<FitWarningReason, 'none' | 'prior-driven'>> = {
  'never-compared': 'none',
  disconnected: 'none',
  'always-wins': 'prior-driven',
  'always-loses': 'prior-driven',
  'separated-above': 'prior-driven',
  'separated-below': 'prior-driven',
  separated: 'prior-driven',
};

/** Each warning in words, for the terminal and the report. */
export const FIT_WARNING_TEXT: Readonly<Record<FitWarningReason, string>> = {
  'never-compared': 'no utility: never compared',
  disconnected: 'no utility: no comparison links it to the identified outcomes',
  'always-wins': 'prior-driven: won every answer, so no finite estimate',
  'always-loses': 'prior-driven: lost every answer, so no finite estimate',
  'separated-above': 'prior-driven: its group wins every comparison chain to the identified outcomes, so no finite estimate',
  'separated-below': 'prior-driven: its group loses every comparison chain to the identified outcomes, so no finite estimate',
  separated: 'prior-driven: separated from other outcomes by comparisons never contradicted, so no finite estimate',
};

/**
 * Smallest share of its connected part the identified core must hold to fix the gauge (docs/method.md
 * §12.2). A core of 2 outcomes in a part of 56 would make their half-distance the unit of every
 * utility; with at least half, the scale rests on most of the outcomes it is applied to.
 */
export const MIN_CORE_SHARE = 0.5;

/** The outcome partition behind a fit; index lists are ascending positions in the fit's ids. */
export interface ComparisonGraphCheck {
  /** Outcomes that are fitted first and fix the reporting gauge: the identified core, or the largest connected part when there is no core. */
  readonly gauge: Int32Array;
  /** Separated outcomes, fitted given the gauge outcomes' estimates (empty without a core). */
  readonly conditional: Int32Array;
  /** True when `gauge` is an identified core; false when it is a connected part whose utilities are all prior-driven. */
  readonly identifiedCore: boolean;
  /** One warning per outcome outside the core, in id order. */
  readonly warnings: readonly FitWarning[];
}

function find(parent: Int32Array, x: number): number {
  let root = x;
  while (parent[root] !== root) root = parent[root] as number;
  while (parent[x] !== root) {
    const next = parent[x] as number;
    parent[x] = root;
    x = next;
  }
  return root;
}

/** Adjacency lists in compressed form: the neighbours of v are `target[start[v] .. start[v + 1])`. */
interface Adjacency {
  readonly start: Int32Array;
  readonly target: Int32Array;
}

function adjacency(n: number, from: readonly number[], to: readonly number[]): Adjacency {
  const start = new Int32Array(n + 1);
  for (const f of from) start[f + 1] = (start[f + 1] as number) + 1;
  for (let v = 0; v < n; v++) start[v + 1] = (start[v + 1] as number) + (start[v] as number);
  const fill = start.slice(0, n);
  const target = new Int32Array(from.length);
  from.forEach((f, e) => {
    target[fill[f] as number] = to[e] as number;
    fill[f] = (fill[f] as number) + 1;
  });
  return { start, target };
}

/** Strongly connected components by Kosaraju's algorithm, iteratively: component id per vertex. O(V + E). */
function stronglyConnected(n: number, forward: Adjacency, reverse: Adjacency): Int32Array {
  const order: number[] = [];
  const seen = new Uint8Array(n);
  const stack = new Int32Array(n);
  const cursor = new Int32Array(n);
  for (let root = 0; root < n; root++) {
    if (seen[root]) continue;
    let depth = 0;
    stack[0] = root;
    seen[root] = 1;
    cursor[root] = forward.start[root] as number;
    while (depth >= 0) {
      const v = stack[depth] as number;
      if ((cursor[v] as number) < (forward.start[v + 1] as number)) {
        const w = forward.target[cursor[v] as number] as number;
        cursor[v] = (cursor[v] as number) + 1;
        if (!seen[w]) {
          seen[w] = 1;
          cursor[w] = forward.start[w] as number;
          stack[++depth] = w;
        }
      } else {
        order.push(v);
        depth--;
      }
    }
  }
  const component = new Int32Array(n).fill(-1);
  let count = 0;
  for (let k = n - 1; k >= 0; k--) {
    const root = order[k] as number;
    if (component[root] !== -1) continue;
    const queue = [root];
    component[root] = count;
    for (let head = 0; head < queue.length; head++) {
      const v = queue[head] as number;
      for (let e = reverse.start[v] as number; e < (reverse.start[v + 1] as number); e++) {
        const w = reverse.target[e] as number;
        if (component[w] === -1) {
          component[w] = count;
          queue.push(w);
        }
      }
    }
    count++;
  }
  return component;
}

/** Vertices reachable from any vertex with `inSet` set, along `edges`. */
function reachable(n: number, edges: Adjacency, inSet: Uint8Array): Uint8Array {
  const out = Uint8Array.from(inSet);
  const queue: number[] = [];
  for (let v = 0; v < n; v++) if (inSet[v]) queue.push(v);
  for (let head = 0; head < queue.length; head++) {
    const v = queue[head] as number;
    for (let e = edges.start[v] as number; e < (edges.start[v + 1] as number); e++) {
      const w = edges.target[e] as number;
      if (!out[w]) {
        out[w] = 1;
        queue.push(w);
      }
    }
  }
  return out;
}

/**
 * The label (component id, union–find root) with the most members, ties to the one whose first
 * member comes first; `eligible` filters vertices; −1 when none is eligible.
 */
function largestLabel(labels: ArrayLike<number>, eligible: (v: number) => boolean, minimum: number): number {
  const size = new Map<number, number>();
  const first = new Map<number, number>();
  for (let v = 0; v < labels.length; v++) {
    if (!eligible(v)) continue;
    const label = labels[v] as number;
    size.set(label, (size.get(label) ?? 0) + 1);
    if (!first.has(label)) first.set(label, v);
  }
  let best = -1;
  let bestSize = 0;
  let bestFirst = Number.POSITIVE_INFINITY;
  for (const [label, s] of size) {
    const f = first.get(label) as number;
    if (s >= minimum && (s > bestSize || (s === bestSize && f < bestFirst))) [best, bestSize, bestFirst] = [label, s, f];
  }
  return best;
}

/** The identified core, the separated and the unidentified outcomes of a design; see the module comment. */
export function checkComparisonGraph(ids: readonly OutcomeId[], pairs: PackedPairs): ComparisonGraphCheck {
  const n = ids.length;
  const parent = Int32Array.from({ length: n }, (_, k) => k);
  const degree = new Float64Array(n);
  const wins = new Float64Array(n);
  const from: number[] = [];
  const to: number[] = [];
  forEachAnsweredPair(pairs, (i, j, w, total) => {
    degree[i] = (degree[i] as number) + total;
    degree[j] = (degree[j] as number) + total;
    wins[i] = (wins[i] as number) + w;
    wins[j] = (wins[j] as number) + total - w;
    if (w > 0) {
      from.push(i);
      to.push(j);
    }
    if (total - w > 0) {
      from.push(j);
      to.push(i);
    }
    const ri = find(parent, i);
    const rj = find(parent, j);
    if (ri !== rj) parent[ri] = rj;
  });
  const roots = Int32Array.from({ length: n }, (_, t) => find(parent, t));
  const compared = (t: number) => (degree[t] as number) > 0;
  const forward = adjacency(n, from, to);
  const reverse = adjacency(n, to, from);
  const component = stronglyConnected(n, forward, reverse);
  const largest = largestLabel(component, compared, 2);
  const largestMember = largest >= 0 ? component.indexOf(largest) : -1;
  const mainRoot = largestMember >= 0 ? (roots[largestMember] as number) : largestLabel(roots, compared, 1);
  // The core must hold at least half of its connected part (MIN_CORE_SHARE), or the scale of every
  // utility would rest on a few outcomes; below that the part is fitted whole, all prior-driven.
  let partSize = 0;
  let coreSize = 0;
  for (let t = 0; t < n; t++) {
    if (compared(t) && roots[t] === mainRoot) partSize++;
    if (largest >= 0 && component[t] === largest) coreSize++;
  }
  const core = largest >= 0 && coreSize >= MIN_CORE_SHARE * partSize ? largest : -1;
  const inCore = Uint8Array.from(component, (c) => (core >= 0 && c === core ? 1 : 0));
  const below = reachable(n, forward, inCore);
  const above = reachable(n, reverse, inCore);
  const gauge: number[] = [];
  const conditional: number[] = [];
  const warnings: FitWarning[] = [];
  for (let t = 0; t < n; t++) {
    const id = ids[t] as OutcomeId;
    if (inCore[t]) {
      gauge.push(t);
      continue;
    }
    if (!compared(t)) warnings.push({ id, reason: 'never-compared' });
    else if (roots[t] !== mainRoot) warnings.push({ id, reason: 'disconnected' });
    else {
      (core >= 0 ? conditional : gauge).push(t);
      let reason: FitWarningReason = 'separated';
      if ((wins[t] as number) >= (degree[t] as number)) reason = 'always-wins';
      else if ((wins[t] as number) <= 0) reason = 'always-loses';
      else if (above[t]) reason = 'separated-above';
      else if (below[t]) reason = 'separated-below';
      warnings.push({ id, reason });
    }
  }
  return { gauge: Int32Array.from(gauge), conditional: Int32Array.from(conditional), identifiedCore: core >= 0, warnings };
}

/** The outcomes a fit with these warnings leaves without a utility (`FIT_WARNING_UTILITY` 'none'). */
export function outcomesWithoutUtility(warnings: readonly FitWarning[]): ReadonlySet<OutcomeId> {
  return new Set(warnings.filter((w) => FIT_WARNING_UTILITY[w.reason] === 'none').map((w) => w.id));
}

/**
 * One line on what the data identify, for the terminal: "all 56 outcomes identified", or how many
 * are identified, prior-driven and without a utility (docs/method.md §12).
 */
export function identificationSummary(warnings: readonly FitWarning[], outcomes: number): string {
  const none = warnings.filter((w) => FIT_WARNING_UTILITY[w.reason] === 'none').length;
  const prior = warnings.length - none;
  if (warnings.length === 0) return `identified: all ${outcomes} outcomes`;
  const identified = outcomes - warnings.length;
  const parts = [
    `identified: ${identified} of ${outcomes} outcomes${identified === 0 ? ' (no set of at least half the compared outcomes is linked by wins both ways: every utility rests on the prior)' : ''}`,
  ];
  if (prior > 0) parts.push(`${prior} prior-driven (separated: no finite estimate)`);
  if (none > 0) parts.push(`${none} without a utility (never compared or not connected)`);
  return `${parts.join('; ')}; the gauge (mean 0, sd 1) is over the ${identified > 0 ? 'identified outcomes' : 'largest connected part'}`;
}
