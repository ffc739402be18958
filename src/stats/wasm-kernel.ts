/**
 * Loading the WebAssembly kernels (docs/architecture.md §"Kernels"): a module built by
 * scripts/build-kernels.ts from kernels/<name>.ts and handed over as base64, compiled on first use,
 * and instantiated with a memory (imported as env.memory) large enough for the call at hand. A
 * kernel allocates nothing itself: its caller copies arrays in from `base`, calls, and reads the
 * results back. A larger request gets a new instance with a new memory rather than `memory.grow`,
 * which would detach the old ArrayBuffer and slow every typed-array access V8 optimises afterwards.
 */

/** The part of Node's WebAssembly API used here (TypeScript declares it only in its DOM library). */
declare const WebAssembly: {
  readonly Module: new (bytes: Uint8Array) => object;
  readonly Instance: new (module: object, imports: { readonly env: { readonly memory: KernelMemory } }) => { readonly exports: unknown };
  readonly Memory: new (descriptor: { readonly initial: number }) => KernelMemory;
};

interface KernelMemory {
  readonly buffer: ArrayBuffer;
}

/** What every kernel exports besides its functions. */
export interface KernelExports {
  /** The first byte past the module's own static data. */
  heapBase(): number;
}

/** An instance of a kernel, and its memory from byte address `base` on free for the caller. */
export interface KernelInstance<K extends KernelExports> {
  readonly kernel: K;
  readonly memory: ArrayBuffer;
  readonly base: number;
}

const PAGE_BYTES = 65_536;

/**
 * For the module in `base64` (named `name` in errors), a function giving an instance with at least
 * `bytes` free bytes from `base` (16-byte aligned, past the module's static data). The instance is
 * kept and reused until a request needs more.
 */
export function kernelLoader<K extends KernelExports>(base64: string, name: string): (bytes: number) => KernelInstance<K> {
  let compiled: object | undefined;
  let current: KernelInstance<K> | undefined;
  return (bytes) => {
    if (current && current.base + bytes <= current.memory.byteLength) return current;
    compiled ??= new WebAssembly.Module(Buffer.from(base64, 'base64'));
    // Static data first (a kernel has a few hundred bytes at most), then the caller's arrays.
    const reserve = PAGE_BYTES;
    const memory = new WebAssembly.Memory({ initial: Math.ceil((reserve + bytes) / PAGE_BYTES) });
    const kernel = new WebAssembly.Instance(compiled, { env: { memory } }).exports as K;
    if (kernel.heapBase() > reserve) throw new Error(`kernels/${name}.ts has more static data than its loader leaves room for`);
    current = { kernel, memory: memory.buffer, base: reserve };
    return current;
  };
}
