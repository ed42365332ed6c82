/**
 * `tril` and `triu`: the lower or upper triangle of the last two dims (relative to `diagonal`),
 * everything else zeroed. Causal masks are built with these.
 */

import { tensorMeta, type TensorMeta } from '../../ir/meta.js';
import { shapeToString } from '../../ir/sym.js';
import { storeValue } from '../../kernels/access.js';
import type { Tensor } from '../../kernels/tensor.js';
import { type OperatorDefinition, defineOperator } from '../definition.js';
import type { MetaArgs } from '../meta-args.js';
import type { RuntimeArgs } from '../runtime-args.js';
import { requireSameDtype } from './operands.js';

function triangleMeta(args: MetaArgs): TensorMeta[] {
  const self = args.tensor('self');
  if (self.shape.length < 2) args.fail(`needs a tensor of rank >= 2, got ${shapeToString(self.shape)}`);
  args.int('diagonal');
  return [tensorMeta(self.dtype, self.shape)];
}

function triangleCompute(lower: boolean) {
  return (args: RuntimeArgs, [out]: Tensor[]): void => {
    const self = args.tensor('self');
    requireSameDtype(args, self, out!);
    const diagonal = args.int('diagonal');
    const rows = self.shape[self.rank - 2]!;
    const columns = self.shape[self.rank - 1]!;
    const source = self.data as Float64Array;
    const target = out!.data as Float64Array;
    const zero = storeValue(out!.dtype, 0) as number;
    for (let base = 0; base < self.numel; base += rows * columns) {
      for (let i = 0; i < rows; i++) {
        for (let j = 0; j < columns; j++) {
          const at = base + i * columns + j;
          const keep = lower ? j - i <= diagonal : j - i >= diagonal;
          target[at] = keep ? source[at]! : zero;
        }
      }
    }
  };
}

/** `tril` and `triu` (functional, out and in place). */
export function triangularOperators(): OperatorDefinition[] {
  return [
    ...defineOperator({
      functional: 'aten::tril(Tensor self, SymInt diagonal=0) -> Tensor',
      out: 'aten::tril.out(Tensor self, SymInt diagonal=0, *, Tensor(a!) out) -> Tensor(a!)',
      inplace: 'aten::tril_(Tensor(a!) self, SymInt diagonal=0) -> Tensor(a!)',
      infer: triangleMeta,
      compute: triangleCompute(true),
    }),
    ...defineOperator({
      functional: 'aten::triu(Tensor self, SymInt diagonal=0) -> Tensor',
      out: 'aten::triu.out(Tensor self, SymInt diagonal=0, *, Tensor(a!) out) -> Tensor(a!)',
      inplace: 'aten::triu_(Tensor(a!) self, SymInt diagonal=0) -> Tensor(a!)',
      infer: triangleMeta,
      compute: triangleCompute(false),
    }),
  ];
}
