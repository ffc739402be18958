// AssemblyScript (compiled to WebAssembly by scripts/build-kernels.ts; docs/architecture.md §"Kernels").
// The two O(n³) loops of src/stats/cholesky.ts: the Cholesky factor and the diagonal of the inverse.
// Same algorithm and summation order as the JavaScript they replaced (left-looking, blocks of 48
// rows, groups of three columns), with the dot products two lanes wide (f64x2). Why WebAssembly:
// this code runs once per fit, so V8 spent most of its time interpreting it or compiling it; the
// module is compiled in about a millisecond and runs at full speed from its first call.
// Matrices are row-major n×n f64 at byte addresses the caller chose in the memory it gives the
// module (env.memory; src/stats/wasm-kernel.ts).

/** Byte address of f64 element (i, j) of the n×n matrix at `m`. */
@inline function at(m: usize, n: i32, i: i32, j: i32): usize {
  return m + ((<usize>i * <usize>n + <usize>j) << 3);
}

/** Lanes 0 + 1. */
@inline function lanes(v: v128): f64 {
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

/** Σ_{k<count} a[k]·b[k] for f64 vectors at byte addresses a and b. */
function rowDot(a: usize, b: usize, count: i32): f64 {
  let s0 = f64x2.splat(0);
  let s1 = f64x2.splat(0);
  let k: i32 = 0;
  for (; k + 3 < count; k += 4) {
    const o = <usize>k << 3;
    s0 = f64x2.add(s0, f64x2.mul(v128.load(a + o), v128.load(b + o)));
    s1 = f64x2.add(s1, f64x2.mul(v128.load(a + o, 16), v128.load(b + o, 16)));
  }
  let s = lanes(f64x2.add(s0, s1));
  for (; k < count; k++) s += load<f64>(a + (<usize>k << 3)) * load<f64>(b + (<usize>k << 3));
  return s;
}

/**
 * The nine dot products of the vectors at r0, r0 + stride, r0 + 2·stride with those at x0,
 * x0 + xStride, x0 + 2·xStride over k in [from, to) (byte addresses, f64 elements):
 * sums[3r + c] is vector r with vector c. Nine two-lane accumulators and six loads fit in the
 * sixteen SIMD registers of x64.
 */
function tripleDots(r0: usize, stride: usize, x0: usize, xStride: usize, from: i32, to: i32, sums: usize): void {
  const r1 = r0 + stride;
  const r2 = r1 + stride;
  const x1 = x0 + xStride;
  const x2 = x1 + xStride;
  let a0 = f64x2.splat(0);
  let a1 = f64x2.splat(0);
  let a2 = f64x2.splat(0);
  let b0 = f64x2.splat(0);
  let b1 = f64x2.splat(0);
  let b2 = f64x2.splat(0);
  let c0 = f64x2.splat(0);
  let c1 = f64x2.splat(0);
  let c2 = f64x2.splat(0);
  let k = from;
  for (; k + 1 < to; k += 2) {
    const o = <usize>k << 3;
    const y0 = v128.load(x0 + o);
    const y1 = v128.load(x1 + o);
    const y2 = v128.load(x2 + o);
    let v = v128.load(r0 + o);
    a0 = f64x2.add(a0, f64x2.mul(v, y0));
    a1 = f64x2.add(a1, f64x2.mul(v, y1));
    a2 = f64x2.add(a2, f64x2.mul(v, y2));
    v = v128.load(r1 + o);
    b0 = f64x2.add(b0, f64x2.mul(v, y0));
    b1 = f64x2.add(b1, f64x2.mul(v, y1));
    b2 = f64x2.add(b2, f64x2.mul(v, y2));
    v = v128.load(r2 + o);
    c0 = f64x2.add(c0, f64x2.mul(v, y0));
    c1 = f64x2.add(c1, f64x2.mul(v, y1));
    c2 = f64x2.add(c2, f64x2.mul(v, y2));
  }
  let s0 = lanes(a0);
  let s1 = lanes(a1);
  let s2 = lanes(a2);
  let s3 = lanes(b0);
  let s4 = lanes(b1);
  let s5 = lanes(b2);
  let s6 = lanes(c0);
  let s7 = lanes(c1);
  let s8 = lanes(c2);
  if (k < to) {
    const o = <usize>k << 3;
    const y0 = load<f64>(x0 + o);
    const y1 = load<f64>(x1 + o);
    const y2 = load<f64>(x2 + o);
    const va = load<f64>(r0 + o);
    const vb = load<f64>(r1 + o);
    const vc = load<f64>(r2 + o);
    s0 += va * y0;
    s1 += va * y1;
    s2 += va * y2;
    s3 += vb * y0;
    s4 += vb * y1;
    s5 += vb * y2;
    s6 += vc * y0;
    s7 += vc * y1;
    s8 += vc * y2;
  }
  store<f64>(sums, s0);
  store<f64>(sums, s1, 8);
  store<f64>(sums, s2, 16);
  store<f64>(sums, s3, 24);
  store<f64>(sums, s4, 32);
  store<f64>(sums, s5, 40);
  store<f64>(sums, s6, 48);
  store<f64>(sums, s7, 56);
  store<f64>(sums, s8, 64);
}

/** Rows per block: the block's rows stay in L2 cache while each group of three earlier rows streams past once. */
const BLOCK_ROWS: i32 = 48;

/** Row p's entries j..j+2 after subtracting the dot products s0..s2, through the 3×3 diagonal block. */
@inline function finishTriple(p: usize, s0: f64, s1: f64, s2: f64, pivot0: f64, pivot1: f64, pivot2: f64, l10: f64, l20: f64, l21: f64): void {
  const v0 = (load<f64>(p) - s0) / pivot0;
  const v1 = (load<f64>(p, 8) - s1 - v0 * l10) / pivot1;
  store<f64>(p, v0);
  store<f64>(p, v1, 8);
  store<f64>(p, (load<f64>(p, 16) - s2 - v0 * l20 - v1 * l21) / pivot2, 16);
}

/**
 * Overwrites the lower triangle of the n×n matrix at `a` with its Cholesky factor; false when a
 * pivot is ≤ 0 or NaN (not positive definite). `sums` is 9 f64 of scratch.
 */
export function factor(a: usize, n: i32, sums: usize): bool {
  for (let from: i32 = 0; from < n; from += BLOCK_ROWS) {
    const to = min(n, from + BLOCK_ROWS);
    for (let j: i32 = 0; j < to; j += 3) {
      let first = from;
      if (j >= from) {
        // The diagonal tile, entry by entry; only the matrix's last group can be narrower than 3.
        const width = min(3, n - j);
        for (let i = j; i < j + width; i++) {
          for (let c = j; c <= i; c++) {
            const sum = load<f64>(at(a, n, i, c)) - rowDot(at(a, n, i, 0), at(a, n, c, 0), c);
            if (i == c) {
              if (!(sum > 0)) return false;
              store<f64>(at(a, n, i, i), Math.sqrt(sum));
            } else {
              store<f64>(at(a, n, i, c), sum / load<f64>(at(a, n, c, c)));
            }
          }
        }
        first = j + width;
      }
      if (first >= to) continue;
      const pivot0 = load<f64>(at(a, n, j, j));
      const pivot1 = load<f64>(at(a, n, j + 1, j + 1));
      const pivot2 = load<f64>(at(a, n, j + 2, j + 2));
      const l10 = load<f64>(at(a, n, j + 1, j));
      const l20 = load<f64>(at(a, n, j + 2, j));
      const l21 = load<f64>(at(a, n, j + 2, j + 1));
      const rowBytes = <usize>n << 3;
      let i = first;
      for (; i + 3 <= to; i += 3) {
        tripleDots(at(a, n, i, 0), rowBytes, at(a, n, j, 0), rowBytes, 0, j, sums);
        finishTriple(at(a, n, i, j), load<f64>(sums), load<f64>(sums, 8), load<f64>(sums, 16), pivot0, pivot1, pivot2, l10, l20, l21);
        finishTriple(at(a, n, i + 1, j), load<f64>(sums, 24), load<f64>(sums, 32), load<f64>(sums, 40), pivot0, pivot1, pivot2, l10, l20, l21);
        finishTriple(at(a, n, i + 2, j), load<f64>(sums, 48), load<f64>(sums, 56), load<f64>(sums, 64), pivot0, pivot1, pivot2, l10, l20, l21);
      }
      for (; i < to; i++) {
        const row = at(a, n, i, 0);
        finishTriple(at(a, n, i, j), rowDot(row, at(a, n, j, 0), j), rowDot(row, at(a, n, j + 1, 0), j), rowDot(row, at(a, n, j + 2, 0), j), pivot0, pivot1, pivot2, l10, l20, l21);
      }
    }
  }
  return true;
}

/**
 * diag(H⁻¹)'s first `count` entries into `diag`, from the factor L at `l`: (H⁻¹)_ii = Σ_r (L⁻¹)_ri²,
 * with the columns of L⁻¹ computed three at a time by forward substitution into `x` (3n f64 of
 * scratch: column c + t at x + t·n). `sums` is 9 f64 of scratch.
 */
export function inverseDiagonal(l: usize, n: i32, count: i32, x: usize, sums: usize, diag: usize): void {
  const rowBytes = <usize>n << 3;
  for (let c: i32 = 0; c < count; c += 3) {
    const width = min(3, n - c);
    let q0: f64 = 0;
    let q1: f64 = 0;
    let q2: f64 = 0;
    // The group's own rows c..c+width−1: column c + t starts at row c + t.
    for (let r = c; r < c + width; r++) {
      const pivot = load<f64>(at(l, n, r, r));
      for (let t: i32 = 0; t < 3; t++) {
        let value: f64 = 0;
        if (r == c + t) value = 1 / pivot;
        else if (r > c + t) {
          let sum: f64 = 0;
          for (let k = c + t; k < r; k++) sum += load<f64>(at(l, n, r, k)) * load<f64>(at(x, n, t, k));
          value = -sum / pivot;
        }
        store<f64>(at(x, n, t, r), value);
        if (t == 0) q0 += value * value;
        else if (t == 1) q1 += value * value;
        else q2 += value * value;
      }
    }
    let r = c + width;
    for (; r + 3 <= n; r += 3) {
      tripleDots(at(l, n, r, 0), rowBytes, x, rowBytes, c, r, sums);
      for (let s: i32 = 0; s < 3; s++) {
        const pivot = load<f64>(at(l, n, r + s, r + s));
        for (let t: i32 = 0; t < 3; t++) {
          let sum = load<f64>(sums + (<usize>(3 * s + t) << 3));
          for (let u: i32 = 0; u < s; u++) sum += load<f64>(at(l, n, r + s, r + u)) * load<f64>(at(x, n, t, r + u));
          const value = -sum / pivot;
          store<f64>(at(x, n, t, r + s), value);
          if (t == 0) q0 += value * value;
          else if (t == 1) q1 += value * value;
          else q2 += value * value;
        }
      }
    }
    for (; r < n; r++) {
      const pivot = load<f64>(at(l, n, r, r));
      for (let t: i32 = 0; t < 3; t++) {
        const value = -rowDot(at(l, n, r, c), at(x, n, t, c), r - c) / pivot;
        store<f64>(at(x, n, t, r), value);
        if (t == 0) q0 += value * value;
        else if (t == 1) q1 += value * value;
        else q2 += value * value;
      }
    }
    if (c < count) store<f64>(diag + (<usize>c << 3), q0);
    if (width > 1 && c + 1 < count) store<f64>(diag + (<usize>(c + 1) << 3), q1);
    if (width > 2 && c + 2 < count) store<f64>(diag + (<usize>(c + 2) << 3), q2);
  }
}

/** The first byte past the module's own static data (the loader checks its arrays start above it). */
export function heapBase(): usize {
  return __heap_base;
}
