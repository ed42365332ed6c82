/**
 * Dtype conversion of whole tensors, as torch's `.to(dtype)` and ExecuTorch's `_to_copy` do it
 * (C++ `static_cast`): floats truncate toward zero into integers, and anything nonzero, NaN
 * included, becomes True.
 */

import { ScalarType } from '../scalar-type.js';
import { readNumbers, writeNumbers } from './access.js';
import type { Tensor } from './tensor.js';

/** Copies `source` into `target` (same element count), converting to `target`'s dtype. */
export function convertInto(source: Tensor, target: Tensor): void {
  if (source.dtype === target.dtype) {
    target.bytes.set(source.bytes);
    return;
  }
  if (target.dtype === ScalarType.LONG && source.dtype === ScalarType.INT) {
    const from = source.data as Int32Array;
    const to = target.data as BigInt64Array;
    for (let i = 0; i < to.length; i++) to[i] = BigInt(from[i]!);
    return;
  }
  const values = readNumbers(source);
  if (target.dtype === ScalarType.BOOL) {
    const to = target.data as Uint8Array;
    for (let i = 0; i < to.length; i++) to[i] = values[i] !== 0 ? 1 : 0;
    return;
  }
  writeNumbers(target, values);
}
