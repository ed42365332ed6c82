/**
 * Gemma 2: Gemma plus norms after attention and around the feed-forward block, attention scores
 * scaled by `query_pre_attn_scalar`^-0.5 and soft-capped, final logits soft-capped, and sliding
 * windows on the layers `layer_types` names (by default every other layer, starting with the first).
 */

import { integerValue, numberValue, optionalNumber, stringList, stringValue } from '../config-values.js';
import type { DecoderSpec } from '../decoder-spec.js';
import { activationFromName, llamaLikeSpec, slidingWindows } from './llama-like.js';

export function gemma2Spec(config: Readonly<Record<string, unknown>>): DecoderSpec {
  const numLayers = integerValue(config, 'num_hidden_layers');
  const layerTypes = stringList(config, 'layer_types') ?? Array.from({ length: numLayers }, (_, i) => ((i + 1) % 2 ? 'sliding_attention' : 'full_attention'));
  const windows = slidingWindows(config, numLayers, layerTypes);
  return llamaLikeSpec('gemma2', config, {
    norm: { kind: 'rms', eps: numberValue(config, 'rms_norm_eps', 1e-6), unitOffset: true },
    embeddingMultiplier: Math.sqrt(integerValue(config, 'hidden_size')),
    activation: activationFromName(stringValue(config, 'hidden_activation', 'gelu_pytorch_tanh'), 'hidden_activation'),
    tiedByDefault: true,
    attentionScale: 1 / Math.sqrt(numberValue(config, 'query_pre_attn_scalar', 256)),
    attentionSoftcap: optionalNumber(config, 'attn_logit_softcapping'),
    finalLogitSoftcap: optionalNumber(config, 'final_logit_softcapping'),
    layer: (index, base) => {
      const prefix = `model.layers.${index}`;
      return {
        ...base,
        slidingWindow: windows[index]!,
        postAttentionNorm: `${prefix}.post_attention_layernorm`,
        feedForwardNorm: `${prefix}.pre_feedforward_layernorm`,
        postFeedForwardNorm: `${prefix}.post_feedforward_layernorm`,
      };
    },
  });
}
