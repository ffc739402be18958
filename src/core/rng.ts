/**
 * Seeded pseudo-random numbers for every random choice in utilscope (holdout, plans, bootstrap,
 * simulated respondents, floors). Pure code never touches `Math.random` (CONTRIBUTING.md rule 2).
 *
 * Algorithm: xoshiro128** (Blackman & Vigna, 2018, https://prng.di.unimi.it/) with 128 bits of
 * state, seeded through SplitMix32-style mixing of a 32-bit seed or a string hash. It is fast in
 * 32-bit JavaScript integer arithmetic, passes BigCrush, and its period (2^128 − 1) is far beyond
 * our needs. `fork(label)` derives an independent stream from the current seed and a label, so
 * adding a random draw in one stage never shifts the numbers of another stage.
 */

/** Mixes a 32-bit integer (the finaliser of MurmurHash3 / SplitMix32). */
function mix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** FNV-1a hash of a string to 32 bits, then mixed; used to turn labels and keys into seeds. */
export function hashStringToSeed(text: string): number {
  let h = 0x811c9dc5;
  for (let k = 0; k < text.length; k++) {
    h ^= text.charCodeAt(k);
    h = Math.imul(h, 0x01000193);
  }
  return mix32(h);
}

/** A seeded random stream. Mutable by nature: each draw advances the state. */
export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  /** The seed this stream was created from, so forks are reproducible. */
  readonly seed: number;
  private spareNormal: number | undefined;

  constructor(seed: number | string) {
    const base = typeof seed === 'string' ? hashStringToSeed(seed) : seed >>> 0;
    this.seed = base;
    this.s0 = mix32(base);
    this.s1 = mix32(this.s0 ^ 0x6a09e667);
    this.s2 = mix32(this.s1 ^ 0xbb67ae85);
    this.s3 = mix32(this.s2 ^ 0x3c6ef372);
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** An independent stream for a named purpose, determined by this stream's seed and `label`. */
  fork(label: string): Rng {
    return new Rng(hashStringToSeed(`${this.seed}:${label}`));
  }

  /** Next 32 random bits as an unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 bits of precision. */
  next(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform integer in [0, n), without modulo bias. */
  int(n: number): number {
    if (!(n >= 1) || !Number.isInteger(n)) throw new RangeError(`Rng.int needs a positive integer, got ${n}`);
    return Math.floor(this.next() * n);
  }

  /** Standard normal deviate (Marsaglia polar method, caching the spare). */
  normal(): number {
    if (this.spareNormal !== undefined) {
      const spare = this.spareNormal;
      this.spareNormal = undefined;
      return spare;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = this.next() * 2 - 1;
      v = this.next() * 2 - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const factor = Math.sqrt((-2 * Math.log(s)) / s);
    this.spareNormal = v * factor;
    return u * factor;
  }

  /** True with probability `p`. */
  bernoulli(p: number): boolean {
    return this.next() < p;
  }

  /** Fisher–Yates shuffle of a copy. */
  shuffled<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let k = out.length - 1; k > 0; k--) {
      const r = this.int(k + 1);
      const tmp = out[k] as T;
      out[k] = out[r] as T;
      out[r] = tmp;
    }
    return out;
  }

  /** One element chosen uniformly; throws on an empty list (a programming error). */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('Rng.pick on an empty list');
    return items[this.int(items.length)] as T;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
