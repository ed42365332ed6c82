/**
 * Dim reorderings: `permute_copy`, `transpose_copy.int` and `t_copy`, each one strided copy.
 */

import { tensorMeta, type TensorMeta } from '../../ir/meta.js';
import { shapeToString } from '../../ir/sym.js';
import { copyStrided } from '../../kernels/strided-copy.js';
import { type Tensor, stridesOf } from '../../kernels/tensor.js';
import { type OperatorDefinition, defineOperator } from '../definition.js';
import type { MetaArgs } from '../meta-args.js';
import type { RuntimeArgs } from '../runtime-args.js';
import { type Failing, wrapDimension } from './dims.js';
import { requireSameDtype } from './operands.js';

/** The permutation each operator applies, validated: `order[i]` is the source dim of out dim i. */
type OrderOf = (args: MetaArgs | RuntimeArgs, rank: number) => number[];

function checkedPermutation(where: Failing, dims: readonly number[], rank: number): number[] {
  if (dims.length !== rank) where.fail(`dims [${dims.join(', ')}] must list all ${rank} dims`);
  const order = dims.map((d) => wrapDimension(where, d, rank));
  if (new Set(order).size !== order.length) where.fail(`dims [${dims.join(', ')}] repeat a dim`);
  return order;
}

const permuteOrder: OrderOf = (args, rank) => checkedPermutation(args, args.ints('dims'), rank);

const transposeOrder: OrderOf = (args, rank) => {
  const order = Array.from({ length: rank }, (_, i) => i);
  if (rank === 0) {
    wrapDimension(args, args.int('dim0'), rank);
    wrapDimension(args, args.int('dim1'), rank);
    return order;
  }
  const a = wrapDimension(args, args.int('dim0'), rank);
  const b = wrapDimension(args, args.int('dim1'), rank);
  order[a] = b;
  order[b] = a;
  return order;
};

const matrixTransposeOrder: OrderOf = (args, rank) => {
  if (rank > 2) args.fail(`expects a tensor of rank <= 2, got rank ${rank}`);
  return rank === 2 ? [1, 0] : Array.from({ length: rank }, (_, i) => i);
};

function permuteFamily(functional: string, out: string, orderOf: OrderOf): OperatorDefinition[] {
  return defineOperator({
    functional,
    out,
    infer(args): TensorMeta[] {
      const self = args.tensor('self');
      const order = orderOf(args, self.shape.length);
      if (order.length !== self.shape.length) args.fail(`cannot permute ${shapeToString(self.shape)}`);
      return [tensorMeta(self.dtype, order.map((d) => self.shape[d]!))];
    },
    compute(args, [out]: Tensor[]) {
      const self = args.tensor('self');
      requireSameDtype(args, self, out!);
      const order = orderOf(args, self.rank);
      const strides = stridesOf(self.shape);
      copyStrided(self.data, 0, order.map((d) => strides[d]!), out!.shape, out!.data);
    },
  });
}

/** `permute_copy`, `transpose_copy.int`, `t_copy` (functional and out). */
export function permuteOperators(): OperatorDefinition[] {
  return [
    ...permuteFamily('aten::permute_copy(Tensor self, int[] dims) -> Tensor', 'aten::permute_copy.out(Tensor self, int[] dims, *, Tensor(a!) out) -> Tensor(a!)', permuteOrder),
    ...permuteFamily(
      'aten::transpose_copy.int(Tensor self, int dim0, int dim1) -> Tensor',
      'aten::transpose_copy.int_out(Tensor self, int dim0, int dim1, *, Tensor(a!) out) -> Tensor(a!)',
      transposeOrder,
    ),
    ...permuteFamily('aten::t_copy(Tensor self) -> Tensor', 'aten::t_copy.out(Tensor self, *, Tensor(a!) out) -> Tensor(a!)', matrixTransposeOrder),
  ];
}
