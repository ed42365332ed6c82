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

/** Sum (sum, mean, cumulative sums). */
export const SUM: Fold = { initial: 0, step: (accumulator, value) => accumulator + value };

/** Product (prod). */
export const PRODUCT: Fold = { initial: 1, step: (accumulator, value) => accumulator * value };

/** Maximum with NaN propagation (torch's amax). */
export const MAXIMUM: Fold = { initial: -Infinity, step: (accumulator, value) => (value > accumulator || value !== value ? value : accumulator) };

/** Minimum with NaN propagation (torch's amin). */
export const MINIMUM: Fold = { initial: Infinity, step: (accumulator, value) => (value < accumulator || value !== value ? value : accumulator) };

/** Logical or of `value != 0` (torch's any). */
export const ANY: Fold = { initial: 0, step: (accumulator, value) => (accumulator !== 0 || value !== 0 ? 1 : 0) };

/**
 * Visits the input row by row (rows along the last dim): `visit(inputOffset, outputOffset,
 * outputStride, length)`, where the row's element i belongs to output `outputOffset + i·outputStride`
 * (stride 0 when the last dim is reduced). Returns the number of outputs.
 */
function traverse(shape: readonly number[], reduced: readonly boolean[], total: number, visit: (inputOffset: number, outputOffset: number, outputStride: number, length: number) => void): number {
  const rank = shape.length;
  const keptShape = shape.map((size, d) => (reduced[d] ? 1 : size));
  const keptStrides = stridesOf(keptShape).map((stride, d) => (reduced[d] ? 0 : stride));
  const outputs = keptShape.reduce((a, b) => a * b, 1);
  if (total === 0) return outputs;
  if (rank === 0) {
    visit(0, 0, 0, 1);
    return outputs;
  }
  const rowLength = shape[rank - 1]!;
  const rowStride = keptStrides[rank - 1]!;
  const rows = total / rowLength;
  const counter = new Array<number>(rank - 1).fill(0);
  let outOffset = 0;
  for (let row = 0, inOffset = 0; row < rows; row++, inOffset += rowLength) {
    visit(inOffset, outOffset, rowStride, rowLength);
    for (let d = rank - 2; d >= 0; d--) {
      outOffset += keptStrides[d]!;
      if (++counter[d]! < shape[d]!) break;
      outOffset -= keptStrides[d]! * shape[d]!;
      counter[d] = 0;
    }
  }
  return outputs;
}

/** Number of outputs of reducing `shape` over the flagged dims. */
function outputCount(shape: readonly number[], reduced: readonly boolean[]): number {
  return shape.reduce((n, size, d) => (reduced[d] ? n : n * size), 1);
}

/**
 * Folds `input` (row-major, of `shape`) over the dims flagged in `reduced`; returns one
 * accumulator per output element, in row-major order of the kept dims.
 */
export function reduceDims(input: ArrayLike<number>, shape: readonly number[], reduced: readonly boolean[], fold: Fold): Float64Array {
  const accumulators = new Float64Array(outputCount(shape, reduced)).fill(fold.initial);
  const step = fold.step;
  traverse(shape, reduced, input.length, (inOffset, outOffset, outStride, length) => {
    if (outStride === 0 && fold === SUM) {
      let accumulator = accumulators[outOffset]!;
      for (let i = 0; i < length; i++) accumulator += input[inOffset + i]!;
      accumulators[outOffset] = accumulator;
    } else if (outStride === 0) {
      let accumulator = accumulators[outOffset]!;
      for (let i = 0; i < length; i++) accumulator = step(accumulator, input[inOffset + i]!);
      accumulators[outOffset] = accumulator;
    } else {
      for (let i = 0; i < length; i++) accumulators[outOffset + i] = step(accumulators[outOffset + i]!, input[inOffset + i]!);
    }
  });
  return accumulators;
}

/** Σ (x − center)² per output, `centers` holding one value per output (a second, stable pass for variances). */
export function sumSquaredDeviations(input: ArrayLike<number>, shape: readonly number[], reduced: readonly boolean[], centers: ArrayLike<number>): Float64Array {
  const sums = new Float64Array(outputCount(shape, reduced));
  traverse(shape, reduced, input.length, (inOffset, outOffset, outStride, length) => {
    for (let i = 0; i < length; i++) {
      const at = outOffset + i * outStride;
      const deviation = input[inOffset + i]! - centers[at]!;
      sums[at] += deviation * deviation;
    }
  });
  return sums;
}
