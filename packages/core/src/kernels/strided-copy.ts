/**
 * Copies a strided view of one tensor's elements into a contiguous region of another, without
 * converting them. Every layout-only operator (permute, transpose, expand, slice, select, split,
 * unbind, repeat, cat) is such a copy with its own strides, so one tight loop serves them all and
 * works for every dtype (an element is moved as whatever the typed array holds, bigint included).
 */

import type { TypedArray } from './tensor.js';
import { numelOf } from './tensor.js';

/** Rows at least this long are moved with `TypedArray.set` instead of an element loop. */
const BULK_ROW = 32;

/** Side of the square tiles a transposing copy moves at a time (both tiles stay in L1). */
const TILE = 32;

/**
 * The transposing case (`permute_copy(w, [1, 0])` of a weight, every token on upstream portable
 * programs): the last two output dims read the source with strides `(1, columnStride)`. Moving
 * square tiles keeps both the reads and the writes within a few cache lines.
 */
function copyTransposed(from: Float64Array, sourceOffset: number, sourceStrides: readonly number[], shape: readonly number[], to: Float64Array, targetOffset: number): void {
  const rank = shape.length;
  const rows = shape[rank - 2]!;
  const columns = shape[rank - 1]!;
  const columnStride = sourceStrides[rank - 1]!;
  const matrices = numelOf(shape.slice(0, -2));
  const counter = new Array<number>(rank - 2).fill(0);
  let readBase = sourceOffset;
  let writeBase = targetOffset;
  for (let matrix = 0; matrix < matrices; matrix++) {
    for (let r0 = 0; r0 < rows; r0 += TILE) {
      const r1 = Math.min(r0 + TILE, rows);
      for (let c0 = 0; c0 < columns; c0 += TILE) {
        const c1 = Math.min(c0 + TILE, columns);
        for (let r = r0; r < r1; r++) {
          const write = writeBase + r * columns;
          for (let c = c0, read = readBase + r + c0 * columnStride; c < c1; c++, read += columnStride) to[write + c] = from[read]!;
        }
      }
    }
    writeBase += rows * columns;
    for (let d = rank - 3; d >= 0; d--) {
      readBase += sourceStrides[d]!;
      if (++counter[d]! < shape[d]!) break;
      readBase -= sourceStrides[d]! * shape[d]!;
      counter[d] = 0;
    }
  }
}

/**
 * Writes `numel(shape)` elements to `target` starting at `targetOffset`, in row-major order of
 * `shape`; the element at index `(i0, i1, …)` is read from
 * `source[sourceOffset + i0·sourceStrides[0] + i1·sourceStrides[1] + …]`. `source` and `target`
 * must be typed arrays of the same kind. Strides may be 0 (broadcast) or negative (a flip, with
 * `sourceOffset` at the first element read).
 */
export function copyStrided(
  source: TypedArray,
  sourceOffset: number,
  sourceStrides: readonly number[],
  shape: readonly number[],
  target: TypedArray,
  targetOffset = 0,
): void {
  const total = numelOf(shape);
  if (total === 0) return;
  const rank = shape.length;
  if (rank === 0) {
    (target as Float64Array)[targetOffset] = (source as Float64Array)[sourceOffset]!;
    return;
  }
  const from = source as Float64Array;
  const to = target as Float64Array;
  if (rank >= 2 && sourceStrides[rank - 2] === 1 && sourceStrides[rank - 1]! > 1 && shape[rank - 1]! >= TILE && shape[rank - 2]! >= TILE) {
    copyTransposed(from, sourceOffset, sourceStrides, shape, to, targetOffset);
    return;
  }
  const rowLength = shape[rank - 1]!;
  const rowStride = sourceStrides[rank - 1]!;
  const rows = total / rowLength;
  const counter = new Array<number>(rank - 1).fill(0);
  let readOffset = sourceOffset;
  let writeOffset = targetOffset;
  for (let row = 0; row < rows; row++) {
    if (rowStride === 1 && rowLength >= BULK_ROW) {
      to.set(from.subarray(readOffset, readOffset + rowLength), writeOffset);
    } else if (rowStride === 1) {
      for (let i = 0; i < rowLength; i++) to[writeOffset + i] = from[readOffset + i]!;
    } else if (rowStride === 0) {
      to.fill(from[readOffset]!, writeOffset, writeOffset + rowLength);
    } else {
      for (let i = 0, j = readOffset; i < rowLength; i++, j += rowStride) to[writeOffset + i] = from[j]!;
    }
    writeOffset += rowLength;
    for (let d = rank - 2; d >= 0; d--) {
      readOffset += sourceStrides[d]!;
      if (++counter[d]! < shape[d]!) break;
      readOffset -= sourceStrides[d]! * shape[d]!;
      counter[d] = 0;
    }
  }
}
