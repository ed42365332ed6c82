/**
 * Float views of tensors for kernels that compute in floating point: float32 and float64 data is
 * used in place, other dtypes are converted to a float copy on read (float32 for half and
 * bfloat16, which it holds exactly; float64 otherwise) and rounded to the out dtype on write.
 */

import { readNumbers, writeNumbers } from '../../kernels/access.js';
import type { Tensor } from '../../kernels/tensor.js';
import { ScalarType } from '../../scalar-type.js';

/** The tensor's elements as float32 or float64 numbers (zero-copy for those two dtypes). */
export function readFloats(tensor: Tensor): Float32Array | Float64Array {
  if (tensor.dtype === ScalarType.FLOAT || tensor.dtype === ScalarType.DOUBLE) return tensor.data as Float32Array | Float64Array;
  const values = readNumbers(tensor);
  // Half, bfloat16 and int64 already arrive as fresh float arrays.
  return values instanceof Float32Array || values instanceof Float64Array ? values : Float64Array.from(values);
}

/**
 * Runs `compute` on a float buffer for `out` and stores it: `out`'s own data for float32/float64,
 * otherwise a float64 scratch written back with `out`'s dtype (integers truncate toward zero).
 */
export function writeFloats(out: Tensor, compute: (data: Float32Array | Float64Array) => void): void {
  if (out.dtype === ScalarType.FLOAT || out.dtype === ScalarType.DOUBLE) {
    compute(out.data as Float32Array | Float64Array);
    return;
  }
  const scratch = new Float64Array(out.numel);
  compute(scratch);
  writeNumbers(out, scratch);
}
