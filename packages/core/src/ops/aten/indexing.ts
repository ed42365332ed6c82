/**
 * Integer indexing: `index.Tensor` (advanced indexing with optional None slices), `index_put`
 * (its assignment form, functional, in place and out; how static KV caches are updated:
 * `cache[:, :, cache_position] = k`), `index_select` and `gather`. Bool mask indices are not
 * supported: their result size depends on the data. Every index is range-checked.
 */

import { tensorMeta, type TensorMeta } from '../../ir/meta.js';
import { type Dim, dimEquals, shapeToString } from '../../ir/sym.js';
import { readNumbers, writeNumbers } from '../../kernels/access.js';
import { advancedIndexShape, planAdvancedIndex } from '../../kernels/advanced-index.js';
import { broadcastIndex } from '../../kernels/broadcast.js';
import { checkRowIndices, indexedRowDim, putRows } from '../../kernels/index-rows.js';
import { convertInto } from '../../kernels/convert.js';
import { Tensor } from '../../kernels/tensor.js';
import { scalarTypeName } from '../../scalar-type.js';
import { type OperatorDefinition, defineOperator } from '../definition.js';
import type { MetaArgs } from '../meta-args.js';
import type { RuntimeArgs } from '../runtime-args.js';
import { broadcastShapes } from '../shape-rules.js';
import { splitAround, wrapDimension } from './dims.js';
import { isIndexType } from './embedding.js';
import { requireSameDtype } from './operands.js';

function checkIndices(args: MetaArgs, rank: number, indices: readonly (TensorMeta | null)[]): Dim[] {
  if (indices.length > rank) args.fail(`too many indices (${indices.length}) for a tensor of rank ${rank}`);
  const tensors = indices.filter((i): i is TensorMeta => i !== null);
  if (tensors.length === 0) args.fail('needs at least one index tensor');
  let broadcast: Dim[] = [];
  for (const index of tensors) {
    if (!isIndexType(index.dtype)) args.fail(`index tensors must be int64 or int32, got ${scalarTypeName(index.dtype)} (bool masks are not supported)`);
    try {
      broadcast = broadcastShapes(broadcast, index.shape);
    } catch {
      args.fail(`index shapes ${tensors.map((t) => shapeToString(t.shape)).join(', ')} do not broadcast`);
    }
  }
  return broadcast;
}

function indexedShape(args: MetaArgs): Dim[] {
  const self = args.tensor('self');
  const indices = args.optionalTensorList('indices');
  const broadcast = checkIndices(args, self.shape.length, indices);
  return advancedIndexShape<Dim>(self.shape, indices.map((i) => (i ? i.shape : null)), broadcast);
}

/** The run-time plan: which element of `self` each indexed position refers to. */
function runtimePlan(args: RuntimeArgs, self: Tensor) {
  const indices = args.optionalTensorList('indices');
  if (indices.length > self.rank) args.fail(`too many indices (${indices.length}) for a tensor of rank ${self.rank}`);
  let broadcast: number[] = [];
  for (const index of indices) {
    if (!index) continue;
    if (!isIndexType(index.dtype)) args.fail(`index tensors must be int64 or int32, got ${scalarTypeName(index.dtype)}`);
    broadcast = broadcastShapes(broadcast, index.shape) as number[];
  }
  return planAdvancedIndex(self.shape, indices, broadcast, (message) => args.fail(message));
}

function indexCompute(args: RuntimeArgs, [out]: Tensor[]): void {
  const self = args.tensor('self');
  requireSameDtype(args, self, out!);
  const { offsets } = runtimePlan(args, self);
  const source = self.data as Float64Array;
  const target = out!.data as Float64Array;
  for (let i = 0; i < offsets.length; i++) target[i] = source[offsets[i]!]!;
}

