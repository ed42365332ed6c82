/**
 * The `dim_order_ops::` operators ExecuTorch's edge dialect uses for copies and dtype conversions
 * when it tracks dim orders (`_to_dim_order_copy`, `_clone_dim_order`).
 */

import type { OperatorDefinition } from '../definition.js';
import { dimOrderCopyOperators } from './dim-order-copy.js';

/** Every `dim_order_ops::` operator. */
export function dimOrderOperators(): OperatorDefinition[] {
  return dimOrderCopyOperators();
}
