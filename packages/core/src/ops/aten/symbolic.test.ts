import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../ir/builder.js';
import { sym } from '../../ir/sym.js';
import { Tensor } from '../../kernels/tensor.js';
import { ScalarType } from '../../scalar-type.js';
import { createOperatorRegistry } from '../registry.js';
import { RuntimeArgs } from '../runtime-args.js';
import type { RuntimeValue } from '../runtime-value.js';
import { symbolicOperators } from './symbolic.js';

const registry = createOperatorRegistry(symbolicOperators());

function run(key: string, ...args: RuntimeValue[]): RuntimeValue {
  const def = registry.get(key);
  return def.evaluate(new RuntimeArgs(def.schema, args))[0]!;
}

describe('aten::sym_size.int and aten::sym_numel', () => {
  it('carry the symbolic value of a dynamic dim at export time', () => {
    const builder = new GraphBuilder(registry);
    const x = builder.placeholder('x', GraphBuilder.tensor(ScalarType.FLOAT, [1, sym('s'), 4]));
    const size = builder.size(x, 1);
    if (size.kind !== 'node') throw new Error('a dynamic dim must become an aten::sym_size.int node');
    expect(builder.graph.metaOf(size)).toEqual({ kind: 'symint', value: sym('s') });
    const last = builder.op('aten::sym_size.int', x, -1);
    expect(builder.graph.metaOf(last)).toEqual({ kind: 'symint', value: 4 });
    const numel = builder.op('aten::sym_numel', x);
    expect(builder.graph.metaOf(numel)).toEqual({ kind: 'symint', value: sym('s', 4) });
  });

  it('report a non-affine element count as an int known only at run time', () => {
    const builder = new GraphBuilder(registry);
    const x = builder.placeholder('x', GraphBuilder.tensor(ScalarType.FLOAT, [sym('s'), sym('s')]));
    expect(builder.graph.metaOf(builder.op('aten::sym_numel', x))).toEqual({ kind: 'int' });
  });

  it('rejects an out-of-range dim at export time and at run time', () => {
    const builder = new GraphBuilder(registry);
    const x = builder.placeholder('x', GraphBuilder.tensor(ScalarType.FLOAT, [2, 3]));
    expect(() => builder.op('aten::sym_size.int', x, 2)).toThrow(/sym_size\.int: dim 2 out of range for rank 2/);
    expect(() => run('aten::sym_size.int', Tensor.zeros(ScalarType.FLOAT, [2, 3]), -3)).toThrow(/out of range/);
  });

  it('read sizes and element counts at run time', () => {
    const x = Tensor.zeros(ScalarType.FLOAT, [2, 5, 3]);
    expect(run('aten::sym_size.int', x, 1)).toBe(5);
    expect(run('aten::sym_size.int', x, -1)).toBe(3);
    expect(run('aten::sym_numel', x)).toBe(30);
  });
});

describe('aten::_local_scalar_dense', () => {
  it('returns the first element with the Scalar kind of the dtype', () => {
    expect(run('aten::_local_scalar_dense', Tensor.scalarLong(7))).toBe(7);
    expect(run('aten::_local_scalar_dense', Tensor.fromArray(ScalarType.LONG, [2], BigInt64Array.of(-3n, 9n)))).toBe(-3);
    expect(run('aten::_local_scalar_dense', Tensor.scalarFloat(0.5))).toBe(0.5);
    expect(run('aten::_local_scalar_dense', Tensor.fromArray(ScalarType.BOOL, [1], Uint8Array.of(1)))).toBe(true);
    // 0x3c00 is 1.0 in IEEE half precision.
    expect(run('aten::_local_scalar_dense', Tensor.fromArray(ScalarType.HALF, [], Uint16Array.of(0x3c00)))).toBe(1);
  });

  it('infers int, float or bool from the dtype', () => {
    const builder = new GraphBuilder(registry);
    const positions = builder.placeholder('input_pos', GraphBuilder.tensor(ScalarType.LONG, [1]));
    const weights = builder.placeholder('w', GraphBuilder.tensor(ScalarType.BFLOAT16, [1]));
    const flags = builder.placeholder('f', GraphBuilder.tensor(ScalarType.BOOL, [1]));
    expect(builder.graph.metaOf(builder.op('aten::_local_scalar_dense', positions))).toEqual({ kind: 'int' });
    expect(builder.graph.metaOf(builder.op('aten::_local_scalar_dense', weights))).toEqual({ kind: 'float' });
    expect(builder.graph.metaOf(builder.op('aten::_local_scalar_dense', flags))).toEqual({ kind: 'bool' });
  });

  it('fails on empty tensors and packed dtypes', () => {
    expect(() => run('aten::_local_scalar_dense', Tensor.zeros(ScalarType.FLOAT, [0]))).toThrow(/at least 1 element/);
    expect(() => run('aten::_local_scalar_dense', Tensor.zeros(ScalarType.QUINT4X2, [1]))).toThrow(/QUINT4X2/);
  });
});
