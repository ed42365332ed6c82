/**
 * GPT-NeoX (Pythia): q/k/v fused per head in `query_key_value`, partial rotary (`rotary_pct`),
 * LayerNorms with bias, a plain GELU MLP, and by default the parallel residual
 * `x + attn(ln1(x)) + mlp(ln2(x))`.
 */

import { booleanValue, integerValue, numberValue, stringValue } from '../config-values.js';
import type { DecoderSpec, LayerSpec } from '../decoder-spec.js';
import { rotaryFromConfig } from '../rotary-config.js';
import { activationFromName, attentionGeometry } from './llama-like.js';

export function gptNeoxSpec(config: Readonly<Record<string, unknown>>): DecoderSpec {
  const geometry = attentionGeometry({ ...config, num_key_value_heads: null, head_dim: null });
  const activation = activationFromName(stringValue(config, 'hidden_act', 'gelu'), 'hidden_act');
  const layers = Array.from({ length: integerValue(config, 'num_hidden_layers') }, (_, index): LayerSpec => {
    const prefix = `gpt_neox.layers.${index}`;
    return {
      attentionNorm: `${prefix}.input_layernorm`,
      feedForwardNorm: `${prefix}.post_attention_layernorm`,
      queryKeyValue: { kind: 'per-head', projection: { name: `${prefix}.attention.query_key_value` } },
      output: { name: `${prefix}.attention.dense` },
      slidingWindow: null,
      feedForward: {
        kind: 'plain',
        up: { name: `${prefix}.mlp.dense_h_to_4h` },
        down: { name: `${prefix}.mlp.dense_4h_to_h` },
        activation,
      },
    };
  });
  return {
    modelType: 'gpt_neox',
    vocabSize: integerValue(config, 'vocab_size'),
    ...geometry,
    tokenEmbedding: 'gpt_neox.embed_in.weight',
    embeddingMultiplier: null,
    positionEmbedding: null,
    rotary: rotaryFromConfig(config, geometry.headDim, { thetaKey: 'rotary_emb_base', partialRotaryFactorKey: 'rotary_pct', partialRotaryFactor: 0.25 }),
    norm: { kind: 'layer', eps: numberValue(config, 'layer_norm_eps', 1e-5), weight: true, bias: true },
    residual: booleanValue(config, 'use_parallel_residual', true) ? 'parallel' : 'sequential',
    layers,
    finalNorm: 'gpt_neox.final_layer_norm',
    languageModelHead: booleanValue(config, 'tie_word_embeddings', false) ? 'gpt_neox.embed_in.weight' : 'embed_out.weight',
    attentionScale: 1 / Math.sqrt(geometry.headDim),
    attentionSoftcap: null,
    finalLogitSoftcap: null,
    clipQueryKeyValue: null,
  };
}
