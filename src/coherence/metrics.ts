/**
 * Coherence metrics of pairwise preference estimates (docs/method.md §5) that work on a P̂ per asked
 * pair and compiled triangles, so the same code measures the observed answers, the floors and the
 * bootstrap replicates:
 * - triads: cycle probability P = p_ab·p_bc·(1−p_ac) + (1−p_ab)(1−p_bc)·p_ac, directed 3-cycles of
 *   the majority graph, and weak/moderate/strong stochastic-transitivity violations, over triangles
 *   compiled against the pair list (the asked triangles come from `triangles.ts`, probe triads from
 *   the plan); the replicate sweep and the per-state verdicts the exact floors read;
 * - Kendall–Babington Smith circular triads of complete tournaments and ζ;
 * - decisiveness: mean |P̂ − ½| and mean max(P̂, 1 − P̂).
 * The majority-graph metrics (components, cycles, feedback arcs) are in `majority-graph.ts`.
 */

/** P̂(a ≻ b) for one asked pair, with its weight in answers; a < b are outcome indices. */
export interface PairEstimate {
  readonly a: number;
  readonly b: number;
  readonly p: number;
  readonly n: number;
}

/** Triad-level results. */
export interface TriadMetrics {
  readonly triangles: number;
  /** Mean cycle probability over triangles (NaN without triangles). */
  readonly meanCycleProbability: number;
  /** Triangles whose majority edges form a directed 3-cycle. */
  readonly cyclicTriangles: number;
  readonly cyclicShare: number;
  /** Triads with p_ab ≥ ½ and p_bc ≥ ½ for some labelling: the denominators of the ST rates. */
  readonly transitivityChecks: number;
  readonly weakViolationRate: number;
  readonly moderateViolationRate: number;
  readonly strongViolationRate: number;
}

/** The cycle probability of one triad (docs/method.md §5): either orientation of the 3-cycle. */
export function triadCycleProbability(pAB: number, pBC: number, pAC: number): number {
  return pAB * pBC * (1 - pAC) + (1 - pAB) * (1 - pBC) * pAC;
}

/**
 * Triangles compiled against a fixed list of pairs (docs/method.md §5), so that the triad metrics of many
 * answer sets on one design (the floors, the bootstrap intervals) cost one pass over typed arrays
 * each, with no lookups. For triangle t = (x, y, z), entries 3t, 3t+1, 3t+2 describe the pairs xy,
 * yz, xz: `pair` is the position in the pair list (−1 when the pair is not in it, read as P̂ = ½)
 * and `flip` is 1 when the list stores it the other way round. When a pair appears twice the last
 * one counts. Building costs O(pairs + triangles).
 */
export interface CompiledTriangles {
  readonly count: number;
  readonly pair: Int32Array;
  readonly flip: Uint8Array;
}

/** Compiles `triangles` against `pairs` (indices into the outcome list); see `CompiledTriangles`. */
export function compileTriangles(pairs: readonly { readonly a: number; readonly b: number }[], triangles: readonly (readonly [number, number, number])[]): CompiledTriangles {
  let width = 1;
  for (const e of pairs) width = Math.max(width, e.a + 1, e.b + 1);
  for (const t of triangles) width = Math.max(width, t[0] + 1, t[1] + 1, t[2] + 1);
  // Key x·width + y → 2·position + (1 if stored as (y, x)).
  const code = new Map<number, number>();
  pairs.forEach((e, k) => {
    code.set(e.a * width + e.b, 2 * k);
    code.set(e.b * width + e.a, 2 * k + 1);
  });
  const count = triangles.length;
  const pair = new Int32Array(3 * count).fill(-1);
  const flip = new Uint8Array(3 * count);
  triangles.forEach(([x, y, z], t) => {
    const corners: [number, number][] = [
      [x, y],
      [y, z],
      [x, z],
    ];
    corners.forEach(([u, v], s) => {
      const c = code.get(u * width + v);
      if (c === undefined) return;
      pair[3 * t + s] = c >> 1;
      flip[3 * t + s] = c & 1;
    });
  });
  return { count, pair, flip };
}

/**
 * The six labellings (a, b, c) of a triangle (x, y, z) as positions in [p_xy, p_yx, p_yz, p_zy,
 * p_xz, p_zx] of p_ab, p_bc, p_ac, in the order (x,y,z), (x,z,y), (y,x,z), (y,z,x), (z,x,y), (z,y,x).
 */
const LABELLINGS = Int8Array.from([0, 2, 4, 4, 3, 0, 1, 4, 2, 2, 5, 1, 5, 0, 3, 3, 1, 5]);

