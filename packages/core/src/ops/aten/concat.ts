/**
 * Joining tensors along a dim: `cat` (sizes add up; torch's legacy 1-D empty tensors are skipped)
 * and `stack` (a new dim). Inputs of other dtypes are converted to the promoted out dtype.
 */

import { tensorMeta, type TensorMeta } from '../../ir/meta.js';
import { type Dim, addDims, dimEquals, shapeEquals, shapeToString } from '../../ir/sym.js';
import { convertInto } from '../../kernels/convert.js';
import { Tensor } from '../../kernels/tensor.js';
import { type OperatorDefinition, defineOperator } from '../definition.js';
import type { MetaArgs } from '../meta-args.js';
import type { RuntimeArgs } from '../runtime-args.js';
import { resultType } from '../shape-rules.js';
import { splitAround, wrapDimension } from './dims.js';

/** torch skips 1-D tensors of size 0 in `cat` whatever their shape. */
function isLegacyEmpty(shape: readonly Dim[]): boolean {
  return shape.length === 1 && shape[0] === 0;
}

function catMeta(args: MetaArgs): TensorMeta[] {
  const all = args.tensorList('tensors');
  if (all.length === 0) args.fail('expects a non-empty list of tensors');
  const dtype = resultType(all.map((tensor) => ({ tensor })));
  const tensors = all.filter((t) => !isLegacyEmpty(t.shape));
  if (tensors.length === 0) return [tensorMeta(dtype, [0])];
  const first = tensors[0]!;
  if (first.shape.length === 0) args.fail('zero-dimensional tensors cannot be concatenated');
  const dim = wrapDimension(args, args.int('dim'), first.shape.length);
  let total: Dim = 0;
  for (const tensor of tensors) {
    const same = tensor.shape.length === first.shape.length && tensor.shape.every((d, i) => i === dim || dimEquals(d, first.shape[i]!));
    if (!same) args.fail(`shapes ${tensors.map((t) => shapeToString(t.shape)).join(', ')} differ outside dim ${dim}`);
    try {
      total = addDims(total, tensor.shape[dim]!);
    } catch {
      return args.fail(`sizes along dim ${dim} mix different symbols`);
    }
  }
  const shape = [...first.shape];
  shape[dim] = total;
  return [tensorMeta(dtype, shape)];
}

/** Copies each input into its block of `out` along `dim` (`[outer, size, inner]` blocks). */
function concatenate(tensors: readonly Tensor[], dim: number, out: Tensor, sizes: readonly number[]): void {
  const [outer, total, inner] = splitAround(out.shape, dim);
  const target = out.data as Float64Array;
  let offset = 0;
  tensors.forEach((tensor, i) => {
    let source = tensor;
    if (tensor.dtype !== out.dtype) {
      source = Tensor.zeros(out.dtype, tensor.shape);
      convertInto(tensor, source);
    }
    const data = source.data as Float64Array;
    const block = sizes[i]! * inner;
    for (let o = 0; o < outer; o++) target.set(data.subarray(o * block, (o + 1) * block), (o * total + offset) * inner);
    offset += sizes[i]!;
  });
}

function catCompute(args: RuntimeArgs, [out]: Tensor[]): void {
  const tensors = args.tensorList('tensors').filter((t) => !(t.rank === 1 && t.numel === 0));
  if (tensors.length === 0) return;
  const dim = wrapDimension(args, args.int('dim'), tensors[0]!.rank);
  concatenate(tensors, dim, out!, tensors.map((t) => t.shape[dim]!));
}

function stackMeta(args: MetaArgs): TensorMeta[] {
  const tensors = args.tensorList('tensors');
  if (tensors.length === 0) args.fail('expects a non-empty list of tensors');
  const first = tensors[0]!;
  for (const tensor of tensors) {
    if (!shapeEquals(tensor.shape, first.shape)) args.fail(`expects tensors of equal shape, got ${tensors.map((t) => shapeToString(t.shape)).join(', ')}`);
  }
  const dim = wrapDimension(args, args.int('dim'), first.shape.length + 1);
  const shape: Dim[] = [...first.shape];
  shape.splice(dim, 0, tensors.length);
  return [tensorMeta(resultType(tensors.map((tensor) => ({ tensor }))), shape)];
}

function stackCompute(args: RuntimeArgs, [out]: Tensor[]): void {
  const tensors = args.tensorList('tensors');
  const dim = wrapDimension(args, args.int('dim'), tensors[0]!.rank + 1);
  concatenate(tensors, dim, out!, tensors.map(() => 1));
}

/** `cat` and `stack` (functional and out). */
export function concatOperators(): OperatorDefinition[] {
  return [
    ...defineOperator({
      functional: 'aten::cat(Tensor[] tensors, int dim=0) -> Tensor',
      out: 'aten::cat.out(Tensor[] tensors, int dim=0, *, Tensor(a!) out) -> Tensor(a!)',
      infer: catMeta,
      compute: catCompute,
    }),
    ...defineOperator({
      functional: 'aten::stack(Tensor[] tensors, int dim=0) -> Tensor',
      out: 'aten::stack.out(Tensor[] tensors, int dim=0, *, Tensor(a!) out) -> Tensor(a!)',
      infer: stackMeta,
      compute: stackCompute,
    }),
  ];
}
