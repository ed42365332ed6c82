/**
 * `executorch_prim::et_view.default`, the view ExecuTorch's `remove_view_copy` pass leaves for
 * views it cannot plan away (dynamic shapes). It copies nothing: the result shares the input's
 * storage with new sizes (at most one -1, inferred). In ExecuTorch the kernel resizes the out
 * tensor and re-points its data pointer at the input's (`kernels/prim_ops/et_view.cpp`); here the
 * result is `self.reshaped(sizes)`, a new `Tensor` over the same storage, and a runtime executes the
 * KernelCall by storing that tensor in the out EValue slot (replacing the tensor object there
 * rather than copying into its planned memory), so later readers of the slot see the input's data.
 */

import type { TensorMeta } from '../../ir/meta.js';
import { tensorMeta } from '../../ir/meta.js';
import { type Dim, divDim, dimEquals, dimToString, numelDims, shapeToString } from '../../ir/sym.js';
import { numelOf } from '../../kernels/tensor.js';
import { type OperatorDefinition, defineCustomOperator } from '../definition.js';
import type { MetaArgs } from '../meta-args.js';
import type { RuntimeArgs } from '../runtime-args.js';

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

function inferView(args: MetaArgs): TensorMeta[] {
  const self = args.tensor('self');
  const sizes = args.dims('size');
  let numel: Dim;
  try {
    numel = numelDims(self.shape);
  } catch {
    return args.fail(`cannot view ${shapeToString(self.shape)}: its element count is not affine in one symbol`);
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
    if (quotient === undefined) args.fail(`cannot view ${shapeToString(self.shape)} as ${shapeToString(sizes)}: ${dimToString(numel)} is not a multiple of ${dimToString(known)}`);
    result[inferred] = quotient;
  }
  let viewNumel: Dim | undefined;
  try {
    viewNumel = numelDims(result);
  } catch {
    viewNumel = undefined;
  }
  if (viewNumel === undefined || !dimEquals(viewNumel, numel)) {
    args.fail(`cannot view ${shapeToString(self.shape)} as ${shapeToString(result)}: element counts differ`);
  }
  return [tensorMeta(self.dtype, result)];
}

function evaluateView(args: RuntimeArgs) {
  const self = args.tensor('self');
  const sizes = args.ints('size');
  const inferred = sizes.indexOf(-1);
  if (inferred >= 0) {
    const known = numelOf(sizes.filter((_, i) => i !== inferred));
    if (known === 0 || self.numel % known !== 0) args.fail(`cannot view [${self.shape.join(', ')}] as [${sizes.join(', ')}]`);
    sizes[inferred] = self.numel / known;
  }
  if (sizes.some((d) => d < 0) || numelOf(sizes) !== self.numel) {
    args.fail(`cannot view [${self.shape.join(', ')}] (${self.numel} elements) as [${sizes.join(', ')}]`);
  }
  return [self.reshaped(sizes)];
}

/** `executorch_prim::et_view.default`. */
export function viewOperators(): OperatorDefinition[] {
  return [
    defineCustomOperator('executorch_prim::et_view.default(Tensor(a) self, int[] size) -> Tensor(a)', 'functional', {
      inferMeta: inferView,
      evaluate: evaluateView,
    }),
  ];
}
