/**
 * Activations the portable library lacks: `silu(x) = x · sigmoid(x)`.
 */

import { type Decomposition, valueArg } from './decomposition.js';

export const decomposeSilu: Decomposition = (b, node) => {
  const x = valueArg(node, 0);
  return [b.op('aten::mul.Tensor', x, b.op('aten::sigmoid', x))];
};
