/**
 * Rounding divisions: `floor_divide` (quotient rounded toward −∞), `remainder` (Python's
 * modulo: the result takes the divisor's sign), `fmod` (C's: the dividend's sign) and `div` with a
 * rounding mode, for tensor and Scalar divisors, in the promoted dtype. Integer division by zero is an error, as in torch; floats follow IEEE (±inf, NaN).
 */

import { tensorMeta, type TensorMeta } from '../../ir/meta.js';
import { mapBinary } from '../../kernels/broadcast.js';
import type { Tensor } from '../../kernels/tensor.js';
import { ScalarType, isFloatingType } from '../../scalar-type.js';
import { type OperatorDefinition, defineOperator } from '../definition.js';
import type { MetaArgs, MetaValue } from '../meta-args.js';
import type { RuntimeArgs } from '../runtime-args.js';
import type { RuntimeValue } from '../runtime-value.js';
import { scalarTensor, tensorScalarOperands, tensorTensorOperands } from './operands.js';

type Binary = (x: number, y: number) => number;

function integerGuard(args: RuntimeArgs, out: Tensor, fn: Binary): Binary {
  if (isFloatingType(out.dtype)) return fn;
  return (x, y) => {
    if (y === 0) args.fail('integer division by zero');
    return fn(x, y);
  };
}

/** torch's `div_floor` for floats: floor of the exact quotient, via fmod so it is exact. */
const floorDivide: Binary = (x, y) => {
  if (y === 0) return x / y;
  const modulo = x % y;
  let quotient = (x - modulo) / y;
  if (modulo !== 0 && y < 0 !== modulo < 0) quotient -= 1;
  const floored = Math.floor(quotient);
  return quotient - floored > 0.5 ? floored + 1 : floored;
};

/** C's fmod: the result takes the dividend's sign. */
const truncatedRemainder: Binary = (x, y) => x % y;

const remainder: Binary = (x, y) => {
  const modulo = x % y;
  return modulo !== 0 && y < 0 !== modulo < 0 ? modulo + y : modulo;
};

function noBool(args: MetaArgs, meta: ReturnType<typeof tensorMeta>) {
  if (meta.dtype === ScalarType.BOOL) args.fail('is not supported for bool tensors');
  return [meta];
}

function family(name: string, fn: Binary, tensorOverload: string, tensorOut: string, scalarOut: string): OperatorDefinition[] {
  return [
    ...defineOperator({
      functional: `aten::${name}${tensorOverload}(Tensor self, Tensor other) -> Tensor`,
      out: `aten::${name}.${tensorOut}(Tensor self, Tensor other, *, Tensor(a!) out) -> Tensor(a!)`,
      infer: (args) => noBool(args, tensorTensorOperands(args)),
      compute: (args, [out]) => mapBinary(args.tensor('self'), args.tensor('other'), out!, integerGuard(args, out!, fn)),
    }),
    ...defineOperator({
      functional: `aten::${name}.Scalar(Tensor self, Scalar other) -> Tensor`,
      out: `aten::${name}.${scalarOut}(Tensor self, Scalar other, *, Tensor(a!) out) -> Tensor(a!)`,
      infer: (args) => noBool(args, tensorScalarOperands(args)),
      compute: (args, [out]) => mapBinary(args.tensor('self'), scalarTensor(args.float('other'), out!.dtype), out!, integerGuard(args, out!, fn)),
    }),
  ];
}

/** `div` with a rounding mode: None divides truly (float result), `trunc` and `floor` round. */
function roundingMode(where: { fail(message: string): never }, mode: string | null): Binary | null {
  if (mode === null) return null;
  if (mode === 'trunc') return (x, y) => Math.trunc(x / y);
  if (mode === 'floor') return floorDivide;
  return where.fail(`rounding_mode must be None, 'trunc' or 'floor', got '${mode}'`);
}

/** The `rounding_mode` argument, at export time (a tagged value) or at run time (a string). */
function modeOf(args: MetaArgs | RuntimeArgs): string | null {
  const value: MetaValue | RuntimeValue = args.value('rounding_mode');
  if (value === null || typeof value === 'string') return value;
  if (typeof value === 'object' && 'kind' in value && (value.kind === 'none' || value.kind === 'str')) return value.kind === 'str' ? value.value : null;
  return args.fail('rounding_mode must be a string or None');
}

function divModeMeta(args: MetaArgs, meta: TensorMeta): TensorMeta[] {
  const rounding = roundingMode(args, modeOf(args));
  if (meta.dtype === ScalarType.BOOL) args.fail('is not supported for bool tensors');
  return [rounding || isFloatingType(meta.dtype) ? meta : tensorMeta(ScalarType.FLOAT, meta.shape)];
}

function divModeCompute(args: RuntimeArgs, self: Tensor, other: Tensor, out: Tensor): void {
  const rounding = roundingMode(args, modeOf(args));
  mapBinary(self, other, out, rounding ? integerGuard(args, out, rounding) : (x, y) => x / y);
}

/** `floor_divide`, `remainder`, `fmod` and `div` with a rounding mode (tensor and Scalar divisors). */
export function divisionOperators(): OperatorDefinition[] {
  return [
    ...family('floor_divide', floorDivide, '', 'out', 'Scalar_out'),
    ...family('remainder', remainder, '.Tensor', 'Tensor_out', 'Scalar_out'),
    ...family('fmod', truncatedRemainder, '.Tensor', 'Tensor_out', 'Scalar_out'),
    ...defineOperator({
      functional: 'aten::div.Tensor_mode(Tensor self, Tensor other, *, str? rounding_mode) -> Tensor',
      out: 'aten::div.out_mode(Tensor self, Tensor other, *, str? rounding_mode, Tensor(a!) out) -> Tensor(a!)',
      infer: (args) => divModeMeta(args, tensorTensorOperands(args)),
      compute: (args, [out]) => divModeCompute(args, args.tensor('self'), args.tensor('other'), out!),
    }),
    ...defineOperator({
      functional: 'aten::div.Scalar_mode(Tensor self, Scalar other, *, str? rounding_mode) -> Tensor',
      out: 'aten::div.Scalar_mode_out(Tensor self, Scalar other, *, str? rounding_mode, Tensor(a!) out) -> Tensor(a!)',
      infer: (args) => divModeMeta(args, tensorScalarOperands(args)),
      compute: (args, [out]) => divModeCompute(args, args.tensor('self'), scalarTensor(args.float('other'), out!.dtype), out!),
    }),
  ];
}
