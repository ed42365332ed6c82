import { describe, expect, it } from 'vitest';
import { Tensor } from '../../kernels/tensor.js';
import { ScalarType } from '../../scalar-type.js';
import { copyOperators } from './copy.js';
import { operatorRunner, f32, i64 } from './operator-test-support.js';

const { run, runAll } = operatorRunner(copyOperators());

// Expected values computed with torch 2.13.

describe('copies', () => {
  it('_to_copy truncates toward zero and maps nonzero (NaN included) to True', () => {
    expect([...run('aten::_to_copy', f32([1.7, -1.7, 0]), ScalarType.LONG).data]).toEqual([1n, -1n, 0n]);
    expect([...run('aten::_to_copy', f32([1.7, -1.7, 0, Number.NaN]), ScalarType.BOOL).data]).toEqual([1, 1, 0, 1]);
    const out = Tensor.zeros(ScalarType.FLOAT, [2]);
    runAll('aten::_to_copy.out', i64([3, -4]), false, null, out);
    expect([...out.data]).toEqual([3, -4]);
  });

  it('copy_ broadcasts and converts src into self, in place', () => {
    const self = Tensor.zeros(ScalarType.FLOAT, [2, 3]);
    expect(run('aten::copy_', self, i64([1, 2, 3]), false)).toBe(self);
    expect([...self.data]).toEqual([1, 2, 3, 1, 2, 3]);
    expect(() => run('aten::copy_', self, f32([1, 2]), false)).toThrow(/does not broadcast/);
  });

  it('clone and alias_copy copy; channels-last memory formats are refused', () => {
    const x = f32([1, 2]);
    const clone = run('aten::clone', x, null);
    expect(clone).not.toBe(x);
    expect([...clone.data]).toEqual([1, 2]);
    expect([...run('aten::alias_copy', x).data]).toEqual([1, 2]);
    expect(() => run('aten::clone', x, 2)).toThrow(/memory_format 2 is not supported/);
  });
});
