/**
 * `executorch_prim::` conversions between symbolic floats and ints: ceil, round and trunc take a
 * Double and return an Int (`round` rounds half to even, like Python's `round`), `sym_float` and
 * `sym_int` convert Int/Double/Bool. Operand kinds follow `kernels/prim_ops/register_prim_ops.cpp`
 * (ceil/round/trunc reject Ints there, so shape inference rejects them too).
 */

import type { ValueMeta } from '../../ir/meta.js';
import { nearbyint } from '../../kernels/quantize.js';
import { type OperatorDefinition, defineScalarOperator } from '../definition.js';
import type { MetaArgs } from '../meta-args.js';
import type { RuntimeArgs } from '../runtime-args.js';
import { intResult, runtimeNumber, runtimeScalar, scalarOperand, scalarResult } from './scalar-operand.js';

function roundingOperator(name: string, rounding: (value: number) => number): OperatorDefinition {
  return defineScalarOperator({
    schema: `executorch_prim::${name}.Scalar(Scalar a) -> Scalar`,
    infer(args: MetaArgs): ValueMeta {
      const a = scalarOperand(args, 'a');
      if (a.type !== 'float') args.fail(`operand must be a float (ExecuTorch's kernel rejects ${a.type} operands)`);
      return intResult(a.value === undefined || !Number.isFinite(a.value) ? undefined : rounding(a.value) + 0);
    },
    compute(args: RuntimeArgs) {
      const a = runtimeNumber(args, 'a');
      if (!Number.isFinite(a)) args.fail(`cannot convert ${a} to an int`);
      return rounding(a) + 0;
    },
  });
}

/** ceil, round, trunc, sym_float and sym_int. */
export function scalarConversionOperators(): OperatorDefinition[] {
  return [
    roundingOperator('ceil', Math.ceil),
    roundingOperator('round', nearbyint),
    roundingOperator('trunc', Math.trunc),
    defineScalarOperator({
      schema: 'executorch_prim::sym_float.Scalar(Scalar a) -> Scalar',
      infer(args) {
        scalarOperand(args, 'a');
        return scalarResult('float');
      },
      compute: (args) => Number(runtimeScalar(args, 'a')),
    }),
    defineScalarOperator({
      schema: 'executorch_prim::sym_int.Scalar(Scalar a) -> Scalar',
      infer(args) {
        const a = scalarOperand(args, 'a');
        if (a.value === undefined) return intResult(undefined);
        if (a.type === 'int') return intResult(a.value);
        if (a.type === 'bool') return intResult(a.value ? 1 : 0);
        return intResult(Number.isFinite(a.value) ? Math.trunc(a.value) + 0 : undefined);
      },
      compute(args) {
        const a = Number(runtimeScalar(args, 'a'));
        if (!Number.isFinite(a)) args.fail(`cannot convert ${a} to an int`);
        return Math.trunc(a) + 0;
      },
    }),
  ];
}
