/**
 * `executorch_prim::et_copy_index.tensor`, which ExecuTorch's emitter inserts to stack the
 * per-iteration outputs of `map`/`scan` loops: it grows `copy_to` to `index + 1` rows and copies
 * `copy_from` into row `index` (`kernels/prim_ops/et_copy_index.cpp`). The emitter passes exactly
 * three arguments (copy_to, copy_from, index) and no return slot, hence the `-> ()` schema.
 */

import { type OperatorDefinition, defineCustomOperator } from '../definition.js';
import type { RuntimeArgs } from '../runtime-args.js';

function copyIndex(args: RuntimeArgs): [] {
  const copyTo = args.tensor('copy_to');
  const copyFrom = args.tensor('copy_from');
  const index = args.int('index');
  if (index < 0) args.fail(`index must be non-negative, got ${index}`);
  if (copyTo.dtype !== copyFrom.dtype) args.fail('copy_to and copy_from must have the same dtype');
  if (copyTo.rank !== copyFrom.rank + 1) {
    args.fail(`copy_to has rank ${copyTo.rank}; it must be one more than copy_from's rank ${copyFrom.rank}`);
  }
  copyFrom.shape.forEach((size, i) => {
    if (copyTo.shape[i + 1] !== size) {
      args.fail(`copy_to [${copyTo.shape.join(', ')}] and copy_from [${copyFrom.shape.join(', ')}] differ after the leading dim`);
    }
  });
  copyTo.resize([index + 1, ...copyFrom.shape]);
  copyTo.bytes.set(copyFrom.bytes, index * copyFrom.nbytes);
  return [];
}

/** `executorch_prim::et_copy_index.tensor`. */
export function copyIndexOperators(): OperatorDefinition[] {
  return [
    defineCustomOperator('executorch_prim::et_copy_index.tensor(Tensor(a!) copy_to, Tensor copy_from, SymInt index) -> ()', 'inplace', {
      inferMeta: () => [],
      evaluate: copyIndex,
    }),
  ];
}
