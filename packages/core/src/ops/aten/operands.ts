/**
 * Operand handling shared by binary elementwise operators: the broadcast shape and promoted dtype
 * of two tensors (or a tensor and a Scalar), and a Scalar turned into a 0-dim tensor of the dtype
 * torch computes in, so one broadcasting loop serves both overloads.
 */

import { tensorMeta, type TensorMeta } from '../../ir/meta.js';
import { type Dim, shapeToString } from '../../ir/sym.js';
import { Tensor } from '../../kernels/tensor.js';
import { ScalarType, isFloatingType, scalarTypeName } from '../../scalar-type.js';
import type { MetaArgs } from '../meta-args.js';
import { broadcastShapes, resultType } from '../shape-rules.js';

/** Broadcast shape of the named tensors, failing with the operator named. */
export function broadcastOf(args: MetaArgs, metas: readonly TensorMeta[]): Dim[] {
  let shape: Dim[] = [];
  for (const meta of metas) {
    try {
      shape = broadcastShapes(shape, meta.shape);
    } catch {
      args.fail(`shapes ${metas.map((m) => shapeToString(m.shape)).join(', ')} do not broadcast`);
    }
  }
  return shape;
}

/** The kind of a Scalar argument for type promotion (a bool stays a bool). */
export function scalarKind(args: MetaArgs, name: string): 'int' | 'float' | 'bool' {
  const value = args.value(name);
  if (value.kind === 'bool') return 'bool';
  if (value.kind === 'unknown_scalar') return value.type;
  return args.scalarIsFloat(name) ? 'float' : 'int';
}

/** `self ∘ other` for two tensors: promoted dtype and broadcast shape. */
export function tensorTensorOperands(args: MetaArgs, left = 'self', right = 'other'): TensorMeta {
  const a = args.tensor(left);
  const b = args.tensor(right);
  return tensorMeta(resultType([{ tensor: a }, { tensor: b }]), broadcastOf(args, [a, b]));
}

/** `self ∘ other` for a tensor and a Scalar: promoted dtype and the tensor's shape. */
export function tensorScalarOperands(args: MetaArgs, tensor = 'self', scalar = 'other'): TensorMeta {
  const a = args.tensor(tensor);
  return tensorMeta(resultType([{ tensor: a }, { scalar: scalarKind(args, scalar) }]), a.shape);
}

/**
 * A Scalar as the 0-dim tensor torch computes with: rounded to float32 when the computation runs
 * in float32 (or half/bfloat16, whose math runs in float32), kept exact otherwise.
 */
export function scalarTensor(value: number, computeDtype: ScalarType): Tensor {
  if (computeDtype === ScalarType.DOUBLE || !isFloatingType(computeDtype)) return Tensor.fromArray(ScalarType.DOUBLE, [], Float64Array.of(value));
  return Tensor.fromArray(ScalarType.FLOAT, [], Float32Array.of(value));
}

/** The runtime dtype two operands compute in (for Scalars: from the run-time value's kind). */
export function computeDtype(left: Tensor, right: Tensor | { scalar: number | boolean }): ScalarType {
  if (right instanceof Tensor) {
    return resultType([{ tensor: { kind: 'tensor', dtype: left.dtype, shape: left.shape } }, { tensor: { kind: 'tensor', dtype: right.dtype, shape: right.shape } }]);
  }
  const kind = typeof right.scalar === 'boolean' ? 'bool' : Number.isInteger(right.scalar) ? 'int' : 'float';
  return resultType([{ tensor: { kind: 'tensor', dtype: left.dtype, shape: left.shape } }, { scalar: kind }]);
}

/** Layout operators move elements without converting them: `out` must have `self`'s dtype. */
export function requireSameDtype(where: { fail(message: string): never }, self: Tensor, out: Tensor): void {
  if (self.dtype !== out.dtype) where.fail(`out must have the dtype of the input (${scalarTypeName(self.dtype)}), got ${scalarTypeName(out.dtype)}`);
}
