import { describe, expect, it } from 'vitest';
import { ScalarType } from '../../scalar-type.js';
import { powerOperators } from './power.js';
import { operatorRunner, f32, i64 } from './operator-test-support.js';

const { run } = operatorRunner(powerOperators());

// Expected values computed with torch 2.13.

describe('pow', () => {
  it('raises tensors to Scalar powers in the promoted dtype', () => {
    expect([...run('aten::pow.Tensor_Scalar', f32([1.5, -2, 3]), 2).data]).toEqual([2.25, 4, 9]);
    expect([...run('aten::pow.Tensor_Scalar', i64([2, 3]), 3).data]).toEqual([8n, 27n]);
    const root = run('aten::pow.Tensor_Scalar', i64([2, 3]), 0.5);
    expect(root.dtype).toBe(ScalarType.FLOAT);
    expect([...root.data]).toEqual([1.4142135381698608, 1.7320507764816284]);
  });

  it('Scalar bases and tensor exponents', () => {
    expect([...run('aten::pow.Scalar', 2, f32([0.5, 3])).data]).toEqual([1.4142135381698608, 8]);
    expect([...run('aten::pow.Tensor_Tensor', f32([4, 9]), f32([0.5, -1])).data]).toEqual([2, 0.1111111119389534]);
  });

  it('rejects negative integer powers of integers', () => {
    expect(() => run('aten::pow.Tensor_Scalar', i64([2]), -1)).toThrow(/negative integer powers/);
  });
});
