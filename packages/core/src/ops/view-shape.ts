/**
 * The shape rule of `view`/`reshape`-style operators: sizes with at most one -1, inferred from the
 * element count, which may be an affine symbolic expression at export time. Shared by
 * `aten::view_copy`, `aten::_unsafe_view` and `executorch_prim::et_view`.
 */

import { type Dim, divDim, dimEquals, dimToString, numelDims, shapeToString } from '../ir/sym.js';
import { numelOf } from '../kernels/tensor.js';
import type { MetaArgs } from './meta-args.js';
import type { RuntimeArgs } from './runtime-args.js';

/** `a / b` as an affine dim, when it is one (b a number, or a multiple-free ratio of one symbol). */
function divideDims(a: Dim, b: Dim): Dim | undefined {
  if (typeof b === 'number') {
    try {
      return divDim(a, b);
    } catch {
      return undefined;
    }
  }
  if (typeof a === 'number' || a.sym !== b.sym || a.coefficient % b.coefficient !== 0) return undefined;
  const ratio = a.coefficient / b.coefficient;
  return a.offset === ratio * b.offset ? ratio : undefined;
}

/** The shape `self` takes when viewed with `sizes` (one -1 allowed), at export time. */
export function inferViewShape(args: MetaArgs, shape: readonly Dim[], sizes: readonly Dim[]): Dim[] {
  let numel: Dim;
  try {
    numel = numelDims(shape);
  } catch {
    return args.fail(`cannot view ${shapeToString(shape)}: its element count is not affine in one symbol`);
  }
  const inferred = sizes.findIndex((d) => d === -1);
  if (sizes.some((d, i) => i !== inferred && typeof d === 'number' && d < 0)) {
    args.fail(`sizes ${shapeToString(sizes)} may contain one -1 and no other negative size`);
  }
  const result = [...sizes];
  if (inferred >= 0) {
    const others = sizes.filter((_, i) => i !== inferred);
    if (others.some((d) => d === 0)) args.fail('cannot infer the -1 dim when another dim is 0');
    let known: Dim;
    try {
      known = numelDims(others);
    } catch {
      return args.fail(`cannot infer the -1 dim of ${shapeToString(sizes)}: the other dims are not affine`);
    }
    const quotient = divideDims(numel, known);
    if (quotient === undefined) args.fail(`cannot view ${shapeToString(shape)} as ${shapeToString(sizes)}: ${dimToString(numel)} is not a multiple of ${dimToString(known)}`);
    result[inferred] = quotient;
  }
  let viewNumel: Dim | undefined;
  try {
    viewNumel = numelDims(result);
  } catch {
    viewNumel = undefined;
  }
  if (viewNumel === undefined || !dimEquals(viewNumel, numel)) {
    args.fail(`cannot view ${shapeToString(shape)} as ${shapeToString(result)}: element counts differ`);
  }
  return result;
}

/** The concrete sizes of a view of `numel` elements at run time (the -1 resolved). */
export function resolveViewSizes(args: RuntimeArgs, shape: readonly number[], requested: readonly number[]): number[] {
  const sizes = [...requested];
  const numel = numelOf(shape);
  const inferred = sizes.indexOf(-1);
  if (inferred >= 0) {
    const known = numelOf(sizes.filter((_, i) => i !== inferred));
    if (known === 0 || numel % known !== 0) args.fail(`cannot view [${shape.join(', ')}] as [${sizes.join(', ')}]`);
    sizes[inferred] = numel / known;
  }
  if (sizes.some((d) => d < 0) || numelOf(sizes) !== numel) {
    args.fail(`cannot view [${shape.join(', ')}] (${numel} elements) as [${sizes.join(', ')}]`);
  }
  return sizes;
}
