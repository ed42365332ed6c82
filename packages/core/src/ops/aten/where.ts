/**
 * Selection by a boolean mask: `where.self` (elements of `self` where `condition`, else of
 * `other`, all three broadcast, result in the promoted dtype) and `masked_fill.Scalar` (a Scalar
 * where `mask`, the mask broadcast to `self`'s shape). Attention masks are built from these.
 */

import { tensorMeta, type TensorMeta } from '../../ir/meta.js';
import { dimEquals, shapeToString } from '../../ir/sym.js';
import { mapBinary, mapTernary } from '../../kernels/broadcast.js';
import type { Tensor } from '../../kernels/tensor.js';
import { ScalarType, scalarTypeName } from '../../scalar-type.js';
import { type OperatorDefinition, defineOperator } from '../definition.js';
import type { MetaArgs } from '../meta-args.js';
import type { RuntimeArgs } from '../runtime-args.js';
import { resultType } from '../shape-rules.js';
import { broadcastOf, scalarTensor } from './operands.js';

function checkCondition(where: { fail(message: string): never }, dtype: ScalarType, name: string): void {
  if (dtype !== ScalarType.BOOL && dtype !== ScalarType.BYTE) where.fail(`${name} must be a bool tensor, got ${scalarTypeName(dtype)}`);
}

function whereMeta(args: MetaArgs): TensorMeta[] {
  const condition = args.tensor('condition');
  const self = args.tensor('self');
  const other = args.tensor('other');
  checkCondition(args, condition.dtype, 'condition');
  return [tensorMeta(resultType([{ tensor: self }, { tensor: other }]), broadcastOf(args, [condition, self, other]))];
}

function sameShape(a: Tensor, b: Tensor): boolean {
  if (a.rank !== b.rank) return false;
  for (let d = 0; d < a.rank; d++) if (a.shape[d] !== b.shape[d]) return false;
  return true;
}

/** How a float32 fast path walks an operand: 1 when it has the output's shape, 0 for a single element it broadcasts, -1 otherwise. */
function elementStep(operand: Tensor, out: Tensor): number {
  if (sameShape(operand, out)) return 1;
  return operand.numel === 1 ? 0 : -1;
}

function whereCompute(args: RuntimeArgs, [out]: Tensor[]): void {
  const condition = args.tensor('condition');
  const self = args.tensor('self');
  const other = args.tensor('other');
  checkCondition(args, condition.dtype, 'condition');
  if (out!.dtype === ScalarType.FLOAT && self.dtype === ScalarType.FLOAT && other.dtype === ScalarType.FLOAT) {
    // Same-shaped operands or broadcast single elements (`where(mask, 0, -inf)`): one straight loop.
    const sc = elementStep(condition, out!);
    const sx = elementStep(self, out!);
    const sy = elementStep(other, out!);
    if (sc >= 0 && sx >= 0 && sy >= 0) {
      const c = condition.data as Uint8Array;
      const x = self.data as Float32Array;
      const y = other.data as Float32Array;
      const o = out!.data as Float32Array;
      for (let i = 0; i < o.length; i++) o[i] = c[i * sc] ? x[i * sx]! : y[i * sy]!;
      return;
    }
  }
  mapTernary(condition, self, other, out!, (c, x, y) => (c ? x : y));
}

function maskedFillMeta(args: MetaArgs): TensorMeta[] {
  const self = args.tensor('self');
  const mask = args.tensor('mask');
  checkCondition(args, mask.dtype, 'mask');
  const shape = broadcastOf(args, [self, mask]);
  if (shape.length !== self.shape.length || !shape.every((d, i) => dimEquals(d, self.shape[i]!))) {
    args.fail(`mask ${shapeToString(mask.shape)} does not broadcast to self ${shapeToString(self.shape)}`);
  }
  return [tensorMeta(self.dtype, self.shape)];
}

function maskedFillCompute(args: RuntimeArgs, [out]: Tensor[]): void {
  const self = args.tensor('self');
  const mask = args.tensor('mask');
  checkCondition(args, mask.dtype, 'mask');
  // In-place calls skip shape inference, so the broadcast is checked here too.
  const fits = mask.rank <= self.rank && mask.shape.every((d, i) => d === 1 || d === self.shape[self.rank - mask.rank + i]);
  if (!fits) args.fail(`mask [${mask.shape.join(', ')}] does not broadcast to self [${self.shape.join(', ')}]`);
  const fill = scalarTensor(args.float('value'), self.dtype);
  const value = fill.data[0] as number;
  mapBinary(self, mask, out!, (x, m) => (m ? value : x));
}

/** `where.self` and `masked_fill.Scalar` (functional, out; masked_fill also in place). */
export function whereOperators(): OperatorDefinition[] {
  return [
    ...defineOperator({
      functional: 'aten::where.self(Tensor condition, Tensor self, Tensor other) -> Tensor',
      out: 'aten::where.self_out(Tensor condition, Tensor self, Tensor other, *, Tensor(a!) out) -> Tensor(a!)',
      infer: whereMeta,
      compute: whereCompute,
    }),
    ...defineOperator({
      functional: 'aten::masked_fill.Scalar(Tensor self, Tensor mask, Scalar value) -> Tensor',
      out: 'aten::masked_fill.Scalar_out(Tensor self, Tensor mask, Scalar value, *, Tensor(a!) out) -> Tensor(a!)',
      inplace: 'aten::masked_fill_.Scalar(Tensor(a!) self, Tensor mask, Scalar value) -> Tensor(a!)',
      infer: maskedFillMeta,
      compute: maskedFillCompute,
    }),
  ];
}
