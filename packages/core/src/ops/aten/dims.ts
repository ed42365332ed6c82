/**
 * Dim arguments as torch reads them: negative dims wrap, reduced dims vanish or stay as 1
 * (`keepdim`), and an empty or absent dim list means every dim. Shared by shape inference and
 * kernels, with errors that name the operator through `fail`.
 */

import type { Dim } from '../../ir/sym.js';

/** Anything that can fail with the operator named: `MetaArgs` or `RuntimeArgs`. */
export interface Failing {
  fail(message: string): never;
}

/** `dim` wrapped into `[0, rank)`; a 0-dim tensor accepts dims 0 and -1. */
export function wrapDimension(where: Failing, dim: number, rank: number): number {
  const size = Math.max(rank, 1);
  if (!Number.isInteger(dim) || dim < -size || dim >= size) where.fail(`dim ${dim} is out of range for a tensor of rank ${rank}`);
  return dim < 0 ? dim + size : dim;
}

/** The set of reduced dims, wrapped and de-duplicated; `null` or `[]` reduce over all dims. */
export function reducedDimensions(where: Failing, dims: readonly number[] | null, rank: number): boolean[] {
  const reduced = new Array<boolean>(rank).fill(dims === null || dims.length === 0);
  for (const dim of dims ?? []) {
    const wrapped = wrapDimension(where, dim, rank);
    if (rank === 0) continue;
    if (reduced[wrapped]) where.fail(`dim ${dim} appears more than once in the dim list`);
    reduced[wrapped] = true;
  }
  return reduced;
}

/** Shape after reducing the flagged dims. */
export function reducedShape<D extends Dim>(shape: readonly D[], reduced: readonly boolean[], keepdim: boolean): (D | 1)[] {
  const result: (D | 1)[] = [];
  shape.forEach((size, d) => {
    if (!reduced[d]) result.push(size);
    else if (keepdim) result.push(1);
  });
  return result;
}

/** Splits a contiguous shape around `dim` into `[outer, size, inner]` element counts. */
export function splitAround(shape: readonly number[], dim: number): [number, number, number] {
  let outer = 1;
  let inner = 1;
  for (let d = 0; d < dim; d++) outer *= shape[d]!;
  for (let d = dim + 1; d < shape.length; d++) inner *= shape[d]!;
  return [outer, shape[dim] ?? 1, inner];
}
