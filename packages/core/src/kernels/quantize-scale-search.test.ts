import { describe, expect, it } from 'vitest';
import { heavyTailedWeights as weights } from '../quant/quantization-test-support.js';
import { quantizeSymmetric } from './quantize.js';
import { Tensor } from './tensor.js';


function groupErrors(w: Tensor, groupSize: number, searchScale: boolean): number[] {
  const { values, scales } = quantizeSymmetric(w, 4, groupSize, undefined, { searchScale });
  const data = w.data as Float32Array;
  const q = values.data as Int8Array;
  const s = scales.data as Float32Array;
  const errors: number[] = [];
  for (let g = 0; g < data.length / groupSize; g++) {
    let error = 0;
    for (let i = g * groupSize; i < (g + 1) * groupSize; i++) error += (data[i]! - q[i]! * s[g]!) ** 2;
    errors.push(error);
  }
  return errors;
}

describe('quantizeSymmetric with scale search', () => {
  it('never does worse than the max-based scale, group by group, and does better overall', () => {
    const w = weights(16, 128);
    const plain = groupErrors(w, 32, false);
    const searched = groupErrors(w, 32, true);
    searched.forEach((error, g) => expect(error).toBeLessThanOrEqual(plain[g]! * (1 + 1e-6)));
    const total = (errors: number[]) => errors.reduce((sum, error) => sum + error, 0);
    expect(total(searched)).toBeLessThan(0.9 * total(plain));
  });

  it('keeps values in the 4-bit range', () => {
    const { values } = quantizeSymmetric(weights(4, 64), 4, 32, undefined, { searchScale: true });
    for (const value of values.data as Int8Array) expect(value >= -8 && value <= 7).toBe(true);
  });
});
