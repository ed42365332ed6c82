import { describe, expect, it } from 'vitest';
import { Tensor } from '../../kernels/tensor.js';
import { ScalarType } from '../../scalar-type.js';
import { GraphBuilder } from '../../ir/builder.js';
import { sym } from '../../ir/sym.js';
import { reductionOperators } from './reduction.js';
import { operatorRunner, f32, i64, bool } from './operator-test-support.js';

const { run, runAll, registry } = operatorRunner(reductionOperators());

// Expected values computed with torch 2.13.

describe('reductions', () => {
  it('mean over a dim list (RMSNorm style, keepdim) and over everything', () => {
    const x = f32([0.1, 0.2, 0.3, 1.5, -2, 7.25], [2, 3]);
    const rows = run('aten::mean.dim', x, [-1], true);
    expect(rows.shape).toEqual([2, 1]);
    expect([...rows.data]).toEqual([0.20000000298023224, 2.25]);
    expect([...run('aten::mean.dim', x, null, false).data]).toEqual([1.225000023841858]);
    expect([...run('aten::mean', x).data]).toEqual([1.225000023841858]);
    const out = Tensor.zeros(ScalarType.FLOAT, [2, 1]);
    runAll('aten::mean.out', x, [-1], true, null, out);
    expect([...out.data]).toEqual([...rows.data]);
  });

  it('sum promotes integers and bools to int64', () => {
    const sum = run('aten::sum.dim_IntList', i64([1, 2, 3, 4], [2, 2]), [0], false);
    expect(sum.dtype).toBe(ScalarType.LONG);
    expect([...sum.data]).toEqual([4n, 6n]);
    expect([...run('aten::sum', bool([true, true, false])).data]).toEqual([2n]);
  });

  it('amax propagates NaN; max.dim and argmax keep the first of equal maxima', () => {
    const y = f32([1, 5, 5, 2, -1, 0, 3, 3, Number.NaN, 0, 9, 1], [2, 2, 3]);
    expect([...run('aten::amax', y, [0, 2], false).data]).toEqual([Number.NaN, 9]);
    expect([...run('aten::amax', y, [-1], true).data]).toEqual([5, 2, Number.NaN, 9]);
    const [values, indices] = runAll('aten::max.dim', f32([1, 5, 5, 2, -1, 2], [2, 3]), 1, false) as Tensor[];
    expect([...values!.data]).toEqual([5, 2]);
    expect([...indices!.data]).toEqual([1n, 0n]);
    const z = f32([1, 5, 5, 2, 7, 2], [2, 3]);
    expect([...run('aten::argmax', z, null, false).data]).toEqual([4n]);
    const columns = run('aten::argmax', z, 0, true);
    expect(columns.shape).toEqual([1, 3]);
    expect([...columns.data]).toEqual([1n, 1n, 0n]);
  });

  it('max.dim_max fills both out tensors', () => {
    const values = Tensor.zeros(ScalarType.FLOAT, [2]);
    const indices = Tensor.zeros(ScalarType.LONG, [2]);
    runAll('aten::max.dim_max', f32([1, 5, 5, 2, -1, 2], [2, 3]), -1, false, values, indices);
    expect([...values.data]).toEqual([5, 2]);
    expect([...indices.data]).toEqual([1n, 0n]);
  });

  it('any over one dim, as the attention mask of upstream exports uses it', () => {
    const result = run('aten::any.dim', bool([true, false, false, false], [2, 2]), -1, true);
    expect(result.dtype).toBe(ScalarType.BOOL);
    expect([...result.data]).toEqual([1, 0]);
  });

  it('cumsum accumulates along a dim (int64 for integers)', () => {
    expect([...run('aten::cumsum', i64([1, 2, 3, 4, 5, 6], [2, 3]), 1).data]).toEqual([1n, 3n, 6n, 4n, 9n, 15n]);
    expect([...run('aten::cumsum', f32([0.1, 0.2, 0.3]), 0).data]).toEqual([0.10000000149011612, 0.30000001192092896, 0.6000000238418579]);
  });

  it('keeps symbolic dims that are not reduced and rejects integer means', () => {
    const builder = new GraphBuilder(registry);
    const x = builder.placeholder('x', GraphBuilder.tensor(ScalarType.FLOAT, [1, sym('s'), 64]));
    expect(builder.shape(builder.op('aten::mean.dim', x, [-1], true))).toEqual([1, sym('s'), 1]);
    const ints = builder.placeholder('i', GraphBuilder.tensor(ScalarType.LONG, [4]));
    expect(() => builder.op('aten::mean.dim', ints, [0])).toThrow(/mean needs a floating input/);
    expect(() => builder.op('aten::sum.dim_IntList', x, [3])).toThrow(/dim 3 is out of range/);
  });

  it('var and var_mean with a correction, prod, and whole-tensor max/min', () => {
    const x = f32([1, 2, 4, 0.5, -0.5, 3], [2, 3]);
    expect([...run('aten::var.correction', x, [-1], 1, false).data]).toEqual([2.3333332538604736, 3.25]);
    expect([...run('aten::var.correction', x, null, 0, false).data]).toEqual([2.305555582046509]);
    const [variance, mean] = runAll('aten::var_mean.correction', x, [0], null, true) as Tensor[];
    expect(variance!.shape).toEqual([1, 3]);
    expect([...variance!.data]).toEqual([0.125, 3.125, 0.5]);
    expect([...mean!.data]).toEqual([0.75, 0.75, 3.5]);
    const products = run('aten::prod.dim_int', i64([1, 2, 3, 4, 5, 6], [2, 3]), 1, false, null);
    expect(products.dtype).toBe(ScalarType.LONG);
    expect([...products.data]).toEqual([6n, 120n]);
    expect([...run('aten::prod', x, null).data]).toEqual([-6]);
    expect([...run('aten::max', x).data]).toEqual([4]);
    expect([...run('aten::min', x).data]).toEqual([-0.5]);
  });
});
