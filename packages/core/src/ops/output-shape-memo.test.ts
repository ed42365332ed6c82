import { describe, expect, it } from 'vitest';
import { Tensor } from '../kernels/tensor.js';
import { ScalarType } from '../scalar-type.js';
import { coreOperators } from './index.js';
import { OutputShapeMemo } from './output-shape-memo.js';
import { createOperatorRegistry } from './registry.js';
import { RuntimeArgs } from './runtime-args.js';
import type { RuntimeValue } from './runtime-value.js';

const registry = createOperatorRegistry(coreOperators());
const floats = (shape: number[]) => Tensor.zeros(ScalarType.FLOAT, shape);

describe('output shape memo', () => {
  it('answers for inputs of the same dtypes, shapes and values, and for nothing else', () => {
    const memo = new OutputShapeMemo();
    const inputs: RuntimeValue[] = [floats([2, 4]), -1, 0, null, [floats([3]), 'x']];
    expect(memo.lookup(inputs, inputs.length)).toBeUndefined();
    memo.store(inputs, inputs.length, [[2, 2]]);
    expect(memo.lookup([floats([2, 4]), -1, 0, null, [floats([3]), 'x']], inputs.length)).toEqual([[2, 2]]);
    const changed: RuntimeValue[][] = [
      [floats([2, 5]), -1, 0, null, [floats([3]), 'x']],
      [Tensor.zeros(ScalarType.DOUBLE, [2, 4]), -1, 0, null, [floats([3]), 'x']],
      [floats([2, 4, 1]), -1, 0, null, [floats([3]), 'x']],
      [floats([2, 4]), -2, 0, null, [floats([3]), 'x']],
      [floats([2, 4]), -1, -0, null, [floats([3]), 'x']],
      [floats([2, 4]), -1, 0, 1, [floats([3]), 'x']],
      [floats([2, 4]), -1, 0, null, [floats([3]), 'y']],
      [floats([2, 4]), -1, 0, null, [floats([3])]],
      [floats([2, 4]), -1, 0, null, [floats([3]), 'x', false]],
    ];
    for (const values of changed) expect(memo.lookup(values, inputs.length)).toBeUndefined();
    // Only the first `count` values are inputs; what follows (the out tensors) does not matter.
    expect(memo.lookup([...inputs, floats([9])], inputs.length)).toEqual([[2, 2]]);
  });

  it('lets a prepared out-variant call re-infer its output shape when an input shape changes', () => {
    const slice = registry.get('aten::slice_copy.Tensor_out');
    const out = new Tensor(ScalarType.FLOAT, [0], new ArrayBuffer(64), 0, 64);
    const values: RuntimeValue[] = [null, -1, 0, 2, 1, out];
    const args = new RuntimeArgs(slice.schema, values);
    const call = (self: Tensor) => {
      values[0] = self;
      slice.evaluate(args);
      return { shape: [...out.shape], data: Array.from(out.data as Float32Array) };
    };
    const matrix = (rows: number) => Tensor.fromArray(ScalarType.FLOAT, [rows, 3], Float32Array.from({ length: rows * 3 }, (_, i) => i));
    expect(call(matrix(2))).toEqual({ shape: [2, 2], data: [0, 1, 3, 4] });
    expect(call(matrix(2))).toEqual({ shape: [2, 2], data: [0, 1, 3, 4] });
    expect(call(matrix(3))).toEqual({ shape: [3, 2], data: [0, 1, 3, 4, 6, 7] });
    values[3] = 1;
    expect(call(matrix(3))).toEqual({ shape: [3, 1], data: [0, 3, 6] });
  });
});
