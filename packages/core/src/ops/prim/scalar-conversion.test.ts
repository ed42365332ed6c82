import { describe, expect, it } from 'vitest';
import { float, int } from '../../ir/argument.js';
import { GraphBuilder } from '../../ir/builder.js';
import { sym } from '../../ir/sym.js';
import { ScalarType } from '../../scalar-type.js';
import { symbolicOperators } from '../aten/symbolic.js';
import { createOperatorRegistry } from '../registry.js';
import { RuntimeArgs } from '../runtime-args.js';
import type { RuntimeValue } from '../runtime-value.js';
import { scalarConversionOperators } from './scalar-conversion.js';

const registry = createOperatorRegistry(symbolicOperators(), scalarConversionOperators());

function run(key: string, ...args: RuntimeValue[]): RuntimeValue {
  const def = registry.get(key);
  return def.evaluate(new RuntimeArgs(def.schema, args))[0]!;
}

// Inputs and expected values: kernels/prim_ops/test/prim_ops_test.cpp (TestCeil, TestRound, TestTrunc, SymInt, SymFloat).
const inputs = [0.0, 0.25, 0.5, 0.75, 1.0, 1.75, -0.5, -1.0, -1.5, 9.999999];
const roundInputs = [0.0, 0.25, 0.5, 0.75, 1.0, 1.5, -0.5, -1.0, -1.5, 9.999999];

describe('executorch_prim conversions at run time', () => {
  it('ceil, round (half to even) and trunc a double to an int', () => {
    expect(inputs.map((v) => run('executorch_prim::ceil.Scalar', v))).toEqual([0, 1, 1, 1, 1, 2, 0, -1, -1, 10]);
    expect(roundInputs.map((v) => run('executorch_prim::round.Scalar', v))).toEqual([0, 0, 0, 1, 1, 2, 0, -1, -2, 10]);
    expect(inputs.map((v) => run('executorch_prim::trunc.Scalar', v))).toEqual([0, 0, 0, 0, 1, 1, 0, -1, -1, 9]);
    expect(() => run('executorch_prim::ceil.Scalar', Infinity)).toThrow(/cannot convert Infinity to an int/);
  });

  it('converts with sym_int and sym_float', () => {
    expect([7, 3.7, -2.9, true, false].map((v) => run('executorch_prim::sym_int.Scalar', v))).toEqual([7, 3, -2, 1, 0]);
    expect(run('executorch_prim::sym_float.Scalar', 3)).toBe(3);
    expect(run('executorch_prim::sym_float.Scalar', true)).toBe(1);
  });
});

describe('executorch_prim conversions at export time', () => {
  it('folds known values, keeps symbolic ints through sym_int and rejects int operands of ceil', () => {
    const builder = new GraphBuilder(registry);
    const x = builder.placeholder('x', GraphBuilder.tensor(ScalarType.FLOAT, [sym('s')]));
    const s = builder.size(x, 0);
    const meta = (target: string, ...args: Parameters<GraphBuilder['op']>[1][]) => builder.graph.metaOf(builder.op(target, ...args));
    expect(meta('executorch_prim::round.Scalar', float(2.5))).toEqual({ kind: 'symint', value: 2 });
    expect(meta('executorch_prim::ceil.Scalar', float(-1.5))).toEqual({ kind: 'symint', value: -1 });
    expect(meta('executorch_prim::sym_int.Scalar', s)).toEqual({ kind: 'symint', value: sym('s') });
    expect(meta('executorch_prim::sym_float.Scalar', s)).toEqual({ kind: 'float' });
    const asFloat = builder.op('executorch_prim::sym_float.Scalar', s);
    expect(meta('executorch_prim::trunc.Scalar', asFloat)).toEqual({ kind: 'int' });
    expect(() => meta('executorch_prim::ceil.Scalar', int(3))).toThrow(/ceil\.Scalar: operand must be a float/);
  });
});
