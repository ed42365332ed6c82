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

/**
 * Writes `numel(shape)` elements to `target` starting at `targetOffset`, in row-major order of
 * `shape`; the element at index `(i0, i1, …)` is read from
 * `source[sourceOffset + i0·sourceStrides[0] + i1·sourceStrides[1] + …]`. `source` and `target`
 * must be typed arrays of the same kind. Strides may be 0 (broadcast) but not negative.
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
