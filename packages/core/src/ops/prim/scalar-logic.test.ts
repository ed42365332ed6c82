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
import { scalarLogicOperators } from './scalar-logic.js';

const registry = createOperatorRegistry(symbolicOperators(), scalarArithmeticOperators(), scalarLogicOperators());

function run(key: string, ...args: RuntimeValue[]): RuntimeValue {
  const def = registry.get(key);
  return def.evaluate(new RuntimeArgs(def.schema, args))[0]!;
}

// Expected values: kernels/prim_ops/test/prim_ops_test.cpp (TestBooleanOps, SymMax/SymMin/SymNot/SymIte).
describe('executorch_prim comparisons and selections at run time', () => {
  it('compares 3.0 with 4.0', () => {
    expect(run('executorch_prim::ge.Scalar', 3, 4)).toBe(false);
    expect(run('executorch_prim::gt.Scalar', 3, 4)).toBe(false);
    expect(run('executorch_prim::le.Scalar', 3, 4)).toBe(true);
    expect(run('executorch_prim::lt.Scalar', 3, 4)).toBe(true);
    expect(run('executorch_prim::eq.Scalar', 3, 4)).toBe(false);
    expect(run('executorch_prim::eq.Scalar', true, true)).toBe(true);
    expect(() => run('executorch_prim::eq.Scalar', true, 1)).toThrow(/cannot compare boolean with number/);
  });

  it('picks max/min of ints, negates bools and selects branches', () => {
    expect(run('executorch_prim::sym_max.Scalar', 5, 3)).toBe(5);
    expect(run('executorch_prim::sym_max.Scalar', -2, -5)).toBe(-2);
    expect(run('executorch_prim::sym_min.Scalar', 5, 3)).toBe(3);
    expect(run('executorch_prim::sym_not.Scalar', true)).toBe(false);
    expect(run('executorch_prim::sym_ite.Scalar', true, 42, 99)).toBe(42);
    expect(run('executorch_prim::sym_ite.Scalar', false, 42, 99)).toBe(99);
    expect(run('executorch_prim::sym_ite.Scalar', true, 3.14, 2.72)).toBe(3.14);
    expect(run('executorch_prim::sym_ite.Scalar', false, true, false)).toBe(false);
    expect(() => run('executorch_prim::sym_ite.Scalar', 1, 42, 99)).toThrow(/condition 'b' must be a bool/);
    expect(() => run('executorch_prim::sym_max.Scalar', 1.5, 2)).toThrow(/must be an int/);
  });
});

describe('executorch_prim comparisons and selections at export time', () => {
  it('folds max/min of offsets of the same symbol and tracks result kinds', () => {
    const builder = new GraphBuilder(registry);
    const x = builder.placeholder('x', GraphBuilder.tensor(ScalarType.FLOAT, [sym('s')]));
    const s = builder.size(x, 0);
    const sPlusTwo = builder.op('executorch_prim::add.Scalar', s, int(2));
    const meta = (target: string, ...args: Parameters<GraphBuilder['op']>[1][]) => builder.graph.metaOf(builder.op(target, ...args));
    expect(meta('executorch_prim::sym_max.Scalar', s, sPlusTwo)).toEqual({ kind: 'symint', value: sym('s', 1, 2) });
    expect(meta('executorch_prim::sym_min.Scalar', s, sPlusTwo)).toEqual({ kind: 'symint', value: sym('s') });
    expect(meta('executorch_prim::sym_max.Scalar', s, int(1))).toEqual({ kind: 'int' });
    expect(meta('executorch_prim::sym_min.Scalar', int(4), int(9))).toEqual({ kind: 'symint', value: 4 });
    const isLong = builder.op('executorch_prim::gt.Scalar', s, int(8));
    expect(builder.graph.metaOf(isLong)).toEqual({ kind: 'bool' });
    expect(meta('executorch_prim::sym_not.Scalar', isLong)).toEqual({ kind: 'bool' });
    expect(meta('executorch_prim::sym_ite.Scalar', isLong, s, s)).toEqual({ kind: 'symint', value: sym('s') });
    expect(meta('executorch_prim::sym_ite.Scalar', isLong, s, int(8))).toEqual({ kind: 'int' });
    expect(meta('executorch_prim::sym_ite.Scalar', true, float(1.5), int(8))).toEqual({ kind: 'float' });
    expect(() => meta('executorch_prim::sym_not.Scalar', s)).toThrow(/sym_not\.Scalar: operand must be a bool, got int/);
    expect(() => meta('executorch_prim::sym_max.Scalar', s, float(2))).toThrow(/operands must be ints/);
    expect(() => meta('executorch_prim::sym_ite.Scalar', isLong, s, float(2))).toThrow(/branches have different kinds/);
  });
});
