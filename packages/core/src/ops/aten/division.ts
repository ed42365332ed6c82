/**
 * Rounding divisions: `floor_divide` (quotient rounded toward −∞) and `remainder` (Python's
 * modulo: the result takes the divisor's sign), for tensor and Scalar divisors, in the promoted
 * dtype. Integer division by zero is an error, as in torch; floats follow IEEE (±inf, NaN).
 */

import { tensorMeta } from '../../ir/meta.js';
import { mapBinary } from '../../kernels/broadcast.js';
import type { Tensor } from '../../kernels/tensor.js';
import { ScalarType, isFloatingType } from '../../scalar-type.js';
import { type OperatorDefinition, defineOperator } from '../definition.js';
import type { MetaArgs } from '../meta-args.js';
import type { RuntimeArgs } from '../runtime-args.js';
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

/** `floor_divide` and `remainder` (tensor and Scalar divisors, functional and out). */
export function divisionOperators(): OperatorDefinition[] {
  return [...family('floor_divide', floorDivide, '', 'out', 'Scalar_out'), ...family('remainder', remainder, '.Tensor', 'Tensor_out', 'Scalar_out')];
}
