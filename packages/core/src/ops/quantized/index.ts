/**
 * The `quantized_decomposed::` operators: affine quantize/dequantize per tensor, channel, token
 * and group, choosing quantization parameters, quantized embedding lookups and int8-weight matrix
 * products. Functional forms follow PyTorch, `.out` forms ExecuTorch's quantized kernel library
 * (see `reference-family.ts`).
 */

import type { OperatorDefinition } from '../definition.js';
import { chooseQParamsOperators } from './choose-qparams.js';
import { mixedMatmulOperators } from './mixed-matmul.js';
import { perChannelGroupOperators } from './quantize-per-channel-group.js';
import { perChannelOperators } from './quantize-per-channel.js';
import { perTensorOperators } from './quantize-per-tensor.js';
import { perTokenOperators } from './quantize-per-token.js';
import { quantizedEmbeddingOperators } from './quantized-embedding.js';

/** Every `quantized_decomposed::` operator. */
export function quantizedOperators(): OperatorDefinition[] {
  return [
    ...perTensorOperators(),
    ...perChannelOperators(),
    ...perTokenOperators(),
    ...perChannelGroupOperators(),
    ...chooseQParamsOperators(),
    ...quantizedEmbeddingOperators(),
    ...mixedMatmulOperators(),
  ];
}
