import { describe, expect, it } from 'vitest';
import { ScalarType } from '../../scalar-type.js';
import { atan2Operators } from './atan2.js';
import { extremaOperators } from './extrema.js';
import { operatorRunner, f32, i64 } from './operator-test-support.js';

const { run } = operatorRunner([...extremaOperators(), ...atan2Operators()]);

// Expected values computed with torch 2.13.

describe('minimum, maximum and clamp', () => {
  it('propagate NaN and broadcast', () => {
    const minimum = run('aten::minimum', f32([1, Number.NaN, 3]), f32([2, 0, -1]));
    expect([...minimum.data]).toEqual([1, Number.NaN, -1]);
    const maximum = run('aten::maximum', i64([1, 5]), i64([2, 3], [2, 1]));
    expect(maximum.shape).toEqual([2, 2]);
    expect([...maximum.data]).toEqual([2n, 5n, 3n, 5n]);
  });

  it('clamp between optional bounds, promoting integers for a float bound', () => {
    expect([...run('aten::clamp', f32([-2, 0.5, 3, Number.NaN]), -1, 1).data]).toEqual([-1, 0.5, 1, Number.NaN]);
    const promoted = run('aten::clamp', i64([1, 5, 9]), 2.5, null);
    expect(promoted.dtype).toBe(ScalarType.FLOAT);
    expect([...promoted.data]).toEqual([2.5, 5, 9]);
    expect(() => run('aten::clamp', f32([1]), null, null)).toThrow(/at least one of min and max/);
  });

  it('max.other and min.other are maximum and minimum; atan2 promotes integers', () => {
    expect([...run('aten::max.other', f32([1, 4]), f32([3, 2])).data]).toEqual([3, 4]);
    expect([...run('aten::min.other', f32([1, 4]), f32([3, 2])).data]).toEqual([1, 2]);
    expect([...run('aten::atan2', f32([1, -1, 0]), f32([1, -1, -1])).data]).toEqual([0.7853981852531433, -2.356194496154785, 3.1415927410125732]);
    expect(run('aten::atan2', i64([1]), i64([1])).dtype).toBe(ScalarType.FLOAT);
  });

  it('clamp.Tensor broadcasts tensor bounds', () => {
    const clamped = run('aten::clamp.Tensor', f32([-2, 0.5, 3, 9], [2, 2]), f32([0, 1]), f32([2], [1]));
    expect([...clamped.data]).toEqual([0, 1, 2, 2]);
    expect([...run('aten::clamp.Tensor', f32([-2, 5]), null, f32([1, 2])).data]).toEqual([-2, 2]);
  });
});
