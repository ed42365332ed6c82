import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../ir/builder.js';
import { sym } from '../../ir/sym.js';
import { Tensor } from '../../kernels/tensor.js';
import { ScalarType } from '../../scalar-type.js';
import { concatOperators } from './concat.js';
import { sliceOperators } from './slice.js';
import { operatorRunner, f32, i64, range } from './operator-test-support.js';

const { run, runAll, registry } = operatorRunner([...sliceOperators(), ...concatOperators()]);

// Expected values computed with torch 2.13.

describe('slices, splits and joins', () => {
  const x = () => range(12, [3, 4]);

  it('slice_copy clamps bounds like torch and takes steps', () => {
    expect([...run('aten::slice_copy.Tensor', x(), 1, -3, 2 ** 63, 1).data]).toEqual([1, 2, 3, 5, 6, 7, 9, 10, 11]);
    expect([...run('aten::slice_copy.Tensor', x(), 0, null, 100, 2).data]).toEqual([0, 1, 2, 3, 8, 9, 10, 11]);
    expect(run('aten::slice_copy.Tensor', x(), 1, 5, 9, 1).shape).toEqual([3, 0]);
  });

  it('slice_copy with step 1 copies the run of every outer index, short or long, of any dtype', () => {
    const reference = (t: Tensor, dim: number, start: number, end: number) => {
      const [outer, size, inner] = [t.shape.slice(0, dim).reduce((a, b) => a * b, 1), t.shape[dim]!, t.shape.slice(dim + 1).reduce((a, b) => a * b, 1)];
      const picked: (number | bigint)[] = [];
      for (let o = 0; o < outer; o++) for (let i = start; i < end; i++) for (let e = 0; e < inner; e++) picked.push(t.data[(o * size + i) * inner + e]!);
      return picked;
    };
    for (const t of [range(2 * 5 * 70, [2, 5, 70]), i64(Array.from({ length: 60 }, (_, i) => i - 30), [3, 4, 5])]) {
      for (const [dim, start, end] of [[0, 1, 2], [1, 1, 3], [2, 0, 2], [-1, 3, 5]] as const) {
        const wrapped = dim < 0 ? dim + t.rank : dim;
        const result = run('aten::slice_copy.Tensor', t, dim, start, end, 1);
        expect(result.shape[wrapped]).toBe(end - start);
        expect([...result.data]).toEqual(reference(t, wrapped, start, end));
      }
    }
  });

  it('slice_copy sizes symbolic slices as end - start', () => {
    const builder = new GraphBuilder(registry);
    const cache = builder.placeholder('freqs', GraphBuilder.tensor(ScalarType.FLOAT, [128, 4]));
    const length = builder.placeholder('seq_len', { kind: 'symint', value: sym('s') });
    expect(builder.shape(builder.op('aten::slice_copy.Tensor', cache, 0, 0, length, 1))).toEqual([sym('s'), 4]);
    const y = builder.placeholder('y', GraphBuilder.tensor(ScalarType.FLOAT, [1, sym('s'), 8]));
    expect(builder.shape(builder.op('aten::slice_copy.Tensor', y, -1, 4, null, 1))).toEqual([1, sym('s'), 4]);
  });

  it('select_copy removes the dim, with negative indices', () => {
    const selected = run('aten::select_copy.int', x(), 1, -1);
    expect(selected.shape).toEqual([3]);
    expect([...selected.data]).toEqual([3, 7, 11]);
    expect(() => run('aten::select_copy.int', x(), 0, 3)).toThrow(/out of range/);
  });

  it('split_with_sizes_copy.out and unbind_copy fill each piece', () => {
    const pieces = [Tensor.zeros(ScalarType.FLOAT, [3, 1]), Tensor.zeros(ScalarType.FLOAT, [3, 3])];
    expect(runAll('aten::split_with_sizes_copy.out', x(), [1, 3], 1, pieces)).toEqual([]);
    expect([...pieces[0]!.data]).toEqual([0, 4, 8]);
    expect([...pieces[1]!.data]).toEqual([1, 2, 3, 5, 6, 7, 9, 10, 11]);
    const rows = runAll('aten::unbind_copy.int', x(), 0) as Tensor[];
    expect(rows.map((row) => row.shape)).toEqual([[4], [4], [4]]);
    expect([...rows[2]!.data]).toEqual([8, 9, 10, 11]);
    expect(() => runAll('aten::split_with_sizes_copy', x(), [1, 2], 1)).toThrow(/sum to 3, not the dim size 4/);
  });

  it('cat and stack join along a dim, promoting dtypes', () => {
    const joined = run('aten::cat', [range(4, [2, 2]), i64([7, 8], [2, 1])], -1);
    expect(joined.shape).toEqual([2, 3]);
    expect([...joined.data]).toEqual([0, 1, 7, 2, 3, 8]);
    const stacked = run('aten::stack', [f32([1, 2]), f32([3, 4])], 1);
    expect(stacked.shape).toEqual([2, 2]);
    expect([...stacked.data]).toEqual([1, 3, 2, 4]);
    expect(() => run('aten::cat', [range(4, [2, 2]), range(3, [3, 1])], 1)).toThrow(/differ outside dim 1/);
  });

  it('cat adds symbolic sizes along the joined dim', () => {
    const builder = new GraphBuilder(registry);
    const cached = builder.placeholder('cached', GraphBuilder.tensor(ScalarType.FLOAT, [1, sym('s'), 8]));
    const fresh = builder.placeholder('fresh', GraphBuilder.tensor(ScalarType.FLOAT, [1, 3, 8]));
    expect(builder.shape(builder.op('aten::cat', [cached, fresh], 1))).toEqual([1, sym('s', 1, 3), 8]);
  });
});