/**
 * Triad metrics (docs/method.md §5) of P̂ values `p` (P̂(a ≻ b) per pair, aligned with the pair list the
 * triangles were compiled against). Stochastic transitivity is checked on the first labelling with
 * p_ab ≥ ½ and p_bc ≥ ½ (not both ½); a cyclic triad has none and counts as no check. O(triangles).
 */
export function triadMetricsOf(p: ArrayLike<number>, compiled: CompiledTriangles): TriadMetrics {
  const { count, pair, flip } = compiled;
  // q = [p_xy, p_yx, p_yz, p_zy, p_xz, p_zx]; each reverse is read from the stored value, not 1 − forward.
  const q = new Float64Array(6);
  let sum = 0;
  let cyclic = 0;
  let checks = 0;
  let weak = 0;
  let moderate = 0;
  let strong = 0;
  for (let t = 0; t < count; t++) {
    for (let s = 0; s < 3; s++) {
      const k = pair[3 * t + s] as number;
      if (k < 0) {
        q[2 * s] = 0.5;
        q[2 * s + 1] = 0.5;
        continue;
      }
      const v = p[k] as number;
      const flipped = flip[3 * t + s] === 1;
      q[2 * s] = flipped ? 1 - v : v;
      q[2 * s + 1] = flipped ? v : 1 - v;
    }
    const pxy = q[0] as number;
    const pyz = q[2] as number;
    const pxz = q[4] as number;
    sum += triadCycleProbability(pxy, pyz, pxz);
    if ((pxy > 0.5 && pyz > 0.5 && pxz < 0.5) || (pxy < 0.5 && pyz < 0.5 && pxz > 0.5)) cyclic++;
    for (let l = 0; l < 18; l += 3) {
      const pab = q[LABELLINGS[l] as number] as number;
      const pbc = q[LABELLINGS[l + 1] as number] as number;
      if (pab >= 0.5 && pbc >= 0.5 && !(pab === 0.5 && pbc === 0.5)) {
        const pac = q[LABELLINGS[l + 2] as number] as number;
        checks++;
        if (pac < 0.5) weak++;
        if (pac < Math.min(pab, pbc)) moderate++;
        if (pac < Math.max(pab, pbc)) strong++;
        break;
      }
    }
  }
  return {
    triangles: count,
    meanCycleProbability: count > 0 ? sum / count : Number.NaN,
    cyclicTriangles: cyclic,
    cyclicShare: count > 0 ? cyclic / count : Number.NaN,
    transitivityChecks: checks,
    weakViolationRate: checks > 0 ? weak / checks : Number.NaN,
    moderateViolationRate: checks > 0 ? moderate / checks : Number.NaN,
    strongViolationRate: checks > 0 ? strong / checks : Number.NaN,
  };
}

/** The state of a P̂ against ½: 0 below, 1 at, 2 above. */
function stateOf(p: number): number {
  return p < 0.5 ? 0 : p === 0.5 ? 1 : 2;
}

/**
 * What `triadMetricsOf` decides about one triangle depends only on whether each of p_xy, p_yz, p_xz
 * lies below, at or above ½: per state 9·s_xy + 3·s_yz + s_xz (0 below, 1 at, 2 above), whether it
 * is a majority 3-cycle, whether stochastic transitivity is checked on it, and whether the check
 * finds a weak violation. Read off `triadMetricsOf` itself, one triangle per state, so the two never
 * disagree; the exact floors and the replicate sweep use these tables.
 */
export const TRIAD_STATE_VERDICTS = (() => {
  const cyclic = new Uint8Array(27);
  const check = new Uint8Array(27);
  const weak = new Uint8Array(27);
  const value = [0.25, 0.5, 0.75];
  const one: CompiledTriangles = { count: 1, pair: Int32Array.of(0, 1, 2), flip: new Uint8Array(3) };
  for (let s = 0; s < 27; s++) {
    const metrics = triadMetricsOf(Float64Array.of(value[Math.floor(s / 9)] as number, value[Math.floor(s / 3) % 3] as number, value[s % 3] as number), one);
    cyclic[s] = metrics.cyclicTriangles;
    check[s] = metrics.transitivityChecks;
    weak[s] = metrics.transitivityChecks > 0 && metrics.weakViolationRate > 0 ? 1 : 0;
  }
  return { cyclic, check, weak };
})();

/**
 * The replicate form of `triadMetricsOf` (docs/method.md §5.2–5.4): into `out` the sum of cycle
 * probabilities, the majority 3-cycles, the transitivity checks and the weak violations, with the
 * same arithmetic and verdicts, and none of the moderate/strong rates. O(triangles); allocates nothing.
 */
