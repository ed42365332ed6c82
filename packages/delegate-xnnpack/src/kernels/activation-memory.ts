/**
 * Where a planned XNNPACK graph keeps its activations: in the kernel set's own memory, so that
 * fully connected layers, batch matrix products and elementwise kernels read and write them in
 * place instead of copying every operand in and every result out. Addresses are byte offsets,
 * 16-byte aligned; `floats()` views the whole memory for the loops that run on the host.
 */

import type { BatchMatmulShape, PreparedLinear } from './xnn-kernels.js';

/** Binary operators of `binary`, by code (the order `assembly/elementwise.ts` numbers them). */
export const BINARY_OPERATORS = ['Add', 'Subtract', 'Multiply', 'Div', 'Maximum', 'Minimum'] as const;
export type BinaryOperator = (typeof BINARY_OPERATORS)[number];

/** Unary operators of `unary`, by code (the order `assembly/elementwise.ts` numbers them). */
export const UNARY_OPERATORS = ['Negate', 'Square', 'ReciprocalSquareRoot', 'SquareRoot', 'Abs', 'Sigmoid'] as const;
export type UnaryOperator = (typeof UNARY_OPERATORS)[number];

/** Memory for activations and the kernels that work on it by address. */
export interface ActivationMemory {
  /** A float32 view of the whole memory (a new one after the memory grows). */
  floats(): Float32Array;
  /** Reserves `bytes` bytes, 16-byte aligned; may grow the memory. */
  allocate(bytes: number): number;
  release(address: number): void;
  /** output[rows, outFeatures] = linear(input[rows, inFeatures]), by address. */
  linear(prepared: PreparedLinear, input: number, rows: number, output: number): void;
  /** output[batch, m, n] = a · b (or bᵀ), by address. */
  batchMatmul(a: number, b: number, output: number, shape: BatchMatmulShape): void;
  /**
   * o = x ∘ y over n elements; y repeats every `period` elements (inner = 1) or each of its
   * elements spans `inner` consecutive ones.
   */
  binary(operator: number, x: number, y: number, o: number, n: number, period: number, inner: number): void;
  /** o = op(x) over n elements. */
  unary(operator: number, x: number, o: number, n: number): void;
  /** Softmax of `rows` rows of `width` elements. */
  softmax(x: number, o: number, rows: number, width: number): void;
}
