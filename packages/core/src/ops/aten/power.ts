/**
 * `pow` with a tensor or Scalar base and exponent, in the promoted dtype. Floating powers use
 * `Math.pow` in float64, rounded once to the out dtype (exact for the squares RMSNorm takes);
 * integer powers stay integers, and a negative integer exponent is an error, as in torch.
 */

import { tensorMeta, type TensorMeta } from '../../ir/meta.js';
import { mapBinary } from '../../kernels/broadcast.js';
import type { Tensor } from '../../kernels/tensor.js';
import { ScalarType, isFloatingType } from '../../scalar-type.js';
import { type OperatorDefinition, defineOperator } from '../definition.js';
import type { MetaArgs } from '../meta-args.js';
import type { RuntimeArgs } from '../runtime-args.js';
import { resultType } from '../shape-rules.js';
import { scalarKind, scalarTensor, tensorTensorOperands } from './operands.js';

function power(args: RuntimeArgs, out: Tensor) {
  if (isFloatingType(out.dtype)) return Math.pow;
  if (out.dtype === ScalarType.BOOL) return (x: number, y: number) => (x !== 0 || y === 0 ? 1 : 0);
  return (x: number, y: number) => {
    if (y < 0) args.fail('integers to negative integer powers are not allowed');
    return Math.pow(x, y);
  };
}

function checkNotBoolResult(args: MetaArgs, meta: TensorMeta): TensorMeta[] {
  if (meta.dtype === ScalarType.BOOL) args.fail('pow of two bools is not supported; convert to an integer dtype first');
  return [meta];
}

/** `pow.Tensor_Tensor`, `pow.Tensor_Scalar`, `pow.Scalar` and their outs. */
export function powerOperators(): OperatorDefinition[] {
  return [
    ...defineOperator({
      functional: 'aten::pow.Tensor_Tensor(Tensor self, Tensor exponent) -> Tensor',
      out: 'aten::pow.Tensor_Tensor_out(Tensor self, Tensor exponent, *, Tensor(a!) out) -> Tensor(a!)',
      infer: (args) => checkNotBoolResult(args, tensorTensorOperands(args, 'self', 'exponent')),
      compute: (args, [out]) => mapBinary(args.tensor('self'), args.tensor('exponent'), out!, power(args, out!)),
    }),
    ...defineOperator({
      functional: 'aten::pow.Tensor_Scalar(Tensor self, Scalar exponent) -> Tensor',
      out: 'aten::pow.Tensor_Scalar_out(Tensor self, Scalar exponent, *, Tensor(a!) out) -> Tensor(a!)',
      infer(args) {
        const self = args.tensor('self');
        return checkNotBoolResult(args, tensorMeta(resultType([{ tensor: self }, { scalar: scalarKind(args, 'exponent') }]), self.shape));
      },
      compute: (args, [out]) => mapBinary(args.tensor('self'), scalarTensor(args.float('exponent'), out!.dtype), out!, power(args, out!)),
    }),
    ...defineOperator({
      functional: 'aten::pow.Scalar(Scalar self, Tensor exponent) -> Tensor',
      out: 'aten::pow.Scalar_out(Scalar self, Tensor exponent, *, Tensor(a!) out) -> Tensor(a!)',
      infer(args) {
        const exponent = args.tensor('exponent');
        return checkNotBoolResult(args, tensorMeta(resultType([{ tensor: exponent }, { scalar: scalarKind(args, 'self') }]), exponent.shape));
      },
      compute: (args, [out]) => mapBinary(scalarTensor(args.float('self'), out!.dtype), args.tensor('exponent'), out!, power(args, out!)),
    }),
  ];
}

