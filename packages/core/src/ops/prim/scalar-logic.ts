/**
 * `executorch_prim::` comparisons and selections on symbolic scalars: eq, gt, lt, ge, le (Int or
 * Double pairs, or Bool pairs, returning bool), sym_max/sym_min (Int only), sym_not (Bool only)
 * and sym_ite (if-then-else), with the operand kinds ExecuTorch's kernels accept
 * (`kernels/prim_ops/register_prim_ops.cpp`). Known values fold at export time.
 */

import type { ValueMeta } from '../../ir/meta.js';
import { type Dim, dimEquals } from '../../ir/sym.js';
import { type OperatorDefinition, defineScalarOperator } from '../definition.js';
import type { MetaArgs } from '../meta-args.js';
import type { RuntimeArgs } from '../runtime-args.js';
import { type ScalarOperand, intResult, runtimeInteger, runtimeScalar, scalarOperand, scalarResult } from './scalar-operand.js';

type Comparison = (a: number, b: number) => boolean;

/** Both operands numeric, or both bool: the pairs ExecuTorch's comparison kernels accept. */
function comparableOperands(args: MetaArgs): [ScalarOperand, ScalarOperand] {
  const a = scalarOperand(args, 'a');
  const b = scalarOperand(args, 'b');
  if ((a.type === 'bool') !== (b.type === 'bool')) args.fail(`cannot compare ${a.type} with ${b.type}`);
  return [a, b];
}

function comparisonMeta(args: MetaArgs): ValueMeta {
  comparableOperands(args);
  return scalarResult('bool');
}

function compare(args: RuntimeArgs, comparison: Comparison): boolean {
  const a = runtimeScalar(args, 'a');
  const b = runtimeScalar(args, 'b');
  if (typeof a !== typeof b) args.fail(`cannot compare ${typeof a} with ${typeof b}`);
  return comparison(Number(a), Number(b));
}

function comparisonOperator(name: string, comparison: Comparison): OperatorDefinition {
  return defineScalarOperator({
    schema: `executorch_prim::${name}.Scalar(Scalar a, Scalar b) -> bool`,
    infer: comparisonMeta,
    compute: (args) => compare(args, comparison),
  });
}

/** max/min of two ints; symbolic operands fold when they differ only in their offset. */
function extremumMeta(pick: (a: number, b: number) => number) {
  return (args: MetaArgs): ValueMeta => {
    const a = scalarOperand(args, 'a');
    const b = scalarOperand(args, 'b');
    if (a.type !== 'int' || b.type !== 'int') args.fail(`operands must be ints (ExecuTorch supports Int only), got ${a.type} and ${b.type}`);
    return intResult(foldExtremum(a.value, b.value, pick));
  };
}

function foldExtremum(a: Dim | undefined, b: Dim | undefined, pick: (a: number, b: number) => number): Dim | undefined {
  if (a === undefined || b === undefined) return undefined;
  if (typeof a === 'number' && typeof b === 'number') return pick(a, b);
  if (typeof a === 'number' || typeof b === 'number') return undefined;
  if (a.sym !== b.sym || a.coefficient !== b.coefficient) return undefined;
  return pick(a.offset, b.offset) === a.offset ? a : b;
}

function selectMeta(args: MetaArgs): ValueMeta {
  const condition = scalarOperand(args, 'b');
  if (condition.type !== 'bool') args.fail(`condition 'b' must be a bool, got ${condition.type}`);
  const whenTrue = scalarOperand(args, 't');
  const whenFalse = scalarOperand(args, 'f');
  if (condition.value !== undefined) return operandMeta(condition.value ? whenTrue : whenFalse);
  if (whenTrue.type !== whenFalse.type) args.fail(`branches have different kinds (${whenTrue.type} and ${whenFalse.type})`);
  if (whenTrue.type === 'int') {
    const same = whenTrue.value !== undefined && whenFalse.value !== undefined && dimEquals(whenTrue.value, whenFalse.value as Dim);
    return intResult(same ? whenTrue.value : undefined);
  }
  return scalarResult(whenTrue.type);
}

function operandMeta(operand: ScalarOperand): ValueMeta {
  return operand.type === 'int' ? intResult(operand.value) : scalarResult(operand.type);
}

/** eq, gt, lt, ge, le, sym_max, sym_min, sym_not and sym_ite. */
export function scalarLogicOperators(): OperatorDefinition[] {
  return [
    comparisonOperator('eq', (a, b) => a === b),
    comparisonOperator('gt', (a, b) => a > b),
    comparisonOperator('lt', (a, b) => a < b),
    comparisonOperator('ge', (a, b) => a >= b),
    comparisonOperator('le', (a, b) => a <= b),
    defineScalarOperator({
      schema: 'executorch_prim::sym_max.Scalar(Scalar a, Scalar b) -> Scalar',
      infer: extremumMeta(Math.max),
      compute: (args) => Math.max(runtimeInteger(args, 'a'), runtimeInteger(args, 'b')),
    }),
    defineScalarOperator({
      schema: 'executorch_prim::sym_min.Scalar(Scalar a, Scalar b) -> Scalar',
      infer: extremumMeta(Math.min),
      compute: (args) => Math.min(runtimeInteger(args, 'a'), runtimeInteger(args, 'b')),
    }),
    defineScalarOperator({
      schema: 'executorch_prim::sym_not.Scalar(Scalar a) -> bool',
      infer(args) {
        const a = scalarOperand(args, 'a');
        if (a.type !== 'bool') args.fail(`operand must be a bool, got ${a.type}`);
        return scalarResult('bool');
      },
      compute(args) {
        const a = runtimeScalar(args, 'a');
        if (typeof a !== 'boolean') args.fail(`operand must be a bool, got ${a}`);
        return !a;
      },
    }),
    defineScalarOperator({
      schema: 'executorch_prim::sym_ite.Scalar(Scalar b, Scalar t, Scalar f) -> Scalar',
      infer: selectMeta,
      compute(args) {
        const condition = runtimeScalar(args, 'b');
        if (typeof condition !== 'boolean') args.fail(`condition 'b' must be a bool, got ${condition}`);
        return runtimeScalar(args, condition ? 't' : 'f');
      },
    }),
  ];
}
