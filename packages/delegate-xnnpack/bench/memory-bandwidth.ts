/**
 * Measures this machine's memory read bandwidth on one thread, in the same run as the
 * benchmarks: `Buffer.compare` of two equal buffers far larger than the caches is a native
 * `memcmp`, which streams both at the hardware's rate. Decode reads every weight once per
 * token, so weight bytes per token ÷ this bandwidth bounds tokens/s.
 */

/** Best-of-`repeats` read bandwidth in bytes per second over two buffers of `bytes` bytes each. */
export function measureReadBandwidth(options: { bytes?: number; repeats?: number } = {}): number {
  const bytes = options.bytes ?? 256 * 1024 * 1024;
  const repeats = options.repeats ?? 4;
  const first = Buffer.alloc(bytes, 7);
  const second = Buffer.alloc(bytes, 7);
  let best = Infinity;
  for (let repeat = 0; repeat < repeats; repeat++) {
    const start = performance.now();
    const result = Buffer.compare(first, second);
    const elapsed = performance.now() - start;
    if (result !== 0) throw new Error('bandwidth probe buffers differ');
    best = Math.min(best, elapsed);
  }
  return (2 * bytes) / (best / 1000);
}
