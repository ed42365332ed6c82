/**
 * The `executorch_prim::` operators: scalar arithmetic, comparisons and conversions on symbolic
 * values, and the two tensor prim ops ExecuTorch's emitter inserts (`et_view`, `et_copy_index`).
 * The `aten::` scalar ops ExecuTorch also implements as prims (`sym_size.int`, `sym_numel`,
 * `_local_scalar_dense`) live in `../aten/symbolic.ts` with the other `aten::` ops.
 */

import type { OperatorDefinition } from '../definition.js';
import { copyIndexOperators } from './et-copy-index.js';
import { viewOperators } from './et-view.js';
import { scalarArithmeticOperators } from './scalar-arithmetic.js';
import { scalarConversionOperators } from './scalar-conversion.js';
import { scalarLogicOperators } from './scalar-logic.js';

/** Every `executorch_prim::` operator. */
export function primOperators(): OperatorDefinition[] {
  return [
    ...scalarArithmeticOperators(),
    ...scalarLogicOperators(),
    ...scalarConversionOperators(),
    ...viewOperators(),
    ...copyIndexOperators(),
  ];
}
