/**
 * `executorch_prim::` arithmetic on symbolic scalars (add, sub, mul, truediv, floordiv, mod, neg),
 * which `torch.export` emits for Python arithmetic on SymInts (`seq_len + start_pos`, `n // 2`).
 * Schemas are those of `exir/passes/executorch_prim_ops_registry.py`; semantics follow the kernels
 * in `kernels/prim_ops/register_prim_ops.cpp`: Int op Int stays Int, anything with a Double is a
 * Double, `floordiv.Scalar` floors like Python, while `floordiv.int`, `mod.int` and `mod.Scalar` use
 * C's truncating `/` and `%`. At export time int results stay affine symbolic dims when they can.
 */

import { ShapeError } from '../../errors.js';
import type { ValueMeta } from '../../ir/meta.js';
import { type Dim, addDims, mulDims, sym } from '../../ir/sym.js';
import { type OperatorDefinition, defineScalarOperator } from '../definition.js';
import type { MetaArgs } from '../meta-args.js';
import type { RuntimeArgs } from '../runtime-args.js';
import { intResult, runtimeInteger, runtimeNumber, scalarOperand, scalarResult } from './scalar-operand.js';

/** Folds two known ints, or gives up (unknown int) when the result is not affine. */
function foldInts(a: Dim | undefined, b: Dim | undefined, fold: (a: Dim, b: Dim) => Dim | undefined): ValueMeta {
  if (a === undefined || b === undefined) return intResult(undefined);
  try {
    return intResult(fold(a, b));
  } catch (error) {
    if (error instanceof ShapeError) return intResult(undefined);
    throw error;
  }
}

function subtractDims(a: Dim, b: Dim): Dim {
  return addDims(a, mulDims(b, -1));
}

/** Shape rule of Int/Double operators: Int with Int folds, a Double makes the result a Double. */
function numericMeta(fold: (a: Dim, b: Dim) => Dim | undefined) {
  return (args: MetaArgs): ValueMeta => {
    const a = scalarOperand(args, 'a');
    const b = scalarOperand(args, 'b');
    if (a.type === 'bool' || b.type === 'bool') args.fail('operands must be int or float (ExecuTorch rejects Bool EValues here)');
    if (a.type === 'int' && b.type === 'int') return foldInts(a.value, b.value, fold);
    return scalarResult('float');
  };
}

/** Shape rule of the int-only operators (`mod`, `floordiv.int`). */
function integerMeta(fold: (a: number, b: number) => number) {
  return (args: MetaArgs): ValueMeta => {
    const a = scalarOperand(args, 'a');
    const b = scalarOperand(args, 'b');
    if (a.type !== 'int' || b.type !== 'int') args.fail(`operands must be ints, got ${a.type} and ${b.type}`);
    return foldInts(a.value, b.value, (x, y) => (typeof x === 'number' && typeof y === 'number' && y !== 0 ? fold(x, y) : undefined));
  };
}

function signBit(x: number): boolean {
  return x < 0 || Object.is(x, -0);
}

/** Python's `//` on ints: the quotient rounded toward negative infinity. */
export function floorDivideIntegers(a: number, b: number): number {
  const quotient = Math.trunc(a / b);
  if (a < 0 === b < 0) return quotient;
  return a % b !== 0 ? quotient - 1 : quotient;
}

/** Python's `//` on doubles as ExecuTorch computes it: `(a - fmod(a, b)) / b`, fixed up. */
export function floorDivideDoubles(a: number, b: number): number {
  if (b === 0) return signBit(a) ? -Infinity : Infinity;
  const remainder = a % b;
  const quotient = (a - remainder) / b;
  return remainder !== 0 && signBit(b) !== signBit(remainder) ? quotient - 1 : quotient;
}

