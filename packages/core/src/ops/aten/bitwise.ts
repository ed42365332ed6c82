/**
 * `bitwise_and`/`bitwise_or`/`bitwise_xor` of integer or bool tensors (with a tensor or an int
 * Scalar). Operands are combined as BigInts in two's complement; values travel through the shared
 * elementwise loop as JavaScript numbers, so int64 results are exact within ±2^53.
 */

import { tensorMeta, type TensorMeta } from '../../ir/meta.js';
import { mapBinary } from '../../kernels/broadcast.js';
import type { Tensor } from '../../kernels/tensor.js';
import { ScalarType, isIntegralType, scalarTypeName } from '../../scalar-type.js';
import { type OperatorDefinition, defineOperator } from '../definition.js';
import type { MetaArgs } from '../meta-args.js';
import { scalarTensor, tensorScalarOperands, tensorTensorOperands } from './operands.js';

type Bitwise = (x: bigint, y: bigint) => bigint;

const OPERATIONS: [string, Bitwise][] = [
  ['bitwise_and', (x, y) => x & y],
  ['bitwise_or', (x, y) => x | y],
  ['bitwise_xor', (x, y) => x ^ y],
];

function integralOnly(args: MetaArgs, meta: TensorMeta): TensorMeta[] {
  if (!isIntegralType(meta.dtype, true)) args.fail(`needs integer or bool tensors, got ${scalarTypeName(meta.dtype)}`);
  return [tensorMeta(meta.dtype, meta.shape)];
}

function combine(self: Tensor, other: Tensor, out: Tensor, operation: Bitwise): void {
  const small = out.dtype !== ScalarType.LONG && out.dtype !== ScalarType.UINT64;
  mapBinary(self, other, out, small ? (x, y) => Number(operation(BigInt(x), BigInt(y))) : (x, y) => Number(BigInt.asIntN(64, operation(BigInt(x), BigInt(y)))));
}

/** The bitwise binary operators (`.Tensor`, `.Scalar` and their outs). */
export function bitwiseOperators(): OperatorDefinition[] {
  return OPERATIONS.flatMap(([name, operation]) => [
    ...defineOperator({
      functional: `aten::${name}.Tensor(Tensor self, Tensor other) -> Tensor`,
      out: `aten::${name}.Tensor_out(Tensor self, Tensor other, *, Tensor(a!) out) -> Tensor(a!)`,
      infer: (args) => integralOnly(args, tensorTensorOperands(args)),
      compute: (args, [out]) => combine(args.tensor('self'), args.tensor('other'), out!, operation),
    }),
    ...defineOperator({
      functional: `aten::${name}.Scalar(Tensor self, Scalar other) -> Tensor`,
      out: `aten::${name}.Scalar_out(Tensor self, Scalar other, *, Tensor(a!) out) -> Tensor(a!)`,
      infer: (args) => integralOnly(args, tensorScalarOperands(args)),
      compute: (args, [out]) => combine(args.tensor('self'), scalarTensor(args.float('other'), out!.dtype), out!, operation),
    }),
  ]);
}
