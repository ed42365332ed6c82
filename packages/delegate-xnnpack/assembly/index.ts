// Entry point of the WebAssembly kernel module: the exported functions take byte addresses in
// this module's memory. The host (src/kernels/wasm-kernels.ts) owns all allocation: it places
// packed weights and scratch buffers above `heapBase()` and grows the memory as needed; the
// module itself never allocates (runtime "stub", no garbage collector).

export { linearF32, linearF32Packed } from './linear-f32';
export { quantizeQd8 } from './quantize-qd8';
export { linearQd8Qc8w } from './linear-qc8w';
export { linearQd8Qb4w } from './linear-qb4w';
export { batchMatmulF32 } from './batch-matmul';
export { binaryF32, unaryF32, softmaxF32 } from './elementwise';

/** First address free for the host's allocator (after static data), aligned to 16 bytes. */
export function heapBase(): usize {
  return (__heap_base + 15) & ~(<usize>15);
}
