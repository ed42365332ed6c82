/**
 * `aten::embedding`: rows of `weight` gathered by integer `indices` (int64 or int32), the result
 * shaped `[...indices.shape, embedding_dim]`. Every row index is range-checked, since token ids
 * come from user input. `padding_idx` only affects gradients, so inference ignores it.
 */

import { tensorMeta, type TensorMeta } from '../../ir/meta.js';
import { shapeToString } from '../../ir/sym.js';
import type { Tensor } from '../../kernels/tensor.js';
import { ScalarType, scalarTypeName } from '../../scalar-type.js';
import { type OperatorDefinition, defineOperator } from '../definition.js';
import type { MetaArgs } from '../meta-args.js';
import type { RuntimeArgs } from '../runtime-args.js';
import { requireSameDtype } from './operands.js';

/** Whether a dtype can hold indices (torch accepts int64 and int32). */
export function isIndexType(dtype: ScalarType): boolean {
  return dtype === ScalarType.LONG || dtype === ScalarType.INT;
}

function embeddingMeta(args: MetaArgs): TensorMeta[] {
  const weight = args.tensor('weight');
  const indices = args.tensor('indices');
  if (weight.shape.length !== 2) args.fail(`weight must be a matrix, got ${shapeToString(weight.shape)}`);
  if (!isIndexType(indices.dtype)) args.fail(`indices must be int64 or int32, got ${scalarTypeName(indices.dtype)}`);
  return [tensorMeta(weight.dtype, [...indices.shape, weight.shape[1]!])];
}

function embeddingCompute(args: RuntimeArgs, [out]: Tensor[]): void {
  const weight = args.tensor('weight');
  const indices = args.tensor('indices');
  requireSameDtype(args, weight, out!);
  if (!isIndexType(indices.dtype)) args.fail(`indices must be int64 or int32, got ${scalarTypeName(indices.dtype)}`);
  const [rows, width] = weight.shape as [number, number];
  const source = weight.data as Float32Array;
  const target = out!.data as Float32Array;
  const ids = indices.data;
  for (let i = 0; i < ids.length; i++) {
    const row = Number(ids[i]!);
    if (row < 0 || row >= rows) args.fail(`index ${row} is out of range for an embedding table of ${rows} rows (at position ${i})`);
    target.set(source.subarray(row * width, (row + 1) * width), i * width);
  }
}

/** `embedding` (functional and out). */
export function embeddingOperators(): OperatorDefinition[] {
  return defineOperator({
    functional: 'aten::embedding(Tensor weight, Tensor indices, SymInt padding_idx=-1, bool scale_grad_by_freq=False, bool sparse=False) -> Tensor',
    out: 'aten::embedding.out(Tensor weight, Tensor indices, SymInt padding_idx=-1, bool scale_grad_by_freq=False, bool sparse=False, *, Tensor(a!) out) -> Tensor(a!)',
    infer: embeddingMeta,
    compute: embeddingCompute,
  });
}
