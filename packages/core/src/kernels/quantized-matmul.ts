/**
 * Matrix products with int8 weights and float activations, as ExecuTorch's
 * `quantized_decomposed::mixed_mm` and `mixed_linear` kernels define them
 * (`kernels/portable/cpu/vec_ops.h`): weights are scaled on the fly, per input row of the weight
 * for `mixed_mm`, per output channel and group of `g` inputs for `mixed_linear`. Sums accumulate
 * in float64 and round once when stored.
 */

import { readNumbers, writeNumbers } from './access.js';
import type { Tensor } from './tensor.js';

/** out[i, j] = Σ_k input[i, k] · weight[k, j] · scales[k]; input [m, n], weight int8 [n, p], scales [n]. */
export function mixedMatmul(input: Tensor, weight: Tensor, scales: Tensor, out: Tensor): void {
  const [m, n] = input.shape as [number, number];
  const p = weight.shape[1]!;
  const x = readNumbers(input);
  const w = weight.data as Int8Array;
  const s = readNumbers(scales);
  const result = new Float64Array(m * p);
  for (let i = 0; i < m; i++) {
    for (let k = 0; k < n; k++) {
      const scaled = x[i * n + k]! * s[k]!;
      for (let j = 0; j < p; j++) result[i * p + j] += scaled * w[k * p + j]!;
    }
  }
  writeNumbers(out, result);
}

/**
 * out[i, j] = Σ_groups (Σ_{k in group} input[i, k] · weight[j, k]) · scales[j, group]; input
 * [m, n], weight int8 [p, n], scales [p] (one group) or [p, groups] with groups of
 * `ceil(n / groups)` inputs, the last possibly shorter.
 */
export function mixedLinear(input: Tensor, weight: Tensor, scales: Tensor, out: Tensor): void {
  const [m, n] = input.shape as [number, number];
  const p = weight.shape[0]!;
  const groupSize = scales.rank === 2 ? Math.ceil(n / scales.shape[1]!) : n;
  const groupsPerRow = Math.ceil(n / groupSize);
  const x = readNumbers(input);
  const w = weight.data as Int8Array;
  const s = readNumbers(scales);
  const result = new Float64Array(m * p);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < p; j++) {
      let sum = 0;
      for (let start = 0; start < n; start += groupSize) {
        let partial = 0;
        for (let k = start; k < Math.min(start + groupSize, n); k++) partial += x[i * n + k]! * w[j * n + k]!;
        sum += partial * s[j * groupsPerRow + start / groupSize]!;
      }
      result[i * p + j] = sum;
    }
  }
  writeNumbers(out, result);
}
