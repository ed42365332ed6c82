/**
 * Elementwise arithmetic: add, sub, rsub, mul, div with tensor and scalar operands, as torch
 * defines them (type promotion, `alpha` scaling, true division).
 */

import { tensorMeta } from '../../ir/meta.js';
import { mapBinary } from '../../kernels/broadcast.js';
import { Tensor } from '../../kernels/tensor.js';
import { ScalarType, isFloatingType } from '../../scalar-type.js';
import { type OperatorDefinition, defineOperator } from '../definition.js';
import type { MetaArgs } from '../meta-args.js';
import type { RuntimeArgs } from '../runtime-args.js';
import { broadcastShapes, resultType } from '../shape-rules.js';

function tensorTensorMeta(args: MetaArgs) {
  const self = args.tensor('self');
  const other = args.tensor('other');
  return [tensorMeta(resultType([{ tensor: self }, { tensor: other }]), broadcastShapes(self.shape, other.shape))];
}

function tensorScalarMeta(args: MetaArgs) {
  const self = args.tensor('self');
  return [tensorMeta(resultType([{ tensor: self }, { scalar: args.scalarIsFloat('other') ? 'float' : 'int' }]), self.shape)];
}

function trueDivMeta(args: MetaArgs) {
  const [meta] = tensorTensorMeta(args);
  return [tensorMeta(isFloatingType(meta!.dtype) ? meta!.dtype : ScalarType.FLOAT, meta!.shape)];
}

function trueDivScalarMeta(args: MetaArgs) {
  const [meta] = tensorScalarMeta(args);
  return [tensorMeta(isFloatingType(meta!.dtype) ? meta!.dtype : ScalarType.FLOAT, meta!.shape)];
}

/** torch casts a Scalar operand to the computation dtype first (float32 for float32 tensors). */
function scalarOperand(args: RuntimeArgs, out: Tensor): Tensor {
  const value = args.float('other');
  return out.dtype === ScalarType.FLOAT
    ? Tensor.fromArray(ScalarType.FLOAT, [], Float32Array.of(value))
    : Tensor.fromArray(ScalarType.DOUBLE, [], Float64Array.of(value));
}

const fround = Math.fround;

/** Per-dtype rounding of intermediate products, so `a + alpha*b` matches torch in float32. */
function roundFor(out: Tensor): (v: number) => number {
  return out.dtype === ScalarType.FLOAT ? fround : (v) => v;
}

function addCompute(sign: 1 | -1, scalar: boolean) {
  return (args: RuntimeArgs, [out]: Tensor[]) => {
    const other = scalar ? scalarOperand(args, out!) : args.tensor('other');
    const round = roundFor(out!);
    const alpha = sign * round(args.float('alpha'));
    mapBinary(args.tensor('self'), other, out!, alpha === 1 ? (x, y) => x + y : alpha === -1 ? (x, y) => x - y : (x, y) => x + round(alpha * y));
  };
}

/** `other - alpha·self` (torch's `rsub`), with `other` a Scalar. */
function rsubScalarCompute(args: RuntimeArgs, [out]: Tensor[]): void {
  const round = roundFor(out!);
  const alpha = round(args.float('alpha'));
  mapBinary(args.tensor('self'), scalarOperand(args, out!), out!, alpha === 1 ? (x, y) => y - x : (x, y) => y - round(alpha * x));
}

