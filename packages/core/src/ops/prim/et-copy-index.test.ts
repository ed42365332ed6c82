import { describe, expect, it } from 'vitest';
import { Tensor } from '../../kernels/tensor.js';
import { ScalarType } from '../../scalar-type.js';
import { createOperatorRegistry } from '../registry.js';
import { RuntimeArgs } from '../runtime-args.js';
import { copyIndexOperators } from './et-copy-index.js';

const copyIndex = createOperatorRegistry(copyIndexOperators()).get('executorch_prim::et_copy_index.tensor');

describe('executorch_prim::et_copy_index.tensor', () => {
  it('grows copy_to one row per index (prim_ops_test.cpp TestETCopyIndex)', () => {
    const copyTo = Tensor.zeros(ScalarType.INT, [2, 2]);
    copyTo.resize([0, 2]);
    expect(copyIndex.evaluate(new RuntimeArgs(copyIndex.schema, [copyTo, Tensor.fromArray(ScalarType.INT, [2], Int32Array.of(3, 4)), 0]))).toEqual([]);
    expect(copyTo.shape).toEqual([1, 2]);
    expect(Array.from(copyTo.data as Int32Array)).toEqual([3, 4]);
    copyIndex.evaluate(new RuntimeArgs(copyIndex.schema, [copyTo, Tensor.fromArray(ScalarType.INT, [2], Int32Array.of(5, 6)), 1]));
    expect(copyTo.shape).toEqual([2, 2]);
    expect(Array.from(copyTo.data as Int32Array)).toEqual([3, 4, 5, 6]);
  });

  it('rejects mismatched shapes (TestETCopyIndexMismatchShape), negative indices and overflow', () => {
    const copyTo = Tensor.fromArray(ScalarType.INT, [2, 3], Int32Array.of(1, 2, 3, 4, 5, 6));
    const row = Tensor.fromArray(ScalarType.INT, [2], Int32Array.of(1, 2));
    expect(() => copyIndex.evaluate(new RuntimeArgs(copyIndex.schema, [copyTo, row, 1]))).toThrow(/differ after the leading dim/);
    const fits = Tensor.fromArray(ScalarType.INT, [3], Int32Array.of(7, 8, 9));
    expect(() => copyIndex.evaluate(new RuntimeArgs(copyIndex.schema, [copyTo, fits, -1]))).toThrow(/non-negative/);
    expect(() => copyIndex.evaluate(new RuntimeArgs(copyIndex.schema, [copyTo, fits, 2]))).toThrow(/cannot resize tensor to \[3, 3\]/);
  });
});
