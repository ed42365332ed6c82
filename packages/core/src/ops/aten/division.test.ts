import { describe, expect, it } from 'vitest';
import { ScalarType } from '../../scalar-type.js';
import { arithmeticOperators } from './arithmetic.js';
import { divisionOperators } from './division.js';
import { operatorRunner, f32, i64 } from './operator-test-support.js';

const { run } = operatorRunner([...divisionOperators(), ...arithmeticOperators()]);

// Expected values computed with torch 2.13.

describe('rounding divisions and rsub', () => {
  it('floor_divide and remainder follow the sign rules of Python and torch', () => {
    const a = i64([7, -7, 7, -7]);
    const b = i64([2, 2, -2, -2]);
    expect([...run('aten::floor_divide', a, b).data]).toEqual([3n, -4n, -4n, 3n]);
    expect([...run('aten::remainder.Tensor', a, b).data]).toEqual([1n, 1n, -1n, -1n]);
    expect([...run('aten::floor_divide', f32([7, -7, 7, -7]), f32([2, 2, -2, -2])).data]).toEqual([3, -4, -4, 3]);
    expect([...run('aten::remainder.Scalar', f32([7, -7, 7, -7]), 2.5).data]).toEqual([2, 0.5, 2, 0.5]);
    expect([...run('aten::remainder.Scalar', f32([-1.5, 4]), -2).data]).toEqual([-1.5, 0]);
  });

  it('integer division by zero fails', () => {
    expect(() => run('aten::floor_divide', i64([1]), i64([0]))).toThrow(/division by zero/);
  });

  it('rsub.Scalar computes other - alpha·self; div.Scalar divides truly', () => {
    expect([...run('aten::rsub.Scalar', f32([1, 2]), 5, 2).data]).toEqual([3, 1]);
    const half = run('aten::div.Scalar', i64([1, 2]), 2);
    expect(half.dtype).toBe(ScalarType.FLOAT);
    expect([...half.data]).toEqual([0.5, 1]);
  });

  it('div with rounding modes keeps integers integral and rejects unknown modes', () => {
    expect([...run('aten::div.Tensor_mode', i64([7, -7]), i64([2, 2]), 'trunc').data]).toEqual([3n, -3n]);
    expect([...run('aten::div.Tensor_mode', i64([7, -7]), i64([2, 2]), 'floor').data]).toEqual([3n, -4n]);
    expect([...run('aten::div.Tensor_mode', f32([7, -7]), f32([2, 2]), 'trunc').data]).toEqual([3, -3]);
    expect([...run('aten::div.Scalar_mode', i64([7, -7]), 2, 'floor').data]).toEqual([3n, -4n]);
    const quotient = run('aten::div.Tensor_mode', i64([7]), i64([2]), null);
    expect(quotient.dtype).toBe(ScalarType.FLOAT);
    expect([...quotient.data]).toEqual([3.5]);
    expect(() => run('aten::div.Tensor_mode', i64([7]), i64([2]), 'round')).toThrow(/rounding_mode must be None, 'trunc' or 'floor'/);
  });

  it('in-place arithmetic writes into self', () => {
    const self = f32([1, 2]);
    expect(run('aten::mul_.Tensor', self, f32([3, 4]))).toBe(self);
    run('aten::sub_.Scalar', self, 1, 2);
    run('aten::div_.Scalar', self, 2);
    expect([...self.data]).toEqual([0.5, 3]);
  });

  it('fmod keeps the sign of the dividend', () => {
    expect([...run('aten::fmod.Tensor', i64([7, -7, 7, -7]), i64([2, 2, -2, -2])).data]).toEqual([1n, -1n, 1n, -1n]);
    expect([...run('aten::fmod.Scalar', f32([-7.5, 7.5]), 2).data]).toEqual([-1.5, 1.5]);
  });
});
