/**
 * Chooses and instantiates the kernels: WebAssembly with SIMD128 when the engine supports it
 * (unless `simd: false`), scalar WebAssembly otherwise, and the TypeScript kernels where there is
 * no WebAssembly. Asking for SIMD where it is missing is an error rather than a silent downgrade.
 */

import { InvalidArgumentError } from '@etch/core';
import { scalarKernelsBase64, simdKernelsBase64 } from './generated/kernel-binaries.js';
import { webAssemblySimdSupported, webAssemblySupported } from './simd-support.js';
import { typescriptXnnKernels } from './typescript-kernels.js';
import { instantiateWasmKernels } from './wasm-kernels.js';
import type { XnnKernels } from './xnn-kernels.js';

/** Options of `createXnnKernels`. */
export interface CreateXnnKernelsOptions {
  /** true: require WebAssembly SIMD128; false: use the scalar WebAssembly build; unset: SIMD when available. */
  readonly simd?: boolean;
}

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index++) bytes[index] = binary.charCodeAt(index);
  return bytes;
}

/** Creates a kernel set with its own WebAssembly instance (or the TypeScript kernels without WebAssembly). */
export async function createXnnKernels(options: CreateXnnKernelsOptions = {}): Promise<XnnKernels> {
  const simdAvailable = webAssemblySimdSupported();
  if (options.simd === true && !simdAvailable) throw new InvalidArgumentError('simd', 'WebAssembly SIMD128 is not supported by this engine');
  if (!webAssemblySupported()) return typescriptXnnKernels();
  const useSimd = options.simd ?? simdAvailable;
  const module = await WebAssembly.compile(decodeBase64(useSimd ? simdKernelsBase64 : scalarKernelsBase64));
  return instantiateWasmKernels(module, useSimd ? 'wasm-simd' : 'wasm');
}