function indexPutMeta(args: MetaArgs): TensorMeta[] {
  const self = args.tensor('self');
  const values = args.tensor('values');
  const shape = indexedShape(args);
  let broadcast: Dim[] | undefined;
  try {
    broadcast = broadcastShapes(shape, values.shape);
  } catch {
    broadcast = undefined;
  }
  if (!broadcast || broadcast.length !== shape.length || !broadcast.every((d, i) => dimEquals(d, shape[i]!))) {
    args.fail(`values ${shapeToString(values.shape)} do not broadcast to the indexed shape ${shapeToString(shape)}`);
  }
  return [tensorMeta(self.dtype, self.shape)];
}

function indexPutCompute(args: RuntimeArgs, [out]: Tensor[]): void {
  const self = args.tensor('self');
  requireSameDtype(args, self, out!);
  let values = args.tensor('values');
  if (values.dtype !== out!.dtype) {
    const converted = Tensor.zeros(out!.dtype, values.shape);
    convertInto(values, converted);
    values = converted;
  }
  const indices = args.optionalTensorList('indices');
  const rowDim = args.bool('accumulate') ? -1 : indexedRowDim(self.shape, indices, values.shape);
  if (rowDim >= 0 && isIndexType(indices[rowDim]!.dtype)) {
    checkRowIndices(indices[rowDim]!, self.shape[rowDim]!, rowDim, (message) => args.fail(message));
    if (out !== self && out!.data !== self.data) out!.bytes.set(self.bytes);
    putRows(out!.data, out!.shape, rowDim, indices[rowDim]!, values.data);
    return;
  }
  const { shape, offsets } = runtimePlan(args, self);
  if (out !== self && out!.data !== self.data) out!.bytes.set(self.bytes);
  const target = out!.data as Float64Array;
  const source = values.data as Float64Array;
  const map = broadcastIndex(values.shape, shape);
  if (args.bool('accumulate')) {
    const sums = readNumbers(values);
    const current = readNumbers(out!);
    const result = Float64Array.from(current);
    for (let i = 0; i < offsets.length; i++) result[offsets[i]!] += sums[map[i]!]!;
    writeNumbers(out!, result);
    return;
  }
  for (let i = 0; i < offsets.length; i++) target[offsets[i]!] = source[map[i]!]!;
}

function indexSelectMeta(args: MetaArgs): TensorMeta[] {
  const self = args.tensor('self');
  const index = args.tensor('index');
  if (!isIndexType(index.dtype)) args.fail(`index must be int64 or int32, got ${scalarTypeName(index.dtype)}`);
  if (index.shape.length > 1) args.fail(`index must be 0-D or 1-D, got ${shapeToString(index.shape)}`);
  if (self.shape.length === 0) return [tensorMeta(self.dtype, index.shape.length ? [index.shape[0]!] : [])];
  const dim = wrapDimension(args, args.int('dim'), self.shape.length);
  const shape = [...self.shape];
  shape[dim] = index.shape[0] ?? 1;
  return [tensorMeta(self.dtype, shape)];
}

function indexSelectCompute(args: RuntimeArgs, [out]: Tensor[]): void {
  const self = args.tensor('self');
  requireSameDtype(args, self, out!);
  const dim = wrapDimension(args, args.int('dim'), self.rank);
  const [outer, size, inner] = splitAround(self.shape, dim);
  const picks = readNumbers(args.tensor('index'));
  const source = self.data as Float64Array;
  const target = out!.data as Float64Array;
  for (let k = 0; k < picks.length; k++) {
    const pick = picks[k]!;
    if (pick < -size || pick >= size) args.fail(`index ${pick} is out of range for dim ${dim} of size ${size}`);
    const row = pick < 0 ? pick + size : pick;
    for (let o = 0; o < outer; o++) {
      target.set(source.subarray((o * size + row) * inner, (o * size + row + 1) * inner), (o * picks.length + k) * inner);
    }
  }
}

function gatherMeta(args: MetaArgs): TensorMeta[] {
  const self = args.tensor('self');
  const index = args.tensor('index');
  if (!isIndexType(index.dtype)) args.fail(`index must be int64 or int32, got ${scalarTypeName(index.dtype)}`);
  if (index.shape.length !== self.shape.length && !(self.shape.length === 0 && index.shape.length <= 1)) {
    args.fail(`index ${shapeToString(index.shape)} must have the rank of self ${shapeToString(self.shape)}`);
  }
  wrapDimension(args, args.int('dim'), self.shape.length);
  return [tensorMeta(self.dtype, index.shape)];
}

