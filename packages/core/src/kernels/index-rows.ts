/**
 * Why: the static KV-cache update `cache[:, :, cache_position] = states` is an `index_put` with a
 * single 1-D index tensor and values shaped exactly like the indexed result, so every index picks
 * whole contiguous rows. General advanced indexing computes an offset per element and a broadcast
 * map on every call; here the rows are written directly, allocating nothing.
 */

import type { Tensor, TypedArray } from './tensor.js';

/**
 * The dim indexed when `indices` (null = full slice) holds one 1-D index tensor and `valuesShape`
 * is exactly the indexed shape (`shape` with that dim's size replaced by the index length); -1
 * when indexing is anything else.
 */
export function indexedRowDim(shape: readonly number[], indices: readonly (Tensor | null)[], valuesShape: readonly number[]): number {
  if (indices.length > shape.length || valuesShape.length !== shape.length) return -1;
  let dim = -1;
  for (let d = 0; d < indices.length; d++) {
    if (!indices[d]) continue;
    if (dim >= 0) return -1;
    dim = d;
  }
  if (dim < 0 || indices[dim]!.rank !== 1) return -1;
  for (let d = 0; d < shape.length; d++) if (valuesShape[d] !== (d === dim ? indices[dim]!.shape[0] : shape[d])) return -1;
  return dim;
}

function position(index: Tensor, i: number): number {
  return Number(index.data[i]!);
}

/** Fails (through `fail`, with advanced indexing's message) unless every index is within `[-size, size)`. */
export function checkRowIndices(index: Tensor, size: number, dim: number, fail: (message: string) => never): void {
  for (let i = 0; i < index.numel; i++) {
    const value = position(index, i);
    if (value < -size || value >= size) fail(`index ${value} is out of bounds for dim ${dim} with size ${size}`);
  }
}

/**
 * `target[..., index[i], ...] = values[..., i, ...]` along `dim` of `shape` (the target's shape),
 * in the general path's order (row-major over the values), so a repeated index keeps its last row.
 * Indices must have passed `checkRowIndices`; `values` must have the target's typed-array kind.
 */
export function putRows(target: TypedArray, shape: readonly number[], dim: number, index: Tensor, values: TypedArray): void {
  let outer = 1;
  for (let d = 0; d < dim; d++) outer *= shape[d]!;
  let inner = 1;
  for (let d = dim + 1; d < shape.length; d++) inner *= shape[d]!;
  const size = shape[dim]!;
  const count = index.numel;
  const to = target as Float64Array;
  const from = values as Float64Array;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < count; i++) {
      let row = position(index, i);
      if (row < 0) row += size;
      const write = (o * size + row) * inner;
      const read = (o * count + i) * inner;
      for (let e = 0; e < inner; e++) to[write + e] = from[read + e]!;
    }
  }
}
