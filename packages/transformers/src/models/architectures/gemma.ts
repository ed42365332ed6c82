/** Gemma: embeddings × sqrt(hidden_size), RMSNorm scaling by (1 + w), GeGLU with `hidden_act`, tied output. */

import { integerValue, numberValue, stringValue } from '../config-values.js';
import type { DecoderSpec } from '../decoder-spec.js';
import { activationFromName, llamaLikeSpec } from './llama-like.js';

export function gemmaSpec(config: Readonly<Record<string, unknown>>): DecoderSpec {
  return llamaLikeSpec('gemma', config, {
    norm: { kind: 'rms', eps: numberValue(config, 'rms_norm_eps', 1e-6), unitOffset: true },
    embeddingMultiplier: Math.sqrt(integerValue(config, 'hidden_size')),
    activation: activationFromName(stringValue(config, 'hidden_act', 'gelu_pytorch_tanh'), 'hidden_act'),
    tiedByDefault: true,
  });
}
