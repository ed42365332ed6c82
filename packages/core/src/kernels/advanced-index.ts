/**
 * torch's advanced indexing (`x[idx0, :, idx2]`) as a list of element offsets: for every element of
 * the indexed result, in row-major order, the offset of the element of `x` it reads (`index`) or
 * writes (`index_put`). Index tensors broadcast together; the broadcast dims replace the indexed
 * dims in place when those are adjacent, and go first otherwise, exactly as in NumPy and torch.
 */

import { readNumbers } from './access.js';
import { broadcastIndex } from './broadcast.js';
import type { Tensor } from './tensor.js';
import { numelOf, stridesOf } from './tensor.js';

/** The result shape and, per result element, the source element offset. */
export interface AdvancedIndexPlan {
  readonly shape: number[];
  readonly offsets: Int32Array;
}

/** Shape rule alone: `shape` indexed by index tensors of `indexShapes` (null = full slice). */
export function advancedIndexShape<D>(shape: readonly D[], indexShapes: readonly (readonly D[] | null)[], broadcast: readonly D[]): D[] {
  const positions = indexShapes.flatMap((s, i) => (s === null ? [] : [i]));
  const first = positions[0]!;
  const adjacent = positions.every((p, i) => p === first + i);
  const rest = shape.map((size, d) => ({ size, d })).filter(({ d }) => indexShapes[d] === undefined || indexShapes[d] === null);
  if (!adjacent) return [...broadcast, ...rest.map(({ size }) => size)];
  return [...rest.filter(({ d }) => d < first).map(({ size }) => size), ...broadcast, ...rest.filter(({ d }) => d > first).map(({ size }) => size)];
}

/**
 * Plans indexing `shape` with `indices` (integer tensors or null; at least one tensor), whose
 * broadcast shape is `broadcast`. `fail` reports an out-of-range index.
 */
export function planAdvancedIndex(shape: readonly number[], indices: readonly (Tensor | null)[], broadcast: readonly number[], fail: (message: string) => never): AdvancedIndexPlan {
  const strides = stridesOf(shape);
  const count = numelOf(broadcast);
  const bases = new Int32Array(count);
  indices.forEach((index, d) => {
    if (!index) return;
    const values = readNumbers(index);
    const map = broadcastIndex(index.shape, broadcast);
    const size = shape[d]!;
    for (let i = 0; i < count; i++) {
      let value = values[map[i]!]!;
      if (value < -size || value >= size) fail(`index ${value} is out of bounds for dim ${d} with size ${size}`);
      if (value < 0) value += size;
      bases[i] += value * strides[d]!;
    }
  });
  const positions = indices.flatMap((s, i) => (s === null ? [] : [i]));
  const first = positions[0]!;
  const adjacent = positions.every((p, i) => p === first + i);
  // Axes of the result, in order: plain dims (size, stride) and the block of broadcast dims.
  type Axis = { size: number; stride: number } | { block: true; size: number };
  const rest = shape.map((size, d) => ({ size, stride: strides[d]!, d })).filter(({ d }) => !indices[d]);
  const blockAxis: Axis = { block: true, size: count };
  const axes: Axis[] = adjacent ? [...rest.filter(({ d }) => d < first), blockAxis, ...rest.filter(({ d }) => d > first)] : [blockAxis, ...rest];
  const resultShape = advancedIndexShape(shape, shape.map((_, d) => (indices[d] ? [] : null)), broadcast);
  const total = axes.reduce((n, axis) => n * axis.size, 1);
  const offsets = new Int32Array(total);
  const counter = new Array<number>(axes.length).fill(0);
  for (let i = 0; i < total; i++) {
    let offset = 0;
    for (let a = 0; a < axes.length; a++) {
      const axis = axes[a]!;
      offset += 'block' in axis ? bases[counter[a]!]! : counter[a]! * axis.stride;
    }
    offsets[i] = offset;
    for (let a = axes.length - 1; a >= 0; a--) {
      if (++counter[a]! < axes[a]!.size) break;
      counter[a] = 0;
    }
  }
  return { shape: resultShape, offsets };
}
