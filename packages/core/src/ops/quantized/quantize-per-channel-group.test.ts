import { describe, expect, it } from 'vitest';
import { Tensor } from '../../kernels/tensor.js';
import { ScalarType } from '../../scalar-type.js';
import { createOperatorRegistry } from '../registry.js';
import { RuntimeArgs } from '../runtime-args.js';
import type { RuntimeValue } from '../runtime-value.js';
import { perChannelGroupOperators } from './quantize-per-channel-group.js';

const registry = createOperatorRegistry(perChannelGroupOperators());
const Q = 'quantized_decomposed::';

function run(key: string, ...args: RuntimeValue[]): Tensor {
  const def = registry.get(`${Q}${key}`);
  return def.evaluate(new RuntimeArgs(def.schema, args))[0] as Tensor;
}

const weights = () => Tensor.fromArray(ScalarType.FLOAT, [1, 8], Float32Array.of(0.5, -1.0, 0.25, 2.0, -0.75, 0.1, 0.0, 1.5));
const scales = () => Tensor.fromArray(ScalarType.FLOAT, [2], Float32Array.of(0.25, 0.5));
const zeroPoints = () => Tensor.fromArray(ScalarType.INT, [2], Int32Array.of(0, 1));

describe('quantized_decomposed::quantize_per_channel_group / dequantize_per_channel_group', () => {
  it('round-trips 4-bit groups of 4 as PyTorch does', () => {
    // torch: quantize_per_channel_group(w, [0.25, 0.5], [0, 1], -8, 7, torch.int8, 4)
    const q = run('quantize_per_channel_group', weights(), scales(), zeroPoints(), -8, 7, ScalarType.CHAR, 4);
    expect(Array.from(q.data as Int8Array)).toEqual([2, -4, 1, 7, 0, 1, 1, 4]);
    // torch: dequantize_per_channel_group(q, ..., 4, torch.float32): 2.0 clamps to 1.75, 0.1 rounds to 0
    const w = run('dequantize_per_channel_group', q, scales(), zeroPoints(), -8, 7, ScalarType.CHAR, 4, ScalarType.FLOAT);
    expect(Array.from(w.data as Float32Array)).toEqual([0.5, -1.0, 0.25, 1.75, -0.5, 0.0, 0.0, 1.5]);
  });

  it('treats a group size beyond the row with one scale per row as the whole row', () => {
    const rowScale = Tensor.fromArray(ScalarType.FLOAT, [1, 1], Float32Array.of(0.5));
    const q = run('quantize_per_channel_group', weights(), rowScale, Tensor.fromArray(ScalarType.INT, [1, 1], Int32Array.of(0)), -8, 7, ScalarType.CHAR, 128);
    // round(w / 0.5): 0.5/0.5 = 1, -2, 0.5 -> 0 (tie to even), 4, -1.5 -> -2, 0.2 -> 0, 0, 3
    expect(Array.from(q.data as Int8Array)).toEqual([1, -2, 0, 4, -2, 0, 0, 3]);
  });

  it('rejects group sizes of 1, rows not divisible by the group size, and NaN', () => {
    expect(() => run('quantize_per_channel_group', weights(), scales(), zeroPoints(), -8, 7, ScalarType.CHAR, 1)).toThrow(/group_size must be > 1/);
    expect(() => run('quantize_per_channel_group', weights(), scales(), zeroPoints(), -8, 7, ScalarType.CHAR, 3)).toThrow(/multiple of group_size 3/);
    const nan = Tensor.fromArray(ScalarType.FLOAT, [1, 8], Float32Array.of(NaN, 0, 0, 0, 0, 0, 0, 0));
    expect(() => run('quantize_per_channel_group', nan, scales(), zeroPoints(), -8, 7, ScalarType.CHAR, 4)).toThrow(/element 0 is NaN/);
    expect(() => run('quantize_per_channel_group', weights(), Tensor.fromArray(ScalarType.FLOAT, [3], Float32Array.of(1, 1, 1)), zeroPoints(), -8, 7, ScalarType.CHAR, 4)).toThrow(
      /one value per group of 4/,
    );
  });
});
