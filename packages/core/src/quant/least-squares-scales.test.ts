import { describe, expect, it } from 'vitest';
import { heavyTailedWeights as weights } from './quantization-test-support.js';
import { bfloat16ToFloat, floatToBfloat16 } from '../kernels/access.js';
import { quantizeSymmetric } from '../kernels/quantize.js';
import { Tensor } from '../kernels/tensor.js';
import { ScalarType } from '../scalar-type.js';
import { quantizeLeastSquares } from './least-squares-scales.js';

const INT4 = { quantMin: -8, quantMax: 7 };


/** Squared error per group of `values · scales` against `w`. */
function groupErrors(w: Tensor, groupSize: number, { values, scales }: { values: Tensor; scales: Tensor }): number[] {
  const data = w.data as Float32Array;
  const q = values.data as Int8Array;
  const s = scales.data as Float32Array;
  return Array.from({ length: data.length / groupSize }, (_, g) => {
    let error = 0;
    for (let i = g * groupSize; i < (g + 1) * groupSize; i++) error += (data[i]! - q[i]! * s[g]!) ** 2;
    return error;
  });
}

const total = (errors: number[]) => errors.reduce((sum, error) => sum + error, 0);

describe('quantizeLeastSquares', () => {
  it('never does worse than the max-based scale, group by group, and does better overall', () => {
    const w = weights(16, 128);
    const plain = groupErrors(w, 32, quantizeSymmetric(w, 4, 32));
    const refined = groupErrors(w, 32, quantizeLeastSquares(w, 32, INT4));
    refined.forEach((error, g) => expect(error).toBeLessThanOrEqual(plain[g]! * (1 + 1e-6)));
    expect(total(refined)).toBeLessThan(0.9 * total(plain));
  });

  it('does at least as well overall as the fine grid search of quantizeSymmetric', () => {
    const w = weights(64, 256);
    for (const groupSize of [32, 256]) {
      const grid = groupErrors(w, groupSize, quantizeSymmetric(w, 4, groupSize, INT4, { searchScale: true }));
      expect(total(groupErrors(w, groupSize, quantizeLeastSquares(w, groupSize, INT4)))).toBeLessThanOrEqual(total(grid) * 1.001);
    }
  });

  it('keeps codes in range and chooses them for bfloat16 scales when the runtime reads those', () => {
    const w = weights(8, 64);
    const { values, scales } = quantizeLeastSquares(w, 32, INT4, { scaleDtype: ScalarType.BFLOAT16 });
    expect(scales.shape).toEqual([8, 2]);
    const s = scales.data as Float32Array;
    const q = values.data as Int8Array;
    const data = w.data as Float32Array;
    for (const scale of s) expect(bfloat16ToFloat(floatToBfloat16(scale))).toBe(scale);
    q.forEach((code, i) => {
      expect(code >= -8 && code <= 7).toBe(true);
      expect(code).toBe(Math.min(Math.max(Math.round(data[i]! / s[Math.floor(i / 32)]!), -8), 7) + 0); // + 0 turns -0 into 0
    });
  });

  it('gives one scale per row for per-channel 8-bit weights, and eps for an all-zero row', () => {
    const w = Tensor.fromArray(ScalarType.FLOAT, [2, 4], Float32Array.from([0.5, -1, 0.25, 0.125, 0, 0, 0, 0]));
    const { values, scales } = quantizeLeastSquares(w, 4, { quantMin: -127, quantMax: 127 });
    expect(scales.shape).toEqual([2]);
    expect(Array.from(values.data as Int8Array)).toEqual([64, -127, 32, 16, 0, 0, 0, 0]);
    expect((scales.data as Float32Array)[1]).toBe(2 ** -23);
  });

  it('rejects group sizes that do not divide the rows and NaN weights', () => {
    expect(() => quantizeLeastSquares(weights(2, 64), 48, INT4)).toThrow(/groupSize: must divide the row length 64/);
    expect(() => quantizeLeastSquares(Tensor.fromArray(ScalarType.FLOAT, [1, 2], Float32Array.from([NaN, 1])), 2, INT4)).toThrow(/element 0 is NaN/);
  });
});
