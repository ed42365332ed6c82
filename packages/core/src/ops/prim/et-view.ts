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
import { type OperatorDefinition, defineCustomOperator } from '../definition.js';
import type { MetaArgs } from '../meta-args.js';
import type { RuntimeArgs } from '../runtime-args.js';
import { inferViewShape, resolveViewSizes } from '../view-shape.js';

function inferView(args: MetaArgs): TensorMeta[] {
  const self = args.tensor('self');
  return [tensorMeta(self.dtype, inferViewShape(args, self.shape, args.dims('size')))];
}

function evaluateView(args: RuntimeArgs) {
  const self = args.tensor('self');
  return [self.reshaped(resolveViewSizes(args, self.shape, args.ints('size')))];
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
