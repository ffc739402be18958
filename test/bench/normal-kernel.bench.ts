/**
 * The fitting kernel `normalPairTerms` (src/stats/normal.ts, table from normal-table.ts): ns per
 * call over 200,000 z ~ N(0, 1.5²) (seeded; the spread of standardised utility differences in a
 * fit), best of 15 passes; the same for the reference functions it replaces (`logPhiBoth` plus two
 * `inverseMillsRatio` calls), for scale; and the load-time cost of the table: its first build in
 * each of 5 fresh Node processes (JIT cold, what every CLI start pays) and a warm rebuild.
 * Run: npx tsx test/bench/run.ts normal-kernel
 */
import { execFileSync } from 'node:child_process';
import { Rng } from '../../src/core/rng.js';
import { inverseMillsRatio, logPhiBoth, normalPairTerms } from '../../src/stats/normal.js';
import { buildNormalKernelTable, KERNEL_INTERVALS, KERNEL_STRIDE } from '../../src/stats/normal-table.js';

const CALLS = 200_000;
const PASSES = 15;
const PROCESSES = 5;

/** Best-of-PASSES ns per call of the kernel over `zs`, and a checksum of its outputs (so no call is dead code). */
function timeKernel(zs: Float64Array): { ns: number; checksum: number } {
  const out = new Float64Array(4);
  let best = Number.POSITIVE_INFINITY;
  let checksum = 0;
  for (let pass = 0; pass < PASSES; pass++) {
    const t0 = performance.now();
    for (let k = 0; k < zs.length; k++) {
      normalPairTerms(zs[k] as number, out);
      checksum += (out[0] as number) + (out[1] as number) + (out[2] as number) + (out[3] as number);
    }
    best = Math.min(best, performance.now() - t0);
  }
  return { ns: (best * 1e6) / zs.length, checksum: checksum / PASSES };
}

/** The same four values from the reference functions. */
function timeReference(zs: Float64Array): { ns: number; checksum: number } {
  const out = new Float64Array(2);
  let best = Number.POSITIVE_INFINITY;
  let checksum = 0;
  for (let pass = 0; pass < PASSES; pass++) {
    const t0 = performance.now();
    for (let k = 0; k < zs.length; k++) {
      const z = zs[k] as number;
      logPhiBoth(z, out);
      checksum += (out[0] as number) + (out[1] as number) + inverseMillsRatio(z) + inverseMillsRatio(-z);
    }
    best = Math.min(best, performance.now() - t0);
  }
  return { ns: (best * 1e6) / zs.length, checksum: checksum / PASSES };
}

/** Milliseconds of the first `buildNormalKernelTable()` call in a fresh Node process (through tsx, as the tests run). */
function coldBuildMs(): number {
  const table = new URL('../../src/stats/normal-table.ts', import.meta.url).href;
  const script = `const m = await import(${JSON.stringify(table)}); const t0 = performance.now(); m.buildNormalKernelTable(); console.log(performance.now() - t0);`;
  return Number(execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '--eval', script], { encoding: 'utf8' }).trim());
}

export default async function benchNormalKernel(): Promise<void> {
  const rng = new Rng(20_240_601);
  const zs = Float64Array.from({ length: CALLS }, () => 1.5 * rng.normal());
  const kernel = timeKernel(zs);
  const reference = timeReference(zs);
  console.log(`| log Φ(±z), λ(±z) by | ns per call (best of ${PASSES} × ${CALLS.toLocaleString('en')}, z ~ N(0, 1.5²)) | checksum |`);
  console.log('|---|---:|---:|');
  console.log(`| normalPairTerms (table) | ${kernel.ns.toFixed(1)} | ${kernel.checksum.toPrecision(12)} |`);
  console.log(`| logPhiBoth + 2 × inverseMillsRatio (reference) | ${reference.ns.toFixed(1)} | ${reference.checksum.toPrecision(12)} |`);

  let warmMs = Number.POSITIVE_INFINITY;
  for (let k = 0; k < 20; k++) {
    const t0 = performance.now();
    buildNormalKernelTable();
    warmMs = Math.min(warmMs, performance.now() - t0);
  }
  const cold = Array.from({ length: PROCESSES }, coldBuildMs).sort((a, b) => a - b);
  console.log(
    `table build (${KERNEL_INTERVALS} intervals × ${KERNEL_STRIDE} doubles): first call in a fresh process ` +
      `median ${(cold[PROCESSES >> 1] as number).toFixed(2)} ms, max ${(cold[PROCESSES - 1] as number).toFixed(2)} ms (${PROCESSES} processes); warm ${warmMs.toFixed(3)} ms`,
  );
}
