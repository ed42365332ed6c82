/**
 * The XNNPACK delegate's compute kernels: fully connected layers in float32 and with dynamically
 * quantized activations against int8 or 4-bit weights, dynamic quantization, and batch matrix
 * multiplication, in WebAssembly (SIMD128 or scalar) with a TypeScript fallback. See
 * `xnn-kernels.ts` for the interface and its numerics.
 */

export { createXnnKernels, type CreateXnnKernelsOptions } from './create-xnn-kernels.js';
export { typescriptXnnKernels } from './typescript-kernels.js';
export { webAssemblySimdSupported } from './simd-support.js';
export type {
  BatchMatmulShape,
  F32LinearWeights,
  LinearWeights,
  PreparedLinear,
  Qb4wLinearWeights,
  Qc8wLinearWeights,
  Qd8Rows,
  XnnKernels,
  XnnKernelsImplementation,
} from './xnn-kernels.js';