export function sweepTriads(p: ArrayLike<number>, compiled: CompiledTriangles, out: Float64Array): void {
  const { count, pair, flip } = compiled;
  const { cyclic, check, weak } = TRIAD_STATE_VERDICTS;
  out.fill(0);
  let sum = 0;
  let cycles = 0;
  let checks = 0;
  let violations = 0;
  for (let t = 0; t < count; t++) {
    const kxy = pair[3 * t] as number;
    const kyz = pair[3 * t + 1] as number;
    const kxz = pair[3 * t + 2] as number;
    const vxy = kxy < 0 ? 0.5 : (p[kxy] as number);
    const vyz = kyz < 0 ? 0.5 : (p[kyz] as number);
    const vxz = kxz < 0 ? 0.5 : (p[kxz] as number);
    const pxy = kxy >= 0 && flip[3 * t] === 1 ? 1 - vxy : vxy;
    const pyz = kyz >= 0 && flip[3 * t + 1] === 1 ? 1 - vyz : vyz;
    const pxz = kxz >= 0 && flip[3 * t + 2] === 1 ? 1 - vxz : vxz;
    sum += triadCycleProbability(pxy, pyz, pxz);
    const state = 9 * stateOf(pxy) + 3 * stateOf(pyz) + stateOf(pxz);
    cycles += cyclic[state] as number;
    checks += check[state] as number;
    violations += weak[state] as number;
    // Stored inside the loop: V8 compiles it while the first call runs and reuses that code on every
    // later call, so a store after the loop would fall back to the interpreter on each call.
    out[0] = sum;
    out[1] = cycles;
    out[2] = checks;
    out[3] = violations;
  }
}

/**
 * Triads whose three pairs are all asked and untied (P̂ ≠ ½), and how many of those are circular
 * (their majority preferences form a directed 3-cycle): the Kendall–Babington Smith count restricted
 * to decided triads, which ties cannot inflate (docs/method.md §5.8). O(triangles).
 */
export function untiedTriadCounts(p: ArrayLike<number>, compiled: CompiledTriangles): { triads: number; circular: number } {
  let triads = 0;
  let circular = 0;
  const q = new Float64Array(3);
  for (let t = 0; t < compiled.count; t++) {
    let decided = true;
    for (let s = 0; s < 3 && decided; s++) {
      const k = compiled.pair[3 * t + s] as number;
      const v = k < 0 ? 0.5 : (p[k] as number);
      if (v === 0.5) decided = false;
      q[s] = compiled.flip[3 * t + s] === 1 ? 1 - v : v;
    }
    if (!decided) continue;
    triads++;
    const xy = q[0] as number;
    const yz = q[1] as number;
    const xz = q[2] as number;
    if ((xy > 0.5 && yz > 0.5 && xz < 0.5) || (xy < 0.5 && yz < 0.5 && xz > 0.5)) circular++;
  }
  return { triads, circular };
}

/** Triad metrics over the given triangles (asked triangles or probe triads); absent pairs read as ½. O(pairs + triangles). */
export function triadMetrics(estimates: readonly PairEstimate[], triangles: readonly (readonly [number, number, number])[]): TriadMetrics {
  return triadMetricsOf(
    Float64Array.from(estimates, (e) => e.p),
    compileTriangles(estimates, triangles),
  );
}

/**
 * Kendall & Babington Smith (1940) circular triads of a complete tournament from its score
 * (win count) vector: d = n(n−1)(2n−1)/12 − ½·Σ s_i².
 */
export function circularTriadCount(scores: readonly number[]): number {
  const n = scores.length;
  let sumSquares = 0;
  for (const s of scores) sumSquares += s * s;
  return (n * (n - 1) * (2 * n - 1)) / 12 - sumSquares / 2;
}

/** Coefficient of consistence ζ = 1 − 24d/(n³ − n) for odd n, 1 − 24d/(n³ − 4n) for even n. */
export function coefficientOfConsistence(d: number, n: number): number {
  if (n < 3) return Number.NaN;
  return 1 - (24 * d) / (n % 2 === 1 ? n ** 3 - n : n ** 3 - 4 * n);
}

/** Mean |P̂ − ½| and mean max(P̂, 1 − P̂) over asked pairs (`p`: P̂ per pair). O(pairs). */
export function decisiveness(p: ArrayLike<number>): { meanAbsDeviation: number; meanMajorityShare: number } {
  if (p.length === 0) return { meanAbsDeviation: Number.NaN, meanMajorityShare: Number.NaN };
  let dev = 0;
  let major = 0;
  for (let k = 0; k < p.length; k++) {
    const value = p[k] as number;
    dev += Math.abs(value - 0.5);
    major += Math.max(value, 1 - value);
  }
  return { meanAbsDeviation: dev / p.length, meanMajorityShare: major / p.length };
}
