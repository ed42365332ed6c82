import { describe, expect, it } from 'vitest';
import { Tensor } from '../../kernels/tensor.js';
import { ScalarType } from '../../scalar-type.js';
import { whereOperators } from './where.js';
import { operatorRunner, f32, i64, bool } from './operator-test-support.js';

const { run } = operatorRunner(whereOperators());

// Expected values computed with torch 2.13.

describe('where and masked_fill', () => {
  it('where.self broadcasts condition, self and a 0-dim other', () => {
    const result = run('aten::where.self', bool([true, false, false, true], [2, 2]), f32([1, 2]), Tensor.scalarFloat(-Infinity));
    expect([...result.data]).toEqual([1, -Infinity, -Infinity, 2]);
  });

  it('where.self with 0-dim self and other fills by the condition (the additive attention mask)', () => {
    const result = run('aten::where.self', bool([true, false, false, true, true, false], [2, 3]), Tensor.scalarFloat(0), Tensor.scalarFloat(-Infinity));
    expect(result.shape).toEqual([2, 3]);
    expect([...result.data]).toEqual([0, -Infinity, -Infinity, 0, 0, -Infinity]);
    const single = run('aten::where.self', bool([false, true]), f32([5], [1, 1]), f32([1, 2]));
    expect(single.shape).toEqual([1, 2]);
    expect([...single.data]).toEqual([1, 5]);
  });

  it('where.self promotes the dtypes of self and other', () => {
    const result = run('aten::where.self', bool([true, false]), i64([1, 2]), f32([0.5, 0.25]));
    expect(result.dtype).toBe(ScalarType.FLOAT);
    expect([...result.data]).toEqual([1, 0.25]);
    expect(() => run('aten::where.self', f32([1, 0]), f32([1, 2]), f32([3, 4]))).toThrow(/condition must be a bool tensor/);
  });

  it('masked_fill writes the Scalar in the tensor dtype, also in place', () => {
    expect([...run('aten::masked_fill.Scalar', f32([1, 2, 3]), bool([true, false, true]), 0.1).data]).toEqual([0.10000000149011612, 2, 0.10000000149011612]);
    const self = f32([1, 2, 3, 4], [2, 2]);
    run('aten::masked_fill_.Scalar', self, bool([false, true]), -Infinity);
    expect([...self.data]).toEqual([1, -Infinity, 3, -Infinity]);
  });
});
