import { describe, expect, it } from 'vitest';
import { padOperators } from './pad.js';
import { triangularOperators } from './triangular.js';
import { operatorRunner, f32, i64, range } from './operator-test-support.js';

const { run } = operatorRunner([...padOperators(), ...triangularOperators()]);

// Expected values computed with torch 2.13.

describe('tril, triu and constant_pad_nd', () => {
  it('tril and triu keep a triangle relative to the diagonal', () => {
    expect([...run('aten::tril', f32(new Array<number>(12).fill(1), [3, 4]), -1).data]).toEqual([0, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0]);
    expect([...run('aten::triu', i64([0, 1, 2, 3, 4, 5, 6, 7, 8], [3, 3]), 1).data]).toEqual([0n, 1n, 2n, 0n, 0n, 5n, 0n, 0n, 0n]);
  });

  it('constant_pad_nd pads and crops trailing dims', () => {
    const padded = run('aten::constant_pad_nd', range(6, [2, 3]), [1, -1, 0, 1], 9);
    expect(padded.shape).toEqual([3, 3]);
    expect([...padded.data]).toEqual([9, 0, 1, 9, 3, 4, 9, 9, 9]);
    expect(() => run('aten::constant_pad_nd', range(6, [2, 3]), [1], 0)).toThrow(/even length/);
  });
});
