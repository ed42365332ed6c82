import { describe, expect, it } from 'vitest';
import { UnsupportedOperatorError } from '../../errors.js';
import { Tensor } from '../../kernels/tensor.js';
import { ScalarType } from '../../scalar-type.js';
import { createOperatorRegistry } from '../registry.js';
import { RuntimeArgs } from '../runtime-args.js';
import type { RuntimeValue } from '../runtime-value.js';
import { mixedMatmulOperators } from './mixed-matmul.js';

const registry = createOperatorRegistry(mixedMatmulOperators());

function run(key: string, ...args: RuntimeValue[]): Tensor {
  const def = registry.get(`quantized_decomposed::${key}`);
  return def.evaluate(new RuntimeArgs(def.schema, args))[0] as Tensor;
}

const input = () => Tensor.fromArray(ScalarType.FLOAT, [2, 5], Float32Array.of(0.5, -1.0, 2.0, 0.25, 1.5, 1.0, 0.0, -0.5, 2.0, -1.0));

// Expected values: the sums of vec_quantized_matmul_int8 / vec_quantized_matmul_transb_int8
// (kernels/portable/cpu/vec_ops.h) evaluated in float64 with numpy; all exact in float32.
describe('quantized_decomposed::mixed_linear', () => {
  it('scales each output channel per group of ceil(n / groups) inputs', () => {
    const weight = Tensor.fromArray(ScalarType.CHAR, [3, 5], Int8Array.of(1, -2, 3, 4, -5, 6, 7, -8, 9, 10, -11, 12, 13, -14, 15));
    const scales = Tensor.fromArray(ScalarType.FLOAT, [3, 2], Float32Array.of(0.5, 0.25, 0.125, 2.0, 1.0, 0.5));
    const out = run('mixed_linear', input(), weight, scales, null, null);
    expect(out.shape).toEqual([2, 3]);
    expect(Array.from(out.data as Float32Array)).toEqual([2.625, 32.0, 18.0, 3.0, 17.25, -39.0]);
    const resized = new Tensor(ScalarType.FLOAT, [0, 3], new ArrayBuffer(24), 0, 24);
    run('mixed_linear.out', input(), weight, scales, null, null, resized);
    expect(Array.from(resized.data as Float32Array)).toEqual([2.625, 32.0, 18.0, 3.0, 17.25, -39.0]);
  });

  it('rejects zero points and group counts that do not split the inputs', () => {
    const weight = Tensor.zeros(ScalarType.CHAR, [3, 5]);
    const scales = Tensor.zeros(ScalarType.FLOAT, [3, 2]);
    expect(() => run('mixed_linear', input(), weight, scales, Tensor.zeros(ScalarType.FLOAT, [3, 2]), null)).toThrow(UnsupportedOperatorError);
    expect(() => run('mixed_linear', input(), weight, Tensor.zeros(ScalarType.FLOAT, [3, 4]), null, null)).toThrow(/4 groups do not split 5 inputs/);
  });
});

describe('quantized_decomposed::mixed_mm', () => {
  it('scales each row of the int8 weight', () => {
    const weight = Tensor.fromArray(ScalarType.CHAR, [5, 2], Int8Array.of(1, -2, 3, 4, -5, 6, 7, -8, 9, 10));
    const scales = Tensor.fromArray(ScalarType.FLOAT, [5], Float32Array.of(0.5, 0.25, 2.0, 1.0, 0.125));
    expect(Array.from(run('mixed_mm', input(), weight, scales, null).data as Float32Array)).toEqual([-17.0625, 22.375, 18.375, -24.25]);
    expect(() => run('mixed_mm', input(), Tensor.zeros(ScalarType.CHAR, [4, 2]), scales, null)).toThrow(/cannot be multiplied/);
  });
});
