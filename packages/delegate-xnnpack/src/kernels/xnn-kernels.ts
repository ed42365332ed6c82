/**
 * The kernel interface the XNNPACK runtime backend executes with. Two implementations share it:
 * WebAssembly kernels compiled from `assembly/` (SIMD128 when the engine supports it, scalar
 * otherwise) and a plain TypeScript fallback; `createXnnKernels` picks one.
 *
 * Memory: `prepareLinear` copies a layer's weights once into the implementation's memory (for
 * WebAssembly, its linear memory) in a kernel-friendly packed layout and returns a handle; calls
 * then pass only activations, which go through scratch buffers that grow on demand. Handles belong
 * to the kernel set that made them; `releaseLinear` frees one, `dispose` frees everything.
 *
 * Numerics (XNNPACK's): `f32` is y = x·Wᵀ + b in float32 with any summation order. The `qc8w` and
 * `qb4w` kinds quantize each input row dynamically ("qd8", see `quantizeQd8`), accumulate exact
 * int32 sums of (q − zeroPoint)·w, and dequantize: `qc8w` y = f32(sum)·inputScale·weightScale + b;
 * `qb4w` y = (Σ over groups, in order, f32(groupSum)·groupScale)·inputScale + b. Every
 * implementation gives bit-identical results on the quantized kinds.
 */

import type { ActivationMemory } from './activation-memory.js';

/** Float32 weights, row-major [outFeatures, inFeatures]. */
export interface F32LinearWeights {
  readonly kind: 'f32';
  readonly weights: Float32Array;
  readonly outFeatures: number;
  readonly inFeatures: number;
  readonly bias?: Float32Array;
}

/** Int8 weights with one float32 scale per output channel (symmetric, zero point 0), [outFeatures, inFeatures]. */
export interface Qc8wLinearWeights {
  readonly kind: 'qc8w';
  readonly weights: Int8Array;
  readonly scales: Float32Array;
  readonly outFeatures: number;
  readonly inFeatures: number;
  readonly bias?: Float32Array;
}

/**
 * 4-bit weights as int8 values in [-8, 7], one per element, [outFeatures, inFeatures], with one
 * float32 scale per (output channel, group of `groupSize` inputs): scales [outFeatures, inFeatures / groupSize].
 * `groupSize` is a multiple of 32 that divides `inFeatures`.
 */
export interface Qb4wLinearWeights {
  readonly kind: 'qb4w';
  readonly weights: Int8Array;
  readonly scales: Float32Array;
  readonly groupSize: number;
  readonly outFeatures: number;
  readonly inFeatures: number;
  readonly bias?: Float32Array;
}

/** Weights of a fully connected layer in one of the supported precisions. */
export type LinearWeights = F32LinearWeights | Qc8wLinearWeights | Qb4wLinearWeights;

/** A fully connected layer whose weights live in a kernel set's memory. */
export interface PreparedLinear {
  readonly kind: LinearWeights['kind'];
  readonly outFeatures: number;
  readonly inFeatures: number;
}

/** Rows quantized dynamically to int8: q = clamp(round(x / scale) + zeroPoint) per row. */
export interface Qd8Rows {
  /** Quantized values, [rows, columns]. */
  readonly values: Int8Array;
  /** Dequantization scale of each row (XNNPACK's `inv_scale`). */
  readonly scales: Float32Array;
  /** Zero point of each row, in [-128, 127]. */
  readonly zeroPoints: Int32Array;
}

/** Dimensions of a batch matrix multiplication y[batch, m, n] = a[batch, m, k] · b. */
export interface BatchMatmulShape {
  readonly batch: number;
  readonly m: number;
  readonly k: number;
  readonly n: number;
  /** b is [batch, n, k] (used transposed) instead of [batch, k, n]. */
  readonly transposeB?: boolean;
}

/** Which code runs the kernels. */
export type XnnKernelsImplementation = 'wasm-simd' | 'wasm' | 'typescript';

/** A set of kernels with its own memory for prepared weights and scratch buffers. */
export interface XnnKernels {
  readonly implementation: XnnKernelsImplementation;
  /** Copies and packs a layer's weights into this kernel set's memory. */
  prepareLinear(weights: LinearWeights): PreparedLinear;
  /** output[rows, outFeatures] = linear(input[rows, inFeatures]). */
  linear(prepared: PreparedLinear, input: Float32Array, rows: number, output: Float32Array): void;
  /** Frees a prepared layer's memory; the handle must not be used afterwards. */
  releaseLinear(prepared: PreparedLinear): void;
  /** XNNPACK's dynamic per-row int8 quantization ("qd8") of input[rows, columns]. */
  quantizeQd8(input: Float32Array, rows: number, columns: number): Qd8Rows;
  /** output[batch, m, n] = a[batch, m, k] · b[batch, k, n] (or b[batch, n, k]ᵀ). */
  batchMatmul(a: Float32Array, b: Float32Array, output: Float32Array, shape: BatchMatmulShape): void;
  /** The memory planned graphs keep their activations in, with kernels working on it by address. */
  readonly activations: ActivationMemory;
  /** Bytes of memory the kernel set holds (WebAssembly linear memory, or typed arrays). */
  memoryBytes(): number;
  /** Frees every prepared layer and the memory; the kernel set must not be used afterwards. */
  dispose(): void;
}
