/** Test support for the quantization tests: deterministic weights shaped like trained ones. */

import { ScalarType } from '../scalar-type.js';
import { Tensor } from '../kernels/tensor.js';

/** Deterministic weights with a heavy tail, as trained linears have. */
export function heavyTailedWeights(rows: number, columns: number): Tensor {
  let state = 12345;
  const values = Float32Array.from({ length: rows * columns }, () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    const uniform = state / 2 ** 32 - 0.5;
    return Math.sign(uniform) * Math.abs(uniform) ** 3 * 8;
  });
  return Tensor.fromArray(ScalarType.FLOAT, [rows, columns], values);
}
