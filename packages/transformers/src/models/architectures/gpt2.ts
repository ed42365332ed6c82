/**
 * GPT-2: learned position embeddings, LayerNorms with bias, Conv1D weights stored [in, out]
 * (`c_attn` fused as [q; k; v]), a plain MLP with `gelu_new`, no rotary, tied output.
 */

import { booleanValue, integerValue, numberValue, stringValue, unsupported } from '../config-values.js';
import type { DecoderSpec, LayerSpec } from '../decoder-spec.js';
import { activationFromName } from './llama-like.js';

export function gpt2Spec(config: Readonly<Record<string, unknown>>): DecoderSpec {
  if (booleanValue(config, 'scale_attn_by_inverse_layer_idx', false)) {
    unsupported('scale_attn_by_inverse_layer_idx', 'per-layer attention scaling is not supported');
  }
  const hiddenSize = integerValue(config, 'n_embd');
  const numHeads = integerValue(config, 'n_head');
  const headDim = hiddenSize / numHeads;
  const activation = activationFromName(stringValue(config, 'activation_function', 'gelu_new'), 'activation_function');
  const layers = Array.from({ length: integerValue(config, 'n_layer') }, (_, index): LayerSpec => {
    const prefix = `transformer.h.${index}`;
    return {
      attentionNorm: `${prefix}.ln_1`,
      feedForwardNorm: `${prefix}.ln_2`,
      queryKeyValue: { kind: 'concatenated', projection: { name: `${prefix}.attn.c_attn`, transposed: true } },
      output: { name: `${prefix}.attn.c_proj`, transposed: true },
      slidingWindow: null,
      feedForward: {
        kind: 'plain',
        up: { name: `${prefix}.mlp.c_fc`, transposed: true },
        down: { name: `${prefix}.mlp.c_proj`, transposed: true },
        activation,
      },
    };
  });
  return {
    modelType: 'gpt2',
    vocabSize: integerValue(config, 'vocab_size'),
    hiddenSize,
    numHeads,
    numKeyValueHeads: numHeads,
    headDim,
    tokenEmbedding: 'transformer.wte.weight',
    embeddingMultiplier: null,
    positionEmbedding: 'transformer.wpe.weight',
    rotary: null,
    norm: { kind: 'layer', eps: numberValue(config, 'layer_norm_epsilon', 1e-5), weight: true, bias: true },
    residual: 'sequential',
    layers,
    finalNorm: 'transformer.ln_f',
    languageModelHead: booleanValue(config, 'tie_word_embeddings', true) ? 'transformer.wte.weight' : 'lm_head.weight',
    attentionScale: booleanValue(config, 'scale_attn_weights', true) ? 1 / Math.sqrt(headDim) : 1,
    attentionSoftcap: null,
    finalLogitSoftcap: null,
    clipQueryKeyValue: null,
  };
}
