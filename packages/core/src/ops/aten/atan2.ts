/**
 * `atan2(self, other)`: the angle of the point (other, self), elementwise with broadcasting;
 * integer inputs produce float32, as torch promotes them.
 */

import { tensorMeta } from '../../ir/meta.js';
import { mapBinary } from '../../kernels/broadcast.js';
import { type OperatorDefinition, defineOperator } from '../definition.js';
import { floatResultType } from '../shape-rules.js';
import { tensorTensorOperands } from './operands.js';

/** `atan2` (functional, out and in place). */
export function atan2Operators(): OperatorDefinition[] {
  return defineOperator({
    functional: 'aten::atan2(Tensor self, Tensor other) -> Tensor',
    out: 'aten::atan2.out(Tensor self, Tensor other, *, Tensor(a!) out) -> Tensor(a!)',
    inplace: 'aten::atan2_(Tensor(a!) self, Tensor other) -> Tensor(a!)',
    infer(args) {
      const meta = tensorTensorOperands(args);
      return [tensorMeta(floatResultType(meta.dtype), meta.shape)];
    },
    compute: (args, [out]) => mapBinary(args.tensor('self'), args.tensor('other'), out!, Math.atan2),
  });
}
