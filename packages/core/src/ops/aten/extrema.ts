/**
 * Elementwise extrema: `minimum`/`maximum` (and their `max.other`/`min.other` spellings) of two
 * tensors and `clamp` between optional Scalar or tensor bounds, in the promoted dtype. NaN
 * propagates, as in torch.
 */

import { tensorMeta, type TensorMeta } from '../../ir/meta.js';
import { mapBinary, mapUnary } from '../../kernels/broadcast.js';
import { Tensor } from '../../kernels/tensor.js';
import { ScalarType } from '../../scalar-type.js';
import { type OperatorDefinition, defineOperator } from '../definition.js';
import type { MetaArgs } from '../meta-args.js';
import type { RuntimeArgs } from '../runtime-args.js';
import { type PromotionOperand, resultType } from '../shape-rules.js';
import { broadcastOf, scalarKind, scalarTensor, tensorTensorOperands } from './operands.js';

const minimum = (x: number, y: number) => (x !== x || y !== y ? NaN : x < y ? x : y);
const maximum = (x: number, y: number) => (x !== x || y !== y ? NaN : x > y ? x : y);

function clampMeta(args: MetaArgs): TensorMeta[] {
  const self = args.tensor('self');
  const operands: PromotionOperand[] = [{ tensor: self }];
  for (const bound of ['min', 'max']) if (!args.isNone(bound)) operands.push({ scalar: scalarKind(args, bound) });
  if (operands.length === 1) args.fail('at least one of min and max must be given');
  const dtype = resultType(operands);
  if (dtype === ScalarType.BOOL) args.fail('clamp is not supported for bool tensors');
  return [tensorMeta(dtype, self.shape)];
}

function clampCompute(args: RuntimeArgs, [out]: Tensor[]): void {
  const low = args.optionalFloat('min');
  const high = args.optionalFloat('max');
  if (low === null && high === null) args.fail('at least one of min and max must be given');
  const round = (value: number | null) => (value === null ? null : (scalarTensor(value, out!.dtype).data[0] as number));
  const lower = round(low);
  const upper = round(high);
  mapUnary(args.tensor('self'), out!, (x) => {
    if (x !== x) return x;
    let y = x;
    if (lower !== null && y < lower) y = lower;
    if (upper !== null && y > upper) y = upper;
    return y;
  });
}

function clampTensorMeta(args: MetaArgs): TensorMeta[] {
  const self = args.tensor('self');
  const bounds = ['min', 'max'].map((name) => args.optionalTensor(name)).filter((bound): bound is TensorMeta => bound !== null);
  if (bounds.length === 0) args.fail('at least one of min and max must be given');
  const dtype = resultType([self, ...bounds].map((tensor) => ({ tensor })));
  if (dtype === ScalarType.BOOL) args.fail('clamp is not supported for bool tensors');
  return [tensorMeta(dtype, broadcastOf(args, [self, ...bounds]))];
}

function clampTensorCompute(args: RuntimeArgs, [out]: Tensor[]): void {
  const low = args.optionalTensor('min');
  const high = args.optionalTensor('max');
  if (!low && !high) args.fail('at least one of min and max must be given');
  const self = args.tensor('self');
  // clamp(x, lo, hi) = min(max(x, lo), hi), NaN propagating from any operand.
  if (low && high) {
    const raised = Tensor.zeros(out!.dtype, out!.shape);
    mapBinary(self, low, raised, maximum);
    mapBinary(raised, high, out!, minimum);
  } else if (low) mapBinary(self, low, out!, maximum);
  else mapBinary(self, high!, out!, minimum);
}

/** `minimum`, `maximum`, `max.other`, `min.other` and `clamp` (functional and out; clamp also in place). */
export function extremaOperators(): OperatorDefinition[] {
  return [
    ...defineOperator({
      functional: 'aten::minimum(Tensor self, Tensor other) -> Tensor',
      out: 'aten::minimum.out(Tensor self, Tensor other, *, Tensor(a!) out) -> Tensor(a!)',
      infer: (args) => [tensorTensorOperands(args)],
      compute: (args, [out]) => mapBinary(args.tensor('self'), args.tensor('other'), out!, minimum),
    }),
    ...defineOperator({
      functional: 'aten::maximum(Tensor self, Tensor other) -> Tensor',
      out: 'aten::maximum.out(Tensor self, Tensor other, *, Tensor(a!) out) -> Tensor(a!)',
      infer: (args) => [tensorTensorOperands(args)],
      compute: (args, [out]) => mapBinary(args.tensor('self'), args.tensor('other'), out!, maximum),
    }),
    ...defineOperator({
      functional: 'aten::max.other(Tensor self, Tensor other) -> Tensor',
      out: 'aten::max.out(Tensor self, Tensor other, *, Tensor(a!) out) -> Tensor(a!)',
      infer: (args) => [tensorTensorOperands(args)],
      compute: (args, [out]) => mapBinary(args.tensor('self'), args.tensor('other'), out!, maximum),
    }),
    ...defineOperator({
      functional: 'aten::min.other(Tensor self, Tensor other) -> Tensor',
      out: 'aten::min.out(Tensor self, Tensor other, *, Tensor(a!) out) -> Tensor(a!)',
      infer: (args) => [tensorTensorOperands(args)],
      compute: (args, [out]) => mapBinary(args.tensor('self'), args.tensor('other'), out!, minimum),
    }),
    ...defineOperator({
      functional: 'aten::clamp(Tensor self, Scalar? min=None, Scalar? max=None) -> Tensor',
      out: 'aten::clamp.out(Tensor self, Scalar? min=None, Scalar? max=None, *, Tensor(a!) out) -> Tensor(a!)',
      inplace: 'aten::clamp_(Tensor(a!) self, Scalar? min=None, Scalar? max=None) -> Tensor(a!)',
      infer: clampMeta,
      compute: clampCompute,
    }),
    ...defineOperator({
      functional: 'aten::clamp.Tensor(Tensor self, Tensor? min=None, Tensor? max=None) -> Tensor',
      out: 'aten::clamp.Tensor_out(Tensor self, Tensor? min=None, Tensor? max=None, *, Tensor(a!) out) -> Tensor(a!)',
      infer: clampTensorMeta,
      compute: clampTensorCompute,
    }),
  ];
}
