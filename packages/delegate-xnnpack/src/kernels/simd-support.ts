/**
 * Detects WebAssembly SIMD128 by validating a tiny module that uses it (no instantiation, no
 * flags): the same probe runs in Node and browsers.
 */

/** A module with one function `() -> v128` computing `i8x16.popcnt(i8x16.splat(0))`. */
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11]);

/** Whether the engine has WebAssembly at all. */
export function webAssemblySupported(): boolean {
  return typeof WebAssembly === 'object' && typeof WebAssembly.validate === 'function';
}

/** Whether the engine validates WebAssembly SIMD128 instructions. */
export function webAssemblySimdSupported(): boolean {
  return webAssemblySupported() && WebAssembly.validate(SIMD_PROBE);
}
