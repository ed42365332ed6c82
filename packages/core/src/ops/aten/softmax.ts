/**
 * `_softmax` and `_log_softmax` (what ExecuTorch runs) and their public forms `softmax.int` and
 * `log_softmax.int` (functional only; the portable decompositions rewrite them). Numerically
 * stable: the row maximum is subtracted before exponentiating. For float32 (and half, computed in
 * float32) every step torch rounds is rounded here: `exp(x - max)`, the sum, the quotient.
 */

import { tensorMeta, type TensorMeta } from '../../ir/meta.js';
import type { Tensor } from '../../kernels/tensor.js';
import { ScalarType, isFloatingType, scalarTypeName } from '../../scalar-type.js';
import { type OperatorDefinition, defineOperator } from '../definition.js';
import type { MetaArgs } from '../meta-args.js';
import type { RuntimeArgs } from '../runtime-args.js';
import { splitAround, wrapDimension } from './dims.js';
import { readFloats, writeFloats } from './float-io.js';

function privateMeta(args: MetaArgs): TensorMeta[] {
  const self = args.tensor('self');
  if (!isFloatingType(self.dtype)) args.fail(`needs a floating tensor, got ${scalarTypeName(self.dtype)}`);
  wrapDimension(args, args.int('dim'), self.shape.length);
  const dtype = args.bool('half_to_float') && self.dtype === ScalarType.HALF ? ScalarType.FLOAT : self.dtype;
  return [tensorMeta(dtype, self.shape)];
}

function publicMeta(args: MetaArgs): TensorMeta[] {
  const self = args.tensor('self');
  wrapDimension(args, args.int('dim'), self.shape.length);
  const dtype = args.optionalDtype('dtype') ?? self.dtype;
  if (!isFloatingType(dtype)) args.fail(`needs a floating tensor or dtype, got ${scalarTypeName(dtype)}`);
  return [tensorMeta(dtype, self.shape)];
}

/** Softmax (or log-softmax) of `self` along `dim` into `out`. */
function softmaxInto(args: RuntimeArgs, out: Tensor, logarithm: boolean): void {
  const self = args.tensor('self');
  const [outer, size, inner] = splitAround(self.shape, wrapDimension(args, args.int('dim'), self.rank));
  const x = readFloats(self);
  const round = out.dtype === ScalarType.DOUBLE ? (v: number) => v : Math.fround;
  const exps = new Float64Array(size);
  writeFloats(out, (y) => {
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const base = o * size * inner + i;
        let max = -Infinity;
        for (let k = 0, at = base; k < size; k++, at += inner) {
          const v = x[at]!;
          if (v > max || v !== v) max = v;
        }
        // A row of -inf has max -inf: torch yields NaN there (exp(-inf - -inf)), and so does this.
        let sum = 0;
        for (let k = 0, at = base; k < size; k++, at += inner) {
          const e = round(Math.exp(round(x[at]! - max)));
          exps[k] = e;
          sum += e;
        }
        const total = round(sum);
        if (logarithm) {
          const logSum = round(Math.log(total));
          for (let k = 0, at = base; k < size; k++, at += inner) y[at] = round(x[at]! - max) - logSum;
        } else {
          for (let k = 0, at = base; k < size; k++, at += inner) y[at] = exps[k]! / total;
        }
      }
    }
  });
}

/** `_softmax`, `_log_softmax` (functional and out), `softmax.int` and `log_softmax.int`. */
export function softmaxOperators(): OperatorDefinition[] {
  return [
    ...defineOperator({
      functional: 'aten::_softmax(Tensor self, int dim, bool half_to_float) -> Tensor',
      out: 'aten::_softmax.out(Tensor self, int dim, bool half_to_float, *, Tensor(a!) out) -> Tensor(a!)',
      infer: privateMeta,
      compute: (args, [out]) => softmaxInto(args, out!, false),
    }),
    ...defineOperator({
      functional: 'aten::_log_softmax(Tensor self, int dim, bool half_to_float) -> Tensor',
      out: 'aten::_log_softmax.out(Tensor self, int dim, bool half_to_float, *, Tensor(a!) out) -> Tensor(a!)',
      infer: privateMeta,
      compute: (args, [out]) => softmaxInto(args, out!, true),
    }),
    ...defineOperator({
      functional: 'aten::softmax.int(Tensor self, int dim, ScalarType? dtype=None) -> Tensor',
      infer: publicMeta,
      compute: (args, [out]) => softmaxInto(args, out!, false),
    }),
    ...defineOperator({
      functional: 'aten::log_softmax.int(Tensor self, int dim, ScalarType? dtype=None) -> Tensor',
      infer: publicMeta,
      compute: (args, [out]) => softmaxInto(args, out!, true),
    }),
  ];
}
