/**
 * Reductions over any set of dims of a contiguous tensor, in one pass over the input: every input
 * element is folded into the accumulator of its output position, found incrementally from
 * per-dim output strides that are zero on the reduced dims. Accumulators are float64, so sums are
 * exact to far below float32 precision whatever the reduction order.
 */

import { stridesOf } from './tensor.js';

/** How elements fold into an accumulator: `initial` value, then `step(accumulator, element)`. */
export interface Fold {
  readonly initial: number;
  step(accumulator: number, value: number): number;
}

export const SUM: Fold = { initial: 0, step: (accumulator, value) => accumulator + value };

/** Maximum with NaN propagation (torch's amax). */
export const MAXIMUM: Fold = { initial: -Infinity, step: (accumulator, value) => (value > accumulator || value !== value ? value : accumulator) };

/** Minimum with NaN propagation (torch's amin). */
export const MINIMUM: Fold = { initial: Infinity, step: (accumulator, value) => (value < accumulator || value !== value ? value : accumulator) };

/** Logical or of `value != 0` (torch's any). */
export const ANY: Fold = { initial: 0, step: (accumulator, value) => (accumulator !== 0 || value !== 0 ? 1 : 0) };

/**
 * Folds `input` (row-major, of `shape`) over the dims flagged in `reduced`; returns one
 * accumulator per output element, in row-major order of the kept dims.
 */
export function reduceDims(input: ArrayLike<number>, shape: readonly number[], reduced: readonly boolean[], fold: Fold): Float64Array {
  const rank = shape.length;
  const keptShape = shape.map((size, d) => (reduced[d] ? 1 : size));
  const keptStrides = stridesOf(keptShape).map((stride, d) => (reduced[d] ? 0 : stride));
  let outputs = 1;
  for (const size of keptShape) outputs *= size;
  const accumulators = new Float64Array(outputs).fill(fold.initial);
  if (input.length === 0) return accumulators;
  if (rank === 0) {
    accumulators[0] = fold.step(fold.initial, input[0]!);
    return accumulators;
  }
  const rowLength = shape[rank - 1]!;
  const rowStride = keptStrides[rank - 1]!;
  const rows = input.length / rowLength;
  const counter = new Array<number>(rank - 1).fill(0);
  const step = fold.step;
  let outOffset = 0;
  let inOffset = 0;
  for (let row = 0; row < rows; row++) {
    if (rowStride === 0 && fold === SUM) {
      let accumulator = accumulators[outOffset]!;
      for (let i = 0; i < rowLength; i++) accumulator += input[inOffset + i]!;
      accumulators[outOffset] = accumulator;
    } else if (rowStride === 0) {
      let accumulator = accumulators[outOffset]!;
      for (let i = 0; i < rowLength; i++) accumulator = step(accumulator, input[inOffset + i]!);
      accumulators[outOffset] = accumulator;
    } else {
      for (let i = 0; i < rowLength; i++) accumulators[outOffset + i] = step(accumulators[outOffset + i]!, input[inOffset + i]!);
    }
    inOffset += rowLength;
    for (let d = rank - 2; d >= 0; d--) {
      outOffset += keptStrides[d]!;
      if (++counter[d]! < shape[d]!) break;
      outOffset -= keptStrides[d]! * shape[d]!;
      counter[d] = 0;
    }
  }
  return accumulators;
}
