import { describe, expect, it } from 'vitest';
import { Tensor } from '../../kernels/tensor.js';
import { ScalarType } from '../../scalar-type.js';
import { comparisonOperators } from './comparison.js';
import { operatorRunner, f32, i64, bool } from './operator-test-support.js';

const { run } = operatorRunner(comparisonOperators());

// Expected values computed with torch 2.13.

describe('comparisons', () => {
  it('compare a float32 tensor with a Scalar rounded to float32, as torch does', () => {
    const eq = run('aten::eq.Scalar', f32([0.1, 0.2, 1, -3]), 0.1);
    expect(eq.dtype).toBe(ScalarType.BOOL);
    expect([...eq.data]).toEqual([1, 0, 0, 0]);
    const double = Tensor.fromArray(ScalarType.DOUBLE, [1], Float64Array.of(Math.fround(0.1)));
    expect([...run('aten::eq.Scalar', double, 0.1).data]).toEqual([0]);
    expect([...run('aten::lt.Scalar', i64([1, 2, 3]), 2.5).data]).toEqual([1, 1, 0]);
  });

  it('broadcast tensor operands (the causal mask of upstream exports: arange <= positions)', () => {
    const le = run('aten::le.Tensor', i64([0, 1, 2]), i64([1, 2], [2, 1]));
    expect(le.shape).toEqual([2, 3]);
    expect([...le.data]).toEqual([1, 1, 0, 1, 1, 1]);
    const out = Tensor.zeros(ScalarType.BOOL, [2, 3]);
    run('aten::gt.Tensor_out', i64([0, 1, 2]), i64([1, 2], [2, 1]), out);
    expect([...out.data]).toEqual([0, 0, 1, 0, 0, 0]);
  });

  it('logical_and/or/xor treat nonzero as true', () => {
    const a = f32([0, 2, -1, 0]);
    const b = bool([true, true, false, false]);
    expect([...run('aten::logical_and', a, b).data]).toEqual([0, 1, 0, 0]);
    expect([...run('aten::logical_or', a, b).data]).toEqual([1, 1, 1, 0]);
    expect([...run('aten::logical_xor', a, b).data]).toEqual([1, 0, 1, 0]);
  });
});
