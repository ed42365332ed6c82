import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../ir/builder.js';
import { sym } from '../../ir/sym.js';
import { Tensor } from '../../kernels/tensor.js';
import { ScalarType } from '../../scalar-type.js';
import { embeddingOperators } from './embedding.js';
import { indexingOperators } from './indexing.js';
import { operatorRunner, f32, i64, range } from './operator-test-support.js';

const { run, runAll, registry } = operatorRunner([...indexingOperators(), ...embeddingOperators()]);

// Expected values computed with torch 2.13.

describe('indexing', () => {
  it('embedding gathers rows and range-checks token ids', () => {
    const table = range(6, [3, 2]);
    const result = run('aten::embedding', table, i64([2, 0], [1, 2]), -1, false, false);
    expect(result.shape).toEqual([1, 2, 2]);
    expect([...result.data]).toEqual([4, 5, 0, 1]);
    expect(() => run('aten::embedding', table, i64([3]), -1, false, false)).toThrow(/index 3 is out of range for an embedding table of 3 rows/);
  });

  it('index.Tensor with None slices, adjacent and separated index tensors', () => {
    const t = range(24, [2, 3, 4]);
    const rows = run('aten::index.Tensor', t, [null, i64([2, 0])]);
    expect(rows.shape).toEqual([2, 2, 4]);
    expect([...rows.data]).toEqual([8, 9, 10, 11, 0, 1, 2, 3, 20, 21, 22, 23, 12, 13, 14, 15]);
    const separated = run('aten::index.Tensor', t, [i64([1, 0]), null, i64([3, 1])]);
    expect(separated.shape).toEqual([2, 3]);
    expect([...separated.data]).toEqual([15, 19, 23, 1, 5, 9]);
    const adjacent = run('aten::index.Tensor', t, [null, i64([0, 2], [2, 1]), i64([1, 3])]);
    expect(adjacent.shape).toEqual([2, 2, 2]);
    expect([...adjacent.data]).toEqual([1, 3, 9, 11, 13, 15, 21, 23]);
  });

  it('index_put writes a KV-cache update at cache positions (functional, out and in place)', () => {
    const cache = Tensor.zeros(ScalarType.FLOAT, [1, 2, 4, 2]);
    const values = range(8, [1, 2, 2, 2]);
    const expected = [0, 0, 0, 1, 0, 0, 2, 3, 0, 0, 4, 5, 0, 0, 6, 7];
    expect([...run('aten::index_put', cache, [null, null, i64([1, 3])], values, false).data]).toEqual(expected);
    expect([...cache.data].every((v) => v === 0)).toBe(true);
    const out = Tensor.zeros(ScalarType.FLOAT, [1, 2, 4, 2]);
    runAll('aten::index_put.out', cache, [null, null, i64([1, 3])], values, false, out);
    expect([...out.data]).toEqual(expected);
    expect(run('aten::index_put_', cache, [null, null, i64([1, 3])], values, false)).toBe(cache);
    expect([...cache.data]).toEqual(expected);
  });

  it('index_put accumulates repeated indices and rejects out-of-range ones', () => {
    const result = run('aten::index_put', Tensor.zeros(ScalarType.FLOAT, [5]), [i64([0, 2, 0])], f32([1, 2, 3]), true);
    expect([...result.data]).toEqual([4, 0, 2, 0, 0]);
    expect(() => run('aten::index_put', Tensor.zeros(ScalarType.FLOAT, [5]), [i64([5])], f32([1]), false)).toThrow(/index 5 is out of bounds for dim 0 with size 5/);
  });

  it('index_put along one dim: negative, repeated and int32 indices, broadcast values, no write on a bad index', () => {
    // Rows 2 (-1, written twice: the last write wins) and 0 of each outer slice.
    const expected = [2, 3, 0, 0, 4, 5, 8, 9, 0, 0, 10, 11];
    const indices = [null, i64([-1, 0, -1])];
    expect([...run('aten::index_put', Tensor.zeros(ScalarType.FLOAT, [2, 3, 2]), indices, range(12, [2, 3, 2]), false).data]).toEqual(expected);
    const int32 = Tensor.fromArray(ScalarType.INT, [3], Int32Array.of(-1, 0, -1));
    expect([...run('aten::index_put', Tensor.zeros(ScalarType.FLOAT, [2, 3, 2]), [null, int32], range(12, [2, 3, 2]), false).data]).toEqual(expected);
    const broadcast = run('aten::index_put', Tensor.zeros(ScalarType.FLOAT, [2, 3, 2]), indices, range(6, [3, 2]), false);
    expect([...broadcast.data]).toEqual([2, 3, 0, 0, 4, 5, 2, 3, 0, 0, 4, 5]);
    const cache = range(12, [2, 3, 2]);
    expect(() => run('aten::index_put_', cache, [null, i64([0, 3])], Tensor.zeros(ScalarType.FLOAT, [2, 2, 2]), false)).toThrow(/index 3 is out of bounds for dim 1 with size 3/);
    expect([...cache.data]).toEqual([...range(12, [2, 3, 2]).data]);
  });

  it('gather and index_select', () => {
    const g = i64([1, 2, 3, 4, 5, 6], [2, 3]);
    expect([...run('aten::gather', g, 1, i64([2, 0, 1, 1], [2, 2]), false).data]).toEqual([3n, 1n, 5n, 5n]);
    expect([...run('aten::gather', g, 0, i64([1, 0, 1], [1, 3]), false).data]).toEqual([4n, 2n, 6n]);
    expect([...run('aten::index_select', g, 1, i64([2, 0])).data]).toEqual([3n, 1n, 6n, 4n]);
  });

  it('index_put accepts symbolic positions matching symbolic values at export time', () => {
    const builder = new GraphBuilder(registry);
    const cache = builder.placeholder('cache', GraphBuilder.tensor(ScalarType.FLOAT, [1, 4, 128, 8]));
    const positions = builder.placeholder('cache_position', GraphBuilder.tensor(ScalarType.LONG, [sym('s')]));
    const values = builder.placeholder('k', GraphBuilder.tensor(ScalarType.FLOAT, [1, 4, sym('s'), 8]));
    expect(builder.shape(builder.op('aten::index_put', cache, [null, null, positions], values, false))).toEqual([1, 4, 128, 8]);
    const wrong = builder.placeholder('v', GraphBuilder.tensor(ScalarType.FLOAT, [1, 4, 2, 8]));
    expect(() => builder.op('aten::index_put', cache, [null, null, positions], wrong, false)).toThrow(/do not broadcast to the indexed shape \[1, 4, s, 8\]/);
  });
});
