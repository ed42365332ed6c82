import { describe, expect, it } from 'vitest';
import { float, int } from '../../ir/argument.js';
import { GraphBuilder } from '../../ir/builder.js';
import { sym } from '../../ir/sym.js';
import { ScalarType } from '../../scalar-type.js';
import { symbolicOperators } from '../aten/symbolic.js';
import { createOperatorRegistry } from '../registry.js';
import { RuntimeArgs } from '../runtime-args.js';
import type { RuntimeValue } from '../runtime-value.js';
import { scalarArithmeticOperators } from './scalar-arithmetic.js';

const registry = createOperatorRegistry(symbolicOperators(), scalarArithmeticOperators());

function run(key: string, ...args: RuntimeValue[]): RuntimeValue {
  const def = registry.get(key);
  return def.evaluate(new RuntimeArgs(def.schema, args))[0]!;
}

describe('executorch_prim arithmetic at run time', () => {
  it('computes 3 op 4 as ExecuTorch does (kernels/prim_ops/test/prim_ops_test.cpp TestAlgebraOps)', () => {
    expect(run('executorch_prim::add.Scalar', 3, 4)).toBe(7);
    expect(run('executorch_prim::sub.Scalar', 3, 4)).toBe(-1);
    expect(run('executorch_prim::mul.Scalar', 3, 4)).toBe(12);
    expect(run('executorch_prim::floordiv.Scalar', 3, 4)).toBe(0);
    expect(run('executorch_prim::truediv.Scalar', 3, 4)).toBe(0.75);
    expect(run('executorch_prim::mod.int', 3, 4)).toBe(3);
    expect(run('executorch_prim::mod.Scalar', 3, 4)).toBe(3);
  });

  it('floors floordiv.Scalar like Python but truncates floordiv.int and mod like C', () => {
    // Python: -7 // 2 == -4, 7 // -2 == -4, -7.5 // 2 == -4.0, 7.5 // -2.5 == -3.0, -0.5 // 1 == -1.0
    expect(run('executorch_prim::floordiv.Scalar', -7, 2)).toBe(-4);
    expect(run('executorch_prim::floordiv.Scalar', 7, -2)).toBe(-4);
    expect(run('executorch_prim::floordiv.Scalar', -7.5, 2)).toBe(-4);
    expect(run('executorch_prim::floordiv.Scalar', 7.5, -2.5)).toBe(-3);
    expect(run('executorch_prim::floordiv.Scalar', -0.5, 1)).toBe(-1);
    // floor_div_double: division of a double by zero is ±inf by the sign of the dividend
    expect(run('executorch_prim::floordiv.Scalar', -1.5, 0)).toBe(-Infinity);
    // C: -7 / 2 == -3, -7 % 2 == -1, 7 % -2 == 1
    expect(run('executorch_prim::floordiv.int', -7, 2)).toBe(-3);
    expect(run('executorch_prim::mod.int', -7, 2)).toBe(-1);
    expect(run('executorch_prim::mod.Scalar', 7, -2)).toBe(1);
    expect(run('executorch_prim::neg.Scalar', 5)).toBe(-5);
    expect(run('executorch_prim::neg.Scalar', -2.5)).toBe(2.5);
  });

  it('fails clearly on integer division by zero and non-numeric operands', () => {
    expect(() => run('executorch_prim::floordiv.int', 1, 0)).toThrow(/floordiv\.int: integer division by zero/);
    expect(() => run('executorch_prim::mod.Scalar', 1, 0)).toThrow(/division by zero/);
    expect(() => run('executorch_prim::mod.Scalar', 1.5, 2)).toThrow(/must be an int/);
    expect(() => run('executorch_prim::add.Scalar', true, 1)).toThrow(/must be an int or float, got boolean/);
  });
});

describe('executorch_prim arithmetic at export time', () => {
  function sequenceLength() {
    const builder = new GraphBuilder(registry);
    const x = builder.placeholder('x', GraphBuilder.tensor(ScalarType.FLOAT, [1, sym('s'), 8]));
    const s = builder.size(x, 1);
    if (s.kind !== 'node') throw new Error('expected a sym_size node');
    const meta = (target: string, ...args: Parameters<GraphBuilder['op']>[1][]) => builder.graph.metaOf(builder.op(target, ...args));
    return { s, meta };
  }

  it('folds affine int arithmetic on symbolic sizes', () => {
    const { s, meta } = sequenceLength();
    expect(meta('executorch_prim::add.Scalar', s, int(3))).toEqual({ kind: 'symint', value: sym('s', 1, 3) });
    expect(meta('executorch_prim::sub.Scalar', int(10), s)).toEqual({ kind: 'symint', value: sym('s', -1, 10) });
    expect(meta('executorch_prim::mul.Scalar', s, int(4))).toEqual({ kind: 'symint', value: sym('s', 4) });
    expect(meta('executorch_prim::neg.Scalar', s)).toEqual({ kind: 'symint', value: sym('s', -1) });
    expect(meta('executorch_prim::add.Scalar', int(2), int(5))).toEqual({ kind: 'symint', value: 7 });
  });

  it('folds floor division when the divisor divides the coefficient', () => {
    const builder = new GraphBuilder(registry);
    const x = builder.placeholder('x', GraphBuilder.tensor(ScalarType.FLOAT, [sym('s')]));
    const s = builder.size(x, 0);
    const fourSPlusThree = builder.op('executorch_prim::add.Scalar', builder.op('executorch_prim::mul.Scalar', s, int(4)), int(3));
    // floor((4s + 3) / 2) = 2s + 1 for every integer s
    expect(builder.graph.metaOf(builder.op('executorch_prim::floordiv.Scalar', fourSPlusThree, int(2)))).toEqual({ kind: 'symint', value: sym('s', 2, 1) });
    // floor(s / 2) is not affine
    expect(builder.graph.metaOf(builder.op('executorch_prim::floordiv.Scalar', s, int(2)))).toEqual({ kind: 'int' });
    expect(builder.graph.metaOf(builder.op('executorch_prim::floordiv.Scalar', int(-7), int(2)))).toEqual({ kind: 'symint', value: -4 });
    expect(builder.graph.metaOf(builder.op('executorch_prim::floordiv.int', int(-7), int(2)))).toEqual({ kind: 'symint', value: -3 });
  });

  it('keeps unknown results as ints and floats, and rejects bool operands', () => {
    const { s, meta } = sequenceLength();
    expect(meta('executorch_prim::mul.Scalar', s, s)).toEqual({ kind: 'int' });
    expect(meta('executorch_prim::truediv.Scalar', s, int(2))).toEqual({ kind: 'float' });
    expect(meta('executorch_prim::add.Scalar', s, float(0.5))).toEqual({ kind: 'float' });
    expect(meta('executorch_prim::mod.Scalar', s, int(2))).toEqual({ kind: 'int' });
    expect(() => meta('executorch_prim::add.Scalar', s, true)).toThrow(/add\.Scalar: operands must be int or float/);
    expect(() => meta('executorch_prim::mod.Scalar', s, float(2))).toThrow(/operands must be ints, got int and float/);
  });
});