/** `floor((c·s + o) / d)` stays affine when d divides c: `(c/d)·s + floor(o/d)`. */
function floorDivideDims(a: Dim, b: Dim): Dim | undefined {
  if (typeof b !== 'number' || b === 0) return undefined;
  if (typeof a === 'number') return floorDivideIntegers(a, b);
  if (a.coefficient % b !== 0) return undefined;
  return sym(a.sym, a.coefficient / b, Math.floor(a.offset / b));
}

function integerDivisor(args: RuntimeArgs, name: string): number {
  const b = runtimeInteger(args, name);
  if (b === 0) args.fail(`integer division by zero (argument '${name}')`);
  return b;
}

/** C's `%` (sign of the dividend); `+ 0` turns JS's -0 into 0. */
function truncatedRemainder(a: number, b: number): number {
  return (a % b) + 0;
}

/** add, sub, mul, truediv, floordiv (`.Scalar`, `.int`), mod (`.Scalar`, `.int`) and neg. */
export function scalarArithmeticOperators(): OperatorDefinition[] {
  return [
    defineScalarOperator({
      schema: 'executorch_prim::add.Scalar(Scalar a, Scalar b) -> Scalar',
      infer: numericMeta(addDims),
      compute: (args) => runtimeNumber(args, 'a') + runtimeNumber(args, 'b'),
    }),
    defineScalarOperator({
      schema: 'executorch_prim::sub.Scalar(Scalar a, Scalar b) -> Scalar',
      infer: numericMeta(subtractDims),
      compute: (args) => runtimeNumber(args, 'a') - runtimeNumber(args, 'b'),
    }),
    defineScalarOperator({
      schema: 'executorch_prim::mul.Scalar(Scalar a, Scalar b) -> Scalar',
      infer: numericMeta(mulDims),
      compute: (args) => runtimeNumber(args, 'a') * runtimeNumber(args, 'b'),
    }),
    defineScalarOperator({
      schema: 'executorch_prim::truediv.Scalar(Scalar a, Scalar b) -> Scalar',
      infer(args) {
        numericMeta(() => undefined)(args);
        return scalarResult('float');
      },
      compute: (args) => runtimeNumber(args, 'a') / runtimeNumber(args, 'b'),
    }),
    defineScalarOperator({
      schema: 'executorch_prim::floordiv.Scalar(Scalar a, Scalar b) -> Scalar',
      infer: numericMeta(floorDivideDims),
      compute(args) {
        const a = runtimeNumber(args, 'a');
        const b = runtimeNumber(args, 'b');
        if (Number.isInteger(a) && Number.isInteger(b)) return floorDivideIntegers(a, integerDivisor(args, 'b'));
        return floorDivideDoubles(a, b);
      },
    }),
    defineScalarOperator({
      schema: 'executorch_prim::floordiv.int(int a, int b) -> int',
      infer: integerMeta((a, b) => Math.trunc(a / b) + 0),
      compute: (args) => Math.trunc(runtimeInteger(args, 'a') / integerDivisor(args, 'b')) + 0,
    }),
    defineScalarOperator({
      schema: 'executorch_prim::mod.Scalar(SymInt a, SymInt b) -> SymInt',
      infer: integerMeta(truncatedRemainder),
      compute: (args) => truncatedRemainder(runtimeInteger(args, 'a'), integerDivisor(args, 'b')),
    }),
    defineScalarOperator({
      schema: 'executorch_prim::mod.int(int a, int b) -> int',
      infer: integerMeta(truncatedRemainder),
      compute: (args) => truncatedRemainder(runtimeInteger(args, 'a'), integerDivisor(args, 'b')),
    }),
    defineScalarOperator({
      schema: 'executorch_prim::neg.Scalar(Scalar a) -> Scalar',
      infer(args) {
        const a = scalarOperand(args, 'a');
        if (a.type === 'bool') args.fail('operand must be an int or float, got bool');
        return a.type === 'int' ? foldInts(0, a.value, subtractDims) : scalarResult('float');
      },
      compute: (args) => 0 - runtimeNumber(args, 'a'),
    }),
  ];
}
