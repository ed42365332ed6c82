import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../ir/builder.js';
import { sym } from '../../ir/sym.js';
import { Tensor } from '../../kernels/tensor.js';
import { ScalarType } from '../../scalar-type.js';
import { copyOperators } from './copy.js';
import { expandOperators } from './expand.js';
import { permuteOperators } from './permute.js';
import { reshapeOperators } from './reshape.js';
import { sliceOperators } from './slice.js';
import { viewAliasOperators } from './view-aliases.js';
import { operatorRunner, i64, range } from './operator-test-support.js';

const copies = [...reshapeOperators(), ...permuteOperators(), ...expandOperators(), ...sliceOperators(), ...copyOperators()];
const { run, runAll, registry } = operatorRunner([...copies, ...viewAliasOperators(copies)]);

// Expected values computed with torch 2.13.

describe('views, permutations and expansions', () => {
  it('view_copy infers -1, also from symbolic sizes', () => {
    expect(run('aten::view_copy', range(6, [2, 3]), [-1, 2]).shape).toEqual([3, 2]);
    const builder = new GraphBuilder(registry);
    const x = builder.placeholder('x', GraphBuilder.tensor(ScalarType.FLOAT, [1, sym('s'), 64]));
    expect(builder.shape(builder.op('aten::view_copy', x, [-1, 8, 8]))).toEqual([sym('s'), 8, 8]);
    expect(builder.shape(builder.op('aten::view', x, [-1, 64]))).toEqual([sym('s'), 64]);
    expect(registry.get('aten::view').outVariant).toBe('aten::view_copy.out');
    expect(() => builder.op('aten::view_copy', x, [-1, 7])).toThrow(/not a multiple of 7/);
  });

  it('unsqueeze and squeeze', () => {
    expect(run('aten::unsqueeze_copy', range(6, [2, 3]), -1).shape).toEqual([2, 3, 1]);
    expect(run('aten::squeeze_copy.dims', range(3, [1, 3, 1]), [0, 1]).shape).toEqual([3, 1]);
    expect(run('aten::squeeze_copy', range(3, [1, 3, 1])).shape).toEqual([3]);
  });

  it('permute, transpose and t move elements', () => {
    const x = range(24, [2, 3, 4]);
    const permuted = run('aten::permute_copy', x, [2, 0, 1]);
    expect(permuted.shape).toEqual([4, 2, 3]);
    expect([...permuted.data].slice(0, 6)).toEqual([0, 4, 8, 12, 16, 20]);
    expect([...run('aten::transpose_copy.int', range(6, [2, 3]), 0, 1).data]).toEqual([0, 3, 1, 4, 2, 5]);
    expect([...run('aten::t_copy', range(6, [2, 3])).data]).toEqual([0, 3, 1, 4, 2, 5]);
    expect(() => run('aten::permute_copy', x, [0, 0, 1])).toThrow(/repeat a dim/);
  });

  it('expand_copy keeps -1 dims and adds leading ones; repeat tiles', () => {
    const expanded = run('aten::expand_copy', range(3, [3, 1]), [2, -1, 2], false);
    expect(expanded.shape).toEqual([2, 3, 2]);
    expect([...expanded.data]).toEqual([0, 0, 1, 1, 2, 2, 0, 0, 1, 1, 2, 2]);
    const repeated = run('aten::repeat', i64([1, 2], [1, 2]), [2, 1, 2]);
    expect(repeated.shape).toEqual([2, 1, 4]);
    expect([...repeated.data]).toEqual([1n, 2n, 1n, 2n, 1n, 2n, 1n, 2n]);
    expect(() => run('aten::expand_copy', range(3, [3]), [2], false)).toThrow(/cannot expand/);
  });

  it('view operators evaluate as their copies and lower to the copies\' out variants', () => {
    expect(registry.get('aten::permute').outVariant).toBe('aten::permute_copy.out');
    expect(registry.get('aten::slice.Tensor').outVariant).toBe('aten::slice_copy.Tensor_out');
    expect(registry.get('aten::unbind.int').outVariant).toBe('aten::unbind_copy.int_out');
    expect([...run('aten::transpose.int', range(6, [2, 3]), 0, 1).data]).toEqual([0, 3, 1, 4, 2, 5]);
    expect(run('aten::expand', range(3, [3, 1]), [3, 2], false).shape).toEqual([3, 2]);
    expect((runAll('aten::split.Tensor', range(5, [5]), 2, 0) as Tensor[]).map((piece) => [...piece.data])).toEqual([[0, 1], [2, 3], [4]]);
  });
});
