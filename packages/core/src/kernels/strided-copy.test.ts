import { describe, expect, it } from 'vitest';
import { copyStrided } from './strided-copy.js';
import { stridesOf } from './tensor.js';

/** Reference: element at each output index read through the strides, one at a time. */
function naive(source: Float32Array, strides: readonly number[], shape: readonly number[]): number[] {
  const result: number[] = [];
  const total = shape.reduce((a, b) => a * b, 1);
  for (let i = 0; i < total; i++) {
    let rest = i;
    let offset = 0;
    for (let d = shape.length - 1; d >= 0; d--) {
      offset += (rest % shape[d]!) * strides[d]!;
      rest = Math.floor(rest / shape[d]!);
    }
    result.push(source[offset]!);
  }
  return result;
}

describe('copyStrided', () => {
  const source = Float32Array.from({ length: 2 * 40 * 70 }, (_, i) => i);

  it('transposes large matrices in tiles (with partial tiles and a batch dim)', () => {
    const inputShape = [2, 40, 70];
    const strides = stridesOf(inputShape);
    const shape = [2, 70, 40];
    const permuted = [strides[0]!, strides[2]!, strides[1]!];
    const target = new Float32Array(source.length);
    copyStrided(source, 0, permuted, shape, target);
    expect([...target]).toEqual(naive(source, permuted, shape));
  });

  it('handles broadcast (zero) strides, offsets and long contiguous rows', () => {
    const shape = [3, 2, 40];
    const strides = [0, 40, 1];
    const target = new Float32Array(240);
    copyStrided(source, 100, strides, shape, target);
    expect([...target]).toEqual(naive(source.subarray(100), strides, shape));
  });
});