function gatherCompute(args: RuntimeArgs, [out]: Tensor[]): void {
  const self = args.tensor('self');
  const index = args.tensor('index');
  requireSameDtype(args, self, out!);
  const dim = wrapDimension(args, args.int('dim'), self.rank);
  const [, size, selfInner] = splitAround(self.shape, dim);
  const [outer, length, inner] = splitAround(index.shape, dim);
  const selfOuterStride = size * selfInner;
  const picks = readNumbers(index);
  const source = self.data as Float64Array;
  const target = out!.data as Float64Array;
  // torch requires index.size(d) <= self.size(d) for d != dim; positions map by coordinates.
  const innerShape = index.shape.slice(dim + 1);
  const selfInnerStrides = self.shape.slice(dim + 1).map((_, d, all) => all.slice(d + 1).reduce((a, b) => a * b, 1));
  const outerShape = index.shape.slice(0, dim);
  const selfOuterStrides = self.shape.slice(0, dim).map((_, d, all) => all.slice(d + 1).reduce((a, b) => a * b, 1) * selfOuterStride);
  for (let o = 0; o < outer; o++) {
    let outerOffset = 0;
    for (let d = outerShape.length - 1, rest = o; d >= 0; d--) {
      outerOffset += (rest % outerShape[d]!) * selfOuterStrides[d]!;
      rest = Math.floor(rest / outerShape[d]!);
    }
    for (let i = 0; i < inner; i++) {
      let innerOffset = 0;
      for (let d = innerShape.length - 1, rest = i; d >= 0; d--) {
        innerOffset += (rest % innerShape[d]!) * selfInnerStrides[d]!;
        rest = Math.floor(rest / innerShape[d]!);
      }
      for (let k = 0; k < length; k++) {
        const at = (o * length + k) * inner + i;
        const pick = picks[at]!;
        if (pick < -size || pick >= size) args.fail(`index ${pick} is out of range for dim ${dim} of size ${size}`);
        target[at] = source[outerOffset + (pick < 0 ? pick + size : pick) * selfInner + innerOffset]!;
      }
    }
  }
}

/** `index.Tensor`, `index_put` (functional, in place, out), `index_select`, `gather`. */
export function indexingOperators(): OperatorDefinition[] {
  return [
    ...defineOperator({
      functional: 'aten::index.Tensor(Tensor self, Tensor?[] indices) -> Tensor',
      out: 'aten::index.Tensor_out(Tensor self, Tensor?[] indices, *, Tensor(a!) out) -> Tensor(a!)',
      infer: (args) => [tensorMeta(args.tensor('self').dtype, indexedShape(args))],
      compute: indexCompute,
    }),
    ...defineOperator({
      functional: 'aten::index_put(Tensor self, Tensor?[] indices, Tensor values, bool accumulate=False) -> Tensor',
      out: 'aten::index_put.out(Tensor self, Tensor?[] indices, Tensor values, bool accumulate=False, *, Tensor(a!) out) -> Tensor(a!)',
      inplace: 'aten::index_put_(Tensor(a!) self, Tensor?[] indices, Tensor values, bool accumulate=False) -> Tensor(a!)',
      infer: indexPutMeta,
      compute: indexPutCompute,
    }),
    ...defineOperator({
      functional: 'aten::index_select(Tensor self, int dim, Tensor index) -> Tensor',
      out: 'aten::index_select.out(Tensor self, int dim, Tensor index, *, Tensor(a!) out) -> Tensor(a!)',
      infer: indexSelectMeta,
      compute: indexSelectCompute,
    }),
    ...defineOperator({
      functional: 'aten::gather(Tensor self, int dim, Tensor index, *, bool sparse_grad=False) -> Tensor',
      out: 'aten::gather.out(Tensor self, int dim, Tensor index, *, bool sparse_grad=False, Tensor(a!) out) -> Tensor(a!)',
      infer: gatherMeta,
      compute: gatherCompute,
    }),
  ];
}
