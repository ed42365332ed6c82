import { describe, expect, it } from 'vitest';
import { Tensor } from '../../kernels/tensor.js';
import { ScalarType } from '../../scalar-type.js';
import { scatterOperators } from './scatter.js';
import { operatorRunner, f32, i64 } from './operator-test-support.js';

const { run } = operatorRunner(scatterOperators());

// Expected values computed with torch 2.13.
describe('scatters', () => {
  it('slice_scatter writes a cache slice (cache[:, :, 1:3] = k) into a copy', () => {
    const cache = Tensor.zeros(ScalarType.FLOAT, [1, 2, 4, 2]);
    const k = f32([0, 1, 2, 3, 4, 5, 6, 7], [1, 2, 2, 2]);
    expect([...run('aten::slice_scatter', cache, k, 2, 1, 3, 1).data]).toEqual([0, 0, 0, 1, 2, 3, 0, 0, 0, 0, 4, 5, 6, 7, 0, 0]);
    expect([...cache.data].every((v) => v === 0)).toBe(true);
  });

  it('select_scatter writes one index', () => {
    expect([...run('aten::select_scatter', Tensor.zeros(ScalarType.FLOAT, [2, 3]), f32([1, 2]), 1, -1).data]).toEqual([0, 0, 1, 0, 0, 2]);
    expect(() => run('aten::select_scatter', Tensor.zeros(ScalarType.FLOAT, [2, 3]), f32([1, 2]), 1, 3)).toThrow(/out of range/);
  });

  it('scatter from a tensor (the last write wins) and from a Scalar', () => {
    const src = f32([5, 6, 7, 8, 9, 10], [2, 3]);
    expect([...run('aten::scatter.src', Tensor.zeros(ScalarType.FLOAT, [2, 3]), 1, i64([2, 0, 1, 1], [2, 2]), src).data]).toEqual([6, 0, 5, 0, 9, 0]);
    expect([...run('aten::scatter.value', Tensor.zeros(ScalarType.FLOAT, [2, 3]), 0, i64([1, 0, 1], [1, 3]), 2.5).data]).toEqual([0, 2.5, 0, 2.5, 0, 2.5]);
    expect(() => run('aten::scatter.value', Tensor.zeros(ScalarType.FLOAT, [2, 3]), 0, i64([2, 0, 1], [1, 3]), 1)).toThrow(/index 2 is out of range/);
  });

  it('scatter_add accumulates repeated indices', () => {
    expect([...run('aten::scatter_add', Tensor.zeros(ScalarType.FLOAT, [5]), 0, i64([0, 2, 0]), f32([1, 2, 3])).data]).toEqual([4, 0, 2, 0, 0]);
  });
});
