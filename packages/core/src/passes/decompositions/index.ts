/**
 * The decompositions core applies before emitting for ExecuTorch's portable kernels.
 */

import { decomposeSilu } from './activations.js';
import { decomposeScaledDotProductAttention } from './attention.js';
import type { DecompositionTable } from './decomposition.js';
import { decomposeLinear } from './linear.js';

export function portableDecompositions(): DecompositionTable {
  return new Map([
    ['aten::linear', decomposeLinear],
    ['aten::scaled_dot_product_attention', decomposeScaledDotProductAttention],
    ['aten::silu', decomposeSilu],
  ]);
}

export * from './decomposition.js';
