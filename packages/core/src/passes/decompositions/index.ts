/**
 * The decompositions core applies before emitting for ExecuTorch's portable kernels.
 */

import { decomposeSilu } from './activations.js';
import { decomposeScaledDotProductAttention } from './attention.js';
import type { DecompositionTable } from './decomposition.js';
import { decomposeLinear } from './linear.js';
import { decomposeMatmul } from './matmul.js';
import { decomposeLayerNorm, decomposeLogSoftmax, decomposeSoftmax } from './normalization.js';

export function portableDecompositions(): DecompositionTable {
  return new Map([
    ['aten::layer_norm', decomposeLayerNorm],
    ['aten::linear', decomposeLinear],
    ['aten::log_softmax.int', decomposeLogSoftmax],
    ['aten::matmul', decomposeMatmul],
    ['aten::scaled_dot_product_attention', decomposeScaledDotProductAttention],
    ['aten::silu', decomposeSilu],
    ['aten::softmax.int', decomposeSoftmax],
  ]);
}

export * from './decomposition.js';