export function arithmeticOperators(): OperatorDefinition[] {
  return [
    ...defineOperator({
      functional: 'aten::add.Tensor(Tensor self, Tensor other, *, Scalar alpha=1) -> Tensor',
      out: 'aten::add.out(Tensor self, Tensor other, *, Scalar alpha=1, Tensor(a!) out) -> Tensor(a!)',
      inplace: 'aten::add_.Tensor(Tensor(a!) self, Tensor other, *, Scalar alpha=1) -> Tensor(a!)',
      infer: tensorTensorMeta,
      compute: addCompute(1, false),
    }),
    ...defineOperator({
      functional: 'aten::add.Scalar(Tensor self, Scalar other, Scalar alpha=1) -> Tensor',
      out: 'aten::add.Scalar_out(Tensor self, Scalar other, Scalar alpha=1, *, Tensor(a!) out) -> Tensor(a!)',
      inplace: 'aten::add_.Scalar(Tensor(a!) self, Scalar other, Scalar alpha=1) -> Tensor(a!)',
      infer: tensorScalarMeta,
      compute: addCompute(1, true),
    }),
    ...defineOperator({
      functional: 'aten::sub.Tensor(Tensor self, Tensor other, *, Scalar alpha=1) -> Tensor',
      out: 'aten::sub.out(Tensor self, Tensor other, *, Scalar alpha=1, Tensor(a!) out) -> Tensor(a!)',
      inplace: 'aten::sub_.Tensor(Tensor(a!) self, Tensor other, *, Scalar alpha=1) -> Tensor(a!)',
      infer: tensorTensorMeta,
      compute: addCompute(-1, false),
    }),
    ...defineOperator({
      functional: 'aten::sub.Scalar(Tensor self, Scalar other, Scalar alpha=1) -> Tensor',
      out: 'aten::sub.Scalar_out(Tensor self, Scalar other, Scalar alpha=1, *, Tensor(a!) out) -> Tensor(a!)',
      inplace: 'aten::sub_.Scalar(Tensor(a!) self, Scalar other, Scalar alpha=1) -> Tensor(a!)',
      infer: tensorScalarMeta,
      compute: addCompute(-1, true),
    }),
    ...defineOperator({
      functional: 'aten::rsub.Scalar(Tensor self, Scalar other, Scalar alpha=1) -> Tensor',
      out: 'aten::rsub.Scalar_out(Tensor self, Scalar other, Scalar alpha=1, *, Tensor(a!) out) -> Tensor(a!)',
      infer: tensorScalarMeta,
      compute: rsubScalarCompute,
    }),
    ...defineOperator({
      functional: 'aten::mul.Tensor(Tensor self, Tensor other) -> Tensor',
      out: 'aten::mul.out(Tensor self, Tensor other, *, Tensor(a!) out) -> Tensor(a!)',
      inplace: 'aten::mul_.Tensor(Tensor(a!) self, Tensor other) -> Tensor(a!)',
      infer: tensorTensorMeta,
      compute: (args, [out]) => mapBinary(args.tensor('self'), args.tensor('other'), out!, (x, y) => x * y),
    }),
    ...defineOperator({
      functional: 'aten::mul.Scalar(Tensor self, Scalar other) -> Tensor',
      out: 'aten::mul.Scalar_out(Tensor self, Scalar other, *, Tensor(a!) out) -> Tensor(a!)',
      inplace: 'aten::mul_.Scalar(Tensor(a!) self, Scalar other) -> Tensor(a!)',
      infer: tensorScalarMeta,
      compute: (args, [out]) => mapBinary(args.tensor('self'), scalarOperand(args, out!), out!, (x, y) => x * y),
    }),
    ...defineOperator({
      functional: 'aten::div.Tensor(Tensor self, Tensor other) -> Tensor',
      out: 'aten::div.out(Tensor self, Tensor other, *, Tensor(a!) out) -> Tensor(a!)',
      inplace: 'aten::div_.Tensor(Tensor(a!) self, Tensor other) -> Tensor(a!)',
      infer: trueDivMeta,
      compute: (args, [out]) => mapBinary(args.tensor('self'), args.tensor('other'), out!, (x, y) => x / y),
    }),
    ...defineOperator({
      functional: 'aten::div.Scalar(Tensor self, Scalar other) -> Tensor',
      out: 'aten::div.Scalar_out(Tensor self, Scalar other, *, Tensor(a!) out) -> Tensor(a!)',
      inplace: 'aten::div_.Scalar(Tensor(a!) self, Scalar other) -> Tensor(a!)',
      infer: trueDivScalarMeta,
      compute: (args, [out]) => mapBinary(args.tensor('self'), scalarOperand(args, out!), out!, (x, y) => x / y),
    }),
  ];
}
